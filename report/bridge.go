package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/people"
)

// Issued is the record of a report the service auditor issued, as kept
// with the issued report's file: a bridge letter names the report by it.
type Issued struct {
	Kind attest.Kind
	Type attest.ReportType
	// Start and End are the period; a report as of a date has End only.
	Start, End string
	Firm       string
	File       string
	// Date is the report's date, when it was recorded.
	Date     string
	Document int64
}

// Label is the report's short name, e.g. "SOC 2 Type 2".
func (r Issued) Label() string {
	return strings.TrimSpace(string(r.Kind) + " " + string(r.Type))
}

// covers is the report's period or date in words.
func (r Issued) covers() string {
	if r.Start == "" {
		return "as of " + longDate(r.End)
	}
	return "for the period " + longDate(r.Start) + " to " + longDate(r.End)
}

// IssuedFrom reads an issued report's record from its document's
// metadata: kind, type, period ("START..END", or the as-of date), firm,
// and the report's date when recorded.
func IssuedFrom(doc attest.Document) (Issued, error) {
	r := Issued{Firm: doc.Meta["firm"], File: doc.Name, Date: doc.Meta["report_date"], Document: doc.ID}
	bad := func(field, why string) error {
		return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("issued report %s (document %d): %s: %s", doc.Name, doc.ID, field, why),
			Hint: "keep the report again with the right record"}
	}
	var err error
	if r.Kind, err = attest.ParseKind(doc.Meta["kind"]); err != nil {
		return r, bad("kind", attest.ErrorMessage(err))
	}
	if t := doc.Meta["type"]; t != "" {
		if r.Type, err = attest.ParseReportType(t); err != nil {
			return r, bad("type", attest.ErrorMessage(err))
		}
	}
	if r.Start, r.End, err = IssuedPeriod(doc.Meta["period"]); err != nil {
		return r, bad("period", err.Error())
	}
	return r, nil
}

// IssuedPeriod reads what an issued report covers: START..END (a Type 2
// or a SOC 3), or the as-of date (a Type 1), each YYYY-MM-DD, START
// before END. The start is "" for an as-of date.
func IssuedPeriod(p string) (start, end string, err error) {
	p = strings.TrimSpace(p)
	start, end, isPeriod := strings.Cut(p, "..")
	if !isPeriod {
		start, end = "", p
	}
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	e, err := attest.ParseDate(end)
	if err != nil {
		return "", "", fmt.Errorf("%q: want START..END or the as-of date (YYYY-MM-DD)", p)
	}
	if isPeriod {
		s, err := attest.ParseDate(start)
		if err != nil || !s.Before(e) {
			return "", "", fmt.Errorf("%q: want START..END with START before END (YYYY-MM-DD)", p)
		}
	}
	return start, end, nil
}

// LatestIssued is, among the issued reports' documents, the record of the
// one of the given kind whose period ends last (the later one kept when
// two end on the same day). With none on file it refuses, saying what to
// add.
func LatestIssued(docs []attest.Document, kind attest.Kind) (Issued, error) {
	var best Issued
	found := false
	for _, doc := range docs {
		if doc.Kind != attest.DocIssued {
			continue
		}
		if k, err := attest.ParseKind(doc.Meta["kind"]); err != nil || k != kind {
			continue
		}
		r, err := IssuedFrom(doc)
		if err != nil {
			return Issued{}, err
		}
		if !found || r.End >= best.End {
			best, found = r, true
		}
	}
	if !found {
		return Issued{}, &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("no issued %s report is on file: a bridge letter covers the time after the last report the service auditor issued", kind),
			Hint:    "keep that report first, with its kind, type, period and firm"}
	}
	return best, nil
}

// BridgeSource is what BridgeMatters reads.
type BridgeSource interface {
	DeviationSource
	fieldwork.AuditStore
}

// BridgeMatters gathers what a bridge letter lists for management to
// confirm: the significant changes in the description inputs, the
// known-deviations register (occurrences missed or late, failing checks,
// management's own tests' exceptions, incidents from control failures)
// and the auditors' exceptions, all dated after the issued report's period
// and up to through. Occurrences are those of the engagement under way.
func BridgeMatters(ctx context.Context, s BridgeSource, e *attest.Engagement, d *Description, issued Issued, through, today time.Time, run *check.Run) ([]Matter, error) {
	end, err := attest.ParseDate(issued.End)
	if err != nil {
		return nil, err
	}
	span := Span{After: end, Through: through, When: today}
	out := DescriptionMatters(d, span)
	dev, err := KnownDeviations(ctx, s, e, deviation.Inputs{Run: run, Description: d, IssuedEnd: issued.End, More: people.DeviationSources(s, people.RecordsOf(s, today))}, span)
	if err != nil {
		return nil, err
	}
	tests, err := s.Tests(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	a, err := fieldwork.Check(ctx, s, e.ID)
	if err != nil {
		return nil, err
	}
	out = append(out, Exceptions(tests, a.Verified(tests), &span)...)
	return append(out, dev...), nil
}

// BridgeInput is what a bridge letter is drafted from.
type BridgeInput struct {
	// Engagement is the engagement under way: its period is the next
	// report the letter announces.
	Engagement  *attest.Engagement
	Description *Description
	// Issued is the last report issued, which the letter follows.
	Issued Issued
	// Through is the last day the letter covers.
	Through time.Time
	// Matters are what happened since the issued report's period, for
	// management to confirm or edit (BridgeMatters, and its own).
	Matters []Matter
	// ConfirmedNone is management's confirmation that there were no
	// matters to disclose; it is refused when there are some.
	ConfirmedNone bool
	Now           time.Time
}

// BridgeWarning is set when a bridge letter reaches further than the
// usual three months past the period end.
const BridgeWarning = "the letter covers more than three months after the issued report's period; readers usually expect a new report by then"

// BridgeLetter drafts management's bridge (gap) letter for the time from
// the issued report's period end to Through: its own, unexamined
// statement. It lists the matters found for management to confirm, and
// states that there were none only once management has confirmed it. It
// returns the document and warnings.
func BridgeLetter(in BridgeInput) (*Document, []string, error) {
	end, err := in.check()
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if in.Through.After(attest.AddMonths(end, 3)) {
		warnings = append(warnings, BridgeWarning)
	}
	switch {
	case len(in.Matters) > 0:
		warnings = append(warnings, fmt.Sprintf("the draft lists %s found since %s for management to confirm, edit or explain before signing", attest.Count(len(in.Matters), "matter", "matters"), in.Issued.End))
	case !in.ConfirmedNone:
		warnings = append(warnings, fmt.Sprintf("nothing was found in Attest's data since %s; the draft leaves each statement for management to confirm (confirm that there is none once confirmed, or add each matter)", in.Issued.End))
	}
	if in.Description == nil {
		in.Description = &Description{}
	}
	x := &Input{Engagement: in.Engagement, Description: in.Description}
	org, sys := x.org(), x.system()
	from, through := longDate(end.AddDate(0, 0, 1).Format(time.DateOnly)), in.Through.Format("January 2, 2006")
	doc := &Document{Kind: "bridge-letter", Title: "Bridge letter", Subtitle: fmt.Sprintf("%s: %s, %s to %s", org, sys, from, through),
		Prepared: in.Now.UTC().Format("2006-01-02 15:04 UTC"),
		Facts: [][2]string{{"From", org}, {"Covers", from + " to " + through}, {"Follows", in.issuedText(sys)},
			{"Next report", in.nextReport(end)}, {"Status", DraftNotice}}}
	body := []Block{{Paras: []string{
		"To the customers of " + org + " and their auditors:",
		fmt.Sprintf("The most recent SOC report on the system is the %s. This letter covers the time from %s to %s, which no SOC report covers yet. Management is responsible for the system, its controls and this letter.", in.issuedText(sys), from, through),
	}}}
	body = append(body, in.sinceBlocks(sys, from, through)...)
	body = append(body, Block{Heading: "The next report", Paras: []string{in.nextReport(end)}}, in.cuecBlock(), Block{Heading: "What this letter is", Paras: []string{
		"This letter is management's own statement. It is not a SOC report, it has not been examined by a service auditor, and " + nonEmpty(in.Issued.Firm, "our service auditor") + " has not been involved in preparing it. It should be read together with the report named above.",
	}}, signatureBlock(org, []Signer{in.Description.Signer}))
	doc.Sections = []Section{{ID: "letter", Title: "Bridge letter", Whose: "management", Blocks: body}}
	return doc, warnings, nil
}

// check refuses a letter that cannot be written: no readable issued
// period, a Through date not after it or still to come, or a confirmation
// of none beside matters found.
func (in *BridgeInput) check() (time.Time, error) {
	end, err := attest.ParseDate(in.Issued.End)
	if err != nil {
		return end, attest.Errorf(attest.EINVALID, "issued report %s: its period end %q is not a date", in.Issued.File, in.Issued.End)
	}
	through := in.Through.Format(time.DateOnly)
	if !in.Through.After(end) {
		return end, &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("the last day covered, %s, is not after %s, the end of the issued %s report's period (%s): a bridge letter covers the days after it", through, in.Issued.End, in.Issued.Label(), in.Issued.File),
			Hint:    "cover up to a later day (by default, today)"}
	}
	today := in.Now.UTC().Truncate(24 * time.Hour)
	if in.Through.After(today) {
		return end, &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("the last day covered, %s, is after today (%s): a bridge letter speaks only for days that have passed", through, today.Format(time.DateOnly)),
			Hint:    "cover up to today"}
	}
	if in.ConfirmedNone && len(in.Matters) > 0 {
		return end, &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("management cannot confirm there is nothing: %s found since %s, so there is something to disclose", attest.Count(len(in.Matters), "matter was", "matters were"), in.Issued.End),
			Hint:    "draft without confirming none, and confirm, edit or explain each matter the draft lists"}
	}
	return end, nil
}

func (in *BridgeInput) issuedText(sys string) string {
	r := in.Issued
	s := fmt.Sprintf("%s report on %s %s", r.Label(), sys, r.covers())
	if r.Date != "" {
		s += ", dated " + longDate(r.Date)
	}
	return fmt.Sprintf("%s, issued by %s (%s)", s, nonEmpty(r.Firm, "[CPA firm]"), r.File)
}

// nextReport says when the next report is expected: the engagement under
// way, on its report date or about two months after its period (the usual
// time for fieldwork), or a placeholder when no later engagement is known.
func (in *BridgeInput) nextReport(end time.Time) string {
	e := in.Engagement
	last := e.PeriodEnd
	if last == "" {
		last = e.AsOf
	}
	t, err := attest.ParseDate(last)
	if err != nil || !t.After(end) {
		return "[The next report and when it is expected: agree them with the service auditor.]"
	}
	when := "around " + attest.AddMonths(t, 2).Format("January 2006") + ", after the service auditor's examination"
	if e.ReportDate != "" {
		when = "on or about " + longDate(e.ReportDate)
	}
	covers := "for the period " + longDate(e.PeriodStart) + " to " + longDate(e.PeriodEnd)
	if e.PeriodStart == "" {
		covers = "as of " + longDate(e.AsOf)
	}
	return fmt.Sprintf("We expect the next %s report, %s, %s.", e.Label(), covers, when)
}

// sinceBlocks state, for each kind of matter, what was found, or that
// there was none once management confirmed it, or a placeholder asking
// management to confirm.
func (in *BridgeInput) sinceBlocks(sys, from, through string) []Block {
	impaired := "significantly impaired our service commitments and system requirements"
	if in.Issued.Kind == attest.SOC1 {
		impaired = "affected the control objectives described in the report"
	}
	groups := []struct {
		heading, none string
		keep          func(Matter) bool
	}{
		{"Significant changes", fmt.Sprintf("there were no significant changes to %s or to its controls", sys), func(m Matter) bool { return m.Kind == MatterChange }},
		{"Deficiencies and deviations in the controls", "we know of no instance in which the controls described in the report did not operate as described, and of no deficiency in their design", Matter.deficiency},
		{"Incidents", "there were no incidents that resulted from a control failure or " + impaired, func(m Matter) bool { return m.Kind == MatterIncident }},
		{"Other matters", "", func(m Matter) bool { return m.Kind == MatterOther }},
	}
	out := []Block{{Heading: "Since the end of that period", Paras: []string{fmt.Sprintf("From %s to %s, to the best of our knowledge:", from, through)}}}
	if len(in.Matters) > 0 {
		out[0].Note = "Draft for management: the matters below were found in Attest's data or added when drafting. Nothing here is confirmed yet: confirm, edit or explain each, and add any other matter management knows of, before signing."
	}
	for _, g := range groups {
		var ms []Matter
		for _, m := range in.Matters {
			if g.keep(m) {
				ms = append(ms, m)
			}
		}
		b := Block{Heading: g.heading}
		switch {
		case len(ms) > 0:
			b.List = summarize(ms)
		case g.none == "":
			continue
		case in.ConfirmedNone:
			b.Paras = []string{upperFirst(g.none) + "."}
		default:
			b.Paras = []string{"[To confirm: Attest holds nothing of this kind for these dates. State that " + g.none + ", or list what there was.]"}
		}
		out = append(out, b)
	}
	return out
}

func (in *BridgeInput) cuecBlock() Block {
	var cuecs []string
	for _, c := range in.Description.CUECs.Items {
		cuecs = append(cuecs, c.Text)
	}
	b := Block{Heading: "Controls we rely on customers to operate"}
	if len(cuecs) > 0 {
		b.Paras = []string{"The complementary user entity controls described in the report still apply. Customers should keep operating them:"}
		b.List = cuecs
	} else {
		b.Paras = []string{"The user entity responsibilities described in the report still apply."}
	}
	return b
}
