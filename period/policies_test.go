package period

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func act(action, at string) attest.PolicyEvent { return actOn(1, action, at) }

// actOn is an act on a version of the policy: a new version is a review.
func actOn(version int, action, at string) attest.PolicyEvent {
	return attest.PolicyEvent{PolicyID: "P-1", Version: version, Action: action, At: at + "T10:00:00Z"}
}

// The period's occurrences of the review rule (policy.Reviews), one case
// per state and per way a policy comes into force, over the calendar year
// 2026.
func TestEvaluatePolicy(t *testing.T) {
	before := act(attest.PolicyPublish, "2025-06-01")
	tests := []struct {
		name    string
		review  attest.Frequency
		events  []attest.PolicyEvent
		asOf    string
		states  []State
		done    []string // performed, per occurrence
		warning string
	}{
		{"published before the period, never reviewed in it", attest.Annual, []attest.PolicyEvent{before}, "2027-01-15",
			[]State{Missed}, []string{""}, ""},
		{"a new version approved by its day", attest.Annual, []attest.PolicyEvent{before, actOn(2, attest.PolicyApproval, "2026-05-10")}, "2027-01-15",
			[]State{Present}, []string{"2026-05-10"}, ""},
		{"a new version's approval and publication are one review", attest.Annual, []attest.PolicyEvent{before,
			actOn(2, attest.PolicyApproval, "2026-05-10"), actOn(2, attest.PolicyPublish, "2026-05-12")}, "2027-01-15",
			[]State{Present}, []string{"2026-05-10"}, ""},
		{"published again after its day, within the next interval", attest.Annual, []attest.PolicyEvent{before, actOn(2, attest.PolicyPublish, "2026-12-31")}, "2027-01-15",
			[]State{Late}, []string{"2026-12-31"}, ""},
		{"approved after the period", attest.Annual, []attest.PolicyEvent{before, actOn(2, attest.PolicyApproval, "2027-01-10")}, "2027-01-20",
			[]State{Late}, []string{"2027-01-10"}, ""},
		{"more than an interval late: missed, and the next counts from the missed day", attest.Quarterly,
			[]attest.PolicyEvent{act(attest.PolicyPublish, "2025-12-01"), actOn(2, attest.PolicyApproval, "2026-07-20")}, "2027-01-05",
			[]State{Missed, Late, Missed}, []string{"", "2026-07-20", ""}, ""},
		{"not yet due", attest.Annual, []attest.PolicyEvent{before}, "2026-06-01",
			[]State{Upcoming}, []string{""}, ""},
		{"a review after as-of does not count", attest.Annual, []attest.PolicyEvent{before, actOn(2, attest.PolicyApproval, "2026-05-10")}, "2026-04-01",
			[]State{Upcoming}, []string{""}, ""},
		{"a submission is not a review", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicySubmitted, "2026-05-10")}, "2027-01-15",
			[]State{Missed}, []string{""}, ""},
		// First published in May: the first review is due in August; made
		// in November, within the next interval, it is late, and the next
		// is due in February, after the period.
		{"in force from May", attest.Quarterly, []attest.PolicyEvent{
			act(attest.PolicyApproval, "2026-05-14"), act(attest.PolicyPublish, "2026-05-15"), actOn(2, attest.PolicyApproval, "2026-11-02")}, "2027-01-05",
			[]State{Late}, []string{"2026-11-02"}, ""},
		{"reviews met on time, quarterly", attest.Quarterly, []attest.PolicyEvent{act(attest.PolicyPublish, "2025-11-20"),
			actOn(2, attest.PolicyPublish, "2026-02-15"), actOn(3, attest.PolicyApproval, "2026-05-10"), actOn(4, attest.PolicyApproval, "2026-08-01")}, "2026-09-01",
			[]State{Present, Present, Present, Upcoming}, []string{"2026-02-15", "2026-05-10", "2026-08-01", ""}, ""},
		{"never published", attest.Annual, []attest.PolicyEvent{act(attest.PolicyApproval, "2026-03-01")}, "2027-01-15",
			nil, nil, "has not been published"},
		{"no periodic frequency", attest.EventDriven, []attest.PolicyEvent{before}, "2027-01-15",
			nil, nil, "no periodic review frequency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := EvaluatePolicy(PolicyInput{Policy: attest.Policy{ID: "P-1", Review: tc.review}, Events: tc.events,
				Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d(tc.asOf)})
			var states []State
			var done []string
			for _, o := range st.Occurrences {
				states, done = append(states, o.State), append(done, o.Performed)
			}
			if diff := cmp.Diff(tc.states, states); diff != "" {
				t.Errorf("states (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.done, done); diff != "" {
				t.Errorf("performed (-want +got):\n%s", diff)
			}
			if st.Expected != len(tc.states) || st.Present+st.Late+st.Missed+st.Upcoming != st.Expected {
				t.Errorf("counts %+v", st)
			}
			if got := strings.Join(st.Warnings, "; "); tc.warning == "" && got != "" || !strings.Contains(got, tc.warning) {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
		})
	}
}

// TestBears: a policy's controls through which its reviews are a known
// deviation of an engagement are those the engagement has in scope,
// sorted, each once.
func TestBears(t *testing.T) {
	p := PolicyStatus{Controls: []string{"CC6.2", "CC6.1", "CC9.9", "CC6.1", "CC7.1"}}
	ctls := []attest.Control{{ID: "CC6.1"}, {ID: "CC6.2"}, {ID: "CC7.1", Status: attest.NotApplicable}, {ID: "CC8.1"}}
	if got := p.Bears(ctls); !cmp.Equal(got, []string{"CC6.1", "CC6.2"}) {
		t.Errorf("Bears = %v", got)
	}
	if got := (PolicyStatus{Controls: []string{"CC9.9"}}).Bears(ctls); got == nil || len(got) != 0 {
		t.Errorf("a policy on none of them: %#v, want an empty list", got)
	}
}
