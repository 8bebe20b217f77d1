package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/portal"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC configures single sign-on through an OpenID Connect provider. SSO
// only signs in people who already have an enabled Attest account with the
// same, provider-verified e-mail address: it never creates an account, so
// roles stay in Attest's hands.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's callback as the provider knows it:
	// the public URL followed by /login/oidc/callback.
	RedirectURL string
	// Client makes the calls to the provider; nil means a client with a
	// 15-second timeout.
	Client *http.Client
}

// sso holds the provider, discovered on first use so that a provider that
// is down when the server starts does not stop password sign-in.
type sso struct {
	cfg OIDC
	now func() time.Time

	mu       sync.Mutex
	provider *oidc.Provider
}

func newSSO(cfg *OIDC, now func() time.Time) *sso {
	if cfg == nil {
		return nil
	}
	c := *cfg
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 15 * time.Second}
	}
	return &sso{cfg: c, now: now}
}

func (o *sso) ctx(ctx context.Context) context.Context { return oidc.ClientContext(ctx, o.cfg.Client) }

// discover returns the provider, fetching its discovery document once.
func (o *sso) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	// Not the request's context: the provider and its key set outlive it.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(o.ctx(dctx), o.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	o.provider = p
	return p, nil
}

func (o *sso) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email"}}
}

// Session keys of a sign-in in progress.
const (
	ssoState    = "oidc_state"
	ssoNonce    = "oidc_nonce"
	ssoVerifier = "oidc_verifier"
	ssoNext     = "oidc_next"
)

var errSSOUnavailable = &attest.Error{Code: attest.EUNAVAILABLE, Message: "the single sign-on provider does not answer: try again later, or sign in with your password"}

// oidcStart sends the browser to the provider, keeping the state, the
// nonce and the PKCE verifier in the server-side session.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if s.sso == nil {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "single sign-on is not set up on this server"}
	}
	p, err := s.sso.discover(r.Context())
	if err != nil {
		s.cfg.Log.Warn("single sign-on discovery", "issuer", s.sso.cfg.Issuer, "err", err)
		return errSSOUnavailable
	}
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	ctx := r.Context()
	s.sessions.Put(ctx, ssoState, state)
	s.sessions.Put(ctx, ssoNonce, nonce)
	s.sessions.Put(ctx, ssoVerifier, verifier)
	s.sessions.Put(ctx, ssoNext, localPath(r.URL.Query().Get("next")))
	http.Redirect(w, r, s.sso.oauth(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
	return nil
}

// oidcCallback finishes the sign-in: the state must match, the code is
// exchanged with the PKCE verifier, and the ID token must be valid, carry
// our nonce and a verified e-mail of an existing, enabled user. Every
// refusal looks the same to the browser; the reason goes to the log.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if s.sso == nil {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "single sign-on is not set up on this server"}
	}
	ctx := r.Context()
	// Each value is used once, whatever happens next.
	state, nonce := s.sessions.PopString(ctx, ssoState), s.sessions.PopString(ctx, ssoNonce)
	verifier, next := s.sessions.PopString(ctx, ssoVerifier), s.sessions.PopString(ctx, ssoNext)
	q := r.URL.Query()
	if state == "" || !same(q.Get("state"), state) {
		return s.ssoRefuse(w, r, "state does not match this browser's sign-in")
	}
	if e := q.Get("error"); e != "" {
		return s.ssoRefuse(w, r, "the provider answered "+e)
	}
	p, err := s.sso.discover(ctx)
	if err != nil {
		s.cfg.Log.Warn("single sign-on discovery", "issuer", s.sso.cfg.Issuer, "err", err)
		return errSSOUnavailable
	}
	tok, err := s.sso.oauth(p).Exchange(s.sso.ctx(ctx), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) {
			s.cfg.Log.Warn("single sign-on token exchange", "err", err)
			return errSSOUnavailable
		}
		return s.ssoRefuse(w, r, "the provider refused the code: "+re.ErrorCode)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return s.ssoRefuse(w, r, "the token answer has no ID token")
	}
	// Verifier shares the provider's cached key set, fetched with our client.
	idt, err := p.Verifier(&oidc.Config{ClientID: s.sso.cfg.ClientID, Now: s.cfg.Now}).Verify(ctx, raw)
	if err != nil {
		return s.ssoRefuse(w, r, "ID token: "+err.Error())
	}
	if !same(idt.Nonce, nonce) || nonce == "" {
		return s.ssoRefuse(w, r, "the ID token's nonce does not match")
	}
	var claims json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		return s.ssoRefuse(w, r, "ID token claims: "+err.Error())
	}
	email, err := verifiedEmail(claims)
	if err != nil {
		return s.ssoRefuse(w, r, err.Error())
	}
	if localPath(next) == "/portal" {
		return s.ssoPortal(w, r, email)
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return err
	}
	u, err := auth.SingleSignOn(ctx, s.cfg.Store, pol, email)
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		return s.ssoRefuse(w, r, attest.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user", u.ID)
	s.cfg.Log.Info("signed in with single sign-on", "user", u.Email)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
	return nil
}

// ssoPortal signs a person on the roster in to the employee portal with
// the address the provider vouched for: a sign-on started from the
// portal's page is for the portal, whether or not the person also has a
// staff account.
func (s *Server) ssoPortal(w http.ResponseWriter, r *http.Request, email string) error {
	ctx := r.Context()
	u, err := portal.SingleSignOn(ctx, s.cfg.Store, email, s.cfg.Now())
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		return s.ssoRefuse(w, r, attest.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, "user")
	s.sessions.Put(ctx, "person", u.Person)
	s.cfg.Log.Info("signed in to the portal with single sign-on", "person", u.Email)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}

// ssoRefuse answers a refused single sign-on like a refused password: 401
// and the sign-in page, saying nothing about why.
func (s *Server) ssoRefuse(w http.ResponseWriter, r *http.Request, why string) error {
	s.cfg.Log.Warn("single sign-on refused", "reason", why, "addr", s.clientIP(r))
	return writePage(w, http.StatusUnauthorized, "login", s.loginData(r, loginData{Error: "Single sign-on did not sign you in. Your account may not exist or may be disabled: ask an administrator."}))
}

// verifiedEmail reads the e-mail address from ID token claims and requires
// the provider to vouch for it (email_verified true; some providers send
// the string "true").
func verifiedEmail(claims []byte) (string, error) {
	// Claim names are matched exactly, not case-insensitively as
	// encoding/json matches struct fields.
	var c map[string]json.RawMessage
	if err := json.Unmarshal(claims, &c); err != nil {
		return "", errors.New("ID token claims: " + err.Error())
	}
	var email string
	var verified any
	if raw, ok := c["email"]; ok {
		if err := json.Unmarshal(raw, &email); err != nil {
			return "", errors.New("the ID token's e-mail is not a string")
		}
	}
	if raw, ok := c["email_verified"]; ok {
		json.Unmarshal(raw, &verified)
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", errors.New("the ID token has no e-mail")
	}
	if verified != true && verified != "true" {
		return "", errors.New("the provider has not verified the e-mail " + email)
	}
	return email, nil
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
