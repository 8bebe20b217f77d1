package report

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	eng "github.com/attest-dev/attest/engagement"
)

// DC9 lists, beside the changes management recorded, the controls put in
// place, changed or retired during the period as the ledger dates them,
// marked for management to confirm; a Type 1 has no DC9.
func TestDC9FromTheLedger(t *testing.T) {
	in := input(t, attest.SOC2, attest.Type2)
	in.History = map[string][]eng.ControlEvent{
		"CHG-02": {{Control: "CHG-02", What: eng.Recorded, Date: "2025-12-20"},
			{Control: "CHG-02", What: eng.Implemented, Date: "2026-07-14", Detail: "marked implemented (was in progress)"}},
		"AC-06": {{Control: "AC-06", What: eng.Recorded, Date: "2025-12-20"},
			{Control: "AC-06", What: eng.Retired, Date: "2026-09-02", Detail: "retired: marked not applicable (replaced by AC-07)"}},
		"AC-01": {{Control: "AC-01", What: eng.Recorded, Date: "2025-12-20"},
			{Control: "AC-01", What: eng.Changed, Date: "2027-03-01", Detail: "changed its description"}},
	}
	doc, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var dc9 *Block
	for _, s := range doc.Sections {
		for i := range s.Blocks {
			if s.Blocks[i].ID == "dc9" {
				dc9 = &s.Blocks[i]
			}
		}
	}
	if dc9 == nil || dc9.Table == nil {
		t.Fatalf("no DC9 table: %+v", dc9)
	}
	var rows []string
	for _, r := range dc9.Table.Rows {
		rows = append(rows, strings.Join(r, " | "))
	}
	all := strings.Join(rows, "\n")
	for _, want := range []string{
		"2026-07-01 | Moved the databases to managed PostgreSQL",
		"2026-07-14 | CHG-02 (", "marked implemented (was in progress) [to confirm]",
		"2026-09-02 | AC-06 (", "retired: marked not applicable (replaced by AC-07) [to confirm]",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("DC9 lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "2027-03-01") {
		t.Errorf("a change after the period is in DC9:\n%s", all)
	}
	if !strings.Contains(dc9.Note, "Management confirms each") {
		t.Errorf("DC9 note %q", dc9.Note)
	}
	t1 := input(t, attest.SOC2, attest.Type1)
	t1.History = in.History
	if doc, _ := Build(t1); strings.Contains(text(doc), "Significant changes during the period") {
		t.Error("a Type 1 description has DC9")
	}
}
