package period

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/policy"
)

// Policy reviews, by the one rule package policy writes (policy.Reviews):
// each review due one interval of the policy's frequency after the review
// before it, from the day the policy was first published. The period's
// occurrences are the reviews due within it: met by that day, present;
// within the next interval, late; none by then, missed once the day has
// passed, and upcoming before.

// PolicyInput is what EvaluatePolicy needs for one policy.
type PolicyInput struct {
	Policy     attest.Policy
	Events     []attest.PolicyEvent // the policy's acts, any order
	Start, End time.Time            // the period
	AsOf       time.Time
}

// PolicyStatus is one policy's reviews over the period.
type PolicyStatus struct {
	Policy    string `json:"id"`
	Title     string `json:"title"`
	Frequency string `json:"frequency"`
	// Controls are the controls the policy is linked to.
	Controls []string `json:"controls"`
	// EngagementControls are those of Controls in the engagement's scope (Load
	// fills it in; Bears): a late or missed review is a known deviation
	// of the engagement only through them.
	EngagementControls []string `json:"engagement_controls"`
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

// EvaluatePolicy computes one policy's review occurrences within the
// period and their states.
func EvaluatePolicy(in PolicyInput) PolicyStatus {
	p := in.Policy
	st := PolicyStatus{Policy: p.ID, Title: p.Title, Frequency: string(p.Review), Controls: attest.OrEmpty(p.Controls), Occurrences: []Occurrence{}}
	inForce, reviews := policy.Reviews(p.Review, in.Events, in.End, in.AsOf)
	if inForce.IsZero() {
		st.Warnings = append(st.Warnings, fmt.Sprintf("policy %s has not been published: no review is expected of it until it is", p.ID))
		return st
	}
	st.InForce = inForce.Format(attest.DateLayout)
	if !policy.Periodic(p.Review) {
		st.Warnings = append(st.Warnings, fmt.Sprintf("policy %s has no periodic review frequency (%q): give it one (monthly, quarterly, semi-annual or annual)", p.ID, p.Review))
		return st
	}
	for _, r := range reviews {
		if r.Due.Before(in.Start) || r.Due.After(in.End) {
			continue
		}
		o := Occurrence{Start: r.Opens.AddDate(0, 0, 1).Format(attest.DateLayout), End: r.Due.Format(attest.DateLayout), Due: r.Due.Format(attest.DateLayout)}
		if !r.Performed.IsZero() {
			o.Performed = r.Performed.Format(attest.DateLayout)
		}
		st.Expected++
		switch r.State {
		case policy.ReviewMet:
			o.State = Present
			st.Present++
		case policy.ReviewMetLate:
			o.State = Late
			st.Late++
		case policy.ReviewMissed:
			o.State = Missed
			st.Missed++
		default:
			o.State = Upcoming
			st.Upcoming++
		}
		st.Occurrences = append(st.Occurrences, o)
	}
	return st
}

// PolicyRecords reads the policies and the acts on them.
type PolicyRecords interface {
	Policies(ctx context.Context) ([]attest.Policy, error)
	PolicyEvents(ctx context.Context, id string) ([]attest.PolicyEvent, error)
}

// PolicyReviews evaluates every policy's reviews over [start, end] as of
// when: the one place the command line and the server read them.
func PolicyReviews(ctx context.Context, s PolicyRecords, start, end, when time.Time) ([]PolicyStatus, error) {
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
		out = append(out, EvaluatePolicy(PolicyInput{Policy: p, Events: by[p.ID], Start: start, End: end, AsOf: when}))
	}
	return out, nil
}

// Bears is which of the policy's controls are among ctls and in scope
// (not not-applicable), sorted: the controls through which a late or
// missed review of it is a known deviation of their engagement.
func (p PolicyStatus) Bears(ctls []attest.Control) []string {
	mine := map[string]bool{}
	for _, c := range ctls {
		if c.Status != attest.NotApplicable {
			mine[c.ID] = true
		}
	}
	out := []string{}
	for _, c := range p.Controls {
		if mine[c] && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}
