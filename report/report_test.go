package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

var clock = time.Date(2027, 2, 10, 15, 0, 0, 0, time.UTC)

func engagement(kind attest.Kind, typ attest.ReportType) *attest.Engagement {
	e := &attest.Engagement{ID: "e1", Name: "Example", Kind: kind, Type: typ, Firm: "Example & Partners CPAs LLP",
		Categories: []string{attest.Security, attest.Availability, attest.Confidentiality}}
	if kind == attest.SOC1 {
		e.Categories, e.Templates = nil, []string{"payroll"}
	}
	if typ == attest.Type1 {
		e.AsOf = "2026-09-30"
	} else {
		e.PeriodStart, e.PeriodEnd = "2026-01-01", "2026-12-31"
	}
	return e
}

func desc(t *testing.T) *Description {
	t.Helper()
	b, err := os.ReadFile("testdata/description.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDescription("testdata/description.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// input builds a small engagement: three library controls per target,
// one planned control, auditor tests with one exception (each with a
// statement that verifies: Signed) and one internal test that must never
// show.
func input(t *testing.T, kind attest.Kind, typ attest.ReportType) Input {
	t.Helper()
	cat := catalog.MustLoad()
	e := engagement(kind, typ)
	in := Input{Engagement: e, Kind: kind, Type: typ, Description: desc(t), Catalog: cat, Now: clock,
		Auditors: []attest.Auditor{{EngagementID: "e1", Name: "Ana Lima"}}, Signed: map[int64]bool{},
		Keys: []attest.AuditorKey{{EngagementID: "e1", Fingerprint: "SHA256:5nQ0mYb1rUe3", Name: "Ana Lima", Holder: "cli"}}}
	var crit, obj []string
	for _, c := range cat.CriteriaIn(e.Categories) {
		crit = append(crit, c.ID)
	}
	for _, o := range cat.Objectives(e.Templates) {
		obj = append(obj, o.ID)
	}
	for _, lc := range cat.ControlsFor(crit, obj) {
		c := attest.Control{EngagementID: "e1", ID: lc.ID, Title: lc.Title, Description: lc.Description, Status: attest.Implemented, Criteria: lc.Criteria, Objectives: lc.Objectives}
		in.Controls = append(in.Controls, c)
	}
	if kind != attest.SOC1 {
		in.Exclusions = []attest.Exclusion{{EngagementID: "e1", CriterionID: "C1.2", Reason: "The system keeps no customer data past the contract; disposal is covered by the customer."}}
	}
	for i, c := range in.Controls {
		test := attest.Test{ID: int64(i + 1), EngagementID: "e1", ControlID: c.ID, Procedures: []string{"inspection"}, Items: make([]attest.ItemResult, 25),
			Conclusion: attest.ConclusionNoExceptions, Wording: "No exceptions noted.", TestedBy: "Ana Lima"}
		if i == 3 {
			test.Conclusion, test.Wording = attest.ConclusionExceptions, "Exception noted: for 2 of 25 items selected, the approval was recorded after the change was deployed."
			in.Responses = append(in.Responses, attest.Response{TestID: test.ID, Text: "Management added a merge check that blocks deployment without a recorded approval."})
		}
		in.Tests = append(in.Tests, test)
		in.Signed[test.ID] = true
	}
	in.Tests = append(in.Tests, attest.Test{ID: 999, EngagementID: "e1", ControlID: in.Controls[0].ID, Internal: true, Procedures: []string{"inspection"},
		Conclusion: attest.ConclusionExceptions, Wording: "INTERNAL-ONLY management self-test wording", TestedBy: "Dana"})
	return in
}

func text(d *Document) string {
	var b bytes.Buffer
	Markdown(&b, d)
	return b.String()
}

func TestReportContent(t *testing.T) {
	for _, tc := range []struct {
		kind attest.Kind
		typ  attest.ReportType
	}{{attest.SOC2, attest.Type2}, {attest.SOC2, attest.Type1}, {attest.SOC1, attest.Type2}, {attest.SOC1, attest.Type1}, {attest.SOC3, ""}} {
		t.Run(string(tc.kind)+" "+string(tc.typ), func(t *testing.T) {
			in := input(t, tc.kind, tc.typ)
			if tc.kind == attest.SOC3 {
				in.Engagement = engagement(attest.SOC2, attest.Type2)
			}
			d, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			md := text(d)
			if strings.Contains(md, "INTERNAL-ONLY") {
				t.Error("management's internal test appears in the report")
			}
			if n := strings.Count(md, DraftNotice); n < len(d.Sections)+1 {
				t.Errorf("draft notice %d times for %d sections", n, len(d.Sections))
			}
			if !strings.Contains(md, "Placeholder") || regexp.MustCompile(`(?i)in our opinion`).MatchString(md) {
				t.Error("section 1 must be a placeholder, never an opinion")
			}
			type2 := tc.typ == attest.Type2 || tc.kind == attest.SOC3
			if got := strings.Contains(md, "Significant changes during the period"); got != (tc.typ == attest.Type2) {
				t.Errorf("DC9 present %v, want %v", got, type2)
			}
			if tc.kind == attest.SOC3 {
				if strings.Contains(md, "Tests performed") || len(d.Sections) != 3 {
					t.Error("a SOC 3 has no tests or section 4")
				}
				return
			}
			// Every in-scope criterion or objective appears with its controls.
			for _, tg := range in.targets() {
				if !strings.Contains(md, "### "+tg.ID+" ") {
					t.Errorf("%s missing from section 4", tg.ID)
				}
			}
			if got := strings.Contains(md, "Tests performed by the service auditor"); got != type2 {
				t.Errorf("tests column %v, want %v", got, type2)
			}
			if type2 {
				if !strings.Contains(md, "for 2 of 25 items selected, the approval was recorded after the change was deployed") {
					t.Error("the auditor's exception is not reproduced word for word")
				}
				if !strings.Contains(md, "Management added a merge check") {
					t.Error("management's response missing from section 5")
				}
			} else if strings.Contains(md, "No exceptions noted") {
				t.Error("a Type 1 shows test results")
			}
			if tc.kind == attest.SOC2 && !strings.Contains(md, "Not applicable to the system: The system keeps no customer data") {
				t.Error("excluded criterion without its reason")
			}
			if !strings.Contains(md, "### Complementary user entity controls") || !strings.Contains(md, "### User entity responsibilities") {
				t.Error("CUECs and user entity responsibilities must be two lists")
			}
		})
	}
}

func TestLintCatchesPufferyAndCertificationWords(t *testing.T) {
	in := input(t, attest.SOC2, attest.Type2)
	in.Description.Services.Text = "Example runs a best-in-class payroll platform. Our SOC 2 report shows we are fully certified. Leavers are removed under AC-04."
	in.Description.Commitments.Text = "We keep an unbreakable record. The platform passed its SOC 2 audit."
	for i := range in.Controls {
		if in.Controls[i].ID == "AC-04" {
			in.Controls[i].Status = attest.InProgress
		}
	}
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range Lint(d, in.Controls) {
		got[f.Rule]++
	}
	if got[RuleUnverifiable] < 2 || got[RuleCertification] < 2 || got[RuleNotInPlace] < 1 {
		t.Errorf("lint found %v", got)
	}
	clean := input(t, attest.SOC2, attest.Type2)
	d, _ = Build(clean)
	if l := Lint(d, clean.Controls); len(l) != 0 {
		t.Errorf("our own wording is flagged: %v", l)
	}
}

func TestDescriptionGaps(t *testing.T) {
	e := engagement(attest.SOC2, attest.Type1)
	d := desc(t)
	if g := d.Check(e, nil); len(g) != 1 || g[0].Part != "significant_changes" {
		t.Errorf("Type 1 with DC9: %v", g)
	}
	// Content and none at once: the draft would drop the none.
	both := desc(t)
	both.Incidents.None = "No incident met the test."
	both.Services.None = "not applicable"
	var said []string
	for _, g := range both.Check(engagement(attest.SOC2, attest.Type2), nil) {
		if strings.Contains(g.Detail, "also says none") {
			said = append(said, g.Part)
		}
	}
	if !slices.Equal(said, []string{"incidents", "services"}) {
		t.Errorf("content and none at once: gaps for %v, want incidents and services", said)
	}
	empty := &Description{Incidents: Incidents{None: "No incident met the test."}}
	gaps := empty.Check(engagement(attest.SOC2, attest.Type2), nil)
	parts := map[string]bool{}
	for _, g := range gaps {
		parts[g.Part] = true
	}
	for _, want := range []string{"services", "commitments", "components.data", "cuecs", "subservice_organizations", "significant_changes", "organization"} {
		if !parts[want] {
			t.Errorf("no gap for %s in %v", want, gaps)
		}
	}
	if parts["incidents"] {
		t.Error("none with a reason is an answer, not a gap")
	}
	// Refusals name the file, the line and the part, in the
	// description's terms: never Go's type names.
	for _, c := range []struct{ yaml, want string }{
		{"servics:\n  text: x\n", "d.yaml: line 1: servics is not a part of the description inputs"},
		{"services: Payroll\n", `d.yaml: line 1: want a part (text, items or none), not text ("Payroll")`},
		{"incidents:\n  items: x\n", `d.yaml: line 2: want a list, not text ("x")`},
		{"organization: [a]\n", "d.yaml: line 1: want text, not a list"},
	} {
		_, err := ParseDescription("d.yaml", []byte(c.yaml))
		if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != c.want {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "report.") {
			t.Errorf("%q: a Go type in %v", c.yaml, err)
		}
	}
}

func TestPDF(t *testing.T) {
	chrome, err := FindChrome(os.Getenv)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs Chromium: %v", err)
		}
		t.Skipf("no Chromium: %v", err)
	}
	in := input(t, attest.SOC2, attest.Type2)
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPrinter(context.Background(), chrome)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pdf, pages, err := p.PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	os.WriteFile(path, pdf, 0o644)
	// The contents' page numbers are where the outline says the sections
	// start.
	outline, err := OutlinePages(pdf, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Sections {
		if pages[s.ID] == 0 || pages[s.ID] != outline[s.ID] {
			t.Errorf("%s: contents say page %d, outline %d", s.ID, pages[s.ID], outline[s.ID])
		}
	}
	var html bytes.Buffer
	HTML(&html, d, pages)
	if !strings.Contains(html.String(), `data-for="section-4">`+itoa(pages["section-4"])+`<`) {
		t.Error("contents page number not in the HTML")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI needs poppler-utils (pdftotext, pdftoppm)")
		}
		t.Skip("no poppler-utils")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pagesText := strings.Split(string(out), "\f")
	n := len(pagesText) - 1
	for i, pt := range pagesText[:n] {
		if !strings.Contains(pt, "DRAFT") || !strings.Contains(pt, "Page "+itoa(i+1)+" of "+itoa(n)) {
			t.Errorf("page %d lacks the draft notice or its page number:\n%.300s", i+1, pt)
		}
	}
	if sec := pagesText[pages["section-4"]-1]; !strings.Contains(sec, "Section 4") {
		t.Errorf("page %d does not start section 4", pages["section-4"])
	}
	if err := exec.Command("pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", path, filepath.Join(dir, "page")).Run(); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "page*.png")); len(m) != 3 {
		t.Errorf("%d page images", len(m))
	}
	if os.Getenv("ATTEST_KEEP_PDF") != "" {
		os.WriteFile(os.Getenv("ATTEST_KEEP_PDF"), pdf, 0o644)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Output is deterministic for the same data and clock: the golden files
// hold one render of each; ATTEST_UPDATE_GOLDEN=1 rewrites them.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind attest.Kind
		typ  attest.ReportType
	}{{"soc2-type2", attest.SOC2, attest.Type2}, {"soc1-type1", attest.SOC1, attest.Type1}} {
		d, err := Build(input(t, tc.kind, tc.typ))
		if err != nil {
			t.Fatal(err)
		}
		var md, html bytes.Buffer
		Markdown(&md, d)
		HTML(&html, d, map[string]int{"section-1": 3})
		for ext, got := range map[string][]byte{".md": md.Bytes(), ".html": html.Bytes()} {
			path := filepath.Join("testdata", "golden", tc.name+ext)
			if os.Getenv("ATTEST_UPDATE_GOLDEN") != "" {
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, got, 0o644)
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (ATTEST_UPDATE_GOLDEN=1 go test ./report rewrites it after review)", path)
			}
		}
	}
}

func TestTemplateParses(t *testing.T) {
	d, err := ParseDescription("template", []byte(DescriptionTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if g := d.Check(engagement(attest.SOC2, attest.Type2), nil); len(g) < 10 {
		t.Errorf("an empty template has only %d gaps", len(g))
	}
}

func FuzzParseDescription(f *testing.F) {
	b, _ := os.ReadFile("testdata/description.yaml")
	f.Add(b)
	f.Add([]byte(DescriptionTemplate))
	f.Add([]byte("services: {none: x}\nincidents: {items: [{date: 1}]}\n"))
	f.Add([]byte("third_parties:\n  - {name: A, service_types: colocation, controls_needed: true, method: carve-out, csocs: [{covers: x, text: t}]}\n  - {name: B, service_types: [cloud]}\n"))
	f.Add([]byte("third_parties: [{name: A, service_types: {a: b}, csocs_not_assumed: [{topic: restore}]}]\n"))
	e := engagement(attest.SOC2, attest.Type2)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDescription("fuzz.yaml", b)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		d.Check(e, nil)
		d.MissingCSOCs(catalog.MustLoad(), e)
		d.ThirdPartyRoles()
		in := Input{Engagement: e, Kind: attest.SOC2, Type: attest.Type2, Description: d, Catalog: catalog.MustLoad(), Now: clock}
		if _, err := Build(in); err != nil {
			t.Fatal(err)
		}
	})
}
