package report

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
)

// issuedDoc is the record `attest report issued add` keeps: the report
// issued for the period before the engagement under way.
func issuedDoc(id int64, kind, typ, period string) attest.Document {
	return attest.Document{ID: id, Kind: attest.DocIssued, Name: "harbor-" + Slug(kind, typ, period) + ".pdf",
		Meta: map[string]string{"kind": kind, "type": typ, "period": period, "firm": "Example & Partners CPAs LLP"}}
}

func TestLatestIssued(t *testing.T) {
	docs := []attest.Document{
		issuedDoc(1, "SOC 2", "Type 2", "2024-01-01..2024-12-31"),
		issuedDoc(2, "SOC 2", "Type 2", "2025-01-01..2025-12-31"),
		issuedDoc(3, "SOC 3", "", "2025-01-01..2025-12-31"),
		issuedDoc(4, "SOC 2", "Type 1", "2023-06-30"),
	}
	r, err := LatestIssued(docs, attest.SOC2)
	if err != nil || r.Document != 2 || r.Start != "2025-01-01" || r.End != "2025-12-31" || r.Type != attest.Type2 || r.Firm != "Example & Partners CPAs LLP" {
		t.Errorf("latest SOC 2: %+v %v", r, err)
	}
	if r, err := LatestIssued(docs, attest.SOC3); err != nil || r.Document != 3 {
		t.Errorf("latest SOC 3: %+v %v", r, err)
	}
	_, err = LatestIssued(docs, attest.SOC1)
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.Code != attest.EINVALID || !strings.Contains(ae.Message, "no issued SOC 1 report") || !strings.Contains(ae.Hint, "keep that report first") {
		t.Errorf("no SOC 1 on file: %#v", err)
	}
	bad := append(docs, issuedDoc(5, "SOC 2", "Type 2", "last year"))
	if _, err := LatestIssued(bad, attest.SOC2); err == nil || !strings.Contains(err.Error(), "document 5") || !strings.Contains(err.Error(), "period") {
		t.Errorf("unreadable period: %v", err)
	}
}

// bridgeInput follows the report issued for 2026 while the 2027
// engagement is under way; today is February 10, 2027.
func bridgeInput(t *testing.T) BridgeInput {
	e := engagement(attest.SOC2, attest.Type2)
	e.PeriodStart, e.PeriodEnd = "2027-01-01", "2027-12-31"
	issued, err := IssuedFrom(issuedDoc(7, "SOC 2", "Type 2", "2026-01-01..2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	return BridgeInput{Engagement: e, Description: desc(t), Issued: issued, Through: time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC), Now: clock}
}

func TestBridgeLetterNamesTheIssuedReport(t *testing.T) {
	in := bridgeInput(t)
	in.ConfirmedNone = true
	doc, warn, err := BridgeLetter(in)
	if err != nil || len(warn) != 0 {
		t.Fatalf("%v %v", warn, err)
	}
	md := text(doc)
	for _, want := range []string{
		"SOC 2 Type 2 report on Harbor Payroll Platform for the period January 1, 2026 to December 31, 2026, issued by Example & Partners CPAs LLP (harbor-soc-2-type-2-2026-01-01-2026-12-31.pdf)",
		"January 1, 2027 to February 10, 2027", "There were no significant changes", "There were no incidents",
		"We expect the next SOC 2 Type 2 report, for the period January 1, 2027 to December 31, 2027, around February 2028",
		"Customers approve the people", "It is not a SOC report", "has not been involved", DraftNotice} {
		if !strings.Contains(md, want) {
			t.Errorf("bridge letter lacks %q", want)
		}
	}
	if strings.Contains(md, "Inc..") || strings.Contains(md, "To confirm") {
		t.Error("a doubled full stop, or a placeholder though management confirmed none")
	}
}

// Nothing is stated as none until management confirms it, and what the
// data holds is listed for management to confirm.
func TestBridgeLetterListsMattersAndNeverPrefillsNone(t *testing.T) {
	in := bridgeInput(t)
	doc, warn, err := BridgeLetter(in)
	if err != nil {
		t.Fatal(err)
	}
	md := text(doc)
	if n := strings.Count(md, "[To confirm: Attest holds nothing of this kind"); n != 3 {
		t.Errorf("%d placeholders, want one per kind of matter:\n%s", n, md)
	}
	for _, line := range strings.Split(md, "\n") {
		if (strings.Contains(line, "no significant changes") || strings.Contains(line, "no instance") || strings.Contains(line, "no incidents")) && !strings.HasPrefix(line, "[To confirm") {
			t.Errorf("none stated without confirmation: %s", line)
		}
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "confirm that there is none") {
		t.Errorf("warnings %v", warn)
	}
	in.Matters = []Matter{
		{Kind: MatterChange, Date: "2027-01-20", Text: "Moved the tax-rate service to a new provider."},
		{Kind: MatterMissed, Date: "2027-01-31", Control: "OPS-07", Text: "no evidence for the occurrence from 2027-01-01 to 2027-01-31, due 2027-01-31"},
		{Kind: MatterException, Date: "2027-02-01", Control: "CHG-02", Text: "the service auditor recorded an exception (test 1): Exception noted."},
		{Kind: MatterIncident, Date: "2027-02-03", Text: "Payments were delayed by a day."},
		{Kind: MatterOther, Text: "A new data center region was added."},
	}
	doc, warn, err = BridgeLetter(in)
	if err != nil {
		t.Fatal(err)
	}
	md = text(doc)
	for _, want := range []string{"Nothing here is confirmed yet", "2027-01-20: Moved the tax-rate service", "OPS-07: no evidence for the occurrence", "CHG-02: the service auditor recorded an exception",
		"2027-02-03: incident: Payments were delayed", "A new data center region was added.", "### Other matters"} {
		if !strings.Contains(md, want) {
			t.Errorf("bridge letter lacks %q", want)
		}
	}
	if strings.Contains(md, "There were no") || strings.Contains(md, "apart from them") {
		t.Error("none stated beside matters found")
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "5 matters") {
		t.Errorf("warnings %v", warn)
	}
	in.ConfirmedNone = true
	if _, _, err := BridgeLetter(in); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "5 matters were found") {
		t.Errorf("--confirm-none beside matters: %v", err)
	}
}

func TestBridgeLetterRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(*BridgeInput)
	}{
		{"through inside the issued period", "is not after 2026-12-31", func(in *BridgeInput) { in.Through = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }},
		{"through on the period end", "is not after 2026-12-31", func(in *BridgeInput) { in.Through = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) }},
		{"through still to come", "after today", func(in *BridgeInput) { in.Through = time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC) }},
		{"no issued period", "not a date", func(in *BridgeInput) { in.Issued = Issued{File: "x.pdf"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := bridgeInput(t)
			tc.edit(&in)
			if _, _, err := BridgeLetter(in); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	// The letter customers need now runs from the issued report's end to
	// today, months into the next period: drafted, with a warning.
	in := bridgeInput(t)
	in.Issued.Start, in.Issued.End = "2025-07-01", "2026-06-30"
	in.ConfirmedNone = true
	doc, warn, err := BridgeLetter(in)
	if err != nil || len(warn) != 1 || warn[0] != BridgeWarning || !strings.Contains(text(doc), "July 1, 2026 to February 10, 2027") {
		t.Errorf("a long letter: %v %v", warn, err)
	}
}

func TestSummarizeGroupsOccurrences(t *testing.T) {
	got := []Matter{
		{Kind: MatterMissed, Date: "2027-01-31", Control: "AC-06", Text: "no evidence"},
		{Kind: MatterLate, Date: "2027-01-06", Control: "AC-06", Text: "the occurrence of 2027-01-05, due 2027-01-06, was performed late (evidence from 2027-01-20)"},
	}
	lines := summarize(append(got, Matter{Kind: MatterMissed, Date: "2027-02-05", Control: "AC-06", Text: "x"}))
	if len(lines) != 2 || lines[0] != "AC-06: 2 missed occurrences (due 2027-01-31, 2027-02-05)." {
		t.Errorf("summary %q", lines)
	}
}

// KnownDeviations reads a real store: the occurrences of implemented
// controls only, and the failures of this engagement's controls only.
func TestKnownDeviationsFromAStore(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Create(ctx, filepath.Join(t.TempDir(), "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch := attest.Change{Actor: "Priya", At: clock}
	e := storetest.Engagement("e1") // 2026, quarterly controls AX-01 and BX-01, not started
	if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	implemented := attest.Implemented
	if _, err := s.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Status: &implemented}); err != nil {
		t.Fatal(err)
	}
	run := &check.Run{RunAt: "2026-06-01T07:00:00Z", Results: []check.Result{
		{Check: "mfa", Title: "MFA", Status: check.StatusFail, Controls: []string{"BX-01"}, Failing: make([]check.Finding, 2)},
		{Check: "other", Title: "Another engagement's check", Status: check.StatusFail, Controls: []string{"ZZ-99"}, Failing: make([]check.Finding, 1)},
	}}
	when := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	got, err := KnownDeviations(ctx, s, e, deviation.Inputs{Run: run}, ExaminationSpan(e, when))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Check mfa (MFA) found 2 resources not meeting it in the run of 2026-06-01 (BX-01).",
		"AX-01: 2 missed occurrences (due 2026-04-30, 2026-07-30).",
	}
	if lines := summarize(got); strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", lines, want)
	}
}
