package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

// sectionText is one section of a document as Markdown.
func sectionText(t *testing.T, d *Document, id string) string {
	t.Helper()
	for _, s := range d.Sections {
		if s.ID == id {
			return text(&Document{Sections: []Section{s}})
		}
	}
	t.Fatalf("no %s in %s", id, d.Title)
	return ""
}

func build(t *testing.T, in Input) *Document {
	t.Helper()
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each kind and type gets its own assertion, naming the criteria it is
// made against; a Type 1 speaks of design only.
func TestAssertionPerKindAndType(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       attest.Kind
		typ        attest.ReportType
		want, not  []string
		notPattern string
	}{
		{"SOC 2 Type 2", attest.SOC2, attest.Type2,
			[]string{"DC section 200", "implementation guidance revised in 2022", "TSP section 100", "points of focus revised in 2022", "suitably designed throughout the period January 1, 2026 to December 31, 2026", "would be achieved based on the applicable trust services criteria if the controls operated effectively", "operated effectively throughout the period January 1, 2026 to December 31, 2026 to provide reasonable assurance that Harbor Payroll, Inc.'s service commitments and system requirements were achieved"},
			[]string{"fairly presents"}, ""},
		{"SOC 2 Type 1", attest.SOC2, attest.Type1,
			[]string{"DC section 200", "TSP section 100", "as designed and implemented as of September 30, 2026", "suitably designed as of September 30, 2026", "would be achieved based on the applicable trust services criteria if the controls operated effectively"},
			[]string{"operated effectively throughout", "designed and operated", "throughout the period"}, `\bwere achieved\b`},
		{"SOC 1 Type 2", attest.SOC1, attest.Type2,
			[]string{"AT-C section 320", "risks that threaten the achievement of the control objectives", "competence and authority", "changes to the system during the period", "suitably designed and operated effectively throughout the period January 1, 2026 to December 31, 2026 to achieve those control objectives, if the subservice organization and user entities applied the complementary controls", "financial statements"},
			[]string{"trust services criteria", "DC section 200"}, `objectives, and if`},
		{"SOC 1 Type 1", attest.SOC1, attest.Type1,
			[]string{"AT-C section 320", "risks that threaten", "suitably designed as of September 30, 2026 to provide reasonable assurance that those control objectives would be achieved if the controls operated effectively"},
			[]string{"competence and authority", "operated effectively as of", "changes to the system during the period", "throughout"}, `\bwere achieved\b`},
		{"SOC 3", attest.SOC3, "",
			[]string{"TSP section 100", "boundaries of the system", "were effective throughout the period January 1, 2026 to December 31, 2026 to provide reasonable assurance that Harbor Payroll, Inc.'s service commitments and system requirements were achieved", "leave out Amazon Web Services"},
			[]string{"DC section 200", "DC 200", "sufficient knowledge", "understand Harbor Payroll Platform well enough", "fairly presents", "complementary subservice organization controls", "Section 3 lists"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t, tc.kind, tc.typ)
			if tc.kind == attest.SOC3 {
				in.Engagement = engagement(attest.SOC2, attest.Type2)
			}
			got := strings.Join(strings.Fields(sectionText(t, build(t, in), "section-2")), " ")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("assertion lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("assertion says %q", w)
				}
			}
			if tc.notPattern != "" && regexp.MustCompile(tc.notPattern).MatchString(got) {
				t.Errorf("assertion matches %s", tc.notPattern)
			}
		})
	}
}

// A SOC 3's Section 3 describes the boundaries and commitments: no
// complementary control lists that its assertion would point to.
func TestSOC3Boundaries(t *testing.T) {
	in := input(t, attest.SOC3, "")
	in.Engagement = engagement(attest.SOC2, attest.Type2)
	s3 := sectionText(t, build(t, in), "section-3")
	for _, w := range []string{"System boundaries", "Principal service commitments", "Amazon Web Services"} {
		if !strings.Contains(s3, w) {
			t.Errorf("SOC 3 section 3 lacks %q", w)
		}
	}
	for _, w := range []string{"Complementary subservice organization controls", "Complementary user entity controls", "Physical access to data centers"} {
		if strings.Contains(s3, w) {
			t.Errorf("SOC 3 section 3 has %q", w)
		}
	}
}

// cleanInput is an engagement with nothing to discuss: every control in
// place, no exception, no disclosed incident, no known deviation.
func cleanInput(t *testing.T, kind attest.Kind, typ attest.ReportType) Input {
	in := input(t, kind, typ)
	in.Responses = nil
	for i := range in.Tests {
		in.Tests[i].Conclusion, in.Tests[i].Wording = attest.ConclusionNoExceptions, "No exceptions noted."
	}
	in.Description.Incidents.Items = in.Description.Incidents.Items[1:]
	return in
}

func TestAssertionMattersPlaceholder(t *testing.T) {
	for _, kt := range [][2]string{{"SOC 2", "Type 2"}, {"SOC 1", "Type 1"}} {
		in := cleanInput(t, attest.Kind(kt[0]), attest.ReportType(kt[1]))
		if s2 := sectionText(t, build(t, in), "section-2"); strings.Contains(s2, "Matters to discuss") {
			t.Errorf("%s: a placeholder with nothing to discuss:\n%s", kt, s2)
		}
	}
	// The auditor's exception, a disclosed incident, known deviations and
	// a criterion with no control in place each appear, occurrences
	// grouped per control.
	in := input(t, attest.SOC2, attest.Type2)
	in.Known = []Matter{
		{Kind: MatterMissed, Date: "2026-03-31", Control: "AC-06", Text: "no evidence for the occurrence from 2026-01-01 to 2026-03-31, due 2026-03-31"},
		{Kind: MatterMissed, Date: "2026-06-30", Control: "AC-06", Text: "no evidence for the occurrence from 2026-04-01 to 2026-06-30, due 2026-06-30"},
		{Kind: MatterCheck, Date: "2026-11-02", Control: "AC-02", Text: "check aws-mfa (MFA on console users) found 1 resource not meeting it in the run of 2026-11-02 (AC-02)"},
	}
	for i := range in.Controls {
		if mapsTo(in.Controls[i], "A1.3") {
			in.Controls[i].Status = attest.InProgress
		}
	}
	s2 := sectionText(t, build(t, in), "section-2")
	for _, w := range []string{"Matters to discuss with the service auditor", "not part of the assertion", "modified assertion",
		"for 2 of 25 items selected, the approval was recorded after the change was deployed",
		"2026-05-14: incident: A configuration change delayed direct deposits",
		"AC-06: 2 missed occurrences (due 2026-03-31, 2026-06-30).",
		"Check aws-mfa (MFA on console users) found 1 resource not meeting it",
		"A1.3: no control addressing this criterion is in place"} {
		if !strings.Contains(s2, w) {
			t.Errorf("placeholder lacks %q:\n%s", w, s2)
		}
	}
	if strings.Contains(s2, "readiness") || strings.Contains(s2, "score") {
		t.Error("the placeholder leans on a readiness score")
	}
}

// Section 4 restates each criterion neutrally: none of the catalog's
// guidance for the user (typical evidence, what auditors look at).
func TestSection4HasNoTips(t *testing.T) {
	in := input(t, attest.SOC2, attest.Type2)
	in.Engagement.Categories = []string{attest.Security, attest.Availability, attest.Confidentiality, attest.ProcessingIntegrity, attest.Privacy}
	s4 := sectionText(t, build(t, in), "section-4")
	tips := regexp.MustCompile(`(?i)typical evidence|evidence (includes|is usually)|usual evidence|auditors? (look|typically)|an auditor`)
	if m := tips.FindString(s4); m != "" {
		t.Errorf("section 4 gives the user tips: %q", m)
	}
	cat := catalog.MustLoad()
	for _, id := range []string{"CC1.4", "A1.2", "PI1.4", "P8.1"} {
		if !strings.Contains(s4, cat.Criterion(id).Statement) {
			t.Errorf("section 4 lacks %s's statement", id)
		}
	}
}

func TestDC4DatedPerType(t *testing.T) {
	t1 := sectionText(t, build(t, input(t, attest.SOC2, attest.Type1)), "section-3")
	if !strings.Contains(t1, "Up to September 30, 2026, the date of this description, the following incidents") {
		t.Errorf("Type 1 DC4 is not dated at the description's date:\n%s", t1)
	}
	t2 := sectionText(t, build(t, input(t, attest.SOC2, attest.Type2)), "section-3")
	if !strings.Contains(t2, "During the period January 1, 2026 to December 31, 2026, the following incidents") {
		t.Error("Type 2 DC4 is not dated over the period")
	}
	for _, s := range []string{t1, t2} {
		if strings.Contains(s, "report date") {
			t.Error("DC4 speaks of the report date")
		}
	}
	// Only incidents of the period are counted, in words that agree with
	// the number.
	in := input(t, attest.SOC2, attest.Type2)
	in.Description.Incidents.Items = in.Description.Incidents.Items[1:]
	in.Description.Incidents.Items = append(in.Description.Incidents.Items, Incident{Date: "2025-12-01", Summary: "Before the period."})
	if s := sectionText(t, build(t, in), "section-3"); !strings.Contains(s, "management considered 1 incident;") {
		t.Errorf("DC4 count: %s", s)
	}
}

func TestDC8ListsExclusionsOrNone(t *testing.T) {
	in := input(t, attest.SOC2, attest.Type2)
	s := sectionText(t, build(t, in), "section-3")
	dc8 := s[strings.Index(s, "Criteria not relevant"):]
	if !strings.Contains(dc8, "| C1.2 | The system keeps no customer data") || strings.Contains(dc8[:strings.Index(dc8, "###")+1], "None.") {
		t.Errorf("DC8 with an exclusion:\n%.400s", dc8)
	}
	in.Exclusions = nil
	s = sectionText(t, build(t, in), "section-3")
	if !strings.Contains(s, "None. Every criterion of the categories in scope applies to the system.") || strings.Contains(s, "exclusions") {
		t.Errorf("DC8 without exclusions:\n%s", s)
	}
}

func TestNamesAndPlurals(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{endSentence("Harbor Payroll, Inc."), "Harbor Payroll, Inc."},
		{endSentence("Harbor Payroll Ltd"), "Harbor Payroll Ltd."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, kt := range [][2]string{{"SOC 2", "Type 2"}, {"SOC 1", "Type 1"}, {"SOC 3", ""}} {
		in := input(t, attest.Kind(kt[0]), attest.ReportType(kt[1]))
		if kt[0] == "SOC 3" {
			in.Engagement = engagement(attest.SOC2, attest.Type2)
		}
		md := text(build(t, in))
		if strings.Contains(md, "Inc..") || regexp.MustCompile(`\b1 [a-z]+s\b|\(s\)`).MatchString(md) {
			t.Errorf("%s: a doubled full stop or a wrong plural: %v", kt, regexp.MustCompile(`.{30}(Inc\.\.|\b1 [a-z]+s\b|\(s\)).{10}`).FindAllString(md, 3))
		}
	}
}
