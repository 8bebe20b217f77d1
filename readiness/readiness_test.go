package readiness

import (
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
	"github.com/google/go-cmp/cmp"
)

// A hand-worked example:
//
//	CC6.1: AC-01 implemented, performed, coverage 1/2; AC-02 not started
//	       Type 1: 1 of 2 controls ready = 50; Type 2: (0.5 + 0) / 2 = 25
//	CC6.2: AC-03 in progress (no implemented control)
//	       Type 1: 0; Type 2: 0; a criterion_without_control gap
//	CC6.3: excluded, left out of the averages
//	Overall: Type 1 (50 + 0) / 2 = 25; Type 2 (25 + 0) / 2 = 12.5, rounded to 13
func TestAssessHandWorked(t *testing.T) {
	e := &attest.Engagement{ID: "e", Kind: attest.SOC2, Type: attest.Type2}
	ctl := func(id, crit string, st attest.Status, owner string) attest.Control {
		return attest.Control{ID: id, Title: id, Criteria: []string{crit}, Status: st, Owner: owner, Frequency: attest.Monthly, OwnerRole: "Security Lead"}
	}
	in := Input{
		Engagement: e,
		Targets:    []Target{{ID: "CC6.1"}, {ID: "CC6.2"}, {ID: "CC6.3", Excluded: "no physical media"}},
		Controls: []attest.Control{
			ctl("AC-01", "CC6.1", attest.Implemented, "Kenji"),
			ctl("AC-02", "CC6.1", attest.NotStarted, ""),
			ctl("AC-03", "CC6.2", attest.InProgress, "Jonah"),
			ctl("PHY-04", "CC6.3", attest.NotApplicable, ""),
		},
		Status: map[string]period.Status{
			"AC-01": {Expected: 4, Present: 1, MissedCount: 1, Upcoming: 2, Coverage: 0.5},
			"AC-02": {Expected: 4, Upcoming: 2, MissedCount: 2, Coverage: 0},
			"AC-03": {Expected: 4, Upcoming: 4, Coverage: 1},
		},
		Library: map[string][]string{"CC6.2": {"AC-03", "AC-04"}},
	}
	r := Assess(in)
	if r.Type1.Score != 25 || r.Type2.Score != 13 {
		t.Errorf("scores: Type 1 %d, Type 2 %d; want 25 and 13", r.Type1.Score, r.Type2.Score)
	}
	scores := func(v View) map[string]int {
		m := map[string]int{}
		for _, c := range v.Criteria {
			m[c.ID] = c.Score
		}
		return m
	}
	if diff := cmp.Diff(map[string]int{"CC6.1": 50, "CC6.2": 0, "CC6.3": 0}, scores(r.Type1)); diff != "" {
		t.Errorf("Type 1 criteria (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"CC6.1": 25, "CC6.2": 0, "CC6.3": 0}, scores(r.Type2)); diff != "" {
		t.Errorf("Type 2 criteria (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, g := range r.Gaps {
		kinds = append(kinds, g.Kind+" "+g.Ref)
	}
	want := []string{
		"criterion_without_control CC6.2",
		"control_not_implemented AC-02",
		"control_not_implemented AC-03",
		"control_without_owner AC-02",
		"missed_occurrences AC-01",
		"missed_occurrences AC-02",
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("gaps, most blocking first (-want +got):\n%s", diff)
	}
	for _, g := range r.Gaps {
		if g.Hint == "" || g.Detail == "" {
			t.Errorf("gap without detail or hint: %+v", g)
		}
	}
	if r.Type2.Criteria[2].Excluded == "" {
		t.Error("the exclusion is not shown")
	}
}

func TestNeverPerformed(t *testing.T) {
	e := &attest.Engagement{ID: "e", Kind: attest.SOC1, Type: attest.Type1}
	in := Input{Engagement: e, Targets: []Target{{ID: "ITGC.2"}},
		Controls: []attest.Control{{ID: "AC-06", Objectives: []string{"ITGC.2"}, Status: attest.Implemented, Owner: "Dana", Frequency: attest.Quarterly}},
		Status:   map[string]period.Status{"AC-06": {Expected: 1, MissedCount: 1}}}
	r := Assess(in)
	if r.Type1.Score != 0 || len(r.Gaps) != 2 || r.Gaps[0].Kind != NeverPerformed {
		t.Errorf("report %+v", r)
	}
}

// TestPartlyTested: the auditor's interim test to June 30 leaves July to
// the day assessed (November 1) untested until a roll-forward covers it.
func TestPartlyTested(t *testing.T) {
	e := &attest.Engagement{ID: "e", Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"}
	in := Input{Engagement: e, Targets: []Target{{ID: "CC8.1"}}, When: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Controls: []attest.Control{{ID: "CHG-02", Criteria: []string{"CC8.1"}, Status: attest.Implemented, Owner: "Lucia", Frequency: attest.EventDriven}},
		Status:   map[string]period.Status{"CHG-02": {}},
		Tested:   map[string][][2]string{"CHG-02": {{"2026-01-01", "2026-06-30"}}}}
	gaps := func() []Gap {
		var out []Gap
		for _, g := range Assess(in).Gaps {
			if g.Kind == PartlyTested {
				out = append(out, g)
			}
		}
		return out
	}
	if g := gaps(); len(g) != 1 || g[0].Detail != "CHG-02: the service auditor's tests do not cover 2026-07-01 to 2026-11-01" {
		t.Errorf("interim only: %+v", g)
	}
	in.Tested["CHG-02"] = append(in.Tested["CHG-02"], [2]string{"2026-07-01", "2026-11-01"})
	if g := gaps(); len(g) != 0 {
		t.Errorf("rolled forward to the day assessed: %+v", g)
	}
	in.Tested["CHG-02"] = [][2]string{{"", ""}}
	if g := gaps(); len(g) != 0 {
		t.Errorf("a test of the whole period: %+v", g)
	}
}
