package auth_test

import (
	"context"
	"strings"
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

// dir is a Directory in memory: the engagements, each with its controls
// and the auditor named on it.
type dir struct {
	engs     []attest.Engagement
	controls map[string][]string
}

func (d dir) Engagements(ctx context.Context) ([]attest.Engagement, error) { return d.engs, nil }
func (d dir) Controls(ctx context.Context, id string) ([]attest.Control, error) {
	var out []attest.Control
	for _, c := range d.controls[id] {
		out = append(out, attest.Control{ID: c})
	}
	return out, nil
}
func (d dir) Auditors(ctx context.Context, id string) ([]attest.Auditor, error) {
	return []attest.Auditor{{EngagementID: id, Name: "Ana", UserID: 7}}, nil
}

// The auditor reads an organization's record in force during one of
// their engagements (a Type 2's period, a Type 1's as-of date), or linked
// to one of its controls; staff read every one.
func TestRelevant(t *testing.T) {
	d := dir{engs: []attest.Engagement{
		{ID: "t2", Kind: attest.SOC2, Type: attest.Type2, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31", ReportDate: "2027-02-28"},
		{ID: "t1", Kind: attest.SOC1, Type: attest.Type1, AsOf: "2026-03-31", ReportDate: "2027-01-31"},
	}, controls: map[string][]string{"t2": {"AC-01"}, "t1": {"CH-01"}}}
	p := auth.Policy{Dir: d, Grace: auth.DefaultGrace, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	sc, err := p.Scope(context.Background(), &attest.User{ID: 7, Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		from, to string
		controls []string
		ok       bool
	}{
		{"in force before and during the period", "2025-03-01T10:00:00Z", "", nil, true},
		{"ran within the period", "2026-05-01", "2026-05-20", nil, true},
		{"ended the day the period began", "2025-11-01", "2026-01-01T09:00:00Z", nil, true},
		{"ended before the period and the as-of date", "2025-01-01", "2025-12-31", nil, false},
		{"on the Type 1's as-of date", "2026-03-31", "", nil, true},
		{"never in force", "", "", nil, false},
		{"never in force, linked to a control", "", "", []string{"CH-01"}, true},
		{"after every engagement", "2027-01-01", "", []string{"ZZ-01"}, false},
	} {
		err := sc.Relevant("policy x", tc.from, tc.to, tc.controls)
		if (err == nil) != tc.ok || err != nil && (attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(err.Error(), "policy x: an auditor reads the organization's records only when")) {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.ok)
		}
		if err := auth.Everything.Relevant("policy x", tc.from, tc.to, tc.controls); err != nil {
			t.Errorf("%s: staff refused: %v", tc.name, err)
		}
	}
}

func TestParseGrace(t *testing.T) {
	for in, want := range map[string]time.Duration{"720h": 720 * time.Hour, "30d": 30 * 24 * time.Hour, " 0d ": 0} {
		if got, err := auth.ParseGrace(in); err != nil || got != want {
			t.Errorf("ParseGrace(%q) = %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "x", "-5h", "-1d", "99999d"} {
		if _, err := auth.ParseGrace(in); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("ParseGrace(%q): %v", in, err)
		}
	}
}
