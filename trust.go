package attest

import (
	"context"
	"slices"
	"strings"
)

// Requester types: who may ask the trust center for a restricted report.
const (
	RequesterCustomer        = "customer"
	RequesterProspect        = "prospect"
	RequesterCustomerAuditor = "customer-auditor"
	RequesterPartner         = "partner"
	RequesterRegulator       = "regulator"
)

// RequesterTypes lists the requester types in the order forms show them.
var RequesterTypes = []string{RequesterCustomer, RequesterProspect, RequesterCustomerAuditor, RequesterPartner, RequesterRegulator}

// RequesterLabel is how a requester type reads in a sentence.
func RequesterLabel(t string) string {
	switch t {
	case RequesterCustomerAuditor:
		return "a customer's auditor"
	case RequesterCustomer:
		return "a customer"
	case RequesterProspect:
		return "a prospective customer"
	case RequesterPartner:
		return "a business partner"
	case RequesterRegulator:
		return "a regulator"
	}
	return t
}

// Audience is what the trust center may do with a report of a kind for a
// requester type (DOMAIN.md section 1).
type Audience struct {
	// Public: anyone may download it, without a request (SOC 3).
	Public bool
	// Allowed: the requester type is an intended user of the report.
	Allowed bool
	// Override: not an intended user, but an admin may still decide to
	// share it, after a warning (a prospect asking for a SOC 1).
	Override bool
	// Warning explains why an override is needed.
	Warning string
}

// AudienceFor applies the audience rule of a report kind to a requester.
func AudienceFor(kind Kind, requester string) Audience {
	switch kind {
	case SOC3:
		return Audience{Public: true, Allowed: true}
	case SOC1:
		if requester == RequesterCustomer || requester == RequesterCustomerAuditor {
			return Audience{Allowed: true}
		}
		return Audience{Override: true, Warning: "A SOC 1 report is meant for customers and their financial-statement auditors; " +
			RequesterLabel(requester) + " is not among its intended users. Share it only if you have decided to, knowing the CPA firm's report restricts its use."}
	case SOC2:
		if slices.Contains(RequesterTypes, requester) {
			return Audience{Allowed: true}
		}
	}
	return Audience{}
}

// NDA is one version of the organization's non-disclosure agreement, as
// the trust center shows it for click-through acceptance.
type NDA struct {
	Version   int64  `json:"version"`
	Text      string `json:"text"`
	SHA256    string `json:"sha256"`
	CreatedAt string `json:"created_at"`
	Entry     int64  `json:"ledger_entry"`
}

// Access request states, in the order a request moves through them.
const (
	AccessUnconfirmed = "unconfirmed" // waits for the e-mail link
	AccessPending     = "pending"     // e-mail confirmed (and NDA accepted): waits for an admin
	AccessApproved    = "approved"    // a personal link was sent
	AccessRefused     = "refused"
	AccessRevoked     = "revoked"
)

// AccessRequest is a trust-center visitor's request for one document, and,
// once approved, their grant: a personal link that expires and can be
// revoked. The e-mail and link tokens are kept only as SHA-256 hashes and
// never appear in JSON or the ledger.
type AccessRequest struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Company    string `json:"company"`
	Requester  string `json:"requester"`
	Reason     string `json:"reason"`
	Status     string `json:"status"`
	CreatedAt  string `json:"created_at"`
	// ConfirmedAt is when the visitor opened the e-mail link.
	ConfirmedAt string `json:"confirmed_at,omitempty"`
	// The NDA accepted, if one was required: its version and the SHA-256
	// of its text, with who accepted it, when, from where and with what.
	NDAVersion    int64  `json:"nda_version,omitempty"`
	NDASHA256     string `json:"nda_sha256,omitempty"`
	NDAName       string `json:"nda_name,omitempty"`
	NDAAcceptedAt string `json:"nda_accepted_at,omitempty"`
	NDAIP         string `json:"nda_ip,omitempty"`
	NDAUserAgent  string `json:"nda_user_agent,omitempty"`
	// The decision: by whom (an admin, or "auto" for an allowed domain),
	// when, and whether an admin overrode the report's audience rule.
	DecidedBy string `json:"decided_by,omitempty"`
	DecidedAt string `json:"decided_at,omitempty"`
	Override  bool   `json:"override,omitempty"`
	Note      string `json:"note,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	RevokedAt string `json:"revoked_at,omitempty"`
	EmailHash string `json:"-"`
	LinkHash  string `json:"-"`
}

// Domain is the part of the e-mail address after the @.
func (r AccessRequest) Domain() string {
	return strings.ToLower(r.Email[strings.LastIndex(r.Email, "@")+1:])
}

// Download is one delivered copy of a trust-center document: who received
// it (none for a public document), when, and the SHA-256 of the exact
// bytes delivered (a watermarked copy differs from the original).
type Download struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document"`
	RequestID  int64  `json:"request,omitempty"`
	Name       string `json:"name,omitempty"`
	Email      string `json:"email,omitempty"`
	Company    string `json:"company,omitempty"`
	IP         string `json:"ip"`
	UserAgent  string `json:"user_agent"`
	At         string `json:"at"`
	SHA256     string `json:"sha256"`
	Watermark  bool   `json:"watermarked"`
	Entry      int64  `json:"ledger_entry"`
}

// TrustStore keeps the trust center's NDA versions, access requests and
// downloads; every write is a ledger entry.
type TrustStore interface {
	// SaveNDA adds a new NDA version (the text's SHA-256 is computed).
	SaveNDA(ctx context.Context, ch Change, text string) (*NDA, error)
	// NDAs lists the NDA versions, oldest first.
	NDAs(ctx context.Context) ([]NDA, error)
	// SaveAccessRequest creates (ID 0) or updates a request, recording it
	// under the entry type given (one of AccessEntries).
	SaveAccessRequest(ctx context.Context, ch Change, entryType string, r AccessRequest) (*AccessRequest, error)
	AccessRequest(ctx context.Context, id int64) (*AccessRequest, error)
	// AccessRequestByHash finds a request by the hash of its e-mail token
	// (which "email") or of its link (which "link"); ENOTFOUND otherwise.
	AccessRequestByHash(ctx context.Context, which, hash string) (*AccessRequest, error)
	// AccessRequests lists every request, oldest first.
	AccessRequests(ctx context.Context) ([]AccessRequest, error)
	AddDownload(ctx context.Context, ch Change, d Download) (*Download, error)
	// Downloads lists every delivered copy, oldest first.
	Downloads(ctx context.Context) ([]Download, error)
	// CountPublicDownload counts one download of a public document on a
	// day (YYYY-MM-DD); no ledger entry.
	CountPublicDownload(ctx context.Context, documentID int64, day string) error
	// PublicDownloads lists the counts, by day then document.
	PublicDownloads(ctx context.Context) ([]PublicDownloads, error)
}

// PublicDownloads is how often a public document was downloaded on a day.
type PublicDownloads struct {
	DocumentID int64  `json:"document"`
	Day        string `json:"day"`
	Count      int64  `json:"count"`
}
