package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/readiness"
)

// BridgeInput is what a bridge letter is drafted from.
type BridgeInput struct {
	Engagement  *attest.Engagement
	Description *Description
	// Through is the last day the letter covers.
	Through time.Time
	// Issued is the last issued report, when one is on file.
	Issued *attest.Document
	// Matters are other changes, deficiencies or incidents since the
	// period end that management chooses to disclose.
	Matters []string
	Now     time.Time
}

// BridgeWarning is set when a bridge letter reaches further than the
// usual three months past the period end.
const BridgeWarning = "the letter covers more than three months after the period end; readers usually expect a new examination by then"

// BridgeLetter drafts management's bridge (gap) letter for the time from
// the period end to Through: its own, unexamined statement. It returns the
// document and warnings.
func BridgeLetter(in BridgeInput) (*Document, []string, error) {
	e := in.Engagement
	if e.PeriodEnd == "" {
		return nil, nil, attest.Errorf(attest.EINVALID, "a bridge letter follows a report that covers a period; engagement %s is %s as of %s", e.ID, e.Label(), e.AsOf)
	}
	end, _ := attest.ParseDate(e.PeriodEnd)
	if !in.Through.After(end) {
		return nil, nil, attest.Errorf(attest.EINVALID, "--through %s must be after the period end %s", in.Through.Format(time.DateOnly), e.PeriodEnd)
	}
	var warnings []string
	if in.Through.After(attest.AddMonths(end, 3)) {
		warnings = append(warnings, BridgeWarning)
	}
	d := in.Description
	if d == nil {
		d = &Description{}
	}
	x := &Input{Engagement: e, Description: d}
	org, sys := x.org(), x.system()
	report := fmt.Sprintf("%s report on %s for the period %s to %s", e.Label(), sys, longDate(e.PeriodStart), longDate(e.PeriodEnd))
	if in.Issued != nil {
		report = fmt.Sprintf("%s (%s, issued by %s)", report, in.Issued.Name, nonEmpty(in.Issued.Meta["firm"], e.Firm))
	} else if e.Firm != "" {
		report += " by " + e.Firm
	}
	through := in.Through.Format("January 2, 2006")
	doc := &Document{Kind: "bridge-letter", Title: "Bridge letter", Subtitle: fmt.Sprintf("%s: %s, %s to %s", org, sys, longDate(e.PeriodEnd), through),
		Prepared: in.Now.UTC().Format("2006-01-02 15:04 UTC"),
		Facts:    [][2]string{{"From", org}, {"Covers", "the day after " + longDate(e.PeriodEnd) + " to " + through}, {"Follows", report}, {"Status", DraftNotice}}}
	var since []string
	for _, c := range d.Changes.Items {
		if t, err := attest.ParseDate(c.Date); err == nil && t.After(end) && !t.After(in.Through) {
			since = append(since, c.Date+": "+c.Summary)
		}
	}
	for _, i := range d.Incidents.Items {
		if t, err := attest.ParseDate(i.Date); err == nil && t.After(end) && !t.After(in.Through) && i.Discloses() {
			since = append(since, i.Date+": incident: "+i.Summary)
		}
	}
	since = append(since, in.Matters...)
	body := []Block{
		{Paras: []string{
			"To the customers of " + org + " and their auditors:",
			fmt.Sprintf("The most recent examination of %s is the %s. That report covers the period up to %s. This letter speaks for the time from then to %s, which no SOC report yet covers.", sys, report, longDate(e.PeriodEnd), through),
		}},
	}
	if len(since) == 0 {
		body = append(body, Block{Heading: "Since the period end", Paras: []string{
			fmt.Sprintf("To the best of our knowledge, from the end of that period to %s there were no significant changes to %s or to its controls, we are not aware of deficiencies in the controls described in the report, and there were no incidents that resulted from a control failure or significantly impaired our service commitments and system requirements.", through, sys),
		}})
	} else {
		body = append(body, Block{Heading: "Since the period end", Paras: []string{
			fmt.Sprintf("To the best of our knowledge, from the end of that period to %s the following matters arose; apart from them, there were no significant changes to %s or its controls, no known deficiencies in the controls described in the report, and no incidents that resulted from a control failure or significantly impaired our commitments:", through, sys),
		}, List: since})
	}
	var cuecs []string
	for _, c := range d.CUECs.Items {
		cuecs = append(cuecs, c.Text)
	}
	cb := Block{Heading: "Controls we rely on customers to operate"}
	if len(cuecs) > 0 {
		cb.Paras = []string{"The report's complementary user entity controls still apply. Customers should keep operating them:"}
		cb.List = cuecs
	} else {
		cb.Paras = []string{"The report lists no complementary user entity controls; the user entity responsibilities it describes still apply."}
	}
	body = append(body, cb, Block{Heading: "What this letter is", Paras: []string{
		"This letter is management's own statement. It is not a SOC report, it has not been examined by a service auditor, and " + nonEmpty(e.Firm, "our service auditor") + " has not been involved in preparing it. It should be read together with the report named above.",
	}}, Block{Heading: "Signature", Paras: []string{signature(d.Signer, org)}})
	doc.Sections = []Section{{ID: "letter", Title: "Bridge letter", Whose: "management", Blocks: body}}
	return doc, warnings, nil
}

// RepresentationLetter drafts management's written representation letter
// to the service auditor, dated at the report date.
func RepresentationLetter(e *attest.Engagement, d *Description, now time.Time) (*Document, error) {
	if d == nil {
		d = &Description{}
	}
	x := &Input{Engagement: e, Kind: e.Kind, Type: e.Type, Description: d}
	org, sys := x.org(), x.system()
	date := nonEmpty(longDate(e.ReportDate), "[report date]")
	what := "the controls stated in the description achieved the control objectives"
	if e.Kind != attest.SOC1 {
		what = "our service commitments and system requirements were achieved based on the applicable trust services criteria"
	}
	reps := []string{
		fmt.Sprintf("We are responsible for the description of %s %s, for the assertion that accompanies it, and for stating the %s the description covers.", sys, x.when(), map[bool]string{true: "control objectives", false: "criteria"}[e.Kind == attest.SOC1]),
		fmt.Sprintf("We are responsible for designing, implementing and operating controls that give reasonable assurance that %s, and for selecting the criteria used.", what),
		"We have given you all the information relevant to the examination that we are aware of, access to the people you asked to see, and all records, documentation and evidence you requested.",
		"We have told you of every instance we know of in which controls did not operate as described, of any incident that resulted from a control failure or significantly impaired our commitments, and of any deficiency in the design of controls.",
		"We have told you of any fraud, and any suspected or alleged fraud, by management or by employees with roles in the controls, and of any communication from regulators or others about non-compliance with laws, regulations or contracts that affects the system.",
		"We have told you of every subservice organization the system depends on and of the controls we assume they operate, and the description lists the complementary user entity controls our controls rely on.",
		"We have told you of any event after the end of the " + map[bool]string{true: "period", false: "examination date"}[e.PeriodEnd != ""] + " and up to the date of this letter that could change the description or the assertion.",
		"The description and the assertion are, to the best of our knowledge and belief, complete and accurate.",
	}
	doc := &Document{Kind: "representation-letter", Title: "Written representation letter", Subtitle: fmt.Sprintf("%s to %s, %s", org, nonEmpty(e.Firm, "[service auditor]"), date),
		Prepared: now.UTC().Format("2006-01-02 15:04 UTC"),
		Facts:    [][2]string{{"From", org}, {"To", nonEmpty(e.Firm, "[service auditor]")}, {"Examination", e.Label() + " " + x.when()}, {"Dated", date}, {"Status", DraftNotice}}}
	doc.Sections = []Section{{ID: "letter", Title: "Written representations", Whose: "management", Blocks: []Block{
		{Paras: []string{fmt.Sprintf("To %s:", nonEmpty(e.Firm, "[service auditor]")), fmt.Sprintf("We give these representations in connection with your examination of the description of %s %s. We confirm, as of %s and to the best of our knowledge and belief:", sys, x.when(), date)}, List: reps},
		{Heading: "Signature", Paras: []string{signature(d.Signer, org)}},
	}}}
	return doc, nil
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
			gaps.List = append(gaps.List, fmt.Sprintf("... and %d more (attest readiness lists them all)", len(r.Gaps)-15))
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
