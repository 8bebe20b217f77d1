package period

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func act(action, at string) attest.PolicyEvent {
	return attest.PolicyEvent{PolicyID: "P-1", Version: 1, Action: action, At: at + "T10:00:00Z"}
}

// The review rule, one case per state and per way a policy comes into
// force, over the calendar year 2026.
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
		{"approved within the window", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicyApproval, "2026-05-10")}, "2027-01-15",
			[]State{Present}, []string{"2026-05-10"}, ""},
		{"published again within the window", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicyPublish, "2026-12-31")}, "2027-01-15",
			[]State{Present}, []string{"2026-12-31"}, ""},
		{"approved after the period", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicyApproval, "2027-01-10")}, "2027-01-20",
			[]State{Late}, []string{"2027-01-10"}, ""},
		{"not yet due", attest.Annual, []attest.PolicyEvent{before}, "2026-06-01",
			[]State{Upcoming}, []string{""}, ""},
		{"a review after as-of does not count", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicyApproval, "2026-05-10")}, "2026-04-01",
			[]State{Upcoming}, []string{""}, ""},
		{"a submission is not a review", attest.Annual, []attest.PolicyEvent{before, act(attest.PolicySubmitted, "2026-05-10")}, "2027-01-15",
			[]State{Missed}, []string{""}, ""},
		// First published in May: the first quarter expects nothing, the
		// publication meets the second, the third is missed, a review in
		// November meets the fourth.
		{"in force from the second quarter", attest.Quarterly, []attest.PolicyEvent{
			act(attest.PolicyApproval, "2026-05-14"), act(attest.PolicyPublish, "2026-05-15"), act(attest.PolicyApproval, "2026-11-02")}, "2027-01-05",
			[]State{Present, Missed, Present}, []string{"2026-05-14", "", "2026-11-02"}, ""},
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
