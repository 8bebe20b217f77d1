package readiness

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
)

// A preventive control performed after the event is a deviation: its own
// gap, in the Type 2 view only, worded to disclose it, never as something
// the auditor may find.
func TestPreventiveDeviationGap(t *testing.T) {
	in := Input{
		Engagement: &attest.Engagement{ID: "e", Kind: attest.SOC2, Type: attest.Type2},
		Targets:    []Target{{ID: "CC8.1"}},
		Controls: []attest.Control{{ID: "CHG-02", Criteria: []string{"CC8.1"}, Type: attest.Preventive, Status: attest.Implemented, Owner: "Kenji",
			Frequency: attest.EventDriven}},
		Status: map[string]period.Status{"CHG-02": {Expected: 4, Present: 3, Deviations: 1, Coverage: 0.75}},
	}
	r := Assess(in)
	var dev *Gap
	for i := range r.Gaps {
		if r.Gaps[i].Kind == Deviation {
			dev = &r.Gaps[i]
		}
	}
	if dev == nil || !strings.Contains(dev.Detail, "1 occurrence of this preventive control performed after the event") || !strings.Contains(dev.Hint, "disclose") {
		t.Fatalf("gaps %+v", r.Gaps)
	}
	for _, g := range append(r.Type1.Criteria[0].Gaps, r.Gaps...) {
		if strings.Contains(g.Hint, "may find") {
			t.Errorf("a hint says the auditor may find it: %q", g.Hint)
		}
	}
	if len(r.Type1.Criteria[0].Gaps) != 0 || len(r.Type2.Criteria[0].Gaps) != 1 {
		t.Errorf("Type 1 gaps %+v, Type 2 gaps %+v", r.Type1.Criteria[0].Gaps, r.Type2.Criteria[0].Gaps)
	}
}
