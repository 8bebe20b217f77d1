package auth_test

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

func TestPrior(t *testing.T) {
	engs := []attest.Engagement{
		{ID: "soc2-2024", Kind: attest.SOC2, PeriodStart: "2024-01-01", PeriodEnd: "2024-12-31"},
		{ID: "soc2-2025", Kind: attest.SOC2, PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31"},
		{ID: "soc1-2025", Kind: attest.SOC1, PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31"},
		{ID: "soc2-type1", Kind: attest.SOC2, AsOf: "2023-06-30"},
		{ID: "soc2-2026", Kind: attest.SOC2, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"},
	}
	for _, tc := range []struct{ of, want string }{
		{"soc2-2026", "soc2-2025"}, // the latest earlier period of the same kind
		{"soc2-2025", "soc2-2024"},
		{"soc2-2024", "soc2-type1"}, // a Type 1 as of a date before it counts
		{"soc2-type1", ""},
		{"soc1-2025", ""}, // another kind of report is not its prior period
	} {
		var e *attest.Engagement
		for i := range engs {
			if engs[i].ID == tc.of {
				e = &engs[i]
			}
		}
		got := ""
		if p := auth.Prior(engs, e); p != nil {
			got = p.ID
		}
		if got != tc.want {
			t.Errorf("Prior(%s) = %q, want %q", tc.of, got, tc.want)
		}
	}
}
