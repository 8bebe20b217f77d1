package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/readiness"
)

// RepresentationInput is what the written representation letter is
// drafted from.
type RepresentationInput struct {
	Engagement  *attest.Engagement
	Description *Description
	// Signatories sign the letter. Empty means two: the description's
	// signer (or a chief executive officer to name) and a chief financial
	// officer to name.
	Signatories []Signer
	// Known are the known-deviations register's entries (LoadRegister):
	// the letter lists them among what management represents it disclosed,
	// each with its disclosure, and marks those not yet disclosed.
	Known []deviation.Deviation
	Now   time.Time
}

// ParseSignatory reads a signatory given as "Name, Title".
func ParseSignatory(s string) (Signer, error) {
	name, title, ok := strings.Cut(s, ",")
	name, title = strings.TrimSpace(name), strings.TrimSpace(title)
	if !ok || name == "" || title == "" {
		return Signer{}, attest.Errorf(attest.EINVALID, "signatory %q: want \"Name, Title\", e.g. \"Maya Lindqvist, Chief Executive Officer\"", s)
	}
	return Signer{Name: name, Title: title}, nil
}

// signatories are the officers who sign the letter.
func (in *RepresentationInput) signatories() []Signer {
	if len(in.Signatories) > 0 {
		return in.Signatories
	}
	first := in.Description.Signer
	if strings.TrimSpace(first.Name+first.Title) == "" {
		first = Signer{Title: "Chief Executive Officer"}
	}
	second := Signer{Title: "Chief Financial Officer"}
	if strings.Contains(strings.ToLower(first.Title), "financial") {
		second = Signer{Title: "Chief Executive Officer"}
	}
	return []Signer{first, second}
}

// RepresentationLetter drafts management's written representation letter
// to the service auditor, dated at the report date: it reaffirms the
// assertion, acknowledges management's responsibilities, confirms what was
// disclosed, leaves room for the uncorrected misstatements of the
// description, and is signed by the responsible officers.
func RepresentationLetter(in RepresentationInput) (*Document, error) {
	if in.Description == nil {
		in.Description = &Description{}
	}
	e := in.Engagement
	x := &Input{Engagement: e, Kind: e.Kind, Type: e.Type, Description: in.Description}
	org, sys := x.org(), x.system()
	date := nonEmpty(longDate(e.ReportDate), "[report date]")
	firm := nonEmpty(e.Firm, "[service auditor]")
	doc := &Document{Kind: "representation-letter", Title: "Written representation letter", Subtitle: fmt.Sprintf("%s to %s, %s", org, firm, date),
		Prepared: in.Now.UTC().Format("2006-01-02 15:04 UTC"),
		Facts:    [][2]string{{"From", org}, {"To", firm}, {"Examination", e.Label() + " " + x.when()}, {"Dated", date}, {"Status", DraftNotice}}}
	doc.Sections = []Section{{ID: "letter", Title: "Written representations", Whose: "management", Blocks: []Block{
		{Paras: []string{fmt.Sprintf("To %s:", firm), fmt.Sprintf("We give these representations in connection with your examination of the description of %s %s and of the controls it states. We confirm, as of %s and to the best of our knowledge and belief, having made the inquiries we considered necessary:", sys, x.when(), date)},
			List: representations(x)},
		knownBlock(in.Known),
		{Heading: "Uncorrected misstatements of the description", ID: "misstatements",
			Note: "[To complete: list each misstatement of the description identified during the examination and not corrected, with why management considers it not material, or state that there are none.]"},
		signatureBlock(org, in.signatories()),
	}}}
	return doc, nil
}

// knownBlock lists the known deviations the register holds, with their
// disclosures: what the representation on deviations speaks for.
func knownBlock(known []deviation.Deviation) Block {
	b := Block{Heading: "Known deviations disclosed", ID: "known-deviations"}
	if len(known) == 0 {
		b.Paras = []string{"Attest's register of known deviations holds none for the examination. [To confirm: management knows of no instance in which a control did not operate as described.]"}
		return b
	}
	t := &Table{Head: []string{"Date", "Known deviation", "Disclosed to the service auditor"}}
	open := 0
	for _, d := range known {
		disc := "[Not yet disclosed: disclose it before signing]"
		if d.Disclosed() {
			disc = d.Disclosure.To + ", " + d.Disclosure.On
		} else {
			open++
		}
		t.Rows, t.Marked = append(t.Rows, []string{d.Date, deviation.Summary(d)}), append(t.Marked, !d.Disclosed())
		t.Rows[len(t.Rows)-1] = append(t.Rows[len(t.Rows)-1], disc)
	}
	b.Paras = []string{"The known deviations below are the instances we know of in which controls did not operate as described; we disclosed each to you as shown:"}
	b.Table = t
	if open > 0 {
		b.Note = fmt.Sprintf("[To complete: %s not yet recorded as disclosed. Disclose %s to the service auditor and record it before this letter is signed.]",
			attest.Count(open, "known deviation is", "known deviations are"), map[bool]string{true: "it", false: "them"}[open == 1])
	}
	return b
}

// representations are the letter's statements, worded for the kind.
func representations(x *Input) []string {
	e := x.Engagement
	criteria, goal, risks := "the description criteria (DC section 200) and the applicable trust services criteria (TSP section 100)",
		"our service commitments and system requirements are achieved based on the applicable trust services criteria", "the achievement of our service commitments and system requirements"
	impaired := "significantly impaired the achievement of our service commitments and system requirements"
	switch e.Kind {
	case attest.SOC1:
		criteria, goal, risks = "the criteria in AT-C section 320", "the control objectives stated in the description are achieved", "the achievement of those control objectives"
		impaired = "affected the achievement of the control objectives"
	case attest.SOC3:
		criteria = "the applicable trust services criteria (TSP section 100)"
	}
	after := map[bool]string{true: "the end of the period", false: "the date of the description"}[e.PeriodEnd != ""]
	changes := map[bool]string{true: "during the period", false: "up to the date of the description"}[e.PeriodEnd != ""]
	return []string{
		fmt.Sprintf("We reaffirm management's assertion in Section 2 of the report, made against %s.", criteria),
		fmt.Sprintf("We are responsible for the description and the assertion, for selecting the criteria they are made against, for identifying the risks that threaten %s, and for designing, implementing and operating controls that give reasonable assurance that %s.", risks, goal),
		"We have given you all the information relevant to the examination that we are aware of, access to the people you asked to see, and all the records, documentation and evidence you requested.",
		"We have told you of every instance we know of in which controls did not operate as described, including those our own monitoring and automated checks found, and of every deficiency in the design of controls.",
		"We have told you of every incident we know of that resulted from a control failure or " + impaired + ", and of every complaint from user entities about the system or its controls.",
		"We have told you of any fraud, and any suspected or alleged fraud, involving management or employees with roles in the controls.",
		"We have told you of every instance we know of in which laws, regulations or contracts that affect the system were not complied with, and of every communication from regulators or others about such matters.",
		"We have told you of every significant change to the system or its controls " + changes + ".",
		"We have told you of every subservice organization the system depends on and of the controls we assume it operates, and the description lists the complementary user entity controls our controls rely on.",
		"We have told you of every event after " + after + " and up to the date of this letter that could change the description or the assertion.",
		"The description and the assertion are complete and accurate, apart from the uncorrected misstatements listed below.",
	}
}

// ReadinessSummary drafts a short internal summary of where the
// examination stands: the readiness scores (an internal indicator), the
// description inputs still missing, and the gaps that block most.
func ReadinessSummary(e *attest.Engagement, r *readiness.Report, desc []Gap, now time.Time) *Document {
	doc := &Document{Kind: "readiness-summary", Title: "Readiness summary", Subtitle: e.Label() + ": " + e.Name,
		Prepared: now.UTC().Format("2006-01-02 15:04 UTC"),
		Facts:    [][2]string{{"Engagement", e.ID}, {"For", "internal use by management"}, {"Status", DraftNotice}}}
	scores := Block{Heading: "Scores", Paras: []string{
		fmt.Sprintf("Type 1 view: %d%%. Type 2 view: %d%%.", r.Type1.Score, r.Type2.Score),
		"These are Attest's internal readiness indicators, not an assessment of design or operating effectiveness, which only the service auditor makes.",
	}}
	gaps := Block{Heading: "Gaps that block most"}
	for i, g := range r.Gaps {
		if i == 15 {
			gaps.List = append(gaps.List, fmt.Sprintf("... and %d more (the readiness assessment lists them all)", len(r.Gaps)-15))
			break
		}
		gaps.List = append(gaps.List, g.Detail)
	}
	if len(gaps.List) == 0 {
		gaps.Paras = []string{"No gaps found."}
	}
	dg := Block{Heading: "Description inputs"}
	for _, g := range desc {
		dg.List = append(dg.List, g.Part+": "+g.Detail)
	}
	if len(dg.List) == 0 {
		dg.Paras = []string{"Every description input is answered."}
	}
	doc.Sections = []Section{{ID: "summary", Title: "Where the examination stands", Whose: "management", Blocks: []Block{scores, gaps, dg}}}
	return doc
}

// Slug is a file name for a document.
func Slug(parts ...string) string {
	s := strings.ToLower(strings.Join(parts, "-"))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
