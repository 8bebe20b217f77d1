package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
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
// control that did not operate as described, an auditor's exception. A
// matter from the known-deviations register carries its identifier and
// its disclosure to the service auditor.
type Matter struct {
	Kind       string             `json:"kind"`
	Date       string             `json:"date,omitempty"` // YYYY-MM-DD when known
	Control    string             `json:"control,omitempty"`
	Text       string             `json:"text"`
	ID         string             `json:"id,omitempty"`
	Disclosure *attest.Disclosure `json:"disclosure,omitempty"`
}

// deficiency reports whether a matter says a control did not operate, or
// is not in place, as described.
func (m Matter) deficiency() bool {
	switch m.Kind {
	case MatterMissed, MatterLate, MatterCheck, MatterException, MatterNotInPlace, deviation.InternalTest, deviation.AfterEvent:
		return true
	}
	return false
}

// Span is the days matters are gathered for: after After, up to and
// including Through, as the data stood on When.
type Span = deviation.Span

// ExaminationSpan is the span an engagement's own assertion speaks for: its
// period, or for a Type 1 the year up to its as-of date.
func ExaminationSpan(e *attest.Engagement, today time.Time) Span {
	return deviation.ExaminationSpan(e, today)
}

// DeviationSource is what KnownDeviations reads: the known-deviations
// register's store.
type DeviationSource = deviation.Store

// KnownDeviations is the known-deviations register of engagement e over
// the span, as matters: occurrences of implemented controls missed or
// performed late, checks that failed in the latest run, exceptions in
// management's own tests and incidents from control failures, each with
// its disclosure.
func KnownDeviations(ctx context.Context, s DeviationSource, e *attest.Engagement, in deviation.Inputs, span Span) ([]Matter, error) {
	r, err := deviation.Load(ctx, s, e, span, in)
	if err != nil {
		return nil, err
	}
	return FromRegister(r), nil
}

// FromRegister turns the register's deviations into matters.
func FromRegister(r *deviation.Register) []Matter {
	out := []Matter{}
	for _, d := range r.Deviations {
		out = append(out, Matter{Kind: d.Kind, Date: d.Date, Control: d.Control, Text: d.Text, ID: d.ID, Disclosure: d.Disclosure})
	}
	return out
}

// Exceptions are the exceptions the service auditor recorded in the tests
// whose signed statement verifies (signed, by test ID: never a name, which
// anyone can type), dated within the span (all of them when span is nil).
func Exceptions(tests []attest.Test, signed map[int64]bool, span *Span) []Matter {
	var out []Matter
	for _, t := range tests {
		if t.Internal || !signed[t.ID] || t.Conclusion != attest.ConclusionExceptions {
			continue
		}
		date := t.TestedAt[:min(10, len(t.TestedAt))]
		if span != nil && !span.Holds(date) {
			continue
		}
		out = append(out, Matter{Kind: MatterException, Date: date, Control: t.ControlID,
			Text: fmt.Sprintf("the service auditor recorded an exception (test %d): %s", t.ID, t.Wording)})
	}
	return out
}

// DescriptionMatters are the significant changes the description inputs
// date within the span (incidents come through the known-deviations
// register).
func DescriptionMatters(d *Description, span Span) []Matter {
	var out []Matter
	if d == nil {
		return nil
	}
	for _, c := range d.Changes.Items {
		if span.Holds(c.Date) {
			out = append(out, Matter{Kind: MatterChange, Date: c.Date, Text: c.Summary})
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
		out = append(out, fmt.Sprintf("%s: %s (due %s).", k.control, attest.Count(len(g), what, strings.Replace(what, "occurrence", "occurrences", 1)), strings.Join(dues, ", ")))
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
