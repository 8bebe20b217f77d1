// Package web is Attest's server: server-rendered pages, the JSON API
// under /api/v1, and the public trust center. Every route names the roles
// that may use it, and one middleware enforces that table, so the table is
// the whole authorization story (and one test walks it with every role).
package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/auth/session"
	"github.com/attest-dev/attest/auth/sso"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/internal/ratelimit"
	"github.com/attest-dev/attest/internal/statecache"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/portal"
	"golang.org/x/mod/sumdb/note"
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
	// PublicURL is the address people reach the server at, used in the
	// links it mails (default: the request's host).
	PublicURL string
	// Outbox sends the mail the server writes and keeps it for admins to
	// see (shared with the jobs that mail); nil: an outbox of its own with
	// no mail server, which logs messages and shows them to admins.
	Outbox *mail.Outbox
	// OIDC, when set, offers single sign-on beside the password. Its
	// RedirectURL is this server's callback as the provider knows it: the
	// public URL followed by /login/oidc/callback. Single sign-on only signs
	// in people who already have an enabled account (or, from the portal,
	// a place on the roster) with the same, provider-verified e-mail
	// address: it never creates an account, so roles stay in Attest's hands.
	OIDC *sso.Config
	// SessionIdle and SessionLifetime end a session after that long
	// without a request, and that long after sign-in whatever happens
	// (defaults 30 minutes and 12 hours).
	SessionIdle, SessionLifetime time.Duration
	// AuditorGrace is how long an auditor's access outlasts the report
	// date: nil means the setting auditor.grace, else 30 days; a zero
	// grace means access ends with the report date.
	AuditorGrace *time.Duration
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For is believed: behind one, every client would
	// otherwise share the proxy's address (and its limits).
	TrustedProxies []netip.Prefix
	// Signer signs the ledger's checkpoints and the manifests of
	// working-paper exports with the ledger's key; PublicKey is the key
	// that verifies them. Without a signer there is no signed export.
	Signer    note.Signer
	PublicKey string
	// StateRecheck, when set, lets the dashboard reuse what it read of the
	// state of the data (the ledger's size, two settings) for that long;
	// a change made through this server is seen at once, one made by
	// another process within StateRecheck. Zero reads it on every request.
	StateRecheck time.Duration
	// Checklist gives the portal the checklist items assigned to a person
	// (nil: none).
	Checklist portal.Checklist
	// Checkpoint signs the ledger's current tree head, stores it and
	// returns it; the server calls it after its writes and for proofs.
	// Without it, checkpoints are left to the command line.
	Checkpoint func(ctx context.Context) ([]byte, error)
}

// Server serves the pages, the API and the trust center.
type Server struct {
	cfg      Config
	sessions *scs.SessionManager
	throttle *auth.Throttle     // failed password sign-ins, per account and per address
	tokens   *ratelimit.Limiter // failed API token uses per address
	// publicLimit counts public (SOC 3) downloads per address.
	publicLimit *ratelimit.Limiter
	sso         *sso.Provider // nil without single sign-on
	routes      []route
	handler     http.Handler
	// accessLimit counts trust-center access requests per address.
	accessLimit *ratelimit.Limiter
	// portalIPs and portalEmails count the portal's sign-in links asked
	// for per address and per e-mail; portalOpens the invalid links used
	// per address.
	portalIPs, portalEmails, portalOpens *ratelimit.Limiter
	outbox                               *mail.Outbox
	// trustState is the public trust-center page's state of the data
	// (trust.State), looked up at most every trustRecheck; trustPage is
	// the page rendered for it.
	trustState *statecache.State[string]
	trustPage  statecache.Value[string, []byte]
	// state is the state of the data (dashKey) the dashboard, the
	// switcher and the portal are kept for; every changing request (not
	// GET or HEAD) this server handles announces a change, so that it is
	// seen at once (see Config.StateRecheck).
	state  *statecache.State[string]
	dash   statecache.Value[string, *dashState]          // the dashboard, computed once per state
	engs   statecache.Value[string, []attest.Engagement] // the engagements, read once per state
	org    statecache.Value[int64, string]               // the organization's name per ledger size, for the sign-in pages
	portal *statecache.Map[int64, string, *portalEntry]  // each person's portal, per state
}

// Public marks a route anyone may use, signed in or not.
var Public = []string{}

// Any marks a route every signed-in role may use.
var Any = attest.Roles

type route struct {
	Method, Pattern string
	// Roles may use the route; Public (empty, non-nil) means anyone.
	Roles []string
	API   bool
	// JSON, on an HTML route, is the pattern of its JSON twin: the same
	// handler, roles and summary, registered from this one declaration.
	JSON string
	// Results marks a read of an engagement's results (tests, draws),
	// which the auditor of the following period may read too
	// (auth.Scope.Results).
	Results bool
	Summary string
	h       func(w http.ResponseWriter, r *http.Request, u *attest.User) error
}

// expand turns the table's declarations into one route per pattern: an
// HTML route with a JSON twin becomes two.
func expand(table []route) []route {
	var out []route
	for _, rt := range table {
		twin := rt.JSON
		rt.JSON = ""
		out = append(out, rt)
		if twin != "" {
			rt.Pattern, rt.API = twin, true
			out = append(out, rt)
		}
	}
	return out
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
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	sm := scs.New()
	sm.IdleTimeout = cfg.SessionIdle
	sm.Lifetime = cfg.SessionLifetime
	sm.Cookie.Name = "attest_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure
	// Sessions live in the database, shared by every server on it; the
	// store keeps only a hash of each token, so reading the table does not
	// give anyone a session.
	// Sessions run on the wall clock, not Config.Now: scs dates a session's
	// deadline with time.Now, so the store must judge it by the same clock.
	sm.Store = session.NewStore(cfg.Store, time.Now, sm.IdleTimeout)
	sm.HashTokenInStore = true
	sm.Codec = &session.Codec{}
	s := &Server{cfg: cfg, sessions: sm, throttle: auth.NewThrottle(cfg.Now), tokens: ratelimit.New(20, 15*time.Minute, cfg.Now)}
	if cfg.OIDC != nil {
		s.sso = sso.New(*cfg.OIDC, cfg.Now)
	}
	s.accessLimit = ratelimit.New(10, time.Hour, cfg.Now)
	s.portalIPs = ratelimit.New(30, time.Hour, cfg.Now)
	s.portalEmails = ratelimit.New(5, time.Hour, cfg.Now)
	s.portalOpens = ratelimit.New(20, 15*time.Minute, cfg.Now)
	s.publicLimit = ratelimit.New(60, time.Hour, cfg.Now)
	// Both intervals are ages on the monotonic clock, not dates.
	s.state = statecache.NewState[string](cfg.StateRecheck, time.Now)
	s.trustState = statecache.NewState[string](trustRecheck, time.Now)
	s.portal = statecache.NewMap[int64, string, *portalEntry](maxPortalEntries)
	s.outbox = cfg.Outbox
	if s.outbox == nil {
		s.outbox = mail.NewOutbox(nil, cfg.Log)
	}
	sm.ErrorFunc = s.fail
	s.routes = expand(s.table())
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
		if allow := methodsAt(mux, r); len(allow) > 0 {
			s.notAllowed(w, r, allow)
			return
		}
		s.fail(w, r, &attest.Error{Code: attest.ENOTFOUND, Message: "no such page: " + r.URL.Path})
	})
	csrf := http.NewCrossOriginProtection()
	s.handler = s.logged(headers(s.sized(csrf.Handler(sm.LoadAndSave(mux)))))
	return s
}

// methodsAt is the methods a route of mux takes at r's path, when r's own
// is not one of them (the mux's catch-all answered it).
func methodsAt(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
}

// notAllowed answers a method the path's routes do not take: 405, with
// the ones they do.
func (s *Server) notAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	s.fail(w, r, &attest.Error{Code: codeMethod, Message: r.Method + " is not taken at " + r.URL.Path + ": use " + strings.Join(allow, " or ")})
}

// codeMethod is the web's own error code for a method a path does not
// take (405): no workflow refuses a method.
const codeMethod = "method"

// maxRequest is the largest body any route reads (an evidence upload and
// its form fields): a request that declares more is refused before a
// byte of it is read.
const maxRequest = maxUpload + 1<<20

// sized refuses a request whose declared length is over maxRequest.
func (s *Server) sized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxRequest {
			w.Header().Set("Connection", "close")
			s.fail(w, r, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("the request declares %d bytes: no request here takes more than %d MiB", r.ContentLength, maxRequest>>20)})
			return
		}
		next.ServeHTTP(w, r)
	})
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
		start := time.Now() // a duration for the log, not a date: the monotonic clock
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Counted before and after: a page read while the change is
			// under way does not keep the old state.
			s.state.Changed()
			defer s.state.Changed()
		}
		next.ServeHTTP(sw, r)
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

type userKey struct{}

// guard identifies the caller (session, or an API token) and enforces the
// route's roles.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.caller(r, len(rt.Roles) == 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sc := auth.Everything
		if u.IsEmployee() {
			// The employee portal's principal reads none of the
			// organization's records and uses the portal's routes only.
			sc = auth.Nothing
			if len(rt.Roles) > 0 && !slices.Contains(rt.Roles, attest.RoleEmployee) {
				s.fail(w, r, &attest.Error{Code: attest.EFORBIDDEN, Message: "the employee portal's sign-in opens the portal only: staff pages need a staff account"})
				return
			}
		} else if len(rt.Roles) > 0 && u != nil {
			// An auditor reads and acts only on the engagements they are
			// named on, by account, while the engagement's window (report
			// date plus grace) is open: for sessions and API tokens alike.
			if sc, err = s.auditorAccess(r.Context(), u); err != nil {
				if attest.ErrorCode(err) == attest.EFORBIDDEN && r.Header.Get("Authorization") == "" {
					s.sessions.Destroy(r.Context())
				}
				s.fail(w, r, err)
				return
			}
			allowed := sc.Engagement
			if rt.Results && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				allowed = sc.Results
			}
			if id := engagementParam(rt, r); id != "" {
				if err := allowed(id); err != nil {
					s.fail(w, r, err)
					return
				}
			}
		}
		if len(rt.Roles) > 0 {
			if u == nil {
				if rt.API || strings.HasPrefix(r.URL.Path, "/api/") {
					s.fail(w, r, &attest.Error{Code: attest.EUNAUTHORIZED, Message: "sign in, or send an API token (Authorization: Bearer ...)"})
				} else if slices.Equal(rt.Roles, employees) {
					http.Redirect(w, r, "/portal", http.StatusSeeOther)
				} else {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			if !slices.Contains(rt.Roles, u.Role) {
				var err error = &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + u.Role + ") may not do this"}
				if slices.Equal(rt.Roles, fieldwrk) && sc != nil {
					// The working papers' own rule, in its words.
					err = cmp.Or(sc.ReadsPapers(), err)
				}
				s.fail(w, r, err)
				return
			}
		}
		ctx := context.WithValue(context.WithValue(r.Context(), userKey{}, u), scopeKey{}, sc)
		ctx = context.WithValue(ctx, shownKey{}, engagementParam(rt, r))
		if err := rt.h(w, r.WithContext(ctx), u); err != nil {
			s.fail(w, r, err)
		}
	})
}

// caller is the signed-in user, the API token's user, or nil. A public
// route ignores an Authorization header: it needs no one, so a bad token
// there is neither refused nor counted.
func (s *Server) caller(r *http.Request, public bool) (*attest.User, error) {
	if h := r.Header.Get("Authorization"); !public && strings.HasPrefix(h, "Bearer ") {
		return s.bearer(r, strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
	}
	id := s.sessions.GetInt64(r.Context(), "user")
	if id == 0 {
		return s.employee(r)
	}
	u, err := auth.SessionUser(r.Context(), s.cfg.Store, id)
	if err == nil && u == nil {
		s.sessions.Destroy(r.Context())
	}
	return u, err
}

// bearer is the API token's user. A valid token always works; an address
// that keeps sending invalid ones is refused for a while (tokens are 32
// random bytes, so the limit only keeps the log quiet).
func (s *Server) bearer(r *http.Request, token string) (*attest.User, error) {
	ip := s.clientIP(r)
	u, err := auth.TokenUser(r.Context(), s.cfg.Store, token)
	if err != auth.ErrInvalidToken {
		return u, err
	}
	if s.tokens.Blocked(ip) {
		err = &attest.Error{Code: attest.ETOOMANY, Message: "too many invalid API tokens from this address: wait a few minutes and try again"}
	}
	s.tokens.Add(ip)
	return nil, err
}

// statuses maps error codes to HTTP statuses: the one place that does.
var statuses = map[string]int{
	attest.EINVALID:      http.StatusBadRequest,
	attest.EUNAUTHORIZED: http.StatusUnauthorized,
	attest.EFORBIDDEN:    http.StatusForbidden,
	attest.ENOTFOUND:     http.StatusNotFound,
	attest.ECONFLICT:     http.StatusConflict,
	attest.ETOOMANY:      http.StatusTooManyRequests,
	attest.EUNAVAILABLE:  http.StatusServiceUnavailable,
	codeMethod:           http.StatusMethodNotAllowed,
}

// status is the HTTP status of an error code (statuses); any other code,
// EINTERNAL among them, is a 500.
func status(code string) int {
	if c, ok := statuses[code]; ok {
		return c
	}
	return http.StatusInternalServerError
}

// apiError is the API's answer to a request refused or failed: the code
// and the message safe to show, and for an auditor act asked with a key
// and no signature yet, the statement to sign.
type apiError struct {
	Error apiErrorBody      `json:"error"`
	Sign  *fieldwork.ToSign `json:"sign,omitempty"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// webHint is an error's hint as the web shows it: none where the hint
// was written for the command line (it names a flag or a command).
func webHint(h string) string {
	if strings.Contains(h, "--") || strings.Contains(h, "attest ") || strings.Contains(h, "ATTEST_") {
		return ""
	}
	return h
}

// maxShown bounds an error's message as answered: a refusal that quotes
// the value it refuses must not send a megabyte back.
const maxShown = 2000

func shownMessage(m string) string {
	if len(m) <= maxShown {
		return m
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(m[cut]) {
		cut--
	}
	return m[:cut] + "… (cut)"
}

// fail answers with the error: JSON for the API, a short page otherwise.
// Internal errors are logged with their cause and answered without it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *attest.Error
	var ts *fieldwork.ToSign
	if errors.As(err, &ts) {
		// An auditor act asked with a key and no signature yet: the
		// statement to sign, which the auditor's browser or CLI signs
		// and posts back with the same fields.
		writeJSON(w, http.StatusPreconditionRequired, apiError{Error: apiErrorBody{Code: "sign", Message: ts.Error()}, Sign: ts})
		return
	}
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
	msg, hint := shownMessage(ae.Message), webHint(ae.Hint)
	if wantsJSON(r) {
		writeJSON(w, code, apiError{Error: apiErrorBody{Code: ae.Code, Message: msg, Hint: hint}})
		return
	}
	if err := writePage(w, code, "error", &errorData{Layout: Layout{Title: http.StatusText(code)}, Message: msg, Hint: hint}); err != nil {
		s.cfg.Log.Error("render the error page", "err", err)
		http.Error(w, "The page could not be shown: the error is in the server's log.", http.StatusInternalServerError)
	}
}

// errorData is the page that says what went wrong, in words safe to show.
type errorData struct {
	Layout
	Message, Hint string
}

// unavailable reports whether err means the database cannot be reached,
// when the store can tell (an optional capability of the SQL stores); an
// EUNAVAILABLE of a workflow's or the web's own is answered with its
// words.
func (s *Server) unavailable(err error) bool {
	u, ok := s.cfg.Store.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}

// clientIP is the client's address: the connection's, or, when the
// connection comes from a trusted proxy, the nearest address in
// X-Forwarded-For that is not a trusted proxy itself.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
