package period

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-dev/attest"
)

// Policy reviews. Each policy has a review frequency, laid out over the
// period like a control's (Windows), from the day the policy was first
// published: a window that closed before it was in force expects nothing.
// A window is met by an approval or a publication of the policy (its
// review, recorded as a policy event) made within it: present; one made
// after the window closed, before the next window opened, is late; no
// review is missed once the window has closed, and upcoming before.

// PolicyInput is what EvaluatePolicy needs for one policy.
type PolicyInput struct {
	Policy     attest.Policy
	Events     []attest.PolicyEvent // the policy's acts, any order
	Start, End time.Time            // the period
	AsOf       time.Time
	Options    Options
}

// PolicyStatus is one policy's reviews over the period.
type PolicyStatus struct {
	Policy    string `json:"id"`
	Title     string `json:"title"`
	Frequency string `json:"frequency"`
	// InForce is the day the policy was first published ("" if never).
	InForce     string       `json:"in_force,omitempty"`
	Expected    int          `json:"expected"`
	Present     int          `json:"present"`
	Late        int          `json:"late"`
	Missed      int          `json:"missed"`
	Upcoming    int          `json:"upcoming"`
	Occurrences []Occurrence `json:"occurrences"`
	Warnings    []string     `json:"-"`
}

// reviewed is the days the policy was reviewed (approved or published)
// by asOf, in order, and the day it was first published.
func reviewed(evs []attest.PolicyEvent, asOf time.Time) (days []time.Time, inForce time.Time) {
	for _, e := range evs {
		if e.Action != attest.PolicyApproval && e.Action != attest.PolicyPublish {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			continue
		}
		t = t.UTC()
		d := date(t.Year(), t.Month(), t.Day())
		if d.After(asOf) {
			continue
		}
		days = append(days, d)
		if e.Action == attest.PolicyPublish && (inForce.IsZero() || d.Before(inForce)) {
			inForce = d
		}
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	return days, inForce
}

// EvaluatePolicy computes one policy's review occurrences and their
// states.
func EvaluatePolicy(in PolicyInput) PolicyStatus {
	p := in.Policy
	st := PolicyStatus{Policy: p.ID, Title: p.Title, Frequency: string(p.Review), Occurrences: []Occurrence{}}
	days, inForce := reviewed(in.Events, in.AsOf)
	if inForce.IsZero() {
		st.Warnings = append(st.Warnings, fmt.Sprintf("policy %s has not been published: no review is expected of it until it is", p.ID))
		return st
	}
	st.InForce = inForce.Format(attest.DateLayout)
	if p.Review == "" || p.Review == attest.EventDriven || p.Review == attest.Continuous {
		st.Warnings = append(st.Warnings, fmt.Sprintf("policy %s has no periodic review frequency (%q): give it one (monthly, quarterly, semi-annual or annual)", p.ID, p.Review))
		return st
	}
	ws := Windows(p.Review, in.Start, in.End, in.Options)
	for i, w := range ws {
		if w.End.Before(inForce) {
			continue // closed before the policy was in force
		}
		o := Occurrence{Start: w.Start.Format(attest.DateLayout), End: w.End.Format(attest.DateLayout), Due: w.End.Format(attest.DateLayout)}
		next := time.Time{}
		if i+1 < len(ws) {
			next = ws[i+1].Start
		}
		o.State = reviewState(days, w, next, in.AsOf)
		for _, d := range days {
			if !d.Before(w.Start) && (next.IsZero() || d.Before(next)) {
				o.Performed = d.Format(attest.DateLayout)
				break
			}
		}
		st.Occurrences = append(st.Occurrences, o)
		st.Expected++
		switch o.State {
		case Present:
			st.Present++
		case Late:
			st.Late++
		case Missed:
			st.Missed++
		case Upcoming:
			st.Upcoming++
		}
	}
	return st
}

// reviewState is the rule for one window w: reviewed within it, present;
// after it closed and before the next window opened (next, zero for the
// last), late; otherwise missed once it has closed, upcoming before.
func reviewState(days []time.Time, w Window, next, asOf time.Time) State {
	for _, d := range days {
		switch {
		case d.Before(w.Start):
		case !d.After(w.End):
			return Present
		case next.IsZero() || d.Before(next):
			return Late
		}
	}
	if w.End.Before(asOf) {
		return Missed
	}
	return Upcoming
}

// PolicyRecords reads the policies and the acts on them.
type PolicyRecords interface {
	Policies(ctx context.Context) ([]attest.Policy, error)
	PolicyEvents(ctx context.Context, id string) ([]attest.PolicyEvent, error)
}

// PolicyReviews evaluates every policy's reviews over [start, end] as of
// when: the one place the command line and the server read them.
func PolicyReviews(ctx context.Context, s PolicyRecords, start, end, when time.Time, opts Options) ([]PolicyStatus, error) {
	ps, err := s.Policies(ctx)
	if err != nil {
		return nil, err
	}
	evs, err := s.PolicyEvents(ctx, "")
	if err != nil {
		return nil, err
	}
	by := map[string][]attest.PolicyEvent{}
	for _, e := range evs {
		by[e.PolicyID] = append(by[e.PolicyID], e)
	}
	out := make([]PolicyStatus, 0, len(ps))
	for _, p := range ps {
		out = append(out, EvaluatePolicy(PolicyInput{Policy: p, Events: by[p.ID], Start: start, End: end, AsOf: when, Options: opts}))
	}
	return out, nil
}
