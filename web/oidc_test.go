package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/auth/sso"
	"github.com/attest-dev/attest/auth/sso/ssotest"
	"github.com/attest-dev/attest/internal/testkit"
)

// browser follows the sign-in by hand, so a test can tamper with a step.
type browser struct {
	t      *testing.T
	client *http.Client
	app    string
}

func newBrowser(t *testing.T, app string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: app, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (b *browser) session() string {
	u, _ := url.Parse(b.app)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "attest_session" {
			return c.Value
		}
	}
	return ""
}

// signIn runs the flow up to the callback, lets tamper change the callback
// address, and returns the callback's answer.
func (b *browser) signIn(tamper func(callback *url.URL)) (*http.Response, string) {
	b.t.Helper()
	return b.signInNext("/api/v1/me", tamper)
}

// signInNext is signIn for a sign-in that goes on to next.
func (b *browser) signInNext(next string, tamper func(callback *url.URL)) (*http.Response, string) {
	b.t.Helper()
	resp, body := b.get(b.app + "/login/oidc?next=" + next)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(cb.String(), b.app+"/login/oidc/callback?") {
		b.t.Fatalf("the provider sent the browser to %q", resp.Header.Get("Location"))
	}
	if tamper != nil {
		tamper(cb)
	}
	return b.get(cb.String())
}

func setupSSO(t *testing.T) (*fixture, *ssotest.Provider, *testkit.SyncBuffer) {
	// The provider signs its tokens on the server's clock: the wall clock,
	// as the sessions run on it too.
	p := ssotest.New(t, time.Now)
	logs := &testkit.SyncBuffer{}
	f := setup(t, func(c *Config, base string) {
		c.Log = slog.New(slog.NewTextHandler(logs, nil))
		c.Now = time.Now
		c.OIDC = &sso.Config{Issuer: p.URL, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: base + "/login/oidc/callback"}
	})
	return f, p, logs
}

func TestOIDCSignIn(t *testing.T) {
	f, p, _ := setupSSO(t)
	p.Email = "Control-Owner@Example.com"
	b := newBrowser(t, f.srv.URL)
	if resp, body := b.get(f.srv.URL + "/login"); !strings.Contains(body, "Sign in with single sign-on") || resp.StatusCode != 200 {
		t.Errorf("the sign-in page offers no single sign-on: %s", body)
	}
	b.get(f.srv.URL + "/login/oidc") // a session exists before sign-in
	before := b.session()
	resp, body := b.signIn(nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/api/v1/me" {
		t.Fatalf("callback: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if after := b.session(); before == "" || after == "" || after == before {
		t.Errorf("the session token was not renewed on sign-in: %q then %q", before, after)
	}
	resp, body = b.get(f.srv.URL + "/api/v1/me")
	var me attest.User
	json.Unmarshal([]byte(body), &me)
	if resp.StatusCode != 200 || me.Email != "control-owner@example.com" || me.Role != attest.RoleOwner {
		t.Errorf("me: %d %s", resp.StatusCode, body)
	}
	if n := p.Exchanges(); n != 1 {
		t.Errorf("%d codes exchanged, want 1", n)
	}
	// The callback's state was used up: replaying it signs nobody in.
	fresh := newBrowser(t, f.srv.URL)
	if resp, _ := fresh.get(f.srv.URL + "/login/oidc/callback?code=x&state=y"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a callback without a sign-in in progress: %d", resp.StatusCode)
	}
}

func TestOIDCRefusals(t *testing.T) {
	// The protocol's refusals are package sso's tests; these are the
	// ones the web decides, and one of the protocol's, answered alike.
	for _, tc := range []struct {
		name   string
		prep   func(t *testing.T, f *fixture, p *ssotest.Provider)
		tamper func(cb *url.URL)
		reason string
	}{
		{name: "wrong state", tamper: func(cb *url.URL) {
			q := cb.Query()
			q.Set("state", auth.RandomSecret("", 32))
			cb.RawQuery = q.Encode()
		}, reason: "state does not match"},
		{name: "wrong nonce", prep: func(_ *testing.T, _ *fixture, p *ssotest.Provider) { p.Nonce = "someone-elses-nonce" }, reason: "nonce does not match"},
		{name: "email not verified", prep: func(_ *testing.T, _ *fixture, p *ssotest.Provider) { p.EmailVerified = false }, reason: "has not verified the e-mail"},
		{name: "unknown user", prep: func(_ *testing.T, _ *fixture, p *ssotest.Provider) { p.Email = "stranger@example.com" }, reason: "no user has the e-mail"},
		{name: "disabled user", prep: func(t *testing.T, f *fixture, p *ssotest.Provider) {
			u, _ := f.store.UserByEmail(context.Background(), p.Email)
			u.Disabled = true
			if _, err := f.store.SaveUser(context.Background(), ch, *u); err != nil {
				t.Fatal(err)
			}
		}, reason: "is disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, p, logs := setupSSO(t)
			p.Email = "viewer@example.com"
			if tc.prep != nil {
				tc.prep(t, f, p)
			}
			b := newBrowser(t, f.srv.URL)
			resp, body := b.signIn(tc.tamper)
			wrongPassword := f.login(t, "viewer@example.com", "not the password")
			if resp.StatusCode != wrongPassword.StatusCode || !strings.Contains(body, "Single sign-on did not sign you in") {
				t.Errorf("callback: %d %s, want %d like a wrong password", resp.StatusCode, body, wrongPassword.StatusCode)
			}
			if resp, _ := b.get(f.srv.URL + "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("after a refused sign-in, me: %d", resp.StatusCode)
			}
			if !strings.Contains(logs.String(), tc.reason) {
				t.Errorf("the log does not give the reason %q:\n%s", tc.reason, logs.String())
			}
		})
	}
}

func TestOIDCNotConfigured(t *testing.T) {
	f := setup(t)
	if got := f.do(t, "GET", "/login/oidc", "", nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("start without single sign-on: %d", got)
	}
	if got := f.do(t, "GET", "/login/oidc/callback?code=x&state=y", "", nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("callback without single sign-on: %d", got)
	}
	resp, err := http.Get(f.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "single sign-on") {
		t.Error("the sign-in page offers single sign-on that is not set up")
	}
}

// TestOIDCPortal: a single sign-on started from the portal signs a person
// on the roster in to the portal (not as staff, even when they have an
// account), and refuses someone who is not on it.
func TestOIDCPortal(t *testing.T) {
	f, p, _ := setupSSO(t)
	if _, err := f.store.RecordPeople(t.Context(), ch, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{
		{Email: "viewer@example.com", Name: "Vera Viewer", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-01-05", InScope: true}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f.srv.URL)
	if _, body := b.get(f.srv.URL + "/portal"); !strings.Contains(body, `href="/login/oidc?next=/portal"`) {
		t.Fatalf("the portal offers no single sign-on: %s", body)
	}
	p.Email = "viewer@example.com"
	resp, body := b.signInNext("/portal", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
		t.Fatalf("callback: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if _, body := b.get(f.srv.URL + "/portal"); !strings.Contains(body, "Hello, Vera Viewer") {
		t.Fatalf("portal: %s", body)
	}
	if resp, _ := b.get(f.srv.URL + "/api/v1/me"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the portal's session on a staff route: %d", resp.StatusCode)
	}
	p.Email = "admin@example.com" // an account, not on the roster
	if resp, _ := newBrowser(t, f.srv.URL).signInNext("/portal", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("someone not on the roster: %d", resp.StatusCode)
	}
}

// TestOIDCUnavailable: a provider that does not answer is a 503 with the
// reason in the log, not a refusal: the person may sign in with a
// password meanwhile.
func TestOIDCUnavailable(t *testing.T) {
	f, p, logs := setupSSO(t)
	p.Close()
	b := newBrowser(t, f.srv.URL)
	// The page says the provider does not answer and that the password
	// still works, not that the database is away.
	if resp, body := b.get(f.srv.URL + "/login/oidc"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "single sign-on provider does not answer") || strings.Contains(body, "database") {
		t.Errorf("start with the provider down: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "single sign-on discovery") || !strings.Contains(logs.String(), "issuer="+p.URL) {
		t.Errorf("log: %s", logs.String())
	}
}
