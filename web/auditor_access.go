package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

// policy is the access policy now, with the configured grace period.
func (s *Server) policy(ctx context.Context) (auth.Policy, error) {
	return auth.PolicyAt(ctx, s.cfg.Store, s.cfg.AuditorGrace, s.cfg.Now())
}

type scopeKey struct{}

// scope is what the caller may read, as the guard worked it out (the whole
// organization when no guard ran, as for public routes).
func scope(ctx context.Context) *auth.Scope {
	if sc, ok := ctx.Value(scopeKey{}).(*auth.Scope); ok {
		return sc
	}
	return auth.Everything
}

// auditorAccess refuses an auditor who is on no live engagement.
func (s *Server) auditorAccess(ctx context.Context, u *attest.User) (*auth.Scope, error) {
	sc, err := auth.ScopeAt(ctx, s.cfg.Store, s.cfg.AuditorGrace, s.cfg.Now(), u)
	if err != nil {
		return nil, err
	}
	return sc, sc.Check()
}

// engagementParam is the engagement a route names in its path or query,
// which the caller must be allowed to read.
func engagementParam(rt route, r *http.Request) string {
	switch {
	case strings.Contains(rt.Pattern, "/engagements/{id}"), strings.HasPrefix(rt.Pattern, "/fieldwork/{id}"):
		return r.PathValue("id")
	case strings.HasPrefix(rt.Pattern, "/controls/{engagement}"):
		return r.PathValue("engagement")
	}
	return r.URL.Query().Get("engagement")
}
