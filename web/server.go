// Package web is Attest's server: server-rendered pages, the JSON API
// under /api/v1, and the public trust center. Every route names the roles
// that may use it, and one middleware enforces that table, so the table is
// the whole authorization story (and one test walks it with every role).
package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// Config is what a server needs.
type Config struct {
	Store attest.Store
	Blobs blob.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Org is the trust center's slug (/trust/{org}).
	Org string
	// Secure marks cookies Secure (set when served over HTTPS).
	Secure bool
}

// Server serves the pages, the API and the trust center.
type Server struct {
	cfg      Config
	sessions *scs.SessionManager
	logins   *limiter // failed sign-ins per address and e-mail
	ipLogins *limiter // failed sign-ins per address, whatever the e-mail
	routes   []route
	handler  http.Handler
}

// Public marks a route anyone may use, signed in or not.
var Public = []string{}

// Any marks a route every signed-in role may use.
var Any = attest.Roles

type route struct {
	Method, Pattern string
	// Roles may use the route; Public (empty, non-nil) means anyone.
	Roles   []string
	API     bool
	Summary string
	h       func(w http.ResponseWriter, r *http.Request, u *attest.User) error
}

// New builds a server.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Org == "" {
		cfg.Org = "demo"
	}
	sm := scs.New()
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "attest_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure
	// Sessions live in the database, shared by every server on it; the
	// store keeps only a hash of each token, so reading the table does not
	// give anyone a session.
	sm.Store = dbSessions{store: cfg.Store, now: cfg.Now}
	sm.HashTokenInStore = true
	s := &Server{cfg: cfg, sessions: sm, logins: newLimiter(5, 15*time.Minute, cfg.Now), ipLogins: newLimiter(30, 15*time.Minute, cfg.Now)}
	sm.ErrorFunc = s.fail
	s.routes = s.table()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		if rt.Roles == nil {
			// Public is an explicit, empty list: a route that forgot its
			// roles must not end up open to anyone.
			panic("web: route " + rt.Method + " " + rt.Pattern + " names no roles")
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &attest.Error{Code: attest.ENOTFOUND, Message: "no such page: " + r.URL.Path})
	})
	csrf := http.NewCrossOriginProtection()
	s.handler = s.logged(headers(csrf.Handler(sm.LoadAndSave(mux))))
	return s
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists the routes with the roles allowed on each, for the
// authorization test and the OpenAPI document.
func (s *Server) Routes() []route { return slices.Clone(s.routes) }

// headers sets the security headers every answer carries.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged writes one structured log line per request.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

type userKey struct{}

// guard identifies the caller (session, or an API token) and enforces the
// route's roles.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.caller(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(rt.Roles) > 0 {
			if u == nil {
				if rt.API || strings.HasPrefix(r.URL.Path, "/api/") {
					s.fail(w, r, &attest.Error{Code: attest.EUNAUTHORIZED, Message: "sign in, or send an API token (Authorization: Bearer ...)"})
				} else {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			if !slices.Contains(rt.Roles, u.Role) {
				s.fail(w, r, &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + u.Role + ") may not do this"})
				return
			}
		}
		if err := rt.h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u); err != nil {
			s.fail(w, r, err)
		}
	})
}

// caller is the signed-in user, the API token's user, or nil.
func (s *Server) caller(r *http.Request) (*attest.User, error) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		sum := sha256.Sum256([]byte(strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))))
		t, err := s.cfg.Store.TokenByHash(r.Context(), hex.EncodeToString(sum[:]))
		if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
			return nil, err
		}
		if err != nil || t.RevokedAt != "" {
			return nil, &attest.Error{Code: attest.EUNAUTHORIZED, Message: "the API token is not valid"}
		}
		u, err := s.cfg.Store.User(r.Context(), t.UserID)
		if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
			return nil, err
		}
		if err != nil || u.Disabled {
			return nil, &attest.Error{Code: attest.EUNAUTHORIZED, Message: "the API token is not valid"}
		}
		return u, nil
	}
	id := s.sessions.GetInt64(r.Context(), "user")
	if id == 0 {
		return nil, nil
	}
	u, err := s.cfg.Store.User(r.Context(), id)
	if attest.ErrorCode(err) == attest.ENOTFOUND || (err == nil && u.Disabled) {
		s.sessions.Destroy(r.Context())
		return nil, nil
	}
	return u, err
}

// status maps error codes to HTTP statuses: the one place that does.
func status(code string) int {
	switch code {
	case attest.EINVALID:
		return http.StatusBadRequest
	case attest.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case attest.EFORBIDDEN:
		return http.StatusForbidden
	case attest.ENOTFOUND:
		return http.StatusNotFound
	case attest.ECONFLICT:
		return http.StatusConflict
	case attest.ETOOMANY:
		return http.StatusTooManyRequests
	case attest.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with the error: JSON for the API, a short page otherwise.
// Internal errors are logged with their cause and answered without it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *attest.Error
	switch {
	case s.unavailable(err):
		// One clear line per refused request while the database is away;
		// the pool reconnects by itself when it returns.
		s.cfg.Log.Error("database unavailable", "path", r.URL.Path, "err", err)
		ae = &attest.Error{Code: attest.EUNAVAILABLE, Message: "the database is unavailable; try again shortly"}
	case !errors.As(err, &ae):
		ae = &attest.Error{Code: attest.EINTERNAL, Message: "something went wrong on the server"}
		s.cfg.Log.Error("internal error", "path", r.URL.Path, "err", err)
	}
	code := status(ae.Code)
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, code, map[string]any{"error": map[string]string{"code": ae.Code, "message": ae.Message}})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	page(w, "error", map[string]any{"Title": http.StatusText(code), "Message": ae.Message})
}

// unavailable reports whether err means the database cannot be reached,
// when the store can tell (an optional capability of the SQL stores).
func (s *Server) unavailable(err error) bool {
	if attest.ErrorCode(err) == attest.EUNAVAILABLE {
		return true
	}
	u, ok := s.cfg.Store.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// limiter counts failed attempts per key in a sliding window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	hits   map[string][]time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, hits: map[string][]time.Time{}}
}

// blocked reports whether key has used up its attempts.
func (l *limiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key)) >= l.max
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits[key] = append(l.recent(key), l.now())
	if len(l.hits) > 10000 {
		// Forget keys whose attempts have all expired, so memory stays bounded.
		for k := range l.hits {
			if len(l.recent(k)) == 0 {
				delete(l.hits, k)
			}
		}
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	return h[i:]
}
