package deviation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
)

// policies is a fixed set of policies and their acts.
type policies struct {
	ps  []attest.Policy
	evs []attest.PolicyEvent
}

func (p policies) Policies(context.Context) ([]attest.Policy, error) { return p.ps, nil }
func (p policies) PolicyEvents(context.Context, string) ([]attest.PolicyEvent, error) {
	return p.evs, nil
}

// A quarterly policy published before the period, reviewed late once and
// then not at all: each is a deviation of the controls linked to it in
// scope; a policy no control of the engagement names adds nothing, nor
// does a review due outside the span.
func TestPolicyReviews(t *testing.T) {
	e := &attest.Engagement{ID: "e1", Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-01-01", PeriodEnd: "2026-06-30"}
	ctls := []attest.Control{{ID: "GOV-02", Status: attest.Implemented}, {ID: "AC-01", Status: attest.Implemented}, {ID: "PHY-01", Status: attest.NotApplicable}}
	pub := func(id string, v int, at string) attest.PolicyEvent {
		return attest.PolicyEvent{PolicyID: id, Version: v, Action: attest.PolicyPublish, At: at}
	}
	approve := func(id string, v int, at string) attest.PolicyEvent {
		return attest.PolicyEvent{PolicyID: id, Version: v, Action: attest.PolicyApproval, At: at}
	}
	src := policies{
		ps: []attest.Policy{
			{ID: "access", Title: "Access control", Review: attest.Quarterly, Controls: []string{"GOV-02", "AC-01", "PHY-01"}},
			{ID: "physical", Title: "Physical security", Review: attest.Quarterly, Controls: []string{"PHY-01", "ZZ-09"}},
		},
		evs: []attest.PolicyEvent{
			pub("access", 1, "2025-12-01T10:00:00Z"),
			// Due 2026-03-01, reviewed on 2026-03-20 by a new version.
			approve("access", 2, "2026-03-20T10:00:00Z"), pub("access", 2, "2026-03-21T10:00:00Z"),
			// Due 2026-06-20: never reviewed.
			pub("physical", 1, "2025-12-01T10:00:00Z"),
		},
	}
	span := deviation.Span{Through: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), When: time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)}
	got, err := deviation.PolicyReviews(src).Find(context.Background(), deviation.Query{Engagement: e, Controls: ctls, Span: span})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range got {
		lines = append(lines, d.ID+" "+d.Kind+" "+strings.Join(d.Controls, ",")+": "+d.Text)
	}
	want := []string{
		"policy-review:access:2026-03-01 late AC-01,GOV-02: the review of policy access (Access control), due 2026-03-01, was done late, on 2026-03-20 (AC-01, GOV-02)",
		"policy-review:access:2026-06-20 missed AC-01,GOV-02: the review of policy access (Access control), due 2026-06-20, was not done (AC-01, GOV-02)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// Outside the span (an issued report covers up to 2026-04-30): only the later one.
	span.After = time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)
	if got, _ := deviation.PolicyReviews(src).Find(context.Background(), deviation.Query{Engagement: e, Controls: ctls, Span: span}); len(got) != 1 || got[0].Kind != deviation.Missed {
		t.Errorf("after an issued report: %+v", got)
	}
	// A Type 1 has no period to review within.
	if got, _ := deviation.PolicyReviews(src).Find(context.Background(), deviation.Query{Engagement: &attest.Engagement{ID: "t1", AsOf: "2026-06-30"}, Controls: ctls, Span: span}); len(got) != 0 {
		t.Errorf("a Type 1: %+v", got)
	}
}
