package engagement

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/scope"
	"github.com/google/go-cmp/cmp"
)

func recommend(t *testing.T, answers string) *scope.Recommendation {
	t.Helper()
	a, err := scope.ParseAnswers("a.yaml", []byte(answers))
	if err != nil {
		t.Fatal(err)
	}
	opts := scope.DefaultOptions()
	opts.Today = now
	return scope.Decide(a, opts)
}

func TestFromScopeTakesTheRecommendedDates(t *testing.T) {
	cat := catalog.MustLoad()
	// Eight months of operation: a Type 2 over the last eight months, not a
	// period that starts next month.
	rec := recommend(t, "service_types: [claims]\ncontrols_operating_months: 8\ncustomer_fiscal_year_ends: [Oct 31]\n")
	s := FromScope(Spec{FieldworkLagMonths: 2}, rec.Reports[0])
	e, ctls, err := Build(cat, s, now)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(e.Kind), string(e.Type), e.PeriodStart, e.PeriodEnd, e.ReportDate}
	want := []string{"SOC 1", "Type 2", "2026-03-01", "2026-10-31", "2026-12-31"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("engagement (-want +got):\n%s", diff)
	}
	if len(ctls) == 0 || e.Templates[1] != "claims" {
		t.Errorf("templates %v, %d controls", e.Templates, len(ctls))
	}

	// A Type 1 takes its as-of date; asking for the Type 2 instead takes the
	// period of the Type 2 that follows.
	rec = recommend(t, "security_reviews: true\ncontrols_operating_months: 1\nreport_needed_within_months: 2\n")
	t1 := FromScope(Spec{}, rec.Reports[0])
	if t1.Type != attest.Type1 || t1.AsOf != "2026-11-30" || t1.PeriodStart != "" {
		t.Errorf("Type 1 spec %+v", t1)
	}
	t2 := FromScope(Spec{Type: attest.Type2}, rec.Reports[0])
	if t2.PeriodStart != "2026-10-01" || t2.PeriodEnd != "2026-12-31" || t2.AsOf != "" {
		t.Errorf("Type 2 after the Type 1: %+v", t2)
	}

	// What the user says wins.
	own := FromScope(Spec{Type: attest.Type2, PeriodStart: "2027-01-01", Categories: []string{"availability"}}, rec.Reports[0])
	if own.PeriodStart != "2027-01-01" || own.PeriodEnd != "" || own.Categories[0] != "availability" {
		t.Errorf("user's choices overridden: %+v", own)
	}
}

// Plan: the engagements a recommendation or the user's kind and type
// make, with the rules for a SOC 3 and for an ID.
func TestPlan(t *testing.T) {
	soc2 := recommend(t, "security_reviews: true\ncustomer_data: true\npublic_trust: true\ncontrols_operating_months: 8\n")
	kinds := func(ss []Spec) []string {
		var out []string
		for _, s := range ss {
			k := string(s.Kind) + " " + string(s.Type)
			if s.AlsoSOC3 {
				k += " + SOC 3"
			}
			out = append(out, k)
		}
		return out
	}
	specs, notes, err := Plan(Spec{}, soc2, now)
	if err != nil || len(specs) == 0 {
		t.Fatalf("plan from a SOC 2 and SOC 3 recommendation: %v %v", specs, err)
	}
	if got := kinds(specs); got[0] != "SOC 2 Type 2 + SOC 3" || len(notes) != 0 {
		t.Errorf("kinds %q, notes %q: want the SOC 3 on the SOC 2 Type 2", got, notes)
	}
	if specs, notes, err = Plan(Spec{Type: attest.Type1}, soc2, now); err != nil || specs[0].AlsoSOC3 || len(notes) != 1 || specs[0].AsOf == "" {
		t.Errorf("a Type 1 asked for: %+v %q %v (want no SOC 3, a note, an as-of date)", specs, notes, err)
	}
	for _, tc := range []struct {
		name string
		base Spec
		rec  *scope.Recommendation
		want string
	}{
		{"nothing said", Spec{}, nil, "say what to create"},
		{"SOC 2 without a type", Spec{Kind: attest.SOC2}, nil, "needs a type"},
		{"SOC 3 with a type", Spec{Kind: attest.SOC3, Type: attest.Type2}, nil, "no Type 1 or Type 2 form"},
		{"SOC 3 from a recommendation", Spec{Kind: attest.SOC3}, soc2, "drawn from the SOC 2 Type 2"},
		{"a kind not recommended", Spec{Kind: attest.SOC1}, soc2, "no SOC 1 is recommended there"},
	} {
		if _, _, err := Plan(tc.base, tc.rec, now); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// By kind and type, no dates: a 12-month period from next month.
	specs, _, err = Plan(Spec{Kind: attest.SOC2, Type: attest.Type2}, nil, now)
	if err != nil || specs[0].PeriodStart == "" || specs[0].PeriodEnd == "" {
		t.Fatalf("SOC 2 Type 2 by kind: %+v %v", specs, err)
	}
	start, _ := attest.ParseDate(specs[0].PeriodStart)
	if want := FirstOfNextMonth(now); !start.Equal(want) {
		t.Errorf("period starts %s, want %s", specs[0].PeriodStart, want.Format(attest.DateLayout))
	}
	if _, end := PeriodFor(start, 12); specs[0].PeriodEnd != end {
		t.Errorf("period ends %s, want %s", specs[0].PeriodEnd, end)
	}
}
