package auth_test

import (
	"context"
	"testing"
	"time"

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

// dir is a Directory of fixed engagements, controls and auditors.
type dir struct {
	engs     []attest.Engagement
	controls map[string][]attest.Control
	auditors map[string][]attest.Auditor
}

func (d dir) Engagements(context.Context) ([]attest.Engagement, error) { return d.engs, nil }
func (d dir) Controls(_ context.Context, id string) ([]attest.Control, error) {
	return d.controls[id], nil
}
func (d dir) Auditors(_ context.Context, id string) ([]attest.Auditor, error) {
	return d.auditors[id], nil
}

func TestRelevant(t *testing.T) {
	ana := &attest.User{ID: 7, Email: "ana@cpa.example", Role: attest.RoleAuditor}
	d := dir{
		engs: []attest.Engagement{
			{ID: "soc2-2025", Kind: attest.SOC2, PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", ReportDate: "2026-02-15"},
			{ID: "soc2-2024", Kind: attest.SOC2, PeriodStart: "2024-01-01", PeriodEnd: "2024-12-31", ReportDate: "2025-02-15"},
		},
		controls: map[string][]attest.Control{"soc2-2025": {{ID: "AC-01"}}, "soc2-2024": {{ID: "CM-01"}}},
		auditors: map[string][]attest.Auditor{"soc2-2025": {{Name: "Ana", UserID: 7}}, "soc2-2024": {{Name: "Ana", UserID: 7}}},
	}
	p := auth.Policy{Dir: d, Grace: auth.DefaultGrace, Now: time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)}
	sc, err := p.Scope(context.Background(), ana)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		controls []string
		from, to string
		want     bool
	}{
		{"supports a control in scope", []string{"XX-01", "AC-01"}, "", "", true},
		{"supports only a control of an ended engagement", []string{"CM-01"}, "", "", false},
		{"in force since before the period", nil, "2023-05-01T10:00:00Z", "", true},
		{"in force from the period's last day", nil, "2025-12-31", "", true},
		{"in force only after the period", nil, "2026-01-02", "", false},
		{"ended before the period", nil, "2024-03-01", "2024-12-31", false},
		{"never in force", nil, "", "", false},
	} {
		if got := sc.Relevant(tc.controls, tc.from, tc.to); got != tc.want {
			t.Errorf("%s: Relevant = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !auth.Everything.Relevant(nil, "", "") {
		t.Errorf("the staff's scope does not cover every record")
	}
}
