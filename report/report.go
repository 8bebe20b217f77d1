// Package report drafts management's documents for a SOC examination from
// the data Attest holds: the SOC 1 and SOC 2 report (Type 1 or Type 2) in
// the five sections auditors use, a SOC 3, a bridge letter, a written
// representation letter and an internal readiness summary. Every render is
// a draft prepared by management for the service auditor, says so on every
// page, and never contains an opinion: Section 1 is a marked placeholder
// for the CPA firm's report. Section 4's tests and results come only from
// what the engagement's auditors recorded.
package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	eng "github.com/attest-dev/attest/engagement"
)

// DraftNotice is printed on every page of every render.
const DraftNotice = "DRAFT: prepared by management for the service auditor; not a SOC report"

// Document is a rendered-to-be draft: a title page and sections made of
// blocks, which every renderer (HTML, PDF, Markdown) lays out the same way.
type Document struct {
	Kind     string      `json:"kind"` // report, soc3, bridge-letter, representation-letter, readiness-summary
	Title    string      `json:"title"`
	Subtitle string      `json:"subtitle"`
	Facts    [][2]string `json:"facts"` // title-page facts: label, value
	Prepared string      `json:"prepared"`
	Sections []Section   `json:"sections"`
	Lint     []Finding   `json:"lint"`
}

// Section is a numbered part of a document.
type Section struct {
	ID     string  `json:"id"`
	Number string  `json:"number,omitempty"`
	Title  string  `json:"title"`
	Note   string  `json:"note,omitempty"` // a boxed notice under the title
	Blocks []Block `json:"blocks"`
	// Whose says whose words the section holds: management, auditor
	// (placeholder or the auditor's results) or other.
	Whose string `json:"whose"`
}

// Block is a heading with paragraphs, a list and a table, any of them
// optional.
type Block struct {
	Heading string   `json:"heading,omitempty"`
	ID      string   `json:"id,omitempty"`
	Paras   []string `json:"paras,omitempty"`
	List    []string `json:"list,omitempty"`
	Table   *Table   `json:"table,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// Table is a table whose header repeats on every printed page.
type Table struct {
	Head []string   `json:"head"`
	Rows [][]string `json:"rows"`
	// Marked rows are highlighted (exceptions).
	Marked []bool `json:"marked,omitempty"`
}

// Input is what a report is drafted from.
type Input struct {
	Engagement  *attest.Engagement
	Kind        attest.Kind       // SOC 1, SOC 2 or SOC 3
	Type        attest.ReportType // Type 1 or Type 2 (empty for SOC 3)
	Description *Description
	Catalog     *catalog.Catalog
	Controls    []attest.Control
	Exclusions  []attest.Exclusion
	Tests       []attest.Test
	// Signed marks the tests whose service auditor's statement verifies
	// (by test ID); LoadInput fills it, and then only these are shown as
	// the auditor's. Unsigned are the auditor's tests that do not verify,
	// listed as not signed; Keys are the auditor's valid keys, whose
	// fingerprints Section 4 prints for the firm to compare.
	Signed   map[int64]bool
	Unsigned []attest.Test
	Keys     []attest.AuditorKey
	// Reviewers name the audit team's reviewers who signed off a test.
	Reviewers map[int64][]string
	Responses []attest.Response
	Auditors  []attest.Auditor
	// Known are the deviations management knows of that the rest of the
	// input cannot show: occurrences missed or performed late and failing
	// checks (KnownDeviations). With the auditors' exceptions, disclosed
	// incidents and criteria with no control in place, they fill the
	// assertion's placeholder of matters to discuss with the service
	// auditor.
	Known []Matter
	// History is each control's history from the ledger: DC9 drafts the
	// changes during the period from it.
	History map[string][]eng.ControlEvent
	// ByProcess lays Section 4 out by process (control area) with a
	// criteria mapping table instead of by criterion.
	ByProcess bool
	Now       time.Time
}

// Check refuses combinations the engagement cannot support.
func (in *Input) Check() error {
	e := in.Engagement
	switch in.Kind {
	case attest.SOC3:
		if !(e.Kind == attest.SOC3 || (e.Kind == attest.SOC2 && e.Type == attest.Type2)) {
			return attest.Errorf(attest.EINVALID, "a SOC 3 is drawn from SOC 2 Type 2 work; engagement %s is %s", e.ID, e.Label())
		}
		if in.Type != "" {
			return attest.Errorf(attest.EINVALID, "a SOC 3 has no Type 1 or Type 2 form")
		}
	case attest.SOC1, attest.SOC2:
		if e.Kind != in.Kind {
			return attest.Errorf(attest.EINVALID, "engagement %s is %s, not %s", e.ID, e.Label(), in.Kind)
		}
		if in.Type != e.Type {
			return attest.Errorf(attest.EINVALID, "engagement %s is %s, not %s", e.ID, e.Label(), in.Type)
		}
	default:
		return attest.Errorf(attest.EINVALID, "report kind %q: want SOC 1, SOC 2 or SOC 3", in.Kind)
	}
	if in.Description == nil {
		in.Description = &Description{}
	}
	return nil
}

// when is the examination's date or period, in words.
func (in *Input) when() string {
	e := in.Engagement
	if e.PeriodStart != "" {
		return "for the period " + longDate(e.PeriodStart) + " to " + longDate(e.PeriodEnd)
	}
	return "as of " + longDate(e.AsOf)
}

func (in *Input) type2() bool { return in.Type == attest.Type2 || in.Kind == attest.SOC3 }

func longDate(s string) string {
	t, err := attest.ParseDate(s)
	if err != nil {
		return s
	}
	return t.Format("January 2, 2006")
}

func (in *Input) org() string {
	if o := strings.TrimSpace(in.Description.Organization); o != "" {
		return o
	}
	return "[service organization]"
}

func (in *Input) system() string {
	if s := strings.TrimSpace(in.Description.System); s != "" {
		return s
	}
	return "[system]"
}

// Build drafts the SOC 1, SOC 2 or SOC 3 report.
func Build(in Input) (*Document, error) {
	if err := in.Check(); err != nil {
		return nil, err
	}
	label := string(in.Kind)
	if in.Type != "" {
		label += " " + string(in.Type)
	}
	d := &Document{Kind: "report", Title: label + " examination report",
		Subtitle: fmt.Sprintf("%s: %s, %s", in.org(), in.system(), in.when()),
		Prepared: in.Now.UTC().Format("2006-01-02 15:04 UTC")}
	d.Facts = [][2]string{{"Service organization", in.org()}, {"System", in.system()}, {"Report", label},
		{"Period or date", strings.TrimPrefix(strings.TrimPrefix(in.when(), "for the period "), "as of ")},
		{"Service auditor", nonEmpty(in.Engagement.Firm, "[CPA firm]")}, {"Status", DraftNotice}}
	d.Sections = append(d.Sections, section1(&in), assertion(&in))
	if in.Kind == attest.SOC3 {
		d.Sections = append(d.Sections, boundaries(&in))
		return d, nil
	}
	d.Sections = append(d.Sections, description(&in))
	d.Sections = append(d.Sections, controlsSection(&in), otherInformation(&in))
	return d, nil
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// section1 is the placeholder for the service auditor's report.
func section1(in *Input) Section {
	return Section{ID: "section-1", Number: "Section 1", Title: "Independent service auditor's report", Whose: "auditor",
		Note: "Placeholder. This section is reserved for the report of the service auditor, " + nonEmpty(in.Engagement.Firm, "an independent CPA firm") +
			". It is written and issued by the service auditor alone; management does not draft it and this draft contains none of it.",
		Blocks: []Block{{Paras: []string{
			"[The service auditor's report will be inserted here by the service auditor.]",
		}}}}
}

// targets lists the criteria (SOC 2, SOC 3) or objectives (SOC 1) in scope,
// with exclusion reasons. A criterion's text is its neutral statement: the
// catalog's guidance for the user never appears in a report.
type target struct {
	ID, Title, Text, Excluded string
}

func (in *Input) targets() []target {
	excluded := map[string]string{}
	for _, x := range in.Exclusions {
		excluded[x.CriterionID] = x.Reason
	}
	var out []target
	if in.Kind == attest.SOC1 {
		for _, o := range in.Catalog.Objectives(in.Engagement.Templates) {
			out = append(out, target{ID: o.ID, Title: o.Title, Text: o.Description})
		}
		return out
	}
	for _, c := range in.Catalog.CriteriaIn(in.Engagement.Categories) {
		out = append(out, target{ID: c.ID, Title: c.Series, Text: c.Statement, Excluded: excluded[c.ID]})
	}
	return out
}

func mapsTo(c attest.Control, id string) bool {
	return slices.Contains(c.Criteria, id) || slices.Contains(c.Objectives, id)
}

// inScope are the controls the report describes: every control not marked
// not applicable.
func (in *Input) inScope() []attest.Control {
	var out []attest.Control
	for _, c := range in.Controls {
		if c.Status != attest.NotApplicable {
			out = append(out, c)
		}
	}
	return out
}

// auditorTests are the tests recorded by the engagement's auditors: the
// only ones Section 4 may show.
func (in *Input) auditorTests() map[string][]attest.Test {
	out := map[string][]attest.Test{}
	mine := in.auditors()
	for _, t := range in.Tests {
		if mine[t.ID] {
			out[t.ControlID] = append(out[t.ControlID], t)
		}
	}
	return out
}

// auditors is the IDs of the tests that are the service auditor's: those
// whose signed statement verifies (Signed), never a name that looks like
// the auditor's.
func (in *Input) auditors() map[int64]bool {
	out := map[int64]bool{}
	for _, t := range in.Tests {
		if !t.Internal && in.Signed[t.ID] {
			out[t.ID] = true
		}
	}
	return out
}

// coverageNote says which part of the period a test covers, when it is
// not the whole period.
func (in *Input) coverageNote(t attest.Test) string {
	e := in.Engagement
	if t.From == "" || e == nil || (t.From == e.PeriodStart && t.To == e.PeriodEnd) || e.PeriodStart == "" {
		return ""
	}
	return fmt.Sprintf(" Covers %s to %s.", t.From, t.To)
}

// uncovered is the part of the period c's tests leave untested ("" when
// they cover it all).
func (in *Input) uncovered(ts []attest.Test) string {
	e := in.Engagement
	if e == nil || e.PeriodStart == "" || len(ts) == 0 {
		return ""
	}
	var spans [][2]string
	for _, t := range ts {
		spans = append(spans, [2]string{t.From, t.To})
	}
	from, to := attest.Untested(e.PeriodStart, e.PeriodEnd, spans)
	if from == "" {
		return ""
	}
	return from + " to " + to
}

func testProcedure(t attest.Test) string {
	var procs []string
	for _, p := range t.Procedures {
		procs = append(procs, strings.ToUpper(p[:1])+p[1:])
	}
	s := strings.Join(procs, ", ")
	switch {
	case t.Conclusion == attest.ConclusionNotPerformed:
		return s + " of whether the circumstances that trigger the control occurred during the period."
	case len(t.Items) == 1:
		return s + " of one instance of the control."
	case len(t.Items) > 1:
		return fmt.Sprintf("%s of a sample of %d items selected by the service auditor.", s, len(t.Items))
	}
	return s + "."
}

// controlsSection is Section 4.
//
// It is long because the section's title, note and rows depend on the same
// facts (kind, type, the signed results) and are kept in the order the
// section reads; the by-process layout is apart (byProcess).
func controlsSection(in *Input) Section {
	s := Section{ID: "section-4", Number: "Section 4", Whose: "management"}
	tests := in.auditorTests()
	type2 := in.type2()
	noun := "criteria"
	if in.Kind == attest.SOC1 {
		noun = "control objectives"
	}
	s.Title = "Trust services criteria, related controls"
	if in.Kind == attest.SOC1 {
		s.Title = "Control objectives, related controls"
	}
	if type2 {
		s.Title += ", and tests of controls"
		s.Whose = "management and auditor"
		s.Note = "The control descriptions are management's. The tests performed and their results are the service auditor's, taken only from what the engagement's auditors recorded in Attest; they are shown here as a draft for the service auditor, who decides their final form. Management's own internal testing does not appear in this section."
	} else {
		s.Note = "The control descriptions are management's. A Type 1 report contains no tests of operating effectiveness."
	}
	if type2 && in.Signed != nil {
		if len(in.Keys) == 0 {
			s.Note += " No service auditor's key is enrolled and confirmed for this engagement, so no result is shown as the auditor's."
		} else {
			var fps []string
			for _, k := range in.Keys {
				fps = append(fps, fmt.Sprintf("%s (%s, %s key)", k.Fingerprint, k.Name, k.Holder))
			}
			keys, these := "the key ", "this fingerprint"
			if len(fps) > 1 {
				keys, these = "the keys ", "these fingerprints"
			}
			s.Note += " Results are shown only where the service auditor's signed statement verifies, under " + keys + strings.Join(fps, "; ") + ": the service auditor should compare " + these + " with the firm's own record."
			for _, k := range in.Keys {
				if k.Holder == "browser" {
					s.Note += " Statements signed in the browser rest on scripts served by the organization, and are weaker than those signed on the auditor's own machine."
					break
				}
			}
		}
		if len(in.Unsigned) > 0 {
			var ids []string
			for _, t := range in.Unsigned {
				ids = append(ids, fmt.Sprintf("test %d of %s", t.ID, t.ControlID))
			}
			s.Note += " Not signed by the service auditor, and not shown as results: " + strings.Join(ids, ", ") + "."
		}
	}
	head := []string{"Control", "Control activity"}
	if type2 {
		head = append(head, "Tests performed by the service auditor", "Results")
	}
	row := func(c attest.Control) ([]string, bool) {
		r := []string{c.ID + " " + c.Title, c.Description}
		if !type2 {
			return r, false
		}
		ts := tests[c.ID]
		if len(ts) == 0 {
			return append(r, "[Not yet tested by the service auditor]", "[Pending]"), false
		}
		var procs, results []string
		exc := false
		for _, t := range ts {
			procs = append(procs, testProcedure(t)+in.coverageNote(t))
			w := t.Wording
			if rs := in.Reviewers[t.ID]; len(rs) > 0 {
				w += " [Reviewed by " + strings.Join(rs, ", ") + ".]"
			}
			results = append(results, w)
			exc = exc || t.Conclusion == attest.ConclusionExceptions
		}
		if gap := in.uncovered(ts); gap != "" {
			results = append(results, "[Not yet tested by the service auditor for "+gap+"]")
			exc = true
		}
		return append(r, strings.Join(procs, "\n"), strings.Join(results, "\n")), exc
	}
	ctls := in.inScope()
	if in.ByProcess {
		s.Blocks = append(s.Blocks, byProcess(in, ctls, head, noun, row)...)
		return s
	}
	for _, tg := range in.targets() {
		b := Block{Heading: tg.ID + " " + tg.Title, ID: "t-" + strings.ToLower(strings.ReplaceAll(tg.ID, ".", "-"))}
		if tg.Text != "" {
			b.Paras = []string{tg.Text}
		}
		if tg.Excluded != "" {
			b.Note = "Not applicable to the system: " + tg.Excluded
			s.Blocks = append(s.Blocks, b)
			continue
		}
		t := &Table{Head: head}
		for _, c := range ctls {
			if mapsTo(c, tg.ID) {
				r, m := row(c)
				t.Rows, t.Marked = append(t.Rows, r), append(t.Marked, m)
			}
		}
		if len(t.Rows) == 0 {
			b.Note = "[No control addresses this " + strings.TrimSuffix(noun, "s") + " yet]"
		} else {
			b.Table = t
		}
		s.Blocks = append(s.Blocks, b)
	}
	return s
}

// byProcess is Section 4's blocks for a report arranged by process: one
// table per area, in the order the controls first name them, then the
// mapping of the controls to the criteria or objectives.
func byProcess(in *Input, ctls []attest.Control, head []string, noun string, row func(attest.Control) ([]string, bool)) []Block {
	var blocks []Block
	areas := map[string][]attest.Control{}
	var order []string
	for _, c := range ctls {
		a := area(c.ID)
		if _, ok := areas[a]; !ok {
			order = append(order, a)
		}
		areas[a] = append(areas[a], c)
	}
	for _, a := range order {
		t := &Table{Head: head}
		for _, c := range areas[a] {
			r, m := row(c)
			t.Rows, t.Marked = append(t.Rows, r), append(t.Marked, m)
		}
		blocks = append(blocks, Block{Heading: a, ID: "area-" + strings.ToLower(strings.ReplaceAll(a, " ", "-")), Table: t})
	}
	m := &Table{Head: []string{strings.ToUpper(noun[:1]) + noun[1:], "Controls"}}
	for _, tg := range in.targets() {
		if tg.Excluded != "" {
			m.Rows = append(m.Rows, []string{tg.ID, "Not applicable: " + tg.Excluded})
			continue
		}
		var ids []string
		for _, c := range ctls {
			if mapsTo(c, tg.ID) {
				ids = append(ids, c.ID)
			}
		}
		m.Rows = append(m.Rows, []string{tg.ID, nonEmpty(strings.Join(ids, ", "), "[No control mapped]")})
	}
	blocks = append(blocks, Block{Heading: "Mapping of controls to the " + noun, ID: "mapping", Table: m})
	return blocks
}

// area names a control's process from its ID prefix.
func area(id string) string {
	prefix, _, _ := strings.Cut(id, "-")
	if a, ok := areas[prefix]; ok {
		return a
	}
	return "Other controls"
}

var areas = map[string]string{
	"GOV": "Governance and oversight", "HR": "People", "COM": "Communication", "RSK": "Risk assessment", "MON": "Monitoring of controls",
	"VND": "Vendor management", "BCP": "Business continuity", "AC": "Logical access", "PHY": "Physical access", "CRY": "Encryption",
	"END": "Endpoints and servers", "NET": "Network security", "CNF": "Confidentiality", "OPS": "System operations", "INC": "Incident management",
	"CHG": "Change management", "AVL": "Availability", "PI": "Processing integrity", "PRV": "Privacy", "PAY": "Payroll processing",
	"BIL": "Billing", "CLM": "Claims processing", "LSV": "Loan servicing", "CUS": "Custody", "ITGC": "IT general controls",
}

// otherInformation is Section 5: management's responses to exceptions.
func otherInformation(in *Input) Section {
	s := Section{ID: "section-5", Number: "Section 5", Title: "Other information provided by management", Whose: "management",
		Note: "This information is provided by management. It is not covered by the service auditor's report."}
	tests := map[int64]attest.Test{}
	for _, ts := range in.auditorTests() {
		for _, t := range ts {
			tests[t.ID] = t
		}
	}
	t := &Table{Head: []string{"Control", "Exception noted by the service auditor", "Management's response"}}
	for _, r := range in.Responses {
		test, ok := tests[r.TestID]
		if !ok {
			continue
		}
		t.Rows = append(t.Rows, []string{test.ControlID, test.Wording, r.Text})
	}
	if len(t.Rows) == 0 {
		s.Blocks = []Block{{Heading: "Management's responses to exceptions", Paras: []string{"Management has provided no responses to exceptions."}}}
		return s
	}
	s.Blocks = []Block{{Heading: "Management's responses to exceptions", ID: "responses", Table: t}}
	return s
}
