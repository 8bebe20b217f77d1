// Package sso is single sign-on through an OpenID Connect provider: the
// protocol, once for any adapter. Start makes the address to send the
// browser to and what the caller keeps until it comes back; Finish
// checks the provider's answer (the state, the code exchanged with its
// PKCE verifier, the ID token's signature, issuer, audience, expiry and
// nonce) and returns the e-mail address the provider vouches for. Who
// that address signs in as is auth's (auth.SingleSignOn) or the portal's
// (portal.SingleSignOn): single sign-on never creates an account, so
// roles stay in Attest's hands.
package sso

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config configures single sign-on through an OpenID Connect provider.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback as the provider knows it: for attest
	// serve, the public URL followed by /login/oidc/callback.
	RedirectURL string
	// Client makes the calls to the provider; nil means a client with a
	// 15-second timeout.
	Client *http.Client
}

// Provider is the configured provider, discovered on first use so that a
// provider that is down when the server starts does not stop password
// sign-in.
type Provider struct {
	cfg Config
	now func() time.Time // judges the ID token's expiry

	mu       sync.Mutex
	provider *oidc.Provider
}

// New is the provider cfg names, with now the clock the ID token's expiry
// is judged by. It makes no call to the provider.
func New(cfg Config, now func() time.Time) *Provider {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 15 * time.Second}
	}
	return &Provider{cfg: cfg, now: now}
}

// Issuer is the provider's address, for the log.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// Unavailable is a provider that did not answer, at a step of the
// sign-in ("discovery" or "token exchange"): the person may try again
// later, or sign in with a password.
type Unavailable struct {
	Step string
	Err  error
}

func (e *Unavailable) Error() string { return "single sign-on " + e.Step + ": " + e.Err.Error() }

func (e *Unavailable) Unwrap() error { return e.Err }

// Pending is a sign-in under way: what Start made, which the caller keeps
// where only this browser reaches it (the server-side session) and hands
// to Finish once, when the provider sends the browser back.
type Pending struct {
	State, Nonce, Verifier string
}

// Start begins a sign-in: the provider's address to send the browser to,
// asking for the openid and email scopes with a fresh state, nonce and
// PKCE challenge, and the Pending to keep. It fails only with
// *Unavailable.
func (p *Provider) Start(ctx context.Context) (string, Pending, error) {
	op, err := p.discover(ctx)
	if err != nil {
		return "", Pending{}, &Unavailable{Step: "discovery", Err: err}
	}
	pend := Pending{State: auth.RandomSecret("", 32), Nonce: auth.RandomSecret("", 32), Verifier: oauth2.GenerateVerifier()}
	return p.oauth(op).AuthCodeURL(pend.State, oidc.Nonce(pend.Nonce), oauth2.S256ChallengeOption(pend.Verifier)), pend, nil
}

// Finish checks the provider's answer (the callback's query) against the
// sign-in pend began: the state must match, the code is exchanged with
// the PKCE verifier, and the ID token must be valid, carry pend's nonce
// and an e-mail the provider has verified, which it returns trimmed and
// in lower case. A refusal is EUNAUTHORIZED with the reason, which is for
// the log, not for the browser; a provider that does not answer is
// *Unavailable.
func (p *Provider) Finish(ctx context.Context, pend Pending, answer url.Values) (string, error) {
	if pend.State == "" || !same(answer.Get("state"), pend.State) {
		return "", refused("state does not match this browser's sign-in")
	}
	if e := answer.Get("error"); e != "" {
		return "", refused("the provider answered " + e)
	}
	op, err := p.discover(ctx)
	if err != nil {
		return "", &Unavailable{Step: "discovery", Err: err}
	}
	tok, err := p.oauth(op).Exchange(p.ctx(ctx), answer.Get("code"), oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) {
			return "", &Unavailable{Step: "token exchange", Err: err}
		}
		return "", refused("the provider refused the code: " + re.ErrorCode)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", refused("the token answer has no ID token")
	}
	// Verifier shares the provider's cached key set, fetched with our client.
	idt, err := op.Verifier(&oidc.Config{ClientID: p.cfg.ClientID, Now: p.now}).Verify(ctx, raw)
	if err != nil {
		return "", refused("ID token: " + err.Error())
	}
	if !same(idt.Nonce, pend.Nonce) || pend.Nonce == "" {
		return "", refused("the ID token's nonce does not match")
	}
	var claims json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		return "", refused("ID token claims: " + err.Error())
	}
	email, err := verifiedEmail(claims)
	if err != nil {
		return "", refused(err.Error())
	}
	return email, nil
}

func refused(why string) error { return &attest.Error{Code: attest.EUNAUTHORIZED, Message: why} }

func (p *Provider) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.cfg.Client)
}

// discover returns the provider, fetching its discovery document once.
func (p *Provider) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, nil
	}
	// Not the request's context: the provider and its key set outlive it.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	op, err := oidc.NewProvider(p.ctx(dctx), p.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	p.provider = op
	return op, nil
}

func (p *Provider) oauth(op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
		Endpoint: op.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email"}}
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
	email = auth.NormalEmail(email)
	if email == "" {
		return "", errors.New("the ID token has no e-mail")
	}
	if verified != true && verified != "true" {
		return "", errors.New("the provider has not verified the e-mail " + email)
	}
	return email, nil
}

// same compares in constant time: the state and the nonce are secrets.
func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
