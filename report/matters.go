package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
)

// Matter kinds: what management knows of that its documents must disclose
// or that may bear on its assertion.
const (
	// MatterChange is a significant change to the system or its controls.
	MatterChange = "change"
	// MatterIncident is an incident that resulted from a control failure or
	// significantly impaired service commitments.
	MatterIncident = "incident"
	// MatterMissed is an occurrence of a control with no evidence by its due
	// date.
	MatterMissed = "missed"
	// MatterLate is an occurrence performed after its due date.
	MatterLate = "late"
	// MatterDeviation is an occurrence of a preventive control performed
	// after the event it was to prevent.
	MatterDeviation = "deviation"
	// MatterCheck is an automated check that found resources not meeting
	// the organization's own policy.
	MatterCheck = "failing-check"
	// MatterException is an exception the service auditor recorded in a
	// test of a control.
	MatterException = "exception"
	// MatterNotInPlace is a criterion or objective no control in place
	// addresses.
	MatterNotInPlace = "not-in-place"
	// MatterOther is a matter management states in its own words.
	MatterOther = "other"
)

// Matter is one thing management knows of: a change, an incident, a
// control that did not operate as described, an auditor's exception.
type Matter struct {
	Kind    string `json:"kind"`
	Date    string `json:"date,omitempty"` // YYYY-MM-DD when known
	Control string `json:"control,omitempty"`
	Text    string `json:"text"`
}

// deficiency reports whether a matter says a control did not operate, or
// is not in place, as described.
func (m Matter) deficiency() bool {
	switch m.Kind {
	case MatterMissed, MatterLate, MatterDeviation, MatterCheck, MatterException, MatterNotInPlace:
		return true
	}
	return false
}

// Span is the days matters are gathered for: after After, up to and
// including Through, as the data stood on When.
type Span struct {
	After, Through, When time.Time
}

func (s Span) holds(date string) bool {
	t, err := attest.ParseDate(date)
	return err == nil && t.After(s.After) && !t.After(s.Through)
}

// ExaminationSpan is the span an engagement's own assertion speaks for: its
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

// DeviationSource is what KnownDeviations reads: the engagement's controls
// and what their occurrences are matched against.
type DeviationSource interface {
	period.Records
	period.Settings
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
}

// KnownDeviations gathers what management knows of controls not operating
// as described within the span: occurrences of implemented controls
// missed or performed late (due within the span, laid out over the
// engagement's period; a Type 1 has none) and checks that failed in the
// latest run, when it ran within the span. failed is, per control, the
// checks that failed in that run. A control not yet in place is not listed
// occurrence by occurrence: the report names the criteria it leaves
// without a control in place.
func KnownDeviations(ctx context.Context, s DeviationSource, e *attest.Engagement, failed map[string][]readiness.FailedCheck, span Span) ([]Matter, error) {
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	// The latest run checks every engagement's controls: keep the failures
	// of this engagement's controls in scope.
	mine := map[string][]readiness.FailedCheck{}
	for _, c := range ctls {
		if c.Status != attest.NotApplicable && len(failed[c.ID]) > 0 {
			mine[c.ID] = failed[c.ID]
		}
	}
	out := failedMatters(mine, span)
	if e.PeriodStart != "" {
		start, _ := attest.ParseDate(e.PeriodStart)
		end, _ := attest.ParseDate(e.PeriodEnd)
		opts := period.LoadOptions(ctx, s)
		for _, c := range ctls {
			if c.Status != attest.Implemented {
				continue
			}
			st, err := period.ControlStatus(ctx, s, c, start, end, span.When, opts)
			if err != nil {
				return nil, err
			}
			out = append(out, occurrenceMatters(c.ID, st.Occurrences, span)...)
		}
	}
	sortMatters(out)
	return out, nil
}

func occurrenceMatters(control string, occs []period.Occurrence, span Span) []Matter {
	var out []Matter
	for _, o := range occs {
		if !span.holds(o.Due) {
			continue
		}
		switch o.State {
		case period.Missed:
			out = append(out, Matter{Kind: MatterMissed, Date: o.Due, Control: control,
				Text: fmt.Sprintf("no evidence for the occurrence %s, due %s", span2(o.Start, o.End), o.Due)})
		case period.Late:
			out = append(out, Matter{Kind: MatterLate, Date: o.Due, Control: control,
				Text: fmt.Sprintf("the occurrence %s, due %s, was performed late (%s)", span2(o.Start, o.End), o.Due, performedText(o))})
		case period.Deviation:
			out = append(out, Matter{Kind: MatterDeviation, Date: o.Due, Control: control,
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

// failedMatters is one matter per failing check, naming the controls it
// supports.
func failedMatters(failed map[string][]readiness.FailedCheck, span Span) []Matter {
	controls := map[string][]string{}
	byID := map[string]readiness.FailedCheck{}
	for ctl, fs := range failed {
		for _, f := range fs {
			if span.holds(f.RunAt) {
				controls[f.ID] = append(controls[f.ID], ctl)
				byID[f.ID] = f
			}
		}
	}
	var out []Matter
	for id, f := range byID {
		ctls := controls[id]
		slices.Sort(ctls)
		out = append(out, Matter{Kind: MatterCheck, Date: f.RunAt, Control: ctls[0],
			Text: fmt.Sprintf("check %s (%s) found %s not meeting it in the run of %s (%s)", id, f.Title, count(f.Failing, "resource", "resources"), f.RunAt, strings.Join(ctls, ", "))})
	}
	return out
}

// Exceptions are the exceptions the engagement's auditors recorded in their
// tests, dated within the span (all of them when span is nil).
func Exceptions(e *attest.Engagement, tests []attest.Test, auditors []attest.Auditor, span *Span) []Matter {
	names := map[string]bool{}
	for _, a := range auditors {
		names[a.Name] = true
	}
	var out []Matter
	for _, t := range tests {
		if t.Internal || !names[t.TestedBy] || t.EngagementID != e.ID || t.Conclusion != attest.ConclusionExceptions {
			continue
		}
		date := t.TestedAt[:min(10, len(t.TestedAt))]
		if span != nil && !span.holds(date) {
			continue
		}
		out = append(out, Matter{Kind: MatterException, Date: date, Control: t.ControlID,
			Text: fmt.Sprintf("the service auditor recorded an exception (test %d): %s", t.ID, t.Wording)})
	}
	return out
}

// DescriptionMatters are the significant changes and the disclosed
// incidents the description inputs date within the span.
func DescriptionMatters(d *Description, span Span) []Matter {
	var out []Matter
	if d == nil {
		return nil
	}
	for _, c := range d.Changes.Items {
		if span.holds(c.Date) {
			out = append(out, Matter{Kind: MatterChange, Date: c.Date, Text: c.Summary})
		}
	}
	for _, i := range d.Incidents.Items {
		if i.Discloses() && span.holds(i.Date) {
			out = append(out, Matter{Kind: MatterIncident, Date: i.Date, Text: i.Summary})
		}
	}
	return out
}

func sortMatters(ms []Matter) {
	slices.SortStableFunc(ms, func(a, b Matter) int {
		return cmp.Or(cmp.Compare(a.Control, b.Control), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Date, b.Date), cmp.Compare(a.Text, b.Text))
	})
}

// summarize writes matters as lines, one per control and kind of matter
// for occurrences (a control missed six times is one line), one per matter
// otherwise.
func summarize(ms []Matter) []string {
	type key struct{ control, kind string }
	groups := map[key][]Matter{}
	var order []key
	var out []string
	for _, m := range ms {
		if m.Kind != MatterMissed && m.Kind != MatterLate && m.Kind != MatterDeviation {
			out = append(out, line(m))
			continue
		}
		k := key{m.Control, m.Kind}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	for _, k := range order {
		g := groups[k]
		if len(g) == 1 {
			out = append(out, line(g[0]))
			continue
		}
		var dues []string
		for i, m := range g {
			if i == 3 {
				dues = append(dues, fmt.Sprintf("and %d more", len(g)-3))
				break
			}
			dues = append(dues, m.Date)
		}
		what := map[string]string{MatterMissed: "missed occurrence", MatterLate: "occurrence performed late",
			MatterDeviation: "occurrence performed after the event it was to prevent"}[k.kind]
		out = append(out, fmt.Sprintf("%s: %s (due %s).", k.control, count(len(g), what, strings.Replace(what, "occurrence", "occurrences", 1)), strings.Join(dues, ", ")))
	}
	return out
}

func line(m Matter) string {
	s := m.Text
	switch {
	case m.Kind == MatterCheck:
	case m.Control != "":
		s = m.Control + ": " + s
	case m.Date != "" && m.Kind == MatterIncident:
		s = m.Date + ": incident: " + s
	case m.Date != "":
		s = m.Date + ": " + s
	}
	return endSentence(upperFirst(s))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
