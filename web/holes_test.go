package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
)

// signIn adds an account and keeps its session under key, for callAs.
func (f *fixture) signIn(t *testing.T, key string, u attest.User) *attest.User {
	t.Helper()
	u.PasswordHash, _ = argon2id.CreateHash(password, cheapHash)
	saved, err := f.store.SaveUser(context.Background(), ch, u)
	if err != nil {
		t.Fatal(err)
	}
	resp := f.login(t, u.Email, password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", u.Email, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		f.cookie[key] = c
	}
	return saved
}

// Hole: the auditor check matched display names ignoring case, so an
// account an admin named like the auditor recorded tests as her. Only the
// account linked to the engagement's named auditor acts as the auditor.
func TestLookAlikeAuditorIsNotTheAuditor(t *testing.T) {
	f := setup(t)
	f.addPopulation(t, 40)
	f.signIn(t, "look-alike", attest.User{Email: "auditor@example-cpa.example", Name: "AUDITOR", Role: attest.RoleAuditor})
	draw := map[string]any{"control": "AX-01", "seed": "s", "size": 2}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/draws", "look-alike", draw); code != 403 || !strings.Contains(body, "not a named auditor") {
		t.Errorf("look-alike draws: %d %s", code, body)
	}
	test := map[string]any{"control": "AX-01", "procedure": "inspection", "not_performed": true}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/tests", "look-alike", test); code != 403 {
		t.Errorf("look-alike records a test: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/requests", "look-alike", map[string]any{"control": "AX-01", "text": "x"}); code != 403 {
		t.Errorf("look-alike makes a request: %d %s", code, body)
	}
	// The real auditor, linked by account, still may.
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/draws", attest.RoleAuditor, draw); code != 201 {
		t.Errorf("the named auditor draws: %d %s", code, body)
	}
}
