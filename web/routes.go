package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
)

var (
	managers = []string{attest.RoleAdmin, attest.RoleCompliance}
	staff    = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner}
	readers  = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleAuditor, attest.RoleViewer}
	fieldwrk = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor}
)

// table is every route and who may use it.
func (s *Server) table() []route {
	return []route{
		{Method: "GET", Pattern: "/healthz", Roles: Public, API: true, Summary: "Liveness", h: s.healthz},
		{Method: "GET", Pattern: "/readyz", Roles: Public, API: true, Summary: "Readiness: the store answers", h: s.readyz},
		{Method: "GET", Pattern: "/api/v1/openapi.json", Roles: Public, API: true, Summary: "This API's OpenAPI document", h: s.openapi},
		{Method: "GET", Pattern: "/static/{name}", Roles: Public, Summary: "Style sheet and scripts", h: s.static},
		{Method: "GET", Pattern: "/login", Roles: Public, Summary: "Sign-in form", h: s.loginForm},
		{Method: "POST", Pattern: "/login", Roles: Public, Summary: "Sign in (form fields email, password)", h: s.login},
		{Method: "POST", Pattern: "/logout", Roles: readers, Summary: "Sign out", h: s.logout},
		{Method: "GET", Pattern: "/{$}", Roles: readers, Summary: "Dashboard", h: s.dashboard},
		{Method: "GET", Pattern: "/api/v1/me", Roles: readers, API: true, Summary: "The signed-in user", h: s.me},
		{Method: "GET", Pattern: "/api/v1/engagements", Roles: readers, API: true, Summary: "Engagements", h: s.engagements},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/controls", Roles: readers, API: true, Summary: "An engagement's controls", h: s.controls},
		{Method: "GET", Pattern: "/api/v1/evidence", Roles: readers, API: true, Summary: "Evidence (query: control)", h: s.evidence},
		{Method: "POST", Pattern: "/api/v1/evidence", Roles: staff, API: true, Summary: "Upload evidence (multipart: control, date, file; several files at once)", h: s.uploadEvidence},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/tests", Roles: fieldwrk, API: true, Summary: "The auditors' tests and management's internal tests", h: s.tests},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/documents", Roles: fieldwrk, API: true, Summary: "Description inputs, rendered drafts and issued reports", h: s.documents},
		{Method: "GET", Pattern: "/api/v1/users", Roles: []string{attest.RoleAdmin}, API: true, Summary: "Users", h: s.users},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/dashboard", Roles: readers, API: true, Summary: "The dashboard's facts: readiness, coverage per control, gaps, failing checks, missed and upcoming occurrences, overdue requests", h: s.dashboardAPI},
		{Method: "GET", Pattern: "/controls", Roles: readers, Summary: "Controls per engagement (query: engagement)", h: s.controlsPage},
		{Method: "GET", Pattern: "/controls/{engagement}/{control}", Roles: readers, Summary: "A control: status over the period, evidence history", h: s.controlPage},
		{Method: "GET", Pattern: "/controls/{engagement}/{control}/edit", Roles: staff, Summary: "Edit a control (control owners: their own)", h: s.controlEditPage},
		{Method: "POST", Pattern: "/controls/{engagement}/{control}", Roles: staff, Summary: "Save a control (form fields owner, status, status_reason, frequency, due_days, description)", h: s.controlSave},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/controls/{control}", Roles: readers, API: true, Summary: "A control with its occurrences and evidence", h: s.controlAPI},
		{Method: "PATCH", Pattern: "/api/v1/engagements/{id}/controls/{control}", Roles: staff, API: true, Summary: "Change a control (JSON: owner, status, status_reason, frequency, due_days, description; control owners: their own)", h: s.controlPatch},
		{Method: "GET", Pattern: "/evidence", Roles: readers, Summary: "Evidence, newest first (query: control)", h: s.evidencePage},
		{Method: "GET", Pattern: "/evidence/upload", Roles: staff, Summary: "Evidence upload form", h: s.uploadPage},
		{Method: "POST", Pattern: "/evidence/upload", Roles: staff, Summary: "Upload evidence from the form (multipart: control, date, file)", h: s.uploadForm},
		{Method: "GET", Pattern: "/evidence/{id}/download", Roles: readers, Summary: "An evidence item's bytes", h: s.downloadEvidence},
		{Method: "GET", Pattern: "/api/v1/evidence/{id}/content", Roles: readers, API: true, Summary: "An evidence item's bytes (retracted: ?retracted=1)", h: s.downloadEvidence},
		{Method: "GET", Pattern: "/checks", Roles: readers, Summary: "Built-in checks and recorded check runs (query: run)", h: s.checksPage},
		{Method: "GET", Pattern: "/api/v1/checks", Roles: readers, API: true, Summary: "Built-in checks, recorded runs, and the latest run's failures (query: run)", h: s.checksAPI},
		{Method: "GET", Pattern: "/reports", Roles: fieldwrk, Summary: "Report drafts and issued reports", h: s.reportsPage},
		{Method: "POST", Pattern: "/reports/build", Roles: managers, Summary: "Build a draft now (form fields engagement, kind, format)", h: s.buildDraftForm},
		{Method: "GET", Pattern: "/api/v1/reports", Roles: fieldwrk, API: true, Summary: "Report drafts and issued reports per engagement", h: s.reportsAPI},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/drafts", Roles: managers, API: true, Summary: "Build a draft (JSON: kind, formats html and md)", h: s.buildDraftAPI},
		{Method: "GET", Pattern: "/documents/{id}/download", Roles: fieldwrk, Summary: "A document's bytes (draft, issued report, description inputs)", h: s.downloadDocument},
		{Method: "GET", Pattern: "/api/v1/documents/{id}/content", Roles: fieldwrk, API: true, Summary: "A document's bytes", h: s.downloadDocument},
		{Method: "GET", Pattern: "/ledger", Roles: fieldwrk, Summary: "The ledger: size, latest checkpoint, latest entries", h: s.ledgerPage},
		{Method: "POST", Pattern: "/ledger/verify", Roles: fieldwrk, Summary: "Verify the ledger and every blob", h: s.verifyPage},
		{Method: "GET", Pattern: "/ledger/proof", Roles: fieldwrk, Summary: "Download an inclusion proof (query: entry)", h: s.proofDownload},
		{Method: "GET", Pattern: "/api/v1/ledger", Roles: fieldwrk, API: true, Summary: "The ledger's size, latest checkpoint and key", h: s.ledgerAPI},
		{Method: "POST", Pattern: "/api/v1/ledger/verify", Roles: fieldwrk, API: true, Summary: "Verify the ledger and every blob", h: s.verifyAPI},
		{Method: "GET", Pattern: "/api/v1/ledger/proofs/{entry}", Roles: fieldwrk, API: true, Summary: "An inclusion proof of an entry", h: s.proofDownload},
		{Method: "GET", Pattern: "/trust", Roles: Public, Summary: "The trust center (single organization)", h: s.trustRedirect},
		{Method: "GET", Pattern: "/trust/{org}", Roles: Public, Summary: "The organization's trust center", h: s.trust},
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if _, err := s.cfg.Store.LedgerSize(r.Context()); err != nil {
		s.cfg.Log.Warn("not ready", "err", err)
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "the database does not answer"}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	page(w, "login", map[string]any{"Title": "Sign in", "Next": r.URL.Query().Get("next")})
	return nil
}

// dummyHash is compared against when the e-mail is unknown, so a wrong
// address takes as long to refuse as a wrong password.
var dummyHash, _ = argon2id.CreateHash("attest: no such user", argon2id.DefaultParams)

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "the sign-in form could not be read"}
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	key, ipKey := clientIP(r)+"|"+email, clientIP(r)+"|*"
	if s.logins.blocked(key) || s.ipLogins.blocked(ipKey) {
		return &attest.Error{Code: attest.ETOOMANY, Message: "too many failed sign-ins: wait a few minutes and try again"}
	}
	u, err := s.cfg.Store.UserByEmail(r.Context(), email)
	hash := dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return err
	}
	ok, _ := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil || !ok || u.Disabled {
		s.logins.fail(key)
		s.ipLogins.fail(ipKey)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		page(w, "login", map[string]any{"Title": "Sign in", "Error": "Wrong e-mail address or password.", "Email": email})
		return nil
	}
	s.logins.reset(key)
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "user", u.ID)
	next := localPath(r.PostFormValue("next"))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) engagements(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := s.cfg.Store.Engagements(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) controls(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if _, err := s.cfg.Store.Engagement(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	l, err := s.cfg.Store.Controls(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) evidence(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := s.cfg.Store.EvidenceList(r.Context(), strings.ToUpper(r.URL.Query().Get("control")), false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) tests(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if _, err := s.cfg.Store.Engagement(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	l, err := s.cfg.Store.Tests(r.Context(), r.PathValue("id"), "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if _, err := s.cfg.Store.Engagement(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	l, err := s.cfg.Store.Documents(r.Context(), r.PathValue("id"), r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := s.cfg.Store.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) trustRedirect(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	http.Redirect(w, r, "/trust/"+s.cfg.Org, http.StatusFound)
	return nil
}

// trust lists what the organization shows publicly: its examinations and
// the documents available on request, never a restricted report's content.
func (s *Server) trust(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if r.PathValue("org") != s.cfg.Org {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "no trust center here by that name"}
	}
	docs, err := s.cfg.Store.Documents(r.Context(), "", attest.DocIssued)
	if err != nil {
		return err
	}
	type item struct{ Kind, Type, Period, Access string }
	var items []item
	for _, d := range docs {
		if d.Meta["distribution_confirmed"] != "true" {
			continue
		}
		access := "available on request, under NDA"
		switch d.Meta["kind"] {
		case string(attest.SOC1):
			access = "available to customers and their auditors on request"
		case string(attest.SOC3):
			access = "public"
		}
		items = append(items, item{d.Meta["kind"], d.Meta["type"], strings.ReplaceAll(d.Meta["period"], "..", " to "), access})
	}
	page(w, "trust", map[string]any{"Title": "Trust center", "Org": s.cfg.Org, "Reports": items})
	return nil
}

// localPath is next when it is a path on this server, else "/": never
// another host, however written (//host, /\host, %5C, a scheme).
func localPath(next string) string {
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.ContainsAny(next, "\\\r\n") || strings.Contains(strings.ToLower(next), "%5c") || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	return next
}
