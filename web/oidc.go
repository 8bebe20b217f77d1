package web

import (
	"errors"
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/auth/sso"
	"github.com/attest-dev/attest/portal"
)

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
	to, pend, err := s.sso.Start(r.Context())
	if err != nil {
		return s.ssoFailed(w, r, err)
	}
	ctx := r.Context()
	s.sessions.Put(ctx, ssoState, pend.State)
	s.sessions.Put(ctx, ssoNonce, pend.Nonce)
	s.sessions.Put(ctx, ssoVerifier, pend.Verifier)
	s.sessions.Put(ctx, ssoNext, localPath(r.URL.Query().Get("next")))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// oidcCallback finishes the sign-in: the provider's answer must be good
// for this browser's sign-in (sso.Finish) and name a verified e-mail of
// an existing, enabled user. Every refusal looks the same to the browser;
// the reason goes to the log.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if s.sso == nil {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "single sign-on is not set up on this server"}
	}
	ctx := r.Context()
	// Each value is used once, whatever happens next.
	pend := sso.Pending{State: s.sessions.PopString(ctx, ssoState), Nonce: s.sessions.PopString(ctx, ssoNonce), Verifier: s.sessions.PopString(ctx, ssoVerifier)}
	next := s.sessions.PopString(ctx, ssoNext)
	email, err := s.sso.Finish(ctx, pend, r.URL.Query())
	if err != nil {
		return s.ssoFailed(w, r, err)
	}
	if localPath(next) == "/portal" {
		return s.ssoPortal(w, r, email)
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return err
	}
	u, err := auth.SingleSignOn(ctx, s.cfg.Store, pol, email)
	if err != nil {
		return s.ssoFailed(w, r, err)
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
	if err != nil {
		return s.ssoFailed(w, r, err)
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

// ssoFailed answers a sign-in that did not succeed: a refusal (EUNAUTHORIZED,
// from the provider's answer or from who the address is) like a refused
// password; a provider that does not answer as unavailable, the cause
// logged; anything else as the error it is.
func (s *Server) ssoFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var down *sso.Unavailable
	switch {
	case errors.As(err, &down):
		s.cfg.Log.Warn("single sign-on "+down.Step, "issuer", s.sso.Issuer(), "err", down.Err)
		return errSSOUnavailable
	case attest.ErrorCode(err) == attest.EUNAUTHORIZED:
		return s.ssoRefuse(w, r, attest.ErrorMessage(err))
	}
	return err
}

// ssoRefuse answers a refused single sign-on like a refused password: 401
// and the sign-in page, saying nothing about why.
func (s *Server) ssoRefuse(w http.ResponseWriter, r *http.Request, why string) error {
	s.cfg.Log.Warn("single sign-on refused", "reason", why, "addr", s.clientIP(r))
	return writePage(w, http.StatusUnauthorized, "login", s.loginData(r, loginData{Error: "Single sign-on did not sign you in. Your account may not exist or may be disabled: ask an administrator."}))
}
