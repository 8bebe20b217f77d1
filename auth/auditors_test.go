package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

var ch = attest.Change{Actor: "Priya", At: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)}

// audited is a store with engagement e1 and Ana Lima, linked to her
// auditor account, named on it.
func audited(t *testing.T) (*sqlite.DB, *attest.User) {
	t.Helper()
	ctx := context.Background()
	s := sqlitetest.Create(t)
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	ana, err := s.SaveUser(ctx, ch, attest.User{Email: "ana@cpa.example", Name: "Ana Lima", Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.AddAuditor(ctx, s, ch, nil, attest.Auditor{EngagementID: "e1", Name: "Ana Lima", Firm: "Example CPA LLP"}, ""); err != nil {
		t.Fatal(err)
	}
	return s, ana
}

func TestRemoveAuditor(t *testing.T) {
	ctx := context.Background()
	s, ana := audited(t)
	admin := &attest.User{ID: 3, Email: "admin@example.com", Role: attest.RoleAdmin}
	name, err := auth.RemoveAuditor(ctx, s, ch, admin, "e1", " Ana Lima ")
	if err != nil || name != "Ana Lima" {
		t.Fatalf("removed %q, %v", name, err)
	}
	if as, err := s.Auditors(ctx, "e1"); err != nil || len(as) != 0 {
		t.Errorf("auditors left: %+v, %v", as, err)
	}
	// Her account has no access to the engagement any more.
	sc, err := auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: ch.At}.Scope(ctx, ana)
	if err == nil {
		err = sc.Engagement("e1")
	}
	if attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("the removed auditor's access to e1: %v", err)
	}
	// The local operator is management too.
	if _, err := auth.RemoveAuditor(ctx, s, ch, nil, "e1", "Ana Lima"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("removed twice: %v", err)
	}
}

// TestRemoveAuditorRefused: an actor who is not management is refused
// naming the rule (the auditor herself included), a missing name naming
// its field, and neither writes anything.
func TestRemoveAuditorRefused(t *testing.T) {
	tests := []struct {
		name  string
		actor func(ana *attest.User) *attest.User
		who   string
		code  string
		want  string
	}{
		{"the auditor herself", func(ana *attest.User) *attest.User { return ana }, "Ana Lima", attest.EFORBIDDEN, "only an administrator or a compliance manager"},
		{"a viewer", func(*attest.User) *attest.User { return &attest.User{ID: 8, Role: attest.RoleViewer} }, "Ana Lima", attest.EFORBIDDEN, "only an administrator or a compliance manager"},
		{"a control owner", func(*attest.User) *attest.User { return &attest.User{ID: 9, Role: attest.RoleOwner} }, "Ana Lima", attest.EFORBIDDEN, "only an administrator or a compliance manager"},
		{"no name", func(*attest.User) *attest.User { return nil }, "  ", attest.EINVALID, "name: say which auditor"},
		{"nobody of that name", func(*attest.User) *attest.User { return nil }, "Ana", attest.ENOTFOUND, "Ana on engagement e1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, ana := audited(t)
			size, _ := s.LedgerSize(ctx)
			_, err := auth.RemoveAuditor(ctx, s, ch, tt.actor(ana), "e1", tt.who)
			if attest.ErrorCode(err) != tt.code || !strings.Contains(attest.ErrorMessage(err), tt.want) {
				t.Fatalf("got %s %v, want %s %q", attest.ErrorCode(err), err, tt.code, tt.want)
			}
			if as, err := s.Auditors(ctx, "e1"); err != nil || len(as) != 1 {
				t.Errorf("auditors: %+v, %v", as, err)
			}
			if n, _ := s.LedgerSize(ctx); n != size {
				t.Errorf("ledger grew from %d to %d entries", size, n)
			}
		})
	}
}

// A policy's owner and approvers are given by address: each is the
// account's ID, in order; an address no account has is named.
func TestAccountIDs(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	var want []int64
	for _, e := range []string{"ceo@example.com", "cto@example.com"} {
		u, err := s.SaveUser(ctx, ch, attest.User{Email: e, Name: e, Role: attest.RoleViewer})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, u.ID)
	}
	got, err := auth.AccountIDs(ctx, s, []string{" cto@example.com", "ceo@example.com "})
	if err != nil || len(got) != 2 || got[0] != want[1] || got[1] != want[0] {
		t.Fatalf("%v %v, want %v reversed", got, err, want)
	}
	if got, err := auth.AccountIDs(ctx, s, nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("none: %#v %v", got, err)
	}
	_, err = auth.AccountIDs(ctx, s, []string{"ceo@example.com", "cfo@example.com"})
	if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != "cfo@example.com: no account with this e-mail address" {
		t.Errorf("unknown: %v", err)
	}
}

// An auditor named without a firm is of the engagement's firm; one named
// with another firm keeps it; an engagement that does not exist is said.
func TestAddAuditorFirm(t *testing.T) {
	ctx := context.Background()
	s, _ := audited(t)
	bo, err := auth.AddAuditor(ctx, s, ch, nil, attest.Auditor{EngagementID: "e1", Name: "Bo Chen"}, "")
	if err != nil || bo.Firm != storetest.Engagement("e1").Firm {
		t.Fatalf("%+v %v", bo, err)
	}
	cy, err := auth.AddAuditor(ctx, s, ch, nil, attest.Auditor{EngagementID: "e1", Name: "Cy Park", Firm: " Other CPA "}, "")
	if err != nil || cy.Firm != "Other CPA" {
		t.Fatalf("%+v %v", cy, err)
	}
	as, _ := s.Auditors(ctx, "e1")
	if len(as) != 3 || as[1].Firm != "Example CPA LLP" {
		t.Errorf("stored: %+v", as)
	}
	if _, err := auth.AddAuditor(ctx, s, ch, nil, attest.Auditor{EngagementID: "e9", Name: "Di"}, ""); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("no such engagement: %v", err)
	}
}

// PolicyAt: the configured grace period wins, else the store's setting,
// else the default; a setting that does not read is an error, not a guess.
func TestPolicyAt(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	if p, err := auth.PolicyAt(ctx, s, nil, now); err != nil || p.Grace != auth.DefaultGrace || !p.Now.Equal(now) {
		t.Errorf("no setting: %+v %v", p, err)
	}
	if err := s.SetSetting(ctx, auth.GraceSetting, "10d"); err != nil {
		t.Fatal(err)
	}
	if p, err := auth.PolicyAt(ctx, s, nil, now); err != nil || p.Grace != 10*24*time.Hour {
		t.Errorf("the setting: %+v %v", p, err)
	}
	if p, err := auth.PolicyAt(ctx, s, &week, now); err != nil || p.Grace != week {
		t.Errorf("configured: %+v %v", p, err)
	}
	if err := s.SetSetting(ctx, auth.GraceSetting, "soon"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.PolicyAt(ctx, s, nil, now); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("an unreadable setting: %v", err)
	}
}

// ScopeAt reads nothing for anyone but an auditor (a setting that does
// not read refuses only the auditor), and the auditor's scope as
// Policy.Scope has it.
func TestScopeAt(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SetSetting(ctx, auth.GraceSetting, "soon"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*attest.User{nil, {ID: 2, Role: attest.RoleAdmin}, {ID: 5, Role: attest.RoleCompliance}} {
		if sc, err := auth.ScopeAt(ctx, s, nil, now, u); err != nil || sc != auth.Everything {
			t.Errorf("%+v: %v %v", u, sc, err)
		}
	}
	// A control owner and a viewer read the whole organization but not
	// the working papers.
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer} {
		sc, err := auth.ScopeAt(ctx, s, nil, now, &attest.User{ID: 1, Role: role})
		if err != nil || !sc.All() || sc.Engagement("e1") != nil || sc.Check() != nil {
			t.Errorf("%s: %v %v", role, sc, err)
		}
		for what, err := range map[string]error{"papers": sc.Papers("e1"), "results": sc.Results("e1"), "any papers": sc.ReadsPapers(),
			"a document": sc.Document(&attest.Document{EngagementID: "e1"})} {
			if attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(err.Error(), "your role ("+role+")") {
				t.Errorf("%s reads %s: %v", role, what, err)
			}
		}
	}
	if sc, err := auth.ScopeAt(ctx, s, nil, now, attest.Employee(&attest.Person{ID: 3, Email: "e@example.com"})); err != nil || sc != auth.Nothing {
		t.Errorf("the employee principal: %v %v", sc, err)
	}
	if _, err := auth.ScopeAt(ctx, s, nil, now, &attest.User{ID: 4, Role: attest.RoleAuditor}); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("an auditor with an unreadable grace setting: %v", err)
	}
	week := 7 * 24 * time.Hour
	if sc, err := auth.ScopeAt(ctx, s, &week, now, &attest.User{ID: 4, Role: attest.RoleAuditor}); err != nil || sc.Check() == nil {
		t.Errorf("an auditor on no engagement: %v %v", sc, err)
	}
}
