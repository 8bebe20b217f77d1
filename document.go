package attest

import "context"

// Document kinds.
const (
	// DocDescription is a version of the engagement's description inputs
	// (the system description's facts, as YAML).
	DocDescription = "description"
	// DocRender is a rendered draft: report sections, SOC 3 draft, bridge
	// letter, representation letter, readiness summary.
	DocRender = "render"
	// DocIssued is the service auditor's final report, kept byte for byte:
	// the only report the trust center shares.
	DocIssued = "issued"
	// DocShared is another document the organization shares in its trust
	// center (a policy, a penetration test summary, a certificate of
	// insurance): a PDF with a title (Meta "title") and an audience (Meta
	// "audience": "public", or "nda" for on request under the NDA).
	DocShared = "shared"
)

// Document is a file that belongs to an engagement and is not evidence:
// description inputs, drafts rendered from the data, and the issued report.
// Like evidence, its bytes live in the blob store under Ref, and the record
// is never overwritten; a newer version is a new document.
type Document struct {
	ID           int64             `json:"id"`
	EngagementID string            `json:"engagement"`
	Kind         string            `json:"kind"`
	Name         string            `json:"name"`
	Ref          string            `json:"ref"`
	Size         int64             `json:"size"`
	MediaType    string            `json:"media_type"`
	Meta         map[string]string `json:"meta"`
	AddedBy      string            `json:"added_by"`
	AddedAt      string            `json:"added_at"`
	Entry        int64             `json:"ledger_entry"`
}

// DocumentStore keeps documents.
type DocumentStore interface {
	AddDocument(ctx context.Context, ch Change, d Document) (*Document, error)
	Document(ctx context.Context, id int64) (*Document, error)
	// Documents lists an engagement's documents of a kind, oldest first
	// (all engagements when engagementID is empty, all kinds when kind is).
	Documents(ctx context.Context, engagementID, kind string) ([]Document, error)
}
