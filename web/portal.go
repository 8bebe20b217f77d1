package web

import (
	"html/template"
	"io"
	"net/http"
	"path"
	"strconv"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/portal"
	"github.com/attest-dev/attest/training"
)

// The employee portal (package portal): a person on the roster signs in
// with an e-mailed link and sees only what is asked of them. Its session
// holds the person's roster ID under "person", never "user": the staff
// routes read only "user", and the guard refuses the employee principal
// every route but the portal's own.

// employees are the roles of the portal's routes: the employee principal
// alone.
var employees = []string{attest.RoleEmployee}

// portalFrame is what the portal's frame ("portal-head") shows: the
// title, the signed-in person (none on the sign-in pages) and the
// one-time message.
type portalFrame struct {
	Layout
	Employee *attest.User
}

// portalSignInData is one of the sign-in pages: the form that mails a link
// (the organization's name, single sign-on, the address entered and why
// it was refused), the page that says the link is sent, and the page a
// link opens (Token).
type portalSignInData struct {
	portalFrame
	Org, Email, Error, Token string
	SSO                      bool
}

// signInFrame is the frame of the portal's sign-in pages, titled title.
func signInFrame(title string) portalFrame {
	return portalFrame{Layout: Layout{Title: title, MainClass: "signin"}}
}

// portalHomeData is the signed-in person's page: what is asked of them.
type portalHomeData struct {
	portalFrame
	P *portal.Page
}

// portalPolicyData is a policy asked of the person: the version in force
// as HTML, and whether they acknowledged it.
type portalPolicyData struct {
	portalFrame
	D            *policy.Document
	Body         template.HTML
	Acknowledged bool
}

// employee is the signed-in person's principal, or nil.
func (s *Server) employee(r *http.Request) (*attest.User, error) {
	id := s.sessions.GetInt64(r.Context(), "person")
	if id == 0 {
		return nil, nil
	}
	u, err := s.principal(r.Context(), id)
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
		s.sessions.Destroy(r.Context())
		return nil, nil
	}
	return u, err
}

// portalHome is the portal for a signed-in person, else the form that
// mails a sign-in link.
func (s *Server) portalHome(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if !u.IsEmployee() {
		if wantsJSON(r) {
			return &attest.Error{Code: attest.EUNAUTHORIZED, Message: "sign in to the portal with the link mailed to you"}
		}
		return writePage(w, http.StatusOK, "portal-signin", &portalSignInData{portalFrame: signInFrame("Employee portal"), Org: s.orgName(r.Context()), SSO: s.sso != nil})
	}
	if wantsJSON(r) {
		pg, err := portal.Load(r.Context(), s.cfg.Store, s.cfg.Checklist, u, s.day())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, pg)
		return nil
	}
	flash := ""
	if s.sessions.Exists(r.Context(), "flash") {
		flash = s.sessions.PopString(r.Context(), "flash")
	}
	return s.portalPage(w, r, u, flash)
}

func (s *Server) day() string { return s.cfg.Now().UTC().Format(attest.DateLayout) }

// portalLink mails a sign-in link. The answer is the same whether the
// address is on the roster or not. Requests are limited per address of
// the sender and per e-mail address; past the latter no more mail is
// sent for a while, but the links already sent still work, so nobody is
// locked out by someone asking on their behalf.
func (s *Server) portalLink(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.portalIPs.Take(s.clientIP(r), "too many sign-in links asked for from your address: try again in an hour"); err != nil {
		return err
	}
	if err := parseForm(w, r, 16<<10, "the form could not be read"); err != nil {
		return err
	}
	// portal.RequestLink refuses such an address too; checking it first
	// keeps it out of the per-address limit.
	email := auth.NormalEmail(r.PostFormValue("email"))
	if portal.CheckAddress(email) != nil {
		return writePage(w, http.StatusBadRequest, "portal-signin", &portalSignInData{portalFrame: signInFrame("Employee portal"), Error: "Enter your work e-mail address.", Email: email})
	}
	if s.portalEmails.Allow(email) {
		m, err := portal.RequestLink(r.Context(), s.cfg.Store, email, s.publicURL(r), s.cfg.Now())
		switch {
		case err == nil:
			s.mail(m)
		case attest.ErrorCode(err) != attest.ENOTFOUND: // one not on the roster is told the same
			return err
		}
	}
	return writePage(w, http.StatusOK, "portal-sent", &portalSignInData{portalFrame: signInFrame("Check your inbox"), Email: email})
}

// portalLoginPage asks for a click before the link is used: mail
// scanners that fetch links must not use up a link meant for a person.
func (s *Server) portalLoginPage(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	return writePage(w, http.StatusOK, "portal-login", &portalSignInData{portalFrame: signInFrame("Sign in to the employee portal"), Token: r.PathValue("token")})
}

// portalLogin uses the link and starts the person's session. A valid
// link always works; an address that keeps sending invalid ones is told
// to wait (secrets are 32 random bytes: the limit keeps the log quiet).
func (s *Server) portalLogin(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	u, err := portal.Open(r.Context(), s.cfg.Store, r.PathValue("token"), s.cfg.Now())
	if err != nil {
		if attest.ErrorCode(err) == attest.EUNAUTHORIZED {
			ip := s.clientIP(r)
			s.portalOpens.Add(ip)
			if s.portalOpens.Blocked(ip) {
				return &attest.Error{Code: attest.ETOOMANY, Message: "too many invalid sign-in links from your address: wait a few minutes"}
			}
			return writePage(w, http.StatusUnauthorized, "portal-signin", &portalSignInData{portalFrame: signInFrame("Employee portal"), Error: attest.ErrorMessage(err)})
		}
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), "user")
	s.sessions.Put(r.Context(), "person", u.Person)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}

func (s *Server) portalLogout(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	return s.signOut(w, r, "/portal")
}

// portalPolicy shows the version in force of a policy asked of the
// person, with the button that acknowledges it.
func (s *Server) portalPolicy(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	d, it, err := portal.Policy(r.Context(), s.cfg.Store, u, r.PathValue("id"), s.day())
	if err != nil {
		return err
	}
	return writePage(w, http.StatusOK, "portal-policy", &portalPolicyData{portalFrame: portalFrame{Layout: Layout{Title: d.Policy.Title}, Employee: u},
		D: d, Body: template.HTML(d.BodyHTML()), Acknowledged: it.State == ack.Acknowledged})
}

// portalAck records the person's acknowledgement of the version they
// read (the form names it: a version published meanwhile is refused).
func (s *Server) portalAck(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	given := in.str("version")
	v, err := strconv.Atoi(given)
	switch {
	case given == "":
		return fieldError("version", "the version read is missing")
	case err != nil || v <= 0:
		return fieldError("version", "%q is not a version number (1, 2, ...)", given)
	}
	ch := s.actorChange(u)
	k, err := ack.Acknowledge(r.Context(), s.cfg.Store, ch, u, ack.Request{Policy: r.PathValue("id"), Version: v})
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	if wantsJSON(r) {
		writeJSON(w, http.StatusCreated, k)
		return nil
	}
	s.sessions.Put(r.Context(), "flash", "Thank you: your acknowledgement of "+k.PolicyID+" version "+strconv.Itoa(k.Version)+" is recorded.")
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
	return nil
}

// trainingImportAPI is `attest training import` for management: the body
// is the export, read whole (at most 32 MiB).
func (s *Server) trainingImportAPI(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 32<<20))
	if err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "the export could not be read (at most 32 MiB)"}
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "upload.csv"
	}
	out, err := training.Import(r.Context(), s.cfg.Store, s.actorChange(u), u, path.Base(name), b)
	if err != nil {
		return err
	}
	if out.Recorded > 0 {
		s.checkpointAfterWrite(r.Context())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
