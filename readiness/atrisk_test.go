package readiness

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/period"
)

// Type 2 readiness never exceeds Type 1 for a criterion: a control whose
// occurrences are all still to come has full Type 2 coverage, but has
// never been performed, so the criterion is not ready for either.
func TestType2NeverExceedsType1(t *testing.T) {
	e := &attest.Engagement{ID: "e", Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"}
	ctl := func(id string, f attest.Frequency) attest.Control {
		return attest.Control{ID: id, Criteria: []string{"CC7.1"}, Status: attest.Implemented, Owner: "Sam", Frequency: f}
	}
	cases := map[string]struct {
		status map[string]period.Status
	}{
		"nothing due, never performed": {map[string]period.Status{
			"OPS-01": {Expected: 4, Present: 0, Coverage: 1, NothingDue: false, Upcoming: 3, MissedCount: 1},
			"OPS-02": {Expected: 1, Upcoming: 0, Coverage: 1, MissedCount: 0, LateCount: 0, Present: 0}}},
		"one performed, one never": {map[string]period.Status{
			"OPS-01": {Expected: 4, Present: 1, Coverage: 1, Upcoming: 3},
			"OPS-02": {Expected: 2, Present: 0, Coverage: 1, Upcoming: 1}}},
	}
	for name, c := range cases {
		in := Input{Engagement: e, Targets: []Target{{ID: "CC7.1"}}, Controls: []attest.Control{ctl("OPS-01", attest.Quarterly), ctl("OPS-02", attest.Annual)}, Status: c.status}
		r := Assess(in)
		if t1, t2 := r.Type1.Criteria[0].Score, r.Type2.Criteria[0].Score; t2 > t1 {
			t.Errorf("%s: Type 2 %d exceeds Type 1 %d", name, t2, t1)
		}
		if r.Type2.Score > r.Type1.Score {
			t.Errorf("%s: overall Type 2 %d exceeds Type 1 %d", name, r.Type2.Score, r.Type1.Score)
		}
	}
}

// A criterion is at risk, and listed first, when it had no implemented
// control for all or part of the elapsed period, a control changed during
// the period, a systematic deviation, or a known deviation not yet
// disclosed; the lowest criterion is shown beside the average; the options
// never predict the opinion.
func TestAtRisk(t *testing.T) {
	e := &attest.Engagement{ID: "e", Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-02-01", PeriodEnd: "2027-01-31", Categories: []string{attest.Security, attest.ProcessingIntegrity}}
	ctl := func(id, crit string, st attest.Status) attest.Control {
		return attest.Control{ID: id, Criteria: []string{crit}, Status: st, Owner: "Sam", Frequency: attest.EventDriven}
	}
	full := period.Status{Expected: 3, Present: 3, Coverage: 1}
	in := Input{Engagement: e, When: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC),
		Targets: []Target{{ID: "CC6.1"}, {ID: "CC8.1"}, {ID: "CC7.2"}, {ID: "CC7.3"}, {ID: "PI1.4"}, {ID: "CC9.1"}},
		Controls: []attest.Control{
			ctl("AC-01", "CC6.1", attest.Implemented), ctl("CHG-07", "CC8.1", attest.Implemented), ctl("OPS-01", "CC7.2", attest.Implemented),
			ctl("INC-01", "CC7.3", attest.Implemented), ctl("PI-05", "PI1.4", attest.InProgress), ctl("RSK-01", "CC9.1", attest.Implemented),
		},
		Status: map[string]period.Status{"AC-01": {Expected: 3, Present: 2, MissedCount: 1, Coverage: 0.67}, "CHG-07": full, "OPS-01": full, "INC-01": full, "RSK-01": full},
		History: map[string][]engagement.ControlEvent{
			"AC-01":  {{What: engagement.Recorded, Date: "2026-01-10"}},
			"CHG-07": {{What: engagement.Recorded, Date: "2026-01-10"}, {What: engagement.Implemented, Date: "2026-07-14", Detail: "marked implemented"}},
			"OPS-01": {{What: engagement.Recorded, Date: "2026-01-10"}, {What: engagement.Changed, Date: "2026-05-20", Detail: "changed its frequency (monthly to weekly)"}},
		},
		Systematic: map[string][]int64{"INC-01": {7}},
		Deviations: []deviation.Deviation{
			{ID: "missed:AC-01:2026-03-31", Control: "AC-01"},
			{ID: "late:RSK-01:2026-04-30", Control: "RSK-01", Disclosure: &attest.Disclosure{To: "Ana Lima", On: "2026-05-02"}},
		},
	}
	r := Assess(in)
	got := map[string]string{}
	var order []string
	for _, a := range r.AtRisk {
		got[a.Ref] = strings.Join(a.Reasons, "; ")
		order = append(order, a.Ref)
	}
	want := map[string]string{
		"PI1.4": "no implemented control addresses it",
		"CC8.1": "no implemented control before 2026-07-14",
		"CC7.2": "OPS-01 changed its frequency (monthly to weekly) on 2026-05-20",
		"CC7.3": "INC-01 had a systematic deviation (test 7)",
		"CC6.1": "AC-01 has 1 known deviation not yet disclosed",
	}
	for ref, w := range want {
		if !strings.Contains(got[ref], w) {
			t.Errorf("%s: reasons %q, want %q", ref, got[ref], w)
		}
	}
	if _, ok := got["CC9.1"]; ok {
		t.Errorf("CC9.1's deviation was disclosed, yet it is at risk: %q", got["CC9.1"])
	}
	if strings.Join(order, " ") != "PI1.4 CC8.1 CC7.2 CC7.3 CC6.1" {
		t.Errorf("order %v: the gravest first", order)
	}
	if r.Lowest == nil || r.Lowest.Ref != "PI1.4" || r.Lowest.Score != 0 || r.Type2.Score < 50 {
		t.Errorf("lowest %+v beside the average %d", r.Lowest, r.Type2.Score)
	}
	opts := strings.Join(r.Options, "\n")
	for _, w := range []string{"Processing Integrity", "Move or shorten the period", "modified assertion", "modified opinion"} {
		if !strings.Contains(opts, w) {
			t.Errorf("options lack %q:\n%s", w, opts)
		}
	}
	for _, never := range []string{"will issue", "will qualify", "auditor may find", "certif"} {
		if strings.Contains(strings.ToLower(opts), never) {
			t.Errorf("options say %q:\n%s", never, opts)
		}
	}
	for _, g := range r.Gaps {
		if strings.Contains(g.Hint, "may find") {
			t.Errorf("gap hint frames a known deviation as a finding: %s", g.Hint)
		}
	}
}
