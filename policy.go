package attest

import "context"

// Policy statuses, in the order a version moves through them: written
// (draft), sent to its approvers (in review), approved by every approver
// it names (approved), made the version in force (published).
const (
	PolicyDraft     = "draft"
	PolicyInReview  = "in-review"
	PolicyApproved  = "approved"
	PolicyPublished = "published"
)

// Policy is one of the organization's policies, adopted from a template:
// its current text is its latest PolicyVersion, and Published names the
// version in force (0 before the first publication). The record is the
// policy as its latest ledger entry (Entry) left it.
type Policy struct {
	ID        string `json:"id"`
	Template  string `json:"template"`
	Title     string `json:"title"`
	OwnerRole string `json:"owner_role"`
	// Owner is the account answerable for the policy (0 until named).
	Owner int64 `json:"owner"`
	// Review is how often the policy is reviewed.
	Review Frequency `json:"review"`
	// Approvers are the accounts that must each approve a version before
	// it may be published.
	Approvers   []int64  `json:"approvers"`
	Controls    []string `json:"controls"`
	Criteria    []string `json:"criteria"`
	Status      string   `json:"status"`
	Version     int      `json:"version"`
	Published   int      `json:"published"`
	PublishedAt string   `json:"published_at,omitempty"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	Entry       int64    `json:"ledger_entry"`
}

// PolicyVersion is one text of a policy, never changed once written. The
// ledger records its SHA-256, not its body.
type PolicyVersion struct {
	PolicyID string `json:"policy"`
	Version  int    `json:"version"`
	Body     string `json:"body,omitempty"`
	SHA256   string `json:"sha256"`
	Note     string `json:"note,omitempty"`
	By       string `json:"by"`
	At       string `json:"at"`
	Entry    int64  `json:"ledger_entry"`
}

// Policy acts recorded as PolicyEvents.
const (
	PolicySubmitted = "submitted"
	PolicyApproval  = "approved"
	PolicyPublish   = "published"
)

// PolicyEvent is one act on a version: its submission for review, one
// approver's approval (Account is the approver's account, Name their name
// then), or its publication.
type PolicyEvent struct {
	PolicyID string `json:"policy"`
	Version  int    `json:"version"`
	Action   string `json:"action"`
	Account  int64  `json:"account,omitempty"`
	Name     string `json:"name,omitempty"`
	Note     string `json:"note,omitempty"`
	// By is who recorded it (the change's actor), At when.
	By    string `json:"by"`
	At    string `json:"at"`
	Entry int64  `json:"ledger_entry"`
}

// PolicyChange is what one ledger entry of a policy records: the policy as
// the change leaves it, with the version written or the act made.
type PolicyChange struct {
	Policy  Policy         `json:"policy"`
	Version *PolicyVersion `json:"version,omitempty"`
	Event   *PolicyEvent   `json:"event,omitempty"`
}

// PolicyStore keeps policies, their versions and the acts on them.
type PolicyStore interface {
	// RecordPolicy writes one change of a policy with its ledger entry of
	// type typ, in one transaction. prev is the entry the caller read the
	// policy at (-1 for a new policy): a policy changed since, or one that
	// already exists when prev is -1, is ECONFLICT.
	RecordPolicy(ctx context.Context, ch Change, typ string, prev int64, c PolicyChange) (*PolicyChange, error)
	// Policy is ENOTFOUND when there is no such policy.
	Policy(ctx context.Context, id string) (*Policy, error)
	Policies(ctx context.Context) ([]Policy, error)
	// PolicyVersions lists a policy's versions with their text (every
	// policy's when id is empty), in the order written.
	PolicyVersions(ctx context.Context, id string) ([]PolicyVersion, error)
	// PolicyEvents lists the acts on a policy (every policy's when id is
	// empty), in the order recorded.
	PolicyEvents(ctx context.Context, id string) ([]PolicyEvent, error)
}
