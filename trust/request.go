package trust

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/mail"
)

// AccessForm is a visitor's request for a restricted document.
type AccessForm struct {
	Name, Email, Company, Requester, Reason string
}

// Clean is the form as it is read: fields trimmed, the address in lower
// case.
func (f AccessForm) Clean() AccessForm {
	return AccessForm{Name: strings.TrimSpace(f.Name), Email: auth.NormalEmail(f.Email),
		Company: strings.TrimSpace(f.Company), Requester: f.Requester, Reason: strings.TrimSpace(f.Reason)}
}

var emailRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`) })

// problem is what is wrong with a clean form for document d, in the words
// the form shows; "" when nothing is.
func (f AccessForm) problem(d *Shared) string {
	const badEmail = "Work e-mail: give an address like name@company.example."
	switch {
	case d.Public:
		return "This report is public: download it from the trust center, no request needed."
	case f.Name == "" || len(f.Name) > 200:
		return "Name: give your full name (at most 200 characters)."
	case attest.LineProblem(f.Name) != "":
		return "Name: " + attest.LineProblem(f.Name) + "."
	case len(f.Email) > 254 || !emailRE().MatchString(f.Email):
		return badEmail
	case f.Company == "" || len(f.Company) > 200:
		return "Company: give the company you work for (at most 200 characters)."
	case attest.LineProblem(f.Company) != "":
		return "Company: " + attest.LineProblem(f.Company) + "."
	case !slices.Contains(attest.RequesterTypes, f.Requester):
		return "You are: choose one of the listed kinds of requester."
	case len(f.Reason) > 2000:
		return "Reason: at most 2,000 characters."
	}
	if err := auth.CheckEmail(f.Email); err != nil {
		return badEmail
	}
	return ""
}

// Requested is a recorded request and the confirmation mail to send.
type Requested struct {
	Request *attest.AccessRequest
	Mail    mail.Message
}

// RequestAccess records a visitor's request for document d and returns the
// mail that asks them to confirm their address. A bad form is EINVALID
// with the form's words, and records nothing. The answer is the same
// whoever asks: every good form is recorded and mailed the same way, and
// nothing in what the visitor is shown depends on earlier requests.
func RequestAccess(ctx context.Context, s Store, site Site, v Visit, d *Shared, f AccessForm) (*Requested, error) {
	f = f.Clean()
	if msg := f.problem(d); msg != "" {
		return nil, invalid(msg)
	}
	token, hash := newSecret()
	req := attest.AccessRequest{DocumentID: d.ID, Name: f.Name, Email: f.Email, Company: f.Company, Requester: f.Requester,
		Reason: f.Reason, Status: attest.AccessUnconfirmed, EmailHash: hash}
	saved, err := s.SaveAccessRequest(ctx, visitor(f.Email, v), attest.EntryAccessRequested, req)
	if err != nil {
		return nil, err
	}
	m := mail.Message{To: f.Email, At: v.At.UTC(), Subject: "Confirm your request for the " + d.Label + " report",
		Body: "You (or someone using your address) asked " + site.Org + "'s trust center for the " + d.Label + " report, period " + d.Period + ".\n\n" +
			"To confirm, open:\n" + site.link("confirm", token) + "\n\nIf you did not ask, ignore this message."}
	return &Requested{Request: saved, Mail: m}, nil
}

// visitor is the ledger's actor for a visitor's own act.
func visitor(email string, v Visit) attest.Change {
	return attest.Change{Actor: "visitor:" + email, At: v.At}
}

// Confirmation is a request found by its e-mail token, with the document
// asked for and, when that document is shared under the NDA, the NDA's
// current version (nil while none is published).
type Confirmation struct {
	Request *attest.AccessRequest
	Doc     *Shared
	NDA     *attest.NDA
}

// Done reports whether the request was confirmed already: confirming
// again changes nothing.
func (c *Confirmation) Done() bool { return c.Request.Status != attest.AccessUnconfirmed }

// OpenConfirmation finds the request behind an e-mail token.
func OpenConfirmation(ctx context.Context, s Store, token string) (*Confirmation, error) {
	req, err := s.AccessRequestByHash(ctx, "email", auth.HashSecret(token))
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this confirmation link is not valid: ask for access again from the trust center"}
	}
	d, err := find(ctx, s, req.DocumentID)
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this document is no longer shared"}
	}
	c := &Confirmation{Request: req, Doc: d}
	if d.NDA {
		if c.NDA, err = latestNDA(ctx, s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func latestNDA(ctx context.Context, s attest.TrustStore) (*attest.NDA, error) {
	l, err := s.NDAs(ctx)
	if err != nil || len(l) == 0 {
		return nil, err
	}
	return &l[len(l)-1], nil
}

// Acceptance is the visitor's answer to the NDA: the box ticked, the name
// typed, and the version they read (as the form sends it).
type Acceptance struct {
	Accept     bool
	Signature  string
	NDAVersion string
}

// Confirmed is the request after confirmation, and the personal link's
// mail when it was approved at once.
type Confirmed struct {
	Request *attest.AccessRequest
	Mail    *mail.Message
}

// Confirm confirms the visitor's address and, where the document is
// shared under the NDA, records their acceptance of the NDA's exact text:
// its version and SHA-256, the typed name, the time, the visitor's address
// and user agent, in the ledger entry trust.nda_accepted. A request from an
// allowed domain whose requester the audience rule allows is then approved
// at once ("auto"). A request confirmed already is returned as it is.
func Confirm(ctx context.Context, s Store, site Site, v Visit, c *Confirmation, a Acceptance) (*Confirmed, error) {
	if c.Done() {
		return &Confirmed{Request: c.Request}, nil
	}
	req := *c.Request
	req.ConfirmedAt, req.Status = stamp(v.At), attest.AccessPending
	typ := attest.EntryAccessConfirmed
	if c.Doc.NDA {
		if err := accept(&req, c.NDA, v, a); err != nil {
			return nil, err
		}
		typ = attest.EntryNDAAccepted
	}
	saved, err := s.SaveAccessRequest(ctx, visitor(req.Email, v), typ, req)
	if err != nil {
		return nil, err
	}
	out := &Confirmed{Request: saved}
	if c.Doc.Audience(saved.Requester).Allowed && slices.Contains(ReadSettings(ctx, s).AutoDomains, saved.Domain()) {
		ap, err := approve(ctx, s, site, attest.Change{Actor: "auto", At: v.At.UTC()}, saved, c.Doc, false, "e-mail domain approved in advance")
		if err != nil {
			return nil, err
		}
		out.Request, out.Mail = ap.Request, ap.Mail
	}
	return out, nil
}

// accept records on req the acceptance of nda, the version the visitor
// read, or says what is missing.
func accept(req *attest.AccessRequest, nda *attest.NDA, v Visit, a Acceptance) error {
	if nda == nil {
		return &attest.Error{Code: attest.ECONFLICT, Message: "the organization has not published its NDA yet: try again later"}
	}
	signed := strings.TrimSpace(a.Signature)
	if !a.Accept || signed == "" {
		return invalid("accept: tick the box and type your full name to accept the NDA")
	}
	if len(signed) > 200 {
		return invalid("signature: your full name, at most 200 characters")
	}
	if err := attest.CheckLine("signature", signed); err != nil {
		return err
	}
	if a.NDAVersion != itoa(nda.Version) {
		return &attest.Error{Code: attest.ECONFLICT, Message: "nda_version: the NDA changed since the page was opened: read the current version and accept it again"}
	}
	req.NDAVersion, req.NDASHA256, req.NDAName, req.NDAAcceptedAt = nda.Version, nda.SHA256, signed, stamp(v.At)
	req.NDAIP, req.NDAUserAgent = v.IP, v.userAgent()
	return nil
}
