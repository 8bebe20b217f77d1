package engagement

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func TestBuildSOC2(t *testing.T) {
	cat := catalog.MustLoad()
	e, ctls, err := Build(cat, Spec{Kind: attest.SOC2, Type: attest.Type2, Categories: []string{"availability", "pi", "confidentiality", "privacy"}, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31", FieldworkLagMonths: 2}, now)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "soc2-type2-2026" || e.ReportDate != "2027-02-28" || strings.Join(e.Categories, ",") != "Security,Availability,Processing Integrity,Confidentiality,Privacy" {
		t.Errorf("engagement: %+v", e)
	}
	covered := map[string]bool{}
	for _, c := range ctls {
		if len(c.Criteria) == 0 || len(c.Objectives) != 0 {
			t.Errorf("%s: criteria %v objectives %v", c.ID, c.Criteria, c.Objectives)
		}
		for _, id := range c.Criteria {
			covered[id] = true
		}
		if strings.HasPrefix(c.ID, "PAY-") || strings.HasPrefix(c.ID, "CUS-") {
			t.Errorf("%s: business-process control in a SOC 2", c.ID)
		}
		if c.Status != attest.NotStarted || c.EngagementID != e.ID {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
	for _, cr := range cat.CriteriaIn(e.Categories) {
		if !covered[cr.ID] {
			t.Errorf("criterion %s has no control in the engagement", cr.ID)
		}
	}
}

func TestBuildSOC1(t *testing.T) {
	cat := catalog.MustLoad()
	e, ctls, err := Build(cat, Spec{Kind: attest.SOC1, Type: attest.Type1, Templates: []string{"payroll"}, AsOf: "2026-12-31"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(e.Templates, ",") != "payroll" || e.ReportDate != "2027-01-31" {
		t.Errorf("engagement: %+v", e)
	}
	covered := map[string]bool{}
	for _, c := range ctls {
		for _, id := range c.Objectives {
			covered[id] = true
		}
		if len(c.Criteria) != 0 {
			t.Errorf("%s: SOC 1 control carries criteria %v", c.ID, c.Criteria)
		}
	}
	for _, o := range cat.Objectives([]string{"payroll"}) {
		if !covered[o.ID] {
			t.Errorf("objective %s has no control", o.ID)
		}
	}
	if covered["ITGC.1"] {
		t.Error("itgc objectives instantiated without the itgc template")
	}
}

func TestBuildRefuses(t *testing.T) {
	cat := catalog.MustLoad()
	bad := []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-12-31", PeriodEnd: "2026-01-01"}, "ends"},
		{Spec{Kind: attest.SOC2, Type: attest.Type1}, "as-of date"},
		{Spec{Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-01-01"}, "period start and end"},
		{Spec{Kind: attest.SOC1, Type: attest.Type2, Templates: []string{"bakery"}, PeriodStart: "2026-01-01", PeriodEnd: "2026-06-30"}, "unknown objective template"},
		{Spec{Kind: attest.SOC2, Type: attest.Type2, Categories: []string{"speed"}, PeriodStart: "2026-01-01", PeriodEnd: "2026-06-30"}, "unknown category"},
		{Spec{Kind: attest.SOC2, Type: attest.Type1, AsOf: "2026-06-30", AlsoSOC3: true}, "SOC 3 can only be drawn"},
		{Spec{ID: "bad id!", Kind: attest.SOC2, Type: attest.Type1, AsOf: "2026-06-30"}, "engagement id"},
		{Spec{Kind: attest.SOC2, Type: attest.Type1, AsOf: "2026-06-30", ReportDate: "2026-05-01"}, "before the as-of date"},
	}
	for _, tt := range bad {
		_, _, err := Build(cat, tt.s, now)
		if err == nil || !strings.Contains(err.Error(), tt.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("Build(%+v) = %v, want EINVALID containing %q", tt.s, err, tt.want)
		}
	}
}

func TestCheckExclusion(t *testing.T) {
	cat := catalog.MustLoad()
	soc2 := &attest.Engagement{ID: "e", Kind: attest.SOC2, Categories: []string{attest.Security, attest.Privacy}}
	ok := "We collect no personal information directly from individuals; customers upload it."
	id, warnings, err := CheckExclusion(cat, soc2, "p3.1", ok)
	if err != nil || id != "P3.1" || len(warnings) != 1 || !strings.Contains(warnings[0], "service auditor's agreement") {
		t.Errorf("P3.1: %s %v %v", id, warnings, err)
	}
	_, warnings, err = CheckExclusion(cat, soc2, "CC6.4", "All infrastructure is in the cloud provider's data centers, carved out.")
	if err != nil || len(warnings) != 2 || !strings.Contains(warnings[1], "common criterion") {
		t.Errorf("CC6.4: %v %v", warnings, err)
	}
	refused := []struct{ id, reason, want string }{
		{"P3.1", "We have no control for this.", "not a reason"},
		{"P3.1", "no control implemented yet for it", "not a reason"},
		{"P3.1", "Controls not yet implemented for collection", "not a reason"},
		{"P3.1", "We don't have a control for consent", "not a reason"},
		{"P3.1", "n/a", "needs a stated reason"},
		{"P3.1", "", "needs a stated reason"},
		{"A1.1", ok, "not in scope"},
		{"X9.9", ok, "no such criterion"},
	}
	for _, tt := range refused {
		if _, _, err := CheckExclusion(cat, soc2, tt.id, tt.reason); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckExclusion(%s, %q) = %v, want %q", tt.id, tt.reason, err, tt.want)
		}
	}
	soc1 := &attest.Engagement{ID: "s1", Kind: attest.SOC1, Templates: []string{"itgc"}}
	if _, _, err := CheckExclusion(cat, soc1, "CC1.1", ok); err == nil {
		t.Error("SOC 1 exclusion of a criterion accepted")
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-11-15", 3, "2027-02-15"},
		{"2026-03-31", -1, "2026-02-28"},
	}
	for _, tt := range tests {
		d, _ := attest.ParseDate(tt.in)
		if got := attest.AddMonths(d, tt.n).Format(attest.DateLayout); got != tt.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
	s, _ := attest.ParseDate("2026-02-01")
	if a, b := PeriodFor(s, 12); a != "2026-02-01" || b != "2027-01-31" {
		t.Errorf("PeriodFor = %s..%s", a, b)
	}
}
