// Package deviation is the register of known deviations: every instance
// management knows of in which a control did not operate as described
// (occurrences missed or performed late, failing checks, exceptions in
// management's own tests, incidents that resulted from a control failure,
// and whatever further Source is plugged in), each with a stable
// identifier, its disclosure to the service auditor, and the documents it
// feeds. Management must disclose them; the register is where it sees
// which it has, and records that it did (Disclose).
package deviation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/period"
)

// Kinds of known deviation. The names are those report.Matter uses.
const (
	Missed       = "missed"
	Late         = "late"
	AfterEvent   = "after-event" // a preventive control performed after the event it guards
	FailingCheck = "failing-check"
	InternalTest = "internal-test"
	Incident     = "incident"
)

// Documents a deviation feeds.
const (
	FeedsDC4            = "DC4"
	FeedsDC9            = "DC9"
	FeedsAssertion      = "assertion"
	FeedsRepresentation = "representation letter"
	FeedsBridge         = "bridge letter"
)

// Deviation is one entry of the register.
type Deviation struct {
	// ID is stable: the same deviation has the same identifier every time
	// the register is read (kind, control and date, or the record it
	// comes from).
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Control string `json:"control,omitempty"`
	// Controls are every control concerned (a failing check may support
	// several).
	Controls []string `json:"controls,omitempty"`
	Date     string   `json:"date"`
	Text     string   `json:"text"`
	// Source says where Attest found it.
	Source string `json:"source"`
	// Systematic: the deviation was recorded as systematic (same cause
	// recurring), not isolated.
	Systematic bool `json:"systematic,omitempty"`
	// Response is what management did about it, when recorded (an
	// incident's fix).
	Response string `json:"response,omitempty"`
	// Disclosure is management's disclosure to the service auditor, nil
	// while not yet disclosed.
	Disclosure *attest.Disclosure `json:"disclosure"`
	Feeds      []string           `json:"feeds"`
}

// Disclosed reports whether management recorded its disclosure.
func (d Deviation) Disclosed() bool { return d.Disclosure != nil }

// Span is the days deviations are gathered for: after After, up to and
// including Through, as the data stood on When.
type Span struct {
	After, Through, When time.Time
}

// Holds reports whether a YYYY-MM-DD date falls in the span.
func (s Span) Holds(date string) bool {
	t, err := attest.ParseDate(date)
	return err == nil && t.After(s.After) && !t.After(s.Through)
}

// ExaminationSpan is the span an engagement's assertion speaks for: its
// period, or for a Type 1 the year up to its as-of date.
func ExaminationSpan(e *attest.Engagement, today time.Time) Span {
	if e.PeriodStart != "" {
		start, _ := attest.ParseDate(e.PeriodStart)
		end, _ := attest.ParseDate(e.PeriodEnd)
		return Span{After: start.AddDate(0, 0, -1), Through: end, When: today}
	}
	asOf, _ := attest.ParseDate(e.AsOf)
	return Span{After: asOf.AddDate(-1, 0, 0), Through: asOf, When: today}
}

// Query is what a Source is asked: the engagement, its controls and the
// span.
type Query struct {
	Engagement *attest.Engagement
	Controls   []attest.Control
	Span       Span
}

// Source finds deviations of its own kind. The register's sources are
// listed in Sources; one more (for example the timeliness of preventive
// controls) plugs in by being added there.
type Source interface {
	Find(ctx context.Context, q Query) ([]Deviation, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, q Query) ([]Deviation, error)

// Find calls f.
func (f SourceFunc) Find(ctx context.Context, q Query) ([]Deviation, error) { return f(ctx, q) }

// Occurrences finds the occurrences of implemented controls missed or
// performed late, due within the span and laid out over the engagement's
// period (a Type 1 has none). A control not yet in place is not listed
// occurrence by occurrence: readiness and the assertion name the criteria
// it leaves without a control in place.
func Occurrences(s interface {
	period.Records
	period.Settings
}) Source {
	return SourceFunc(func(ctx context.Context, q Query) ([]Deviation, error) {
		e := q.Engagement
		if e.PeriodStart == "" {
			return nil, nil
		}
		start, _ := attest.ParseDate(e.PeriodStart)
		end, _ := attest.ParseDate(e.PeriodEnd)
		opts := period.LoadOptions(ctx, s)
		var out []Deviation
		for _, c := range q.Controls {
			if c.Status != attest.Implemented {
				continue
			}
			st, err := period.ControlStatus(ctx, s, c, start, end, q.Span.When, opts)
			if err != nil {
				return nil, err
			}
			out = append(out, occurrenceDeviations(c.ID, st.Occurrences, q.Span)...)
		}
		return out, nil
	})
}

func occurrenceDeviations(control string, occs []period.Occurrence, span Span) []Deviation {
	var out []Deviation
	for _, o := range occs {
		if !span.Holds(o.Due) {
			continue
		}
		switch o.State {
		case period.Missed:
			out = append(out, Deviation{ID: Missed + ":" + control + ":" + o.Due, Kind: Missed, Control: control, Date: o.Due, Source: "period",
				Text: fmt.Sprintf("no evidence for the occurrence %s, due %s", span2(o.Start, o.End), o.Due)})
		case period.Late:
			out = append(out, Deviation{ID: Late + ":" + control + ":" + o.Due, Kind: Late, Control: control, Date: o.Due, Source: "period",
				Text: fmt.Sprintf("the occurrence %s, due %s, was performed late (%s)", span2(o.Start, o.End), o.Due, performedText(o))})
		case period.Deviation:
			out = append(out, Deviation{ID: AfterEvent + ":" + control + ":" + o.Due, Kind: AfterEvent, Control: control, Date: o.Due, Source: "period",
				Text: fmt.Sprintf("the occurrence %s, due %s, was performed after the event it was to prevent (%s): a deviation", span2(o.Start, o.End), o.Due, performedText(o))})
		}
	}
	return out
}

// performedText says when an occurrence was performed and how that is
// known.
func performedText(o period.Occurrence) string {
	switch o.PerformedFrom {
	case period.FromAdded:
		return "performed-on unknown; evidence added " + o.Performed
	case period.FromCovers:
		return "performed-on unknown; evidence covering " + o.Performed
	}
	return "performed on " + o.Performed
}

func span2(start, end string) string {
	if start == end {
		return "of " + start
	}
	return "from " + start + " to " + end
}

// PolicyReviews finds the reviews of a policy in force that were done
// late or not at all, due within the engagement's period and the span,
// for a policy linked to a control of the engagement in scope: each is a
// known deviation of those controls (the review is how the control over
// the policy operates). A policy no such control names adds nothing.
func PolicyReviews(s period.PolicyRecords) Source {
	return SourceFunc(func(ctx context.Context, q Query) ([]Deviation, error) {
		e := q.Engagement
		if e.PeriodStart == "" {
			return nil, nil
		}
		start, _ := attest.ParseDate(e.PeriodStart)
		end, _ := attest.ParseDate(e.PeriodEnd)
		sts, err := period.PolicyReviews(ctx, s, start, end, q.Span.When)
		if err != nil {
			return nil, err
		}
		var out []Deviation
		for _, st := range sts {
			ctls := st.Bears(q.Controls)
			if len(ctls) == 0 {
				continue
			}
			for _, o := range st.Occurrences {
				if !q.Span.Holds(o.Due) {
					continue
				}
				d := Deviation{ID: "policy-review:" + st.Policy + ":" + o.Due, Control: ctls[0], Controls: ctls, Date: o.Due, Source: "policy " + st.Policy}
				switch o.State {
				case period.Late:
					d.Kind, d.Text = Late, fmt.Sprintf("the review of policy %s (%s), due %s, was done late, on %s (%s)", st.Policy, st.Title, o.Due, o.Performed, strings.Join(ctls, ", "))
				case period.Missed:
					d.Kind, d.Text = Missed, fmt.Sprintf("the review of policy %s (%s), due %s, was not done (%s)", st.Policy, st.Title, o.Due, strings.Join(ctls, ", "))
				default:
					continue
				}
				out = append(out, d)
			}
		}
		return out, nil
	})
}

// Checks finds the checks that failed in run (the latest recorded run,
// nil when there is none) for the engagement's controls in scope, when the
// run falls within the span: one deviation per check and run day.
func Checks(run *check.Run) Source {
	return SourceFunc(func(ctx context.Context, q Query) ([]Deviation, error) {
		if run == nil {
			return nil, nil
		}
		day := run.Day()
		if !q.Span.Holds(day) {
			return nil, nil
		}
		mine := map[string]bool{}
		for _, c := range q.Controls {
			if c.Status != attest.NotApplicable {
				mine[c.ID] = true
			}
		}
		var out []Deviation
		for _, f := range run.Failures(func(c string) bool { return mine[c] }) {
			out = append(out, Deviation{ID: FailingCheck + ":" + f.Check + ":" + day, Kind: FailingCheck, Control: f.Controls[0], Controls: f.Controls, Date: day,
				Source: "check run of " + day,
				Text:   fmt.Sprintf("check %s (%s) found %s not meeting it in the run of %s (%s)", f.Check, f.Title, attest.Count(len(f.Failing), "resource", "resources"), day, strings.Join(f.Controls, ", "))})
		}
		return out, nil
	})
}

// InternalTests finds the exceptions in management's own tests of its
// controls (attest test record --internal), dated within the span.
func InternalTests(s interface {
	Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error)
}) Source {
	return SourceFunc(func(ctx context.Context, q Query) ([]Deviation, error) {
		tests, err := s.Tests(ctx, q.Engagement.ID, "")
		if err != nil {
			return nil, err
		}
		var out []Deviation
		for _, t := range tests {
			date := t.TestedAt[:min(10, len(t.TestedAt))]
			if !t.Internal || t.Conclusion != attest.ConclusionExceptions || !q.Span.Holds(date) {
				continue
			}
			out = append(out, Deviation{ID: fmt.Sprintf("%s:%d", InternalTest, t.ID), Kind: InternalTest, Control: t.ControlID, Date: date,
				Source: fmt.Sprintf("management's internal test %d by %s", t.ID, t.TestedBy), Systematic: t.Deviations == "systematic",
				Text: "management's own test found exceptions: " + t.Wording})
		}
		return out, nil
	})
}

// IncidentRecord is an incident as the description inputs record it.
type IncidentRecord struct {
	Date, Summary, Response string
	// ControlFailure: it resulted from a control that was not suitably
	// designed or did not operate effectively; Impaired: it significantly
	// impaired service commitments.
	ControlFailure, Impaired bool
	Controls                 []string
}

// Description is what the register reads of the description inputs: the
// incidents recorded for DC4. report.Description satisfies it.
type Description interface {
	IncidentRecords() []IncidentRecord
}

// Incidents finds the incidents dated within the span that resulted from a
// control failure or significantly impaired commitments.
func Incidents(d Description) Source {
	return SourceFunc(func(ctx context.Context, q Query) ([]Deviation, error) {
		if d == nil {
			return nil, nil
		}
		var out []Deviation
		for _, i := range d.IncidentRecords() {
			if !(i.ControlFailure || i.Impaired) || !q.Span.Holds(i.Date) {
				continue
			}
			sum := sha256.Sum256([]byte(strings.Join(strings.Fields(i.Summary), " ")))
			dv := Deviation{ID: Incident + ":" + i.Date + ":" + hex.EncodeToString(sum[:])[:6], Kind: Incident, Date: i.Date, Text: i.Summary,
				Source: "description inputs (incidents)", Controls: i.Controls, Response: i.Response}
			if len(i.Controls) > 0 {
				dv.Control = i.Controls[0]
			}
			out = append(out, dv)
		}
		return out, nil
	})
}

// Find asks every source, keeps one deviation per identifier, and sorts
// them by control, kind and date.
func Find(ctx context.Context, q Query, sources ...Source) ([]Deviation, error) {
	seen := map[string]bool{}
	var out []Deviation
	for _, src := range sources {
		ds, err := src.Find(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if !seen[d.ID] {
				seen[d.ID] = true
				out = append(out, d)
			}
		}
	}
	Sort(out)
	return out, nil
}

// Sort orders deviations by control, kind, date and identifier.
func Sort(ds []Deviation) {
	slices.SortStableFunc(ds, func(a, b Deviation) int {
		return cmp.Or(cmp.Compare(a.Control, b.Control), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
}

// Annotate sets each deviation's disclosure and the documents it feeds:
// every one feeds management's assertion (the matters to discuss with the
// service auditor) and the representation letter; incidents feed DC4 (SOC
// 2), and those with a fix recorded DC9 (Type 2: the fix may be a significant change); those dated after
// issuedEnd (the last issued report's period end, "" when none) feed the
// bridge letter.
func Annotate(ds []Deviation, e *attest.Engagement, disclosures []attest.Disclosure, issuedEnd string) {
	byID := map[string]attest.Disclosure{}
	for _, x := range disclosures {
		if x.EngagementID == e.ID {
			byID[x.Deviation] = x
		}
	}
	for i := range ds {
		d := &ds[i]
		if x, ok := byID[d.ID]; ok {
			d.Disclosure = &x
		}
		d.Feeds = nil
		if d.Kind == Incident && e.Kind != attest.SOC1 {
			d.Feeds = append(d.Feeds, FeedsDC4)
		}
		if d.Kind == Incident && d.Response != "" && (e.Type == attest.Type2 || e.Kind == attest.SOC3) {
			d.Feeds = append(d.Feeds, FeedsDC9)
		}
		d.Feeds = append(d.Feeds, FeedsAssertion, FeedsRepresentation)
		if issuedEnd != "" && d.Date > issuedEnd {
			d.Feeds = append(d.Feeds, FeedsBridge)
		}
	}
}
