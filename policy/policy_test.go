package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

func change(actor string, day int) attest.Change {
	return attest.Change{Actor: actor, At: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC)}
}

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if attest.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestLifecycle walks a policy from its template to publication and a
// second version, with every refusal the rules make on the way.
func TestLifecycle(t *testing.T) {
	s := sqlitetest.Create(t)
	add := func(email, role string) *attest.User {
		u, err := s.SaveUser(ctx, change("admin", 1), attest.User{Email: email, Name: strings.Split(email, "@")[0], Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	owner := add("sam@example.com", attest.RoleOwner)
	ceo := add("ceo@example.com", attest.RoleViewer)
	cto := add("cto@example.com", attest.RoleOwner)
	other := add("other@example.com", attest.RoleCompliance)
	auditor := add("ana@cpa.example", attest.RoleAuditor)

	// Adopting: management only, the privacy template only with Privacy
	// in scope, never with an auditor as approver.
	req := policy.NewRequest{Template: "incident-response", Vars: map[string]string{"org": "Acme"}, Owner: owner.ID, Approvers: []int64{ceo.ID, cto.ID}}
	_, err := policy.New(ctx, s, change("sam", 2), owner, req)
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = policy.New(ctx, s, change("op", 2), nil, policy.NewRequest{Template: "privacy", Vars: map[string]string{"org": "Acme"}})
	mustCode(t, err, attest.EINVALID)
	bad := req
	bad.Approvers = []int64{auditor.ID}
	_, err = policy.New(ctx, s, change("op", 2), nil, bad)
	mustCode(t, err, attest.EINVALID)
	c, err := policy.New(ctx, s, change("op", 2), nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy.Status != attest.PolicyDraft || c.Policy.Version != 1 || !strings.Contains(c.Version.Body, "how Acme detects") || c.Policy.OwnerRole != "Security Officer" {
		t.Fatalf("adopted: %+v", c.Policy)
	}
	_, err = policy.New(ctx, s, change("op", 2), nil, req)
	mustCode(t, err, attest.ECONFLICT)

	// Nobody approves a draft; the owner submits it.
	_, err = policy.Approve(ctx, s, change("ceo", 3), ceo, "incident-response", policy.ApproveRequest{})
	mustCode(t, err, attest.ECONFLICT)
	_, err = policy.Submit(ctx, s, change("cto", 3), cto, "incident-response", "")
	mustCode(t, err, attest.EFORBIDDEN)
	if _, err := policy.Submit(ctx, s, change("sam", 3), owner, "incident-response", "ready"); err != nil {
		t.Fatal(err)
	}

	// Only the approvers the policy names, each as themselves.
	_, err = policy.Approve(ctx, s, change("other", 4), other, "incident-response", policy.ApproveRequest{})
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = policy.Approve(ctx, s, change("ceo", 4), ceo, "incident-response", policy.ApproveRequest{As: cto.ID})
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = policy.Approve(ctx, s, change("op", 4), nil, "incident-response", policy.ApproveRequest{})
	mustCode(t, err, attest.EINVALID)
	_, err = policy.Approve(ctx, s, change("ceo", 4), ceo, "incident-response", policy.ApproveRequest{Version: 2})
	mustCode(t, err, attest.ECONFLICT)
	a1, err := policy.Approve(ctx, s, change("ceo", 4), ceo, "incident-response", policy.ApproveRequest{Version: 1, Note: "fine"})
	if err != nil {
		t.Fatal(err)
	}
	if a1.Policy.Status != attest.PolicyInReview || a1.Event.Account != ceo.ID || a1.Event.Name != "ceo" || a1.Event.At != change("", 4).Stamp() {
		t.Fatalf("first approval: %+v %+v", a1.Policy, a1.Event)
	}
	_, err = policy.Approve(ctx, s, change("ceo", 4), ceo, "incident-response", policy.ApproveRequest{})
	mustCode(t, err, attest.ECONFLICT)
	_, err = policy.Publish(ctx, s, change("op", 4), nil, "incident-response", "")
	mustCode(t, err, attest.ECONFLICT)
	// The local operator records the CTO's approval, naming the account.
	a2, err := policy.Approve(ctx, s, change("op", 5), nil, "incident-response", policy.ApproveRequest{As: cto.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a2.Policy.Status != attest.PolicyApproved || a2.Event.By != "op" || a2.Event.Account != cto.ID {
		t.Fatalf("second approval: %+v %+v", a2.Policy, a2.Event)
	}
	_, err = policy.Publish(ctx, s, change("sam", 6), owner, "incident-response", "")
	mustCode(t, err, attest.EFORBIDDEN)
	pub, err := policy.Publish(ctx, s, change("op", 6), nil, "incident-response", "")
	if err != nil {
		t.Fatal(err)
	}
	if pub.Policy.Status != attest.PolicyPublished || pub.Policy.Published != 1 || pub.Policy.PublishedAt != change("", 6).Stamp() {
		t.Fatalf("published: %+v", pub.Policy)
	}

	// A second version: back to draft, the published one stays in force,
	// approvals of the first do not count for it.
	_, err = policy.Edit(ctx, s, change("sam", 7), owner, "incident-response", policy.EditRequest{Body: &c.Version.Body})
	mustCode(t, err, attest.EINVALID)
	text := strings.Replace(c.Version.Body, "within one hour", "within 30 minutes", 1)
	e, err := policy.Edit(ctx, s, change("sam", 7), owner, "incident-response", policy.EditRequest{Body: &text, Note: "faster triage"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Policy.Status != attest.PolicyDraft || e.Policy.Version != 2 || e.Policy.Published != 1 || e.Version.Note != "faster triage" {
		t.Fatalf("edited: %+v", e.Policy)
	}
	if _, err := policy.Submit(ctx, s, change("op", 8), nil, "incident-response", ""); err != nil {
		t.Fatal(err)
	}
	d, err := policy.Show(ctx, s, "incident-response")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Versions) != 2 || len(d.Events) != 5 || len(d.Approved) != 0 || d.Body != text || d.Versions[0].Body != "" {
		t.Errorf("shown: %d versions, %d events, approved %v", len(d.Versions), len(d.Events), d.Approved)
	}
	_, pv, err := policy.Text(ctx, s, "incident-response", -1)
	if err != nil || pv.Version != 1 {
		t.Errorf("published text: %v %v", pv, err)
	}
	cmpd, err := policy.DiffVersions(ctx, s, "incident-response", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var changed []policy.Line
	for _, l := range cmpd.Lines {
		if l.Op != " " {
			changed = append(changed, l)
		}
	}
	if cmpd.From != 1 || cmpd.To != 2 || len(changed) != 2 || !strings.Contains(changed[1].Text, "within 30 minutes") {
		t.Errorf("diff: %d to %d, %+v", cmpd.From, cmpd.To, changed)
	}
	_, err = policy.DiffVersions(ctx, s, "incident-response", 0, 1)
	mustCode(t, err, attest.EINVALID)
	_, err = policy.DiffVersions(ctx, s, "incident-response", 7, 0)
	mustCode(t, err, attest.ENOTFOUND)

	// Changing the approvers sends it back to draft; the new approver
	// alone must approve.
	if _, err := policy.Edit(ctx, s, change("op", 9), nil, "incident-response", policy.EditRequest{Approvers: &[]int64{other.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Submit(ctx, s, change("op", 9), nil, "incident-response", ""); err != nil {
		t.Fatal(err)
	}
	_, err = policy.Approve(ctx, s, change("ceo", 9), ceo, "incident-response", policy.ApproveRequest{})
	mustCode(t, err, attest.EFORBIDDEN)
	done, err := policy.Approve(ctx, s, change("other", 9), other, "incident-response", policy.ApproveRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if done.Policy.Status != attest.PolicyApproved {
		t.Errorf("status %s, want approved", done.Policy.Status)
	}
	all, _ := s.Policies(ctx)
	if diff := cmp.Diff([]attest.Policy{done.Policy}, all); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

func TestSubmitNeedsOwnerAndApprovers(t *testing.T) {
	s := sqlitetest.Create(t)
	if _, err := policy.New(ctx, s, change("op", 1), nil, policy.NewRequest{Template: "backup", Vars: map[string]string{"org": "Acme"}}); err != nil {
		t.Fatal(err)
	}
	_, err := policy.Submit(ctx, s, change("op", 2), nil, "backup", "")
	mustCode(t, err, attest.EINVALID)
	_, err = policy.Edit(ctx, s, change("op", 2), nil, "backup", policy.EditRequest{Owner: new(int64(99))})
	mustCode(t, err, attest.EINVALID)
}
