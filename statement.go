package attest

import "context"

// AuditorKey is an ed25519 public key a service auditor uses to sign their
// acts on one engagement. Only the auditor holds the private key: the
// organization's administrators, who hold the database and the server's
// keys, cannot sign as the auditor. A key counts once the auditor has
// confirmed it with a statement signed by that key (Confirmed); a retired
// key signs nothing new, and what it signed before stays valid.
type AuditorKey struct {
	EngagementID string `json:"engagement"`
	Fingerprint  string `json:"fingerprint"`
	PublicKey    string `json:"public_key"` // base64 of the 32 key bytes
	UserID       int64  `json:"user_id"`    // the auditor's account
	Name         string `json:"name"`       // the named auditor it was enrolled for
	// Holder is where the private key lives: "cli" (a file on the
	// auditor's machine) or "browser" (a non-extractable WebCrypto key
	// in a page the organization serves, so weaker).
	Holder     string `json:"holder"`
	EnrolledBy string `json:"enrolled_by"`
	EnrolledAt string `json:"enrolled_at"`
	Confirmed  string `json:"confirmed_at,omitempty"`
	Retired    string `json:"retired_at,omitempty"`
	Entry      int64  `json:"ledger_entry"`
}

// Statement is one signed act of the service auditor: canonical JSON
// (RFC 8785) signed with an enrolled key. Each key's statements on an
// engagement form a chain: a sequence number and the previous statement's
// hash in each, so one deleted or withheld is seen. A statement is stored
// with the ledger entry of the record it signs (Entry).
type Statement struct {
	ID           int64  `json:"id"`
	EngagementID string `json:"engagement"`
	Key          string `json:"key"` // the signing key's fingerprint
	Seq          int64  `json:"seq"`
	Kind         string `json:"kind"`
	Prev         string `json:"prev"` // the chain's previous statement's Hash ("" for the first)
	Hash         string `json:"hash"` // hex SHA-256 of Body
	Body         string `json:"statement"`
	Signature    string `json:"signature"` // base64
	Entry        int64  `json:"ledger_entry"`
	AddedAt      string `json:"added_at"`
}

// StatementStore keeps auditors' keys and signed statements. A statement
// may also travel in a Change: the store method that writes the record
// stores it in the same transaction, with that record's ledger entry.
type StatementStore interface {
	EnrollKey(ctx context.Context, ch Change, k AuditorKey) (*AuditorKey, error)
	// ConfirmKey records the statement in which the key's holder confirms
	// it (its first), and marks the key confirmed.
	ConfirmKey(ctx context.Context, ch Change, st Statement) (*AuditorKey, error)
	RetireKey(ctx context.Context, ch Change, engagementID, fingerprint string) (*AuditorKey, error)
	AuditorKeys(ctx context.Context, engagementID string) ([]AuditorKey, error)
	// AddStatement records a statement that is itself the record (a
	// deviation's evaluation, a population's completeness test).
	AddStatement(ctx context.Context, ch Change, st Statement) (*Statement, error)
	// Statements lists an engagement's statements (every engagement's
	// when engagementID is empty), by key and sequence.
	Statements(ctx context.Context, engagementID string) ([]Statement, error)
}
