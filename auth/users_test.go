package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/google/go-cmp/cmp"
)

// TestAddUserRole: an account given no role is a viewer, on every
// adapter alike; a role that does not exist is refused, naming the field.
func TestAddUserRole(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "operator", At: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	added, err := auth.AddUser(ctx, s, ch, nil, auth.NewUser{Email: "Ana@Example.com"})
	if err != nil || added.User.Role != attest.RoleViewer || added.User.Email != "ana@example.com" || added.Generated == "" {
		t.Fatalf("no role: %+v %v", added, err)
	}
	if _, err := auth.AddUser(ctx, s, ch, nil, auth.NewUser{Email: "bo@example.com", Role: "owner"}); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "role: ") {
		t.Errorf("an unknown role: %v", err)
	}
	// A name and a token's name are one line, shown as they read.
	if _, err := auth.AddUser(ctx, s, ch, nil, auth.NewUser{Email: "cy@example.com", Name: "Cy\x1b[2J"}); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "name: holds a control character") {
		t.Errorf("a name with an escape: %v", err)
	}
	if _, err := auth.CreateToken(ctx, s, ch, nil, "ana@example.com", "ci \u202e"); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "name: holds a character that reorders") {
		t.Errorf("a token name with an override: %v", err)
	}
}

// TestTokens: each token with its holder's address; an admin (or the
// local operator) lists every token, anyone else only their own.
func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "operator", At: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	add := func(email, role string, service bool) *attest.User {
		t.Helper()
		got, err := auth.AddUser(ctx, s, ch, nil, auth.NewUser{Email: email, Role: role, Service: service})
		if err != nil {
			t.Fatal(err)
		}
		return got.User
	}
	admin := add("admin@example.com", attest.RoleAdmin, false)
	ana := add("ana@example.com", attest.RoleCompliance, false)
	add("ci@example.com", attest.RoleCompliance, true)
	for _, c := range []struct {
		actor       *attest.User
		owner, name string
	}{{nil, "ci@example.com", "ci"}, {ana, "", "mine"}, {admin, "", "admin's"}} {
		if _, err := auth.CreateToken(ctx, s, ch, c.actor, c.owner, c.name); err != nil {
			t.Fatal(err)
		}
	}
	held := func(ts []auth.HeldToken) (out []string) {
		for _, t := range ts {
			out = append(out, t.Name+" "+t.Email)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		actor *attest.User
		want  []string
	}{
		{"the local operator", nil, []string{"ci ci@example.com", "mine ana@example.com", "admin's admin@example.com"}},
		{"an admin", admin, []string{"ci ci@example.com", "mine ana@example.com", "admin's admin@example.com"}},
		{"a compliance manager", ana, []string{"mine ana@example.com"}},
	} {
		ts, err := auth.Tokens(ctx, s, c.actor)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want, held(ts)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}
