package catalog

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// readIDs reads the first column of a TSV fact file in testdata (copies of
// public lists, see testdata/README.md), skipping the header.
func readIDs(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatalf("open fact file: %v", err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first || sc.Text() == "" {
			continue
		}
		ids = append(ids, strings.SplitN(sc.Text(), "\t", 2)[0])
	}
	return ids
}

func set(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func TestCriteriaAreExactlyThe61(t *testing.T) {
	c := MustLoad()
	want := readIDs(t, "tsc-2017.tsv")
	if len(want) != 61 {
		t.Fatalf("testdata/tsc-2017.tsv has %d IDs, want 61", len(want))
	}
	if len(c.Criteria) != len(want) {
		t.Fatalf("catalog has %d criteria, want %d", len(c.Criteria), len(want))
	}
	counts := map[string]int{}
	for i, cr := range c.Criteria {
		if cr.ID != want[i] {
			t.Errorf("criterion %d: got %s, want %s", i, cr.ID, want[i])
		}
		counts[cr.Category]++
		n := sentences(cr.Description)
		if n < 2 || n > 4 {
			t.Errorf("%s: description has %d sentences, want 2-4: %q", cr.ID, n, cr.Description)
		}
		if cr.PointsOfFocus <= 0 || cr.Series == "" || cr.COSOPrinciple == "" {
			t.Errorf("%s: missing facts: %+v", cr.ID, cr)
		}
	}
	wantCounts := map[string]int{attest.Security: 33, attest.Availability: 3, attest.Confidentiality: 2, attest.ProcessingIntegrity: 5, attest.Privacy: 18}
	for cat, n := range wantCounts {
		if counts[cat] != n {
			t.Errorf("%s: %d criteria, want %d", cat, counts[cat], n)
		}
	}
}

func sentences(s string) int {
	return len(regexp.MustCompile(`[.!?](\s|$)`).FindAllString(strings.TrimSpace(s), -1))
}

func TestDescriptionCriteria(t *testing.T) {
	c := MustLoad()
	if len(c.DescriptionCriteria) != 9 {
		t.Fatalf("got %d description criteria, want 9", len(c.DescriptionCriteria))
	}
	for i, dc := range c.DescriptionCriteria {
		if want := "DC" + string(rune('1'+i)); dc.ID != want {
			t.Errorf("entry %d: id %s, want %s", i, dc.ID, want)
		}
		if dc.Title == "" || sentences(dc.Explanation) < 2 {
			t.Errorf("%s: title or explanation too short", dc.ID)
		}
		if dc.Type2Only != (dc.ID == "DC9") {
			t.Errorf("%s: type2_only = %v", dc.ID, dc.Type2Only)
		}
	}
}

func TestTemplates(t *testing.T) {
	c := MustLoad()
	want := []string{"itgc", "payroll", "billing", "claims", "loan_servicing", "custody", "hosting"}
	if got := c.TemplateIDs(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("templates %v, want %v", got, want)
	}
	seen := map[string]bool{}
	for _, tp := range c.Templates {
		if len(tp.Objectives) < 5 {
			t.Errorf("%s: %d objectives, want at least 5", tp.ID, len(tp.Objectives))
		}
		for _, o := range tp.Objectives {
			if seen[o.ID] {
				t.Errorf("objective %s appears twice", o.ID)
			}
			seen[o.ID] = true
			if o.Title == "" || o.Description == "" || o.Area == "" {
				t.Errorf("%s: incomplete objective", o.ID)
			}
		}
	}
	if len(c.Template("itgc").Objectives) != 10 {
		t.Errorf("itgc has %d objectives, want ITGC.1 to ITGC.10", len(c.Template("itgc").Objectives))
	}
}

func TestControlLibrary(t *testing.T) {
	c := MustLoad()
	if len(c.Controls) < 90 {
		t.Errorf("library has %d controls, want at least 90", len(c.Controls))
	}
	iso := set(readIDs(t, "frameworks/iso27001-2022-annex-a-ids.tsv"))
	csf := set(readIDs(t, "frameworks/nist-csf-2.0.tsv"))
	if len(iso) != 93 || len(csf) != 106 {
		t.Fatalf("framework ID lists: %d ISO, %d CSF IDs", len(iso), len(csf))
	}
	idPat := regexp.MustCompile(`^[A-Z]{2,4}-\d{2}$`)
	seen := map[string]bool{}
	for _, ctl := range c.Controls {
		if !idPat.MatchString(ctl.ID) || seen[ctl.ID] {
			t.Errorf("control id %q malformed or repeated", ctl.ID)
		}
		seen[ctl.ID] = true
		if ctl.Title == "" || sentences(ctl.Description) < 1 || len(ctl.Evidence) == 0 || ctl.OwnerRole == "" {
			t.Errorf("%s: incomplete control", ctl.ID)
		}
		if _, err := attest.ParseFrequency(string(ctl.Frequency)); err != nil || string(ctl.Frequency) != strings.ToLower(string(ctl.Frequency)) {
			t.Errorf("%s: frequency %q", ctl.ID, ctl.Frequency)
		}
		switch ctl.Type {
		case attest.Preventive, attest.Detective, attest.Corrective:
		default:
			t.Errorf("%s: type %q", ctl.ID, ctl.Type)
		}
		switch ctl.Nature {
		case attest.Manual, attest.Automated, attest.ITDependentManual:
		default:
			t.Errorf("%s: nature %q", ctl.ID, ctl.Nature)
		}
		if ctl.DueDays < 0 || ctl.DueDays > 120 {
			t.Errorf("%s: due_days %d", ctl.ID, ctl.DueDays)
		}
		if len(ctl.Criteria)+len(ctl.Objectives) == 0 {
			t.Errorf("%s: maps to no criterion and no objective", ctl.ID)
		}
		for _, id := range ctl.Criteria {
			if c.Criterion(id) == nil {
				t.Errorf("%s: unknown criterion %s", ctl.ID, id)
			}
		}
		for _, id := range ctl.Objectives {
			if c.Objective(id) == nil {
				t.Errorf("%s: unknown objective %s", ctl.ID, id)
			}
		}
		for _, id := range ctl.ISO27001 {
			if !iso[id] {
				t.Errorf("%s: %s is not an ISO/IEC 27001:2022 Annex A control", ctl.ID, id)
			}
		}
		for _, id := range ctl.NISTCSF {
			if !csf[id] {
				t.Errorf("%s: %s is not a NIST CSF 2.0 subcategory", ctl.ID, id)
			}
		}
	}
}

func TestEveryCriterionAndObjectiveIsCovered(t *testing.T) {
	c := MustLoad()
	covered := map[string][]string{}
	for _, ctl := range c.Controls {
		for _, id := range append(append([]string{}, ctl.Criteria...), ctl.Objectives...) {
			covered[id] = append(covered[id], ctl.ID)
		}
	}
	for _, cr := range c.Criteria {
		if len(covered[cr.ID]) == 0 {
			t.Errorf("criterion %s has no control", cr.ID)
		}
	}
	for _, o := range c.Objectives(nil) {
		if len(covered[o.ID]) == 0 {
			t.Errorf("objective %s has no control", o.ID)
		}
	}
}

// TestWording keeps words out of our content that misstate what a SOC report
// is (DOMAIN.md section 1) or that cannot be objectively evaluated.
func TestWording(t *testing.T) {
	c := MustLoad()
	banned := regexp.MustCompile(`(?i)\b(certif\w*|compliant|passed|best[- ]in[- ]class|world[- ]class|guarantee\w*|fully secure)\b`)
	check := func(where, text string) {
		if m := banned.FindString(text); m != "" {
			t.Errorf("%s: uses %q", where, m)
		}
	}
	for _, cr := range c.Criteria {
		check(cr.ID, cr.Description)
	}
	for _, dc := range c.DescriptionCriteria {
		check(dc.ID, dc.Title+" "+dc.Explanation)
	}
	for _, tp := range c.Templates {
		check(tp.ID, tp.Name+" "+tp.Description)
		for _, o := range tp.Objectives {
			check(o.ID, o.Title+" "+o.Description)
		}
	}
	for _, ctl := range c.Controls {
		check(ctl.ID, ctl.Title+" "+ctl.Description+" "+strings.Join(ctl.Evidence, " "))
	}
}

func TestLookups(t *testing.T) {
	c := MustLoad()
	if c.Criterion("cc6.1") == nil || c.Criterion("CC9.9") != nil {
		t.Error("Criterion lookup")
	}
	if c.Template("loan-servicing") == nil {
		t.Error("Template lookup should accept hyphens")
	}
	got := c.CriteriaIn([]string{attest.Availability})
	if len(got) != 3 || got[0].ID != "A1.1" {
		t.Errorf("CriteriaIn(Availability) = %v", got)
	}
}

// The library marks preventive the controls that must act before the
// event they guard (performed after it, a deviation), and not the reviews
// of what already happened or the responses after the fact (performed
// after their due date, late).
func TestPreventiveMarks(t *testing.T) {
	cat := MustLoad()
	for _, id := range []string{"CHG-01", "CHG-02", "CHG-08", "AC-03", "AC-04", "AC-07", "HR-01", "VND-02", "PAY-03", "BIL-03", "CNF-04", "PRV-08"} {
		if c := cat.Control(id); c == nil || c.Type != attest.Preventive {
			t.Errorf("%s should be preventive: %+v", id, c)
		}
	}
	for _, id := range []string{"AC-06", "OPS-07", "OPS-09", "PHY-03", "FAC-06", "CHG-10", "PAY-07", "CHG-07", "INC-03"} {
		if c := cat.Control(id); c == nil || c.Type == attest.Preventive {
			t.Errorf("%s should not be preventive (a review or a response after the fact): %+v", id, c)
		}
	}
}
