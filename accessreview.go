package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Review decisions on one account.
const (
	DecisionKeep   = "keep"
	DecisionChange = "change"
	DecisionRevoke = "revoke"
)

// Campaign states.
const (
	CampaignOpen      = "open"
	CampaignCompleted = "completed"
)

// Flags an access-review item can carry for its reviewer.
const (
	// FlagNotOnRoster: the account names no person on the roster.
	FlagNotOnRoster = "not-on-roster"
	// FlagLeft: the person on the roster is no longer employed.
	FlagLeft = "no-longer-employed"
)

// Listing is where a campaign's accounts came from: information produced
// by the entity, so its source, when it was extracted and by whom, and
// how it was checked complete are recorded with it.
type Listing struct {
	// Source names the listing: "file accounts.csv", "collection 12 (okta)".
	Source string `json:"source"`
	// File is the SHA-256 of the file read, when the listing was a file.
	File string `json:"file_sha256,omitempty"`
	// Collection is the evidence ID of the collection read, when it was one.
	Collection  int64  `json:"collection,omitempty"`
	ExtractedAt string `json:"extracted_at"`
	ExtractedBy string `json:"extracted_by"`
	// Completeness says how the listing was checked complete.
	Completeness string `json:"completeness"`
	// LeftOut counts rows of other systems the listing held.
	LeftOut int `json:"left_out,omitempty"`
	// Roster names the roster accounts were matched against; "" when none.
	Roster string `json:"roster,omitempty"`
	// Digest is the SHA-256 of the campaign's rows as started.
	Digest string `json:"rows_sha256"`
}

// Campaign is one access review of one system's accounts.
type Campaign struct {
	ID        int64   `json:"id"`
	System    string  `json:"system"`
	Due       string  `json:"due"`
	Status    string  `json:"status"`
	Listing   Listing `json:"listing"`
	Accounts  int     `json:"accounts"`
	CreatedBy string  `json:"created_by"`
	CreatedAt string  `json:"created_at"`
	Entry     int64   `json:"ledger_entry"`
	// Completion, once the campaign is completed: who, when, its entry and
	// the evidence it became.
	CompletedBy    string `json:"completed_by,omitempty"`
	CompletedAt    string `json:"completed_at,omitempty"`
	CompletedEntry int64  `json:"completed_entry,omitempty"`
	EvidenceID     int64  `json:"evidence,omitempty"`
}

// ReviewItem is one account under review.
type ReviewItem struct {
	Seq int `json:"seq"`
	// Account is the account's identifier in its system; Person the
	// holder's e-mail address when known.
	Account string `json:"account"`
	Person  string `json:"person,omitempty"`
	Name    string `json:"name,omitempty"`
	// Manager is the holder's manager's e-mail address, from the roster.
	Manager      string   `json:"manager,omitempty"`
	Roles        []string `json:"roles"`
	Entitlements []string `json:"entitlements"`
	Privileged   bool     `json:"privileged"`
	Flags        []string `json:"flags"`
	ReviewerID   int64    `json:"reviewer_id,omitempty"`
	Reviewer     string   `json:"reviewer,omitempty"`
	Decision     string   `json:"decision,omitempty"`
	Reason       string   `json:"reason,omitempty"`
	DecidedBy    string   `json:"decided_by,omitempty"`
	DecidedAt    string   `json:"decided_at,omitempty"`
	// Ticket and Removed close a revoke: a linked ticket, or the listing
	// that showed the account gone.
	Ticket     string `json:"ticket,omitempty"`
	Removed    string `json:"removed,omitempty"`
	ResolvedAt string `json:"resolved_at,omitempty"`
	// AssignEntry, DecisionEntry and ResolvedEntry are the ledger entries
	// that last assigned the item's reviewer, decided it and closed its
	// revoke.
	AssignEntry   int64 `json:"assign_entry,omitempty"`
	DecisionEntry int64 `json:"decision_entry,omitempty"`
	ResolvedEntry int64 `json:"resolved_entry,omitempty"`
}

// OpenRevoke reports whether it is a revoke not yet shown done.
func (it *ReviewItem) OpenRevoke() bool {
	return it.Decision == DecisionRevoke && it.Ticket == "" && it.Removed == ""
}

// Assignment gives an item its reviewer.
type Assignment struct {
	Seq        int    `json:"seq"`
	ReviewerID int64  `json:"reviewer_id"`
	Reviewer   string `json:"reviewer"`
}

// Decision is a reviewer's decision on one item.
type Decision struct {
	Seq      int    `json:"seq"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// Resolution closes a revoke: by a ticket, or by a later listing (Removed
// names it) in which the account is gone.
type Resolution struct {
	Seq     int    `json:"seq"`
	Ticket  string `json:"ticket,omitempty"`
	Removed string `json:"removed,omitempty"`
}

// Signoff is a reviewer's statement that their part of a campaign is done.
type Signoff struct {
	Campaign   int64  `json:"campaign"`
	ReviewerID int64  `json:"reviewer_id"`
	Reviewer   string `json:"reviewer"`
	Note       string `json:"note,omitempty"`
	By         string `json:"by"`
	At         string `json:"at"`
	Entry      int64  `json:"ledger_entry"`
}

// ReviewerSummary counts one reviewer's items in a campaign.
type ReviewerSummary struct {
	ReviewerID  int64  `json:"reviewer_id"`
	Reviewer    string `json:"reviewer"`
	Items       int    `json:"items"`
	Decided     int    `json:"decided"`
	Revoke      int    `json:"revoke"`
	OpenRevokes int    `json:"open_revokes"`
	Privileged  int    `json:"privileged"`
	Flagged     int    `json:"flagged"`
}

// ReviewBatch is the ledger entry of a bulk act on a campaign: how many
// rows and the SHA-256 of their canonical form (accessreview.Digest).
type ReviewBatch struct {
	Campaign int64  `json:"campaign"`
	Reviewer int64  `json:"reviewer,omitempty"`
	Rows     int    `json:"rows"`
	Digest   string `json:"rows_sha256"`
}

// ReviewCompletion is the ledger entry of a campaign completed: the
// evidence it became (0 for none) and the SHA-256 of its items as
// completed (ItemsDigest), which closes every row to later change.
type ReviewCompletion struct {
	Campaign int64  `json:"campaign"`
	Evidence int64  `json:"evidence,omitempty"`
	Rows     int    `json:"rows,omitempty"`
	Digest   string `json:"rows_sha256,omitempty"`
}

// RowsDigest is the SHA-256 of rows, each as one line of JSON: what a bulk
// act's single ledger entry names, so the rows it wrote can be checked
// against it.
func RowsDigest[T any](rows []T) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range rows {
		enc.Encode(r)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ItemsDigest is the RowsDigest of a campaign's items in seq order,
// whatever order they are given in.
func ItemsDigest(items []ReviewItem) string {
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b ReviewItem) int { return a.Seq - b.Seq })
	return RowsDigest(items)
}

// AccessReviewStore keeps access-review campaigns. Every write is one
// transaction with one ledger entry.
type AccessReviewStore interface {
	// StartCampaign records a campaign and its items (ID 0: the next).
	StartCampaign(ctx context.Context, ch Change, c Campaign, items []ReviewItem) (*Campaign, error)
	// AssignReviewers sets reviewers of items of an open campaign.
	AssignReviewers(ctx context.Context, ch Change, campaign int64, as []Assignment, digest string) error
	// RecordDecisions records one reviewer's decisions on items assigned
	// to them; an item assigned to someone else is ECONFLICT.
	RecordDecisions(ctx context.Context, ch Change, campaign, reviewer int64, ds []Decision, digest string) error
	// ResolveRevokes closes revokes by ticket or later listing.
	ResolveRevokes(ctx context.Context, ch Change, campaign int64, rs []Resolution, digest string) error
	// SignOff records a reviewer's sign-off; a second is ECONFLICT.
	SignOff(ctx context.Context, ch Change, s Signoff) (*Signoff, error)
	// CompleteCampaign records the evidence given (none or one: the
	// decisions) and marks the open campaign completed, naming it, in one
	// transaction; done.Digest must still be the ItemsDigest of the
	// campaign's items (ECONFLICT otherwise: they changed meanwhile).
	CompleteCampaign(ctx context.Context, ch Change, done ReviewCompletion, evidence []Evidence) (*Campaign, error)
	Campaign(ctx context.Context, id int64) (*Campaign, error)
	Campaigns(ctx context.Context) ([]Campaign, error)
	// ReviewItems lists a campaign's items, privileged first, then by seq.
	ReviewItems(ctx context.Context, campaign int64) ([]ReviewItem, error)
	// ReviewKeys lists a campaign's items by seq with only what the bulk
	// acts decide on: seq, account, person, manager, reviewer, decision,
	// ticket and removed (no roles, entitlements or flags).
	ReviewKeys(ctx context.Context, campaign int64) ([]ReviewItem, error)
	// ReviewSummary counts a campaign's items per reviewer (0: unassigned).
	ReviewSummary(ctx context.Context, campaign int64) ([]ReviewerSummary, error)
	Signoffs(ctx context.Context, campaign int64) ([]Signoff, error)
}
