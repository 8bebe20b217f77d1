package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth/sso"
	"github.com/attest-dev/attest/auth/sso/ssotest"
)

const callback = "https://attest.example/login/oidc/callback"

// The provider and the client agree on a clock of their own.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func setup(t *testing.T) (*ssotest.Provider, *sso.Provider) {
	op := ssotest.New(t, clock)
	op.Email = "Control-Owner@Example.com"
	return op, sso.New(sso.Config{Issuer: op.URL, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: callback}, clock)
}

// authorize is the browser's trip to the provider: Start's address, and
// the provider's answer it brings back to the callback.
func authorize(t *testing.T, to string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), callback+"?") {
		t.Fatalf("the provider answered %d and sent the browser to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.Query()
}

func TestSignIn(t *testing.T) {
	op, p := setup(t)
	if op.Discoveries() != 0 {
		t.Error("New called the provider")
	}
	to, pend, err := p.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if pend.State == "" || pend.Nonce == "" || pend.Verifier == "" || pend.State == pend.Nonce {
		t.Errorf("pending %+v", pend)
	}
	q, _ := url.Parse(to)
	if got := q.Query(); got.Get("state") != pend.State || got.Get("nonce") != pend.Nonce || got.Get("code_challenge_method") != "S256" ||
		got.Get("code_challenge") == "" || strings.Contains(to, pend.Verifier) || got.Get("scope") != "openid email" || got.Get("redirect_uri") != callback {
		t.Errorf("the authorization address %s", to)
	}
	email, err := p.Finish(t.Context(), pend, authorize(t, to))
	if err != nil || email != "control-owner@example.com" {
		t.Fatalf("finish: %q, %v", email, err)
	}
	// Another sign-in: fresh secrets, and the provider is not discovered again.
	_, again, err := p.Start(t.Context())
	if err != nil || again.State == pend.State || again.Nonce == pend.Nonce || again.Verifier == pend.Verifier {
		t.Errorf("a second start: %+v, %v", again, err)
	}
	if op.Exchanges() != 1 || op.Discoveries() != 1 {
		t.Errorf("%d codes exchanged and %d discoveries, want 1 and 1", op.Exchanges(), op.Discoveries())
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prep   func(op *ssotest.Provider, pend *sso.Pending)
		tamper func(q url.Values)
		reason string
	}{
		{name: "wrong state", tamper: func(q url.Values) { q.Set("state", "someone-elses-state") }, reason: "state does not match"},
		{name: "no sign-in in progress", prep: func(_ *ssotest.Provider, pend *sso.Pending) { *pend = sso.Pending{} }, reason: "state does not match"},
		{name: "the provider's error", tamper: func(q url.Values) { q.Set("error", "access_denied") }, reason: "the provider answered access_denied"},
		{name: "wrong nonce", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.Nonce = "someone-elses-nonce" }, reason: "nonce does not match"},
		{name: "PKCE verifier mismatch", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.SkewChallenge = true }, reason: "refused the code: invalid_grant"},
		{name: "another verifier", prep: func(_ *ssotest.Provider, pend *sso.Pending) {
			pend.Verifier = "not-the-verifier-of-this-sign-in-0123456789abcdef"
		}, reason: "refused the code: invalid_grant"},
		{name: "a code made up", tamper: func(q url.Values) { q.Set("code", "made-up") }, reason: "refused the code: invalid_grant"},
		{name: "email not verified", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.EmailVerified = false }, reason: "has not verified the e-mail"},
		{name: "email_verified missing", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.EmailVerified = nil }, reason: "has not verified the e-mail"},
		{name: "no email", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.Email = "" }, reason: "has no e-mail"},
		{name: "expired token", prep: func(op *ssotest.Provider, _ *sso.Pending) { op.ExpiresIn = -time.Hour }, reason: "token is expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, p := setup(t)
			to, pend, err := p.Start(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if tc.prep != nil {
				tc.prep(op, &pend)
			}
			q := authorize(t, to)
			if tc.tamper != nil {
				tc.tamper(q)
			}
			email, err := p.Finish(t.Context(), pend, q)
			if email != "" || attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(attest.ErrorMessage(err), tc.reason) {
				t.Errorf("finish: %q, %v; want EUNAUTHORIZED saying %q", email, err, tc.reason)
			}
		})
	}
}

// TestCodeUsedOnce: an answer replayed after its sign-in finished is
// refused by the provider, and signs nobody in.
func TestCodeUsedOnce(t *testing.T) {
	_, p := setup(t)
	to, pend, err := p.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	q := authorize(t, to)
	if _, err := p.Finish(t.Context(), pend, q); err != nil {
		t.Fatal(err)
	}
	if email, err := p.Finish(t.Context(), pend, q); email != "" || !strings.Contains(attest.ErrorMessage(err), "invalid_grant") {
		t.Errorf("the answer replayed: %q, %v", email, err)
	}
}

// TestUnavailable: a provider that does not answer is Unavailable, named
// by the step, and never a refusal.
func TestUnavailable(t *testing.T) {
	op, p := setup(t)
	down := ssotest.New(t, clock)
	down.Close()
	var u *sso.Unavailable
	_, _, err := sso.New(sso.Config{Issuer: down.URL, ClientID: ssotest.ClientID, RedirectURL: callback}, clock).Start(t.Context())
	if !errors.As(err, &u) || u.Step != "discovery" || attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		t.Errorf("start with the provider down: %v", err)
	}
	// Discovered, then down before the code comes back.
	to, pend, err := p.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	q := authorize(t, to)
	op.Close()
	if _, err := p.Finish(t.Context(), pend, q); !errors.As(err, &u) || u.Step != "token exchange" {
		t.Errorf("finish with the provider down: %v", err)
	}
}
