package trust

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/mail"
)

// The decisions on an access request.
const (
	Approve = "approve"
	Refuse  = "refuse"
	Revoke  = "revoke"
)

// Decision is an administrator's decision on an access request.
type Decision struct {
	// Action is Approve, Refuse or Revoke.
	Action string
	// Override shares a report with a requester its kind is not meant for
	// (a SOC 1 for a prospect), after the warning.
	Override bool
	Note     string
}

// Decided is the request as decided, and the personal link's mail when it
// was approved.
type Decided struct {
	Request *attest.AccessRequest
	Mail    *mail.Message
}

// Decide approves, refuses or revokes request id. Only an administrator
// (or the local operator) decides; ch.Actor is recorded as who decided.
// Approving follows the document's audience rule: a requester the report
// is not meant for is refused, or, where the rule allows an override, needs
// Override after its warning. Approving again after a refusal or a
// revocation makes a new link; the old one stays dead.
func Decide(ctx context.Context, s Store, site Site, ch attest.Change, actor *attest.User, id int64, d Decision) (*Decided, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	req, err := s.AccessRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	note := truncate(strings.TrimSpace(d.Note), 1000)
	switch d.Action {
	case Approve:
		return decideApproval(ctx, s, site, ch, req, d.Override, note)
	case Refuse:
		if req.Status == attest.AccessApproved {
			return nil, &attest.Error{Code: attest.ECONFLICT, Message: "the request is approved: revoke its link instead"}
		}
		req.Status, req.DecidedBy, req.DecidedAt, req.Note = attest.AccessRefused, ch.Actor, stamp(ch.At), note
		return save(ctx, s, ch, attest.EntryAccessRefused, req)
	case Revoke:
		if req.Status != attest.AccessApproved {
			return nil, &attest.Error{Code: attest.ECONFLICT, Message: "only an approved request has a link to revoke"}
		}
		req.Status, req.RevokedAt, req.Note = attest.AccessRevoked, stamp(ch.At), note
		return save(ctx, s, ch, attest.EntryAccessRevoked, req)
	}
	return nil, invalid("action: " + strconv.Quote(d.Action) + " is not approve, refuse or revoke")
}

func save(ctx context.Context, s Store, ch attest.Change, typ string, req *attest.AccessRequest) (*Decided, error) {
	saved, err := s.SaveAccessRequest(ctx, ch, typ, *req)
	if err != nil {
		return nil, err
	}
	return &Decided{Request: saved}, nil
}

// decided are the states from which a request may be approved: the
// requester confirmed their address.
var decided = []string{attest.AccessPending, attest.AccessRefused, attest.AccessRevoked, attest.AccessApproved}

// decideApproval applies the audience rule before approving.
func decideApproval(ctx context.Context, s Store, site Site, ch attest.Change, req *attest.AccessRequest, override bool, note string) (*Decided, error) {
	if !slices.Contains(decided, req.Status) {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "the requester has not confirmed their e-mail address yet"}
	}
	doc, err := find(ctx, s, req.DocumentID)
	if err != nil {
		return nil, err
	}
	aud := doc.Audience(req.Requester)
	if aud.Allowed {
		override = false
	} else if !aud.Override {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this report may not be shared with " + attest.RequesterLabel(req.Requester)}
	} else if !override {
		return nil, invalid("override: " + aud.Warning + " Tick the override box to share it anyway.")
	}
	q := *req
	q.Override = override
	if err := holds(ctx, s, &q, doc); err != nil {
		return nil, err
	}
	return approve(ctx, s, site, attest.Change{Actor: ch.Actor, At: ch.At.UTC()}, req, doc, override, note)
}

// approve grants the request: a new personal link that expires after the
// configured days, and the mail that carries it.
func approve(ctx context.Context, s Store, site Site, ch attest.Change, req *attest.AccessRequest, d *Shared, override bool, note string) (*Decided, error) {
	token, hash := newSecret()
	q := *req
	q.Status, q.LinkHash, q.DecidedBy, q.DecidedAt = attest.AccessApproved, hash, ch.Actor, stamp(ch.At)
	q.Override, q.Note, q.RevokedAt = override, note, ""
	q.ExpiresAt = stamp(ch.At.AddDate(0, 0, ReadSettings(ctx, s).LinkDays))
	saved, err := s.SaveAccessRequest(ctx, ch, attest.EntryAccessApproved, q)
	if err != nil {
		return nil, err
	}
	m := mail.Message{To: saved.Email, At: ch.At.UTC(), Subject: "Your access to the " + d.Label + " report",
		Body: "Your request to " + site.Org + "'s trust center was approved. Your personal link, valid until " + saved.ExpiresAt + ":\n" +
			site.link("access", token) + "\n\nEvery copy you download carries your name and e-mail address. Do not pass the link on."}
	return &Decided{Request: saved, Mail: &m}, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// holds re-checks, at the moment of a decision or a download, every
// condition the document has now: its audience rule for this requester
// (or the admin's recorded override), and, when it is shared under the
// NDA now, the requester's acceptance of the NDA's current version and
// exact text. A rule tightened after the request (the NDA turned on, a new
// version) applies to pending requests and existing links alike.
func holds(ctx context.Context, s Store, req *attest.AccessRequest, d *Shared) error {
	aud := d.Audience(req.Requester)
	if !aud.Allowed && !(aud.Override && req.Override) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this report may not be shared with " + attest.RequesterLabel(req.Requester)}
	}
	if !d.NDA {
		return nil
	}
	nda, err := latestNDA(ctx, s)
	if err != nil {
		return err
	}
	if nda == nil || req.NDAVersion != nda.Version || req.NDASHA256 != nda.SHA256 {
		current := "the NDA"
		if nda != nil {
			current = "version " + itoa(nda.Version) + " of the NDA"
		}
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this report is shared under " + current + ", which this request has not accepted: the requester asks for access again and accepts it"}
	}
	return nil
}
