package policy_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// An approval by anyone but a named approver is refused with the rule
// named, and records nothing (issue 18, bad input).
func TestApprovalBySomeoneNotNamed(t *testing.T) {
	s := sqlitetest.Create(t)
	users := map[string]*attest.User{}
	for _, u := range []attest.User{
		{Email: "cto@example.com", Role: attest.RoleOwner},
		{Email: "admin@example.com", Role: attest.RoleAdmin},
		{Email: "sam@example.com", Role: attest.RoleOwner},
		{Email: "ci@example.com", Role: attest.RoleCompliance, Service: true},
		{Email: "ana@cpa.example", Role: attest.RoleAuditor},
	} {
		got, err := s.SaveUser(ctx, change("admin", 1), u)
		if err != nil {
			t.Fatal(err)
		}
		users[u.Email] = got
	}
	cto := users["cto@example.com"]
	req := policy.NewRequest{Template: "backup", Vars: map[string]string{"org": "Acme"}, Owner: users["sam@example.com"].ID, Approvers: []int64{cto.ID}}
	if _, err := policy.New(ctx, s, change("op", 2), nil, req); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Submit(ctx, s, change("op", 2), nil, "backup", ""); err != nil {
		t.Fatal(err)
	}
	const rule = "only the approvers the policy names may approve it"
	for name, tc := range map[string]struct {
		actor *attest.User
		as    int64
		code  string
		words string
	}{
		"the policy's owner":              {users["sam@example.com"], 0, attest.EFORBIDDEN, "sam@example.com is not an approver of backup: " + rule},
		"an admin":                        {users["admin@example.com"], 0, attest.EFORBIDDEN, rule},
		"a service account":               {users["ci@example.com"], 0, attest.EFORBIDDEN, rule},
		"the service auditor":             {users["ana@cpa.example"], 0, attest.EFORBIDDEN, rule},
		"the operator naming another":     {nil, users["admin@example.com"].ID, attest.EFORBIDDEN, rule},
		"an approver approving for one":   {users["admin@example.com"], cto.ID, attest.EFORBIDDEN, "nobody approves for another account"},
		"the operator naming no approver": {nil, 0, attest.EINVALID, "name the approver"},
	} {
		size0, _ := s.LedgerSize(ctx)
		_, err := policy.Approve(ctx, s, change("x", 3), tc.actor, "backup", policy.ApproveRequest{As: tc.as})
		if attest.ErrorCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.words) {
			t.Errorf("%s: %v, want %s naming %q", name, err, tc.code, tc.words)
		}
		if size1, _ := s.LedgerSize(ctx); size1 != size0 {
			t.Errorf("%s: a refused approval added %d entries", name, size1-size0)
		}
	}
	if p, _ := s.Policy(ctx, "backup"); p.Status != attest.PolicyInReview {
		t.Errorf("status %s after refused approvals, want in review", p.Status)
	}
	if _, err := policy.Approve(ctx, s, change("cto", 3), cto, "backup", policy.ApproveRequest{}); err != nil {
		t.Errorf("the named approver: %v", err)
	}
}
