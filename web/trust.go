package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
)

// Settings the trust center reads (attest settings table).
const (
	// SettingAutoDomains: e-mail domains whose confirmed requests are
	// approved without an admin (comma-separated), where the report's
	// audience rule allows the requester.
	SettingAutoDomains = "trust.auto_approve_domains"
	// SettingLinkDays: how long a personal link lasts (default 14).
	SettingLinkDays = "trust.link_days"
	// SettingNDAKinds: the report kinds shared only after the NDA is
	// accepted (default "SOC 1,SOC 2"; "none" for none).
	SettingNDAKinds = "trust.nda_kinds"
)

func newSecret() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = hex.EncodeToString(b[:])
	return token, hashSecret(token)
}

// hashSecret is how a secret given once (an API token, an e-mail or
// personal link) is kept: its SHA-256.
func hashSecret(token string) string { return auth.HashSecret(token) }

func (s *Server) setting(ctx context.Context, key, def string) string {
	v, err := s.cfg.Store.Setting(ctx, key)
	if err != nil || strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func (s *Server) linkDays(ctx context.Context) int {
	n, err := strconv.Atoi(s.setting(ctx, SettingLinkDays, "14"))
	if err != nil || n < 1 || n > 365 {
		return 14
	}
	return n
}

// kindListed reports whether a comma-separated list names kind.
func kindListed(list string, kind attest.Kind) bool {
	for _, k := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(k), string(kind)) {
			return true
		}
	}
	return false
}

func (s *Server) autoDomains(ctx context.Context) []string {
	var out []string
	for _, d := range strings.Split(s.setting(ctx, SettingAutoDomains, ""), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// trustData is the public page's data: the SOC reports, and the other
// documents apart.
func trustData(org string, docs []shared) map[string]any {
	var reports, others []shared
	for _, d := range docs {
		if d.Other {
			others = append(others, d)
		} else {
			reports = append(reports, d)
		}
	}
	return map[string]any{"Title": "Trust center", "Org": org, "Reports": reports, "Others": others}
}

// pageCache keeps one rendered page for one state of the data, and checks
// the state at most every pageRecheck.
type pageCache struct {
	mu      sync.Mutex
	key     string
	checked time.Time
	body    []byte
}

const pageRecheck = 500 * time.Millisecond

// get returns the page: as kept when the state was checked less than
// pageRecheck ago, else for the state keyFn names, rendered with render
// when the state changed.
func (c *pageCache) get(now time.Time, keyFn func() (string, error), render func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if c.body != nil && now.Sub(c.checked) >= 0 && now.Sub(c.checked) < pageRecheck {
		b := c.body
		c.mu.Unlock()
		return b, nil
	}
	c.mu.Unlock()
	key, err := keyFn()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.key == key && c.body != nil {
		c.checked = now
		b := c.body
		c.mu.Unlock()
		return b, nil
	}
	c.mu.Unlock()
	b, err := render()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.key, c.body, c.checked = key, b, now
	c.mu.Unlock()
	return b, nil
}

// shared is a document the trust center lists: an issued report whose
// distribution the admin confirmed the engagement letter allows.
type shared struct {
	attest.Document
	Kind       attest.Kind
	Label      string
	Period     string
	Firm       string
	Categories []string
	Public     bool
	Access     string
	// Other is a document that is not a SOC report (attest.DocShared);
	// NDA says whether it is shared only under the NDA.
	Other bool
	NDA   bool
}

// audience is the rule for this document and a requester: a SOC report's
// by its kind; any requester for another document.
func (d *shared) audience(requester string) attest.Audience {
	if d.Other {
		return attest.Audience{Public: d.Public, Allowed: slices.Contains(attest.RequesterTypes, requester)}
	}
	return attest.AudienceFor(d.Kind, requester)
}

func (s *Server) sharedDocs(ctx context.Context) ([]shared, error) {
	docs, err := s.cfg.Store.Documents(ctx, "", attest.DocIssued)
	if err != nil {
		return nil, err
	}
	var out []shared
	engs := map[string]*attest.Engagement{}
	ndaKinds := s.setting(ctx, SettingNDAKinds, "SOC 1,SOC 2")
	for _, d := range docs {
		if d.Meta["distribution_confirmed"] != "true" {
			continue
		}
		sh := shared{Document: d, Kind: attest.Kind(d.Meta["kind"]), Period: strings.ReplaceAll(d.Meta["period"], "..", " to "), Firm: d.Meta["firm"]}
		sh.Label = strings.TrimSpace(d.Meta["kind"] + " " + d.Meta["type"])
		e, seen := engs[d.EngagementID]
		if !seen {
			e, _ = s.cfg.Store.Engagement(ctx, d.EngagementID)
			engs[d.EngagementID] = e
		}
		if e != nil && sh.Kind != attest.SOC1 {
			sh.Categories = e.Categories
		}
		switch sh.Kind {
		case attest.SOC3:
			sh.Public, sh.Access = true, "public: download it below"
		case attest.SOC1:
			sh.Access = "for customers and their auditors, on request"
		default:
			sh.Access = "on request"
		}
		if !sh.Public && kindListed(ndaKinds, sh.Kind) {
			sh.NDA = true
			sh.Access += ", under NDA"
		}
		out = append(out, sh)
	}
	others, err := s.cfg.Store.Documents(ctx, "", attest.DocShared)
	if err != nil {
		return nil, err
	}
	for _, d := range others {
		sh := shared{Document: d, Other: true, Label: d.Meta["title"], Public: d.Meta["audience"] == "public", NDA: d.Meta["audience"] == "nda"}
		if sh.Label == "" {
			sh.Label = d.Name
		}
		sh.Access = "public: download it below"
		if !sh.Public {
			sh.Access = "on request, under NDA"
		}
		out = append(out, sh)
	}
	return out, nil
}

func (s *Server) sharedDoc(ctx context.Context, id string) (*shared, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such document"}
	}
	docs, err := s.sharedDocs(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if d.ID == n {
			return &d, nil
		}
	}
	return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such document"}
}

func (s *Server) checkOrg(r *http.Request) error {
	if r.PathValue("org") != s.cfg.Org {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "no trust center here by that name"}
	}
	return nil
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
		docs, err := s.sharedDocs(r.Context())
		if err != nil {
			return err
		}
		return s.render(w, r, "trust", u, trustData(s.cfg.Org, docs))
	}
	// Visitors all see the same page: it is rendered once per state of
	// the data (every change to the documents is a ledger entry; the NDA
	// setting is read for the key) and sent as is. The state is looked up
	// at most every half second: the page already tells browsers and
	// proxies they may keep it for a minute.
	body, err := s.trustPage.get(time.Now(), func() (string, error) {
		n, err := s.cfg.Store.LedgerSize(r.Context())
		if err != nil {
			return "", err
		}
		return itoa(n) + "|" + s.setting(r.Context(), SettingNDAKinds, ""), nil
	}, func() ([]byte, error) {
		docs, err := s.sharedDocs(r.Context())
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

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

type requestForm struct {
	Doc                                     *shared
	Name, Email, Company, Requester, Reason string
	Error                                   string
}

func (s *Server) trustRequestPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	d, err := s.sharedDoc(r.Context(), r.URL.Query().Get("doc"))
	if err != nil {
		return err
	}
	if d.Public {
		http.Redirect(w, r, "/trust/"+s.cfg.Org+"/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
		return nil
	}
	s.renderRequest(w, http.StatusOK, requestForm{Doc: d})
	return nil
}

func (s *Server) renderRequest(w http.ResponseWriter, code int, f requestForm) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	page(w, "trust-request", map[string]any{"Title": "Request access", "Org": s.cfg.Org, "Form": f, "Types": requesterChoices()})
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
// confirm their address. The answer is the same whoever asks.
func (s *Server) requestAccess(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	ipKey := clientIP(r)
	if s.accessLimit.blocked(ipKey) {
		return &attest.Error{Code: attest.ETOOMANY, Message: "too many access requests from your address: try again in an hour"}
	}
	s.accessLimit.fail(ipKey)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "the request form could not be read"}
	}
	d, err := s.sharedDoc(r.Context(), r.PostFormValue("doc"))
	if err != nil {
		return err
	}
	f := requestForm{Doc: d, Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.ToLower(strings.TrimSpace(r.PostFormValue("email"))),
		Company: strings.TrimSpace(r.PostFormValue("company")), Requester: r.PostFormValue("requester"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	switch {
	case d.Public:
		f.Error = "This report is public: download it from the trust center, no request needed."
	case f.Name == "" || len(f.Name) > 200:
		f.Error = "Name: give your full name (at most 200 characters)."
	case len(f.Email) > 254 || !emailRE.MatchString(f.Email):
		f.Error = "Work e-mail: give an address like name@company.example."
	case f.Company == "" || len(f.Company) > 200:
		f.Error = "Company: give the company you work for (at most 200 characters)."
	case !slices.Contains(attest.RequesterTypes, f.Requester):
		f.Error = "You are: choose one of the listed kinds of requester."
	case len(f.Reason) > 2000:
		f.Error = "Reason: at most 2,000 characters."
	}
	if _, err := mail.ParseAddress(f.Email); f.Error == "" && err != nil {
		f.Error = "Work e-mail: give an address like name@company.example."
	}
	if f.Error != "" {
		s.renderRequest(w, http.StatusBadRequest, f)
		return nil
	}
	token, hash := newSecret()
	req := attest.AccessRequest{DocumentID: d.ID, Name: f.Name, Email: f.Email, Company: f.Company, Requester: f.Requester,
		Reason: f.Reason, Status: attest.AccessUnconfirmed, EmailHash: hash}
	if _, err := s.cfg.Store.SaveAccessRequest(r.Context(), s.visitor(f.Email), attest.EntryAccessRequested, req); err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	s.outbox.deliver(Message{To: f.Email, At: s.cfg.Now().UTC(), Subject: "Confirm your request for the " + d.Label + " report",
		Body: "You (or someone using your address) asked " + s.cfg.Org + "'s trust center for the " + d.Label + " report, period " + d.Period + ".\n\n" +
			"To confirm, open:\n" + s.publicURL(r) + "/trust/" + s.cfg.Org + "/confirm/" + token + "\n\nIf you did not ask, ignore this message."})
	page(w, "trust-sent", map[string]any{"Title": "Check your inbox", "Org": s.cfg.Org, "Email": f.Email})
	return nil
}

func (s *Server) visitor(email string) attest.Change {
	return attest.Change{Actor: "visitor:" + email, At: s.cfg.Now()}
}

func (s *Server) byEmailToken(r *http.Request) (*attest.AccessRequest, *shared, error) {
	if err := s.checkOrg(r); err != nil {
		return nil, nil, err
	}
	req, err := s.cfg.Store.AccessRequestByHash(r.Context(), "email", hashSecret(r.PathValue("token")))
	if err != nil {
		return nil, nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this confirmation link is not valid: ask for access again from the trust center"}
	}
	d, err := s.sharedDoc(r.Context(), strconv.FormatInt(req.DocumentID, 10))
	if err != nil {
		return nil, nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this document is no longer shared"}
	}
	return req, d, nil
}

func (s *Server) latestNDA(ctx context.Context) (*attest.NDA, error) {
	l, err := s.cfg.Store.NDAs(ctx)
	if err != nil || len(l) == 0 {
		return nil, err
	}
	return &l[len(l)-1], nil
}

func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	req, d, err := s.byEmailToken(r)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "Confirm your request", "Org": s.cfg.Org, "Req": req, "Doc": d, "Token": r.PathValue("token")}
	if d.NDA {
		nda, err := s.latestNDA(r.Context())
		if err != nil {
			return err
		}
		data["NDA"], data["NeedNDA"] = nda, true
	}
	page(w, "trust-confirm", data)
	return nil
}

// confirm confirms the visitor's address and, where the report is shared
// under NDA, records their acceptance of the NDA's exact text. Requests
// from allowed domains whose type the report's audience rule allows are
// then approved at once.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	req, d, err := s.byEmailToken(r)
	if err != nil {
		return err
	}
	if req.Status != attest.AccessUnconfirmed {
		page(w, "trust-status", map[string]any{"Title": "Request confirmed", "Org": s.cfg.Org, "Req": req})
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "the form could not be read"}
	}
	now := s.cfg.Now().UTC()
	req.ConfirmedAt, req.Status = now.Format(time.RFC3339), attest.AccessPending
	typ := attest.EntryAccessConfirmed
	if d.NDA {
		nda, err := s.latestNDA(r.Context())
		if err != nil {
			return err
		}
		if nda == nil {
			return &attest.Error{Code: attest.ECONFLICT, Message: "the organization has not published its NDA yet: try again later"}
		}
		signed := strings.TrimSpace(r.PostFormValue("signature"))
		if r.PostFormValue("accept") != "yes" || signed == "" || len(signed) > 200 {
			return &attest.Error{Code: attest.EINVALID, Message: "accept: tick the box and type your full name to accept the NDA"}
		}
		if r.PostFormValue("nda_version") != strconv.FormatInt(nda.Version, 10) {
			return &attest.Error{Code: attest.ECONFLICT, Message: "nda_version: the NDA changed since the page was opened: read the current version and accept it again"}
		}
		req.NDAVersion, req.NDASHA256, req.NDAName, req.NDAAcceptedAt = nda.Version, nda.SHA256, signed, now.Format(time.RFC3339)
		req.NDAIP, req.NDAUserAgent = clientIP(r), truncate(r.UserAgent(), 400)
		typ = attest.EntryNDAAccepted
	}
	saved, err := s.cfg.Store.SaveAccessRequest(r.Context(), s.visitor(req.Email), typ, *req)
	if err != nil {
		return err
	}
	defer s.checkpointAfterWrite(r.Context())
	aud := d.audience(saved.Requester)
	if aud.Allowed && slices.Contains(s.autoDomains(r.Context()), saved.Domain()) {
		if saved, err = s.approve(r, saved, d, "auto", false, "e-mail domain approved in advance"); err != nil {
			return err
		}
	}
	page(w, "trust-status", map[string]any{"Title": "Request confirmed", "Org": s.cfg.Org, "Req": saved})
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// approve grants the request: a personal link that expires, mailed to the
// requester.
func (s *Server) approve(r *http.Request, req *attest.AccessRequest, d *shared, by string, override bool, note string) (*attest.AccessRequest, error) {
	now := s.cfg.Now().UTC()
	token, hash := newSecret()
	req.Status, req.LinkHash, req.DecidedBy, req.DecidedAt = attest.AccessApproved, hash, by, now.Format(time.RFC3339)
	req.Override, req.Note, req.RevokedAt = override, note, ""
	req.ExpiresAt = now.AddDate(0, 0, s.linkDays(r.Context())).Format(time.RFC3339)
	saved, err := s.cfg.Store.SaveAccessRequest(r.Context(), attest.Change{Actor: by, At: now}, attest.EntryAccessApproved, *req)
	if err != nil {
		return nil, err
	}
	s.outbox.deliver(Message{To: saved.Email, At: now, Subject: "Your access to the " + d.Label + " report",
		Body: "Your request to " + s.cfg.Org + "'s trust center was approved. Your personal link, valid until " + saved.ExpiresAt + ":\n" +
			s.publicURL(r) + "/trust/" + s.cfg.Org + "/access/" + token + "\n\nEvery copy you download carries your name and e-mail address. Do not pass the link on."})
	return saved, nil
}

// grant finds the request behind a personal link and checks that it is
// approved, unexpired and unrevoked.
func (s *Server) grant(r *http.Request) (*attest.AccessRequest, *shared, error) {
	if err := s.checkOrg(r); err != nil {
		return nil, nil, err
	}
	req, err := s.cfg.Store.AccessRequestByHash(r.Context(), "link", hashSecret(r.PathValue("token")))
	if err != nil {
		return nil, nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this link is not valid"}
	}
	exp, _ := time.Parse(time.RFC3339, req.ExpiresAt)
	switch {
	case req.Status == attest.AccessRevoked || req.RevokedAt != "":
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this link was revoked: ask the organization for access again"}
	case req.Status != attest.AccessApproved:
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this link does not give access"}
	case !s.cfg.Now().Before(exp):
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this link expired on " + req.ExpiresAt + ": ask the organization for access again"}
	}
	d, err := s.sharedDoc(r.Context(), strconv.FormatInt(req.DocumentID, 10))
	if err != nil {
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this document is no longer shared"}
	}
	return req, d, nil
}

func (s *Server) accessPage(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	req, d, err := s.grant(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	page(w, "trust-access", map[string]any{"Title": "Your documents", "Org": s.cfg.Org, "Req": req, "Doc": d, "Token": r.PathValue("token")})
	return nil
}

// accessDownload delivers the granted document, and only that one, as a
// watermarked copy carrying the recipient's name, e-mail, company and the
// time; the delivery is a ledger entry.
func (s *Server) accessDownload(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	req, d, err := s.grant(r)
	if err != nil {
		return err
	}
	if r.PathValue("id") != strconv.FormatInt(d.ID, 10) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this link gives access to another document only"}
	}
	b, err := s.original(d)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	out, err := watermark(b, fmt.Sprintf("Copy for %s <%s>, %s, delivered %s by %s's trust center. Not for further distribution.",
		req.Name, req.Email, req.Company, now.Format("2006-01-02 15:04 UTC"), s.cfg.Org))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(out)
	if _, err := s.cfg.Store.AddDownload(r.Context(), attest.Change{Actor: "visitor:" + req.Email, At: now}, attest.Download{
		DocumentID: d.ID, RequestID: req.ID, Name: req.Name, Email: req.Email, Company: req.Company,
		IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 400), SHA256: hex.EncodeToString(sum[:]), Watermark: true}); err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	sendPDF(w, d.Name, out)
	return nil
}

// publicDownload serves a public (SOC 3) report without a request. The
// SOC 3 is a general-use report, so the CPA firm's file goes out as it is.
func (s *Server) publicDownload(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := s.checkOrg(r); err != nil {
		return err
	}
	d, err := s.sharedDoc(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !d.Public {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this report is shared only on request: ask for access at /trust/" + s.cfg.Org + "/request?doc=" + strconv.FormatInt(d.ID, 10)}
	}
	b, err := s.original(d)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if _, err := s.cfg.Store.AddDownload(r.Context(), attest.Change{Actor: "visitor", At: s.cfg.Now()}, attest.Download{
		DocumentID: d.ID, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 400), SHA256: hex.EncodeToString(sum[:])}); err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	sendPDF(w, d.Name, b)
	return nil
}

// original reads the issued report's bytes, checked against their hash.
func (s *Server) original(d *shared) ([]byte, error) {
	ref, err := blob.ParseRef(d.Ref)
	if err != nil {
		return nil, err
	}
	return blob.ReadAll(s.cfg.Blobs, ref)
}

func sendPDF(w http.ResponseWriter, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachment(name))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// --- administration ---

type adminRow struct {
	attest.AccessRequest
	Doc      *shared
	Audience attest.Audience
	Valid    bool
}

func (s *Server) trustAdmin(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	reqs, err := s.cfg.Store.AccessRequests(ctx)
	if err != nil {
		return err
	}
	docs, err := s.sharedDocs(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]*shared{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	now := s.cfg.Now()
	var rows []adminRow
	for i := len(reqs) - 1; i >= 0; i-- {
		q := reqs[i]
		row := adminRow{AccessRequest: q, Doc: byID[q.DocumentID]}
		if row.Doc != nil {
			row.Audience = row.Doc.audience(q.Requester)
		}
		exp, _ := time.Parse(time.RFC3339, q.ExpiresAt)
		row.Valid = q.Status == attest.AccessApproved && now.Before(exp)
		rows = append(rows, row)
	}
	dls, err := s.cfg.Store.Downloads(ctx)
	if err != nil {
		return err
	}
	slices.Reverse(dls)
	ndas, err := s.cfg.Store.NDAs(ctx)
	if err != nil {
		return err
	}
	slices.Reverse(ndas)
	return s.render(w, r, "trust-admin", u, map[string]any{"Title": "Trust center access", "User": u, "Org": s.cfg.Org, "Requests": rows, "Downloads": dls,
		"NDAs": ndas, "Outbox": s.outbox.latest(), "AutoDomains": strings.Join(s.autoDomains(ctx), ", "), "LinkDays": s.linkDays(ctx),
		"NDAKinds": s.setting(ctx, SettingNDAKinds, "SOC 1,SOC 2"), "Docs": docs})
}

func (s *Server) adminRequest(r *http.Request) (*attest.AccessRequest, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such access request"}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "the form could not be read"}
	}
	return s.cfg.Store.AccessRequest(r.Context(), id)
}

// decide approves, refuses or revokes a request.
func (s *Server) decide(action string) func(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return func(w http.ResponseWriter, r *http.Request, u *attest.User) error {
		req, err := s.adminRequest(r)
		if err != nil {
			return err
		}
		note := truncate(strings.TrimSpace(r.PostFormValue("note")), 1000)
		now := s.cfg.Now().UTC()
		by := s.actorChange(u)
		switch action {
		case "approve":
			if req.Status != attest.AccessPending && req.Status != attest.AccessRefused && req.Status != attest.AccessRevoked && req.Status != attest.AccessApproved {
				return &attest.Error{Code: attest.ECONFLICT, Message: "the requester has not confirmed their e-mail address yet"}
			}
			d, err := s.sharedDoc(r.Context(), strconv.FormatInt(req.DocumentID, 10))
			if err != nil {
				return err
			}
			aud := d.audience(req.Requester)
			override := false
			if !aud.Allowed {
				if !aud.Override {
					return &attest.Error{Code: attest.EFORBIDDEN, Message: "this report may not be shared with " + attest.RequesterLabel(req.Requester)}
				}
				if r.PostFormValue("override") != "yes" {
					return &attest.Error{Code: attest.EINVALID, Message: "override: " + aud.Warning + " Tick the override box to share it anyway."}
				}
				override = true
			}
			if _, err := s.approve(r, req, d, actor(u), override, note); err != nil {
				return err
			}
		case "refuse":
			if req.Status == attest.AccessApproved {
				return &attest.Error{Code: attest.ECONFLICT, Message: "the request is approved: revoke its link instead"}
			}
			req.Status, req.DecidedBy, req.DecidedAt, req.Note = attest.AccessRefused, actor(u), now.Format(time.RFC3339), note
			if _, err := s.cfg.Store.SaveAccessRequest(r.Context(), by, attest.EntryAccessRefused, *req); err != nil {
				return err
			}
		case "revoke":
			if req.Status != attest.AccessApproved {
				return &attest.Error{Code: attest.ECONFLICT, Message: "only an approved request has a link to revoke"}
			}
			req.Status, req.RevokedAt, req.Note = attest.AccessRevoked, now.Format(time.RFC3339), note
			if _, err := s.cfg.Store.SaveAccessRequest(r.Context(), by, attest.EntryAccessRevoked, *req); err != nil {
				return err
			}
		}
		s.checkpointAfterWrite(r.Context())
		if wantsJSON(r) {
			q, err := s.cfg.Store.AccessRequest(r.Context(), req.ID)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, q)
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
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "text: the NDA may be at most 256 KiB"}
	}
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		return &attest.Error{Code: attest.EINVALID, Message: "text: the NDA text is empty"}
	}
	if _, err := s.cfg.Store.SaveNDA(r.Context(), s.actorChange(u), text); err != nil {
		return err
	}
	s.checkpointAfterWrite(r.Context())
	http.Redirect(w, r, "/admin/trust", http.StatusSeeOther)
	return nil
}

func (s *Server) saveTrustSettings(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return &attest.Error{Code: attest.EINVALID, Message: "the settings form could not be read"}
	}
	var domains []string
	for _, d := range strings.Split(r.PostFormValue("auto_domains"), ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`).MatchString(d) {
			return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("auto_domains: %q is not a domain name like customer.example", d)}
		}
		domains = append(domains, d)
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("link_days")))
	if err != nil || days < 1 || days > 365 {
		return &attest.Error{Code: attest.EINVALID, Message: "link_days: give a number of days from 1 to 365"}
	}
	var kinds []string
	for _, k := range []attest.Kind{attest.SOC1, attest.SOC2} {
		if r.PostFormValue("nda_"+strings.ReplaceAll(strings.ToLower(string(k)), " ", "")) == "yes" {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) == 0 {
		kinds = []string{"none"}
	}
	ctx := r.Context()
	for k, v := range map[string]string{SettingAutoDomains: strings.Join(domains, ","), SettingLinkDays: strconv.Itoa(days), SettingNDAKinds: strings.Join(kinds, ",")} {
		if err := s.cfg.Store.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}
	s.cfg.Log.Info("trust center settings changed", "by", u.Email, "auto_approve_domains", domains, "link_days", days, "nda_kinds", kinds)
	http.Redirect(w, r, "/admin/trust", http.StatusSeeOther)
	return nil
}

func (s *Server) trustRequestsJSON(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := s.cfg.Store.AccessRequests(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) trustDownloadsJSON(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := s.cfg.Store.Downloads(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// trustLog exports who asked for what, who accepted which NDA version,
// the decisions and every download, as CSV.
func (s *Server) trustLog(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	ctx := r.Context()
	reqs, err := s.cfg.Store.AccessRequests(ctx)
	if err != nil {
		return err
	}
	dls, err := s.cfg.Store.Downloads(ctx)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("trust-center-log.csv"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"event", "time", "request", "document", "name", "email", "company", "requester", "status", "nda_version", "nda_sha256", "nda_accepted_at", "ip", "user_agent", "decided_by", "override", "expires_at", "revoked_at", "copy_sha256"})
	for _, q := range reqs {
		cw.Write(csvRow("request", q.CreatedAt, q.ID, q.DocumentID, q.Name, q.Email, q.Company, q.Requester, q.Status, q.NDAVersion, q.NDASHA256, q.NDAAcceptedAt,
			q.NDAIP, q.NDAUserAgent, q.DecidedBy, q.Override, q.ExpiresAt, q.RevokedAt, ""))
	}
	for _, d := range dls {
		cw.Write(csvRow("download", d.At, d.RequestID, d.DocumentID, d.Name, d.Email, d.Company, "", "", "", "", "", d.IP, d.UserAgent, "", "", "", "", d.SHA256))
	}
	cw.Flush()
	return cw.Error()
}

// csvRow formats a CSV row; a text cell that a spreadsheet would read as a
// formula is prefixed with an apostrophe.
func csvRow(v ...any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		s := fmt.Sprint(x)
		if _, isText := x.(string); isText && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			s = "'" + s
		}
		out[i] = s
	}
	return out
}
