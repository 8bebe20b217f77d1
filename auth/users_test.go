package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
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
}
