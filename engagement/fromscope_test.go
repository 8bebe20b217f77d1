package engagement

import (
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
