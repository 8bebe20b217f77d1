package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Completion is one course a person completed, as a training provider's
// export or a certificate shows it. Attest ships no course content: it
// keeps who completed what and when. Never changed once written.
type Completion struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"person"`
	Email    string `json:"email"`
	Course   string `json:"course"`
	// Completed is YYYY-MM-DD.
	Completed   string `json:"completed"`
	Score       string `json:"score,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	// Evidence is the certificate file kept as evidence (0: none).
	Evidence int64 `json:"evidence,omitempty"`
	// Source names where the row came from: "training.csv line 4",
	// "certificate cert.pdf".
	Source string `json:"source"`
	Entry  int64  `json:"ledger_entry,omitempty"`
}

// TrainingChange is the ledger entry of completions recorded, one or a
// whole import: where they came from, how many, and the SHA-256 of the
// rows as written (CompletionsDigest), which verify recomputes from the
// kept rows.
type TrainingChange struct {
	Source string `json:"source"`
	// File is the SHA-256 of the file read, when there was one.
	File   string `json:"file_sha256,omitempty"`
	Rows   int    `json:"rows"`
	Digest string `json:"rows_sha256"`
}

// CompletionsDigest is the SHA-256 of completions as written, each one's
// JSON on a line of its own, in the order given, without ID and Entry
// (the store assigns them).
func CompletionsDigest(cs []Completion) string {
	h := sha256.New()
	for _, c := range cs {
		c.ID, c.Entry = 0, 0
		b, _ := json.Marshal(c)
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TrainingStore keeps training completions.
type TrainingStore interface {
	// RecordCompletions writes completions with one ledger entry of type
	// typ (EntryTrainingImported or EntryTrainingRecorded) holding tc,
	// its Rows and Digest filled in by the store, in one transaction.
	RecordCompletions(ctx context.Context, ch Change, typ string, tc TrainingChange, cs []Completion) ([]Completion, error)
	// Completions lists one person's completions (everyone's when person
	// is 0), by entry and then in the order written.
	Completions(ctx context.Context, person int64) ([]Completion, error)
}

// PortalLink is an e-mailed sign-in link to the employee portal, kept
// only as the SHA-256 of its secret: single use, short-lived.
type PortalLink struct {
	Hash      string `json:"-"`
	PersonID  int64  `json:"person"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
	UsedAt    string `json:"used_at,omitempty"`
}

// Reminder is one reminder mailed to a person about what is overdue.
type Reminder struct {
	PersonID int64  `json:"person"`
	Email    string `json:"email"`
	// Items name what is overdue: "policy:access-control", "training".
	Items []string `json:"items"`
	At    string   `json:"at"`
	Entry int64    `json:"ledger_entry,omitempty"`
}

// RemindersSent is the ledger entry of one round of reminders.
type RemindersSent struct {
	Reminders []Reminder `json:"reminders"`
}

// PortalStore keeps the employee portal's sign-in links and the
// reminders sent.
type PortalStore interface {
	// SavePortalLink keeps a new link. No ledger entry: a link is a
	// running server's state, like a session.
	SavePortalLink(ctx context.Context, l PortalLink) error
	// UsePortalLink marks the link with hash used at at and returns it as
	// it was before: ENOTFOUND when there is none, ECONFLICT when it was
	// used already (whoever won a race, the other loses).
	UsePortalLink(ctx context.Context, hash, at string) (*PortalLink, error)
	// RecordReminders keeps a round of reminders with one ledger entry
	// (EntryRemindersSent).
	RecordReminders(ctx context.Context, ch Change, rs []Reminder) ([]Reminder, error)
	// Reminders lists every reminder sent, in the order sent.
	Reminders(ctx context.Context) ([]Reminder, error)
}
