package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/ratelimit"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/trust"
)

// The trust center's pages and API: each handler reads the request, calls
// the workflow in package trust and renders its answer. Rate limiting,
// the page cache and the mailer are the web's.

// site is where this server's trust center is reached, for mailed links.
func (s *Server) site(r *http.Request) trust.Site {
	return trust.Site{Org: s.cfg.Org, URL: s.publicURL(r)}
}

// visit is what the trust center records of the request's sender.
func (s *Server) visit(r *http.Request) trust.Visit {
	return trust.Visit{At: s.cfg.Now(), IP: s.clientIP(r), UserAgent: r.UserAgent()}
}

// mail hands a workflow's message, if any, to the outbox.
func (s *Server) mail(m *mail.Message) {
	if m != nil {
		s.outbox.Send(*m) // never fails: a refused message is logged and kept
	}
}

// trustPageData is the public page: the SOC reports, and the other
// documents apart.
type trustPageData struct {
	Layout
	Org             string
	Reports, Others []trust.Shared
}

func trustData(org string, docs []trust.Shared) *trustPageData {
	reports, others := trust.Sections(docs)
	return &trustPageData{Layout: Layout{Title: "Trust center"}, Org: org, Reports: reports, Others: others}
}

// trustFormData is the access request form, with the answers so far and
// the kinds of requester to choose from.
type trustFormData struct {
	Layout
	Org   string
	Form  requestForm
	Types [][2]string
}

// trustVisitData is what a visitor's pages show: the answer to a request
// (Email), a confirmation with its NDA to accept, the request's state, or
// the document a personal link grants (Token is the visitor's link).
type trustVisitData struct {
	Layout
	Org     string
	Email   string
	Req     *attest.AccessRequest
	Doc     *trust.Shared
	Token   string
	NDA     *attest.NDA
	NeedNDA bool
}

// trustAdminData is the administrator's view of the trust center.
type trustAdminData struct {
	Layout
	Org         string
	Requests    []trust.Row
	Downloads   []attest.Download
	Public      []trust.PublicTally
	NDAs        []attest.NDA
	Outbox      []mail.Message
	AutoDomains string
	LinkDays    int
	NDAKinds    string
	Docs        []trust.Shared
}

// trustRecheck is how long the public page's state (trust.State) is
// trusted before it is looked up again.
const trustRecheck = 500 * time.Millisecond

func (s *Server) checkOrg(r *http.Request) error {
	if r.PathValue("org") != s.cfg.Org {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "no trust center here by that name"}
	}
	return nil
}

// admitVisitor lets a visitor's act on this trust center go on: the path
// names this trust center (checkOrg), and the sender's address has
// attempts left in l (refused with msg once they are used up).
func (s *Server) admitVisitor(r *http.Request, l *ratelimit.Limiter, msg string) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	return l.Take(s.clientIP(r), msg)
}

func (s *Server) publicURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// trust lists what the organization shows publicly: its examinations and
// the documents available, never a restricted report's content.
func (s *Server) trust(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	if u != nil {
		docs, err := trust.List(r.Context(), s.cfg.Store)
		if err != nil {
			return err
		}
		return s.render(w, r, "trust", u, trustData(s.cfg.Org, docs))
	}
	// Visitors all see the same page: it is rendered once per state of
	// the data (trust.State names it) and sent as is. The state is looked
	// up at most every half second: the page already tells browsers and
	// proxies they may keep it for a minute. The half second is the
	// cache's age on the monotonic clock, not a date: Config.Now, which a
	// test may hold still, would keep a stale page for ever.
	key, err := s.trustState.Get(func() (string, error) {
		return trust.State(r.Context(), s.cfg.Store)
	})
	if err != nil {
		return err
	}
	body, err := s.trustPage.Get(key, func() ([]byte, error) {
		docs, err := trust.List(r.Context(), s.cfg.Store)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := pages.ExecuteTemplate(&b, "trust", trustData(s.cfg.Org, docs)); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(body)
	return nil
}

type requestForm struct {
	trust.AccessForm
	Doc   *trust.Shared
	Error string
}

func (s *Server) trustRequestPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	d, err := trust.Find(r.Context(), s.cfg.Store, r.URL.Query().Get("doc"))
	if err != nil {
		return err
	}
	if d.Public {
		http.Redirect(w, r, "/trust/"+s.cfg.Org+"/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
		return nil
	}
	return s.renderRequest(w, http.StatusOK, requestForm{Doc: d})
}

// renderRequest shows the access request form with code.
func (s *Server) renderRequest(w http.ResponseWriter, code int, f requestForm) error {
	return writePage(w, code, "trust-request", &trustFormData{Layout: Layout{Title: "Request access"}, Org: s.cfg.Org, Form: f, Types: requesterChoices()})
}

func requesterChoices() [][2]string {
	var out [][2]string
	for _, t := range attest.RequesterTypes {
		l := attest.RequesterLabel(t)
		out = append(out, [2]string{t, strings.ToUpper(l[:1]) + l[1:]})
	}
	return out
}

// requestAccess records a visitor's request and mails them a link to
// confirm their address (trust.RequestAccess). A bad form comes back with
// what to correct; the answer is otherwise the same whoever asks.
func (s *Server) requestAccess(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.admitVisitor(r, s.accessLimit, "too many access requests from your address: try again in an hour"); err != nil {
		return err
	}
	if err := parseForm(w, r, 64<<10, "the request form could not be read"); err != nil {
		return err
	}
	d, err := trust.Find(r.Context(), s.cfg.Store, r.PostFormValue("doc"))
	if err != nil {
		return err
	}
	f := trust.AccessForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Company: r.PostFormValue("company"),
		Requester: r.PostFormValue("requester"), Reason: r.PostFormValue("reason")}.Clean()
	done, err := trust.RequestAccess(r.Context(), s.cfg.Store, s.site(r), s.visit(r), d, f)
	if attest.ErrorCode(err) == attest.EINVALID {
		return s.renderRequest(w, http.StatusBadRequest, requestForm{AccessForm: f, Doc: d, Error: attest.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	s.mail(&done.Mail)
	return writePage(w, http.StatusOK, "trust-sent", &trustVisitData{Layout: Layout{Title: "Check your inbox"}, Org: s.cfg.Org, Email: f.Email})
}

func (s *Server) confirmation(r *http.Request) (*trust.Confirmation, error) {
	if err := s.checkOrg(r); err != nil {
		return nil, err
	}
	return trust.OpenConfirmation(r.Context(), s.cfg.Store, r.PathValue("token"))
}

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	c, err := s.confirmation(r)
	if err != nil {
		return err
	}
	data := &trustVisitData{Layout: Layout{Title: "Confirm your request"}, Org: s.cfg.Org, Req: c.Request, Doc: c.Doc, Token: r.PathValue("token")}
	if c.Doc.NDA {
		data.NDA, data.NeedNDA = c.NDA, true
	}
	return writePage(w, http.StatusOK, "trust-confirm", data)
}

// confirm confirms the visitor's address and, where the report is shared
// under NDA, records their acceptance of it (trust.Confirm).
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	c, err := s.confirmation(r)
	if err != nil {
		return err
	}
	if c.Done() {
		return s.confirmed(w, c.Request)
	}
	if err := parseForm(w, r, 16<<10, "the form could not be read"); err != nil {
		return err
	}
	out, err := trust.Confirm(r.Context(), s.cfg.Store, s.site(r), s.visit(r), c, trust.Acceptance{Accept: r.PostFormValue("accept") == "yes",
		Signature: r.PostFormValue("signature"), NDAVersion: r.PostFormValue("nda_version")})
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	s.mail(out.Mail)
	return s.confirmed(w, out.Request)
}

// confirmed is the page of a request whose address is confirmed.
func (s *Server) confirmed(w http.ResponseWriter, req *attest.AccessRequest) error {
	return writePage(w, http.StatusOK, "trust-status", &trustVisitData{Layout: Layout{Title: "Request confirmed"}, Org: s.cfg.Org, Req: req})
}

func (s *Server) accessPage(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	a, err := trust.OpenAccess(r.Context(), s.cfg.Store, r.PathValue("token"), s.cfg.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writePage(w, http.StatusOK, "trust-access", &trustVisitData{Layout: Layout{Title: "Your documents"}, Org: s.cfg.Org, Req: a.Request, Doc: a.Doc, Token: r.PathValue("token")})
}

// accessDownload delivers the granted document, watermarked for its
// recipient (trust.Deliver).
func (s *Server) accessDownload(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	c, err := trust.Deliver(r.Context(), s.cfg.Store, s.cfg.Blobs, s.site(r), s.visit(r), r.PathValue("token"), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	download(w, "application/pdf", c.Name, "no-store", c.Bytes)
	return nil
}

// publicDownload serves a public (SOC 3) report without a request
// (trust.PublicCopy).
func (s *Server) publicDownload(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	// A public document is counted, not ledgered; an address that keeps
	// downloading is slowed all the same.
	if err := s.admitVisitor(r, s.publicLimit, "too many downloads from this address: wait a few minutes and try again"); err != nil {
		return err
	}
	c, err := trust.PublicCopy(r.Context(), s.cfg.Store, s.cfg.Blobs, s.site(r), s.visit(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	download(w, "application/pdf", c.Name, "no-store", c.Bytes)
	return nil
}

// --- administration ---

func (s *Server) trustAdmin(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	o, err := trust.Review(r.Context(), s.cfg.Store, u, s.cfg.Now())
	if err != nil {
		return err
	}
	return s.render(w, r, "trust-admin", u, &trustAdminData{Layout: Layout{Title: "Trust center access"}, Org: s.cfg.Org, Requests: o.Requests,
		Downloads: o.Downloads, Public: o.Public, NDAs: o.NDAs, Outbox: s.outbox.Latest(), AutoDomains: strings.Join(o.Settings.AutoDomains, ", "),
		LinkDays: o.Settings.LinkDays, NDAKinds: o.Settings.NDAKinds, Docs: o.Docs})
}

// decide approves, refuses or revokes a request (trust.Decide).
func (s *Server) decide(action string) func(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return func(w http.ResponseWriter, r *http.Request, u *attest.User) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return &attest.Error{Code: attest.ENOTFOUND, Message: "no such access request"}
		}
		if err := parseForm(w, r, 16<<10, "the form could not be read"); err != nil {
			return err
		}
		out, err := trust.Decide(r.Context(), s.cfg.Store, s.site(r), s.actorChange(u), u, id,
			trust.Decision{Action: action, Override: r.PostFormValue("override") == "yes", Note: r.PostFormValue("note")})
		if err != nil {
			return err
		}
		s.checkpointAfterWrite(r.Context())
		s.mail(out.Mail)
		if wantsJSON(r) {
			writeJSON(w, http.StatusOK, out.Request)
			return nil
		}
		http.Redirect(w, r, "/admin/trust", http.StatusSeeOther)
		return nil
	}
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

func (s *Server) saveNDA(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := parseForm(w, r, 256<<10, "text: the NDA may be at most 256 KiB"); err != nil {
		return err
	}
	if _, err := trust.PublishNDA(r.Context(), s.cfg.Store, s.actorChange(u), u, r.PostFormValue("text")); err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	http.Redirect(w, r, "/admin/trust", http.StatusSeeOther)
	return nil
}

func (s *Server) saveTrustSettings(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := parseForm(w, r, 16<<10, "the settings form could not be read"); err != nil {
		return err
	}
	in := trust.SettingsChange{AutoDomains: r.PostFormValue("auto_domains")}
	// Not a number is out of range: the workflow names the field.
	in.LinkDays, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("link_days")))
	for _, k := range trust.NDAKinds {
		if r.PostFormValue("nda_"+strings.ReplaceAll(strings.ToLower(string(k)), " ", "")) == "yes" {
			in.NDA = append(in.NDA, k)
		}
	}
	saved, err := trust.SaveSettings(r.Context(), s.cfg.Store, s.actorChange(u), u, in)
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	s.cfg.Log.Info("trust center settings changed", "by", u.Email, "auto_approve_domains", saved.AutoDomains, "link_days", saved.LinkDays,
		"nda_kinds", strings.Split(saved.NDAKinds, ","))
	http.Redirect(w, r, "/admin/trust", http.StatusSeeOther)
	return nil
}

func (s *Server) trustRequestsJSON(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	l, err := trust.Requests(r.Context(), s.cfg.Store, u)
	return answerJSON(w, l, err)
}

func (s *Server) trustDownloadsJSON(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	l, err := trust.Downloads(r.Context(), s.cfg.Store, u)
	return answerJSON(w, l, err)
}

// trustLog exports the access log as CSV (trust.Log).
func (s *Server) trustLog(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	rows, err := trust.Log(r.Context(), s.cfg.Store, u)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := csv.NewWriter(&b).WriteAll(rows); err != nil {
		return err
	}
	download(w, "text/csv; charset=utf-8", "trust-center-log.csv", "", b.Bytes())
	return nil
}
