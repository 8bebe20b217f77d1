package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/testkit"
)

func TestTokenUseLimit(t *testing.T) {
	clk := testkit.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	f := setup(t, func(c *Config, _ string) { c.Now = clk.Now })
	ctx := context.Background()
	u, _ := f.store.UserByEmail(ctx, "viewer@example.com")
	sum := sha256.Sum256([]byte("att_good"))
	if _, err := f.store.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "ci", Hash: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	good := http.Header{"Authorization": {"Bearer att_good"}}
	for i := range 20 {
		if got := f.do(t, "GET", "/api/v1/me", "", http.Header{"Authorization": {fmt.Sprintf("Bearer att_guess%d", i)}}).StatusCode; got != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, got)
		}
	}
	if got := f.do(t, "GET", "/api/v1/me", "", http.Header{"Authorization": {"Bearer att_guess21"}}).StatusCode; got != http.StatusTooManyRequests {
		t.Errorf("the 21st invalid token: %d, want 429", got)
	}
	// While the limit holds, a valid token still works: a token is 32
	// random bytes, so nobody guesses one, and a flood of bad ones from a
	// shared address must not lock its users out.
	if got := f.do(t, "GET", "/api/v1/me", "", good).StatusCode; got != http.StatusOK {
		t.Errorf("a valid token during the limit: %d, want 200", got)
	}
	// Sessions are not tokens: a signed-in browser at the same address
	// goes on working.
	if got := f.do(t, "GET", "/api/v1/me", attest.RoleViewer, nil).StatusCode; got != http.StatusOK {
		t.Errorf("a session during the token limit: %d", got)
	}
	clk.Add(16 * time.Minute)
	if got := f.do(t, "GET", "/api/v1/me", "", good).StatusCode; got != http.StatusOK {
		t.Errorf("a valid token after the window: %d, want 200", got)
	}
}

// TestValidTokensAreNotLimited: using a good token again and again is not
// a failure.
func TestValidTokensAreNotLimited(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u, _ := f.store.UserByEmail(ctx, "viewer@example.com")
	sum := sha256.Sum256([]byte("att_good"))
	f.store.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "ci", Hash: hex.EncodeToString(sum[:])})
	for i := range 40 {
		if got := f.do(t, "GET", "/api/v1/me", "", http.Header{"Authorization": {"Bearer att_good"}}).StatusCode; got != http.StatusOK {
			t.Fatalf("use %d of a valid token: %d", i, got)
		}
	}
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "attest_session" {
			return c
		}
	}
	return nil
}

func (f *fixture) me(t *testing.T, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
	req.AddCookie(c)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSessionIdleTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for timeouts; skipped with -short")
	}
	f := setup(t, func(c *Config, _ string) { c.SessionIdle, c.SessionLifetime = 2*time.Second, time.Hour })
	c := sessionCookie(f.login(t, "viewer@example.com", password))
	// Each request restarts the idle clock: 2.4 s of activity in steps
	// shorter than the idle timeout keeps the session.
	for i := range 3 {
		time.Sleep(800 * time.Millisecond)
		if got := f.me(t, c); got != http.StatusOK {
			t.Fatalf("request %d, 0.8 s after the last: %d", i, got)
		}
	}
	time.Sleep(2500 * time.Millisecond)
	if got := f.me(t, c); got != http.StatusUnauthorized {
		t.Errorf("after 2.5 s idle with a 2 s idle timeout: %d, want 401", got)
	}
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for timeouts; skipped with -short")
	}
	f := setup(t, func(c *Config, _ string) { c.SessionIdle, c.SessionLifetime = time.Hour, 2*time.Second })
	c := sessionCookie(f.login(t, "viewer@example.com", password))
	if got := f.me(t, c); got != http.StatusOK {
		t.Fatalf("right after sign-in: %d", got)
	}
	time.Sleep(time.Second)
	if got := f.me(t, c); got != http.StatusOK {
		t.Fatalf("1 s after sign-in: %d", got)
	}
	time.Sleep(1500 * time.Millisecond)
	if got := f.me(t, c); got != http.StatusUnauthorized {
		t.Errorf("2.5 s after sign-in with a 2 s lifetime, though active: %d, want 401", got)
	}
}

func TestSessionRenewedOnSignIn(t *testing.T) {
	f := setup(t)
	old := f.cookie[attest.RoleViewer]
	// Signing in again from a browser that holds a session (one an
	// attacker could have planted) gives a new token and ends the old one.
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{"email": {"admin@example.com"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(old)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fresh := sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || fresh == nil || fresh.Value == old.Value {
		t.Fatalf("sign-in with a session: %d, cookie %v (old %s)", resp.StatusCode, fresh, old.Value)
	}
	if got := f.me(t, old); got != http.StatusUnauthorized {
		t.Errorf("the session token from before sign-in: %d, want 401", got)
	}
	if got := f.me(t, fresh); got != http.StatusOK {
		t.Errorf("the renewed session: %d", got)
	}
	// Signing out ends the session on the server, not only in the browser.
	req, _ = http.NewRequest("POST", f.srv.URL+"/logout", nil)
	req.AddCookie(fresh)
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %v %v", resp, err)
	}
	if got := f.me(t, fresh); got != http.StatusUnauthorized {
		t.Errorf("the session after signing out: %d, want 401", got)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		f := setup(t, func(c *Config, _ string) { c.Secure = secure })
		c := sessionCookie(f.login(t, "viewer@example.com", password))
		if c == nil {
			t.Fatal("no session cookie")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" {
			t.Errorf("Secure %v: cookie HttpOnly %v SameSite %v Secure %v Path %q", secure, c.HttpOnly, c.SameSite, c.Secure, c.Path)
		}
	}
}

// countingStore counts session writes.
type countingStore struct {
	attest.Store
	saves atomic.Int64
}

func (c *countingStore) SaveSession(ctx context.Context, token string, b []byte, expiry time.Time) error {
	c.saves.Add(1)
	return c.Store.SaveSession(ctx, token, b, expiry)
}

// TestPageViewsDoNotWriteSessions: moving a session's idle expiry forward
// by seconds is not written to the database on every request.
func TestPageViewsDoNotWriteSessions(t *testing.T) {
	var cs *countingStore
	f := setup(t, func(c *Config, _ string) {
		cs = &countingStore{Store: c.Store}
		c.Store = cs
	})
	before := cs.saves.Load()
	for range 20 {
		if resp := f.do(t, "GET", "/api/v1/me", attest.RoleViewer, nil); resp.StatusCode != 200 {
			t.Fatalf("me: %d", resp.StatusCode)
		}
	}
	if n := cs.saves.Load() - before; n > 1 {
		t.Errorf("20 requests wrote the session %d times", n)
	}
}
