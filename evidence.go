package attest

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Change says who makes a change and when. Stores record both in the ledger
// entry they append for the change.
type Change struct {
	Actor string
	At    time.Time
	// Statement is the service auditor's signed statement of this change,
	// when it is one of the auditor's acts: the store keeps it beside the
	// change's ledger entry, in the same transaction, and the entry names
	// its hash.
	Statement *Statement
}

// Stamp is the change's time as stored: RFC 3339 in UTC.
func (c Change) Stamp() string { return c.At.UTC().Format(time.RFC3339Nano) }

// How evidence came in.
const (
	MethodUpload    = "upload"
	MethodCollector = "collector"
	MethodCheck     = "check"
)

// Evidence is one file that supports one or more controls. Its bytes live
// in the blob store under Ref; the record is never overwritten, and removal
// is a recorded Retraction.
//
// Evidence carries three dates. It covers an occurrence: Date, the day it
// speaks for (the end of the quarter a review covers), or a span
// CoversStart..CoversEnd for a record a system kept as it ran; JSON
// "covers" gives either. It was performed on PerformedOn: when the control
// was performed (a review signed off, a change approved, a ticket closed),
// taken from the evidence's content where it records it, otherwise
// entered; timeliness is judged on it. It was added at AddedAt, by
// Attest's own clock (JSON "added").
type Evidence struct {
	ID          int64    `json:"id"`
	Ref         string   `json:"ref"`
	Size        int64    `json:"size"`
	MediaType   string   `json:"media_type"`
	Name        string   `json:"name"`
	Controls    []string `json:"controls"`
	Date        string   `json:"date,omitempty"`
	CoversStart string   `json:"covers_start,omitempty"`
	CoversEnd   string   `json:"covers_end,omitempty"`
	// PerformedOn is a date (YYYY-MM-DD), or a time (RFC 3339, UTC) when
	// the evidence records one; empty when unknown.
	PerformedOn string `json:"performed_on,omitempty"`
	// PerformedFrom says where PerformedOn came from: PerformedEntered, or
	// what in the evidence's content records it.
	PerformedFrom string      `json:"performed_from,omitempty"`
	AddedBy       string      `json:"added_by"`
	AddedAt       string      `json:"added_at"`
	Method        string      `json:"method"`
	Source        string      `json:"source,omitempty"`
	Note          string      `json:"note,omitempty"`
	Entry         int64       `json:"ledger_entry"`
	Retraction    *Retraction `json:"retraction,omitempty"`
	// PurgedAt is when a retention rule allowed the bytes of this retracted
	// evidence to be removed; the record stays.
	PurgedAt string `json:"purged_at,omitempty"`
}

// PerformedEntered is PerformedFrom for a date a person entered.
const PerformedEntered = "entered"

// Covered is the occurrence the evidence speaks for: its date, or its span
// as START..END.
func (e *Evidence) Covered() string {
	if e.CoversStart != "" {
		return e.CoversStart + ".." + e.CoversEnd
	}
	return e.Date
}

// MarshalJSON writes the record with two names for what it already holds:
// "covers" (Covered) and "added" (AddedAt), beside the older "date",
// "covers_start", "covers_end" and "added_at".
func (e Evidence) MarshalJSON() ([]byte, error) {
	type plain Evidence
	return json.Marshal(struct {
		plain
		Covers string `json:"covers,omitempty"`
		Added  string `json:"added"`
	}{plain(e), e.Covered(), e.AddedAt})
}

// ParseInstant reads a date (YYYY-MM-DD) or a time (RFC 3339), as when
// evidence was performed; a time is returned in UTC.
func ParseInstant(s string) (t time.Time, dateOnly bool, err error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(DateLayout, s); err == nil {
		return t, true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, Errorf(EINVALID, "%q: want a date (YYYY-MM-DD) or a time (RFC 3339, such as 2026-03-31T14:05:00Z)", s)
	}
	return t.UTC(), false, nil
}

// Retraction records that evidence was withdrawn, by whom and why. The
// bytes stay until a retention rule allows a purge.
type Retraction struct {
	By     string `json:"by"`
	At     string `json:"at"`
	Reason string `json:"reason"`
	Entry  int64  `json:"ledger_entry"`
}

// Dated returns the date the evidence speaks for: its date, or the end of
// the span it covers.
func (e *Evidence) Dated() string {
	if e.Date != "" {
		return e.Date
	}
	return e.CoversEnd
}

// EvidenceRecord is what the ledger keeps of an evidence item: everything
// but its ledger position and retraction.
type EvidenceRecord struct {
	ID          int64    `json:"id"`
	Ref         string   `json:"ref"`
	Size        int64    `json:"size"`
	MediaType   string   `json:"media_type"`
	Name        string   `json:"name"`
	Controls    []string `json:"controls"`
	Date        string   `json:"date,omitempty"`
	CoversStart string   `json:"covers_start,omitempty"`
	CoversEnd   string   `json:"covers_end,omitempty"`
	// PerformedOn and PerformedFrom are absent from entries written before
	// evidence carried them.
	PerformedOn   string `json:"performed_on,omitempty"`
	PerformedFrom string `json:"performed_from,omitempty"`
	Method        string `json:"method"`
	Source        string `json:"source,omitempty"`
	Note          string `json:"note,omitempty"`
}

// Record returns the ledger view of e.
func (e *Evidence) Record() EvidenceRecord {
	return EvidenceRecord{ID: e.ID, Ref: e.Ref, Size: e.Size, MediaType: e.MediaType, Name: e.Name, Controls: e.Controls,
		Date: e.Date, CoversStart: e.CoversStart, CoversEnd: e.CoversEnd, PerformedOn: e.PerformedOn, PerformedFrom: e.PerformedFrom,
		Method: e.Method, Source: e.Source, Note: e.Note}
}

// Event is one occurrence of an event-driven control's trigger (a change, a
// hire, a termination), imported from a population.
type Event struct {
	ControlID   string `json:"control"`
	Key         string `json:"key"`
	Date        string `json:"date"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
}

// NotRequired records that a control's trigger did not arise in a window
// (no events, no circumstance), with the reason and, ideally, evidence such
// as the empty population.
type NotRequired struct {
	ID         int64  `json:"id"`
	ControlID  string `json:"control"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Reason     string `json:"reason"`
	EvidenceID int64  `json:"evidence,omitempty"`
	AddedBy    string `json:"added_by"`
	AddedAt    string `json:"added_at"`
}

// EvidenceStore keeps evidence records, populations of events and
// not-required records. Every write appends ledger entries in the same
// transaction.
type EvidenceStore interface {
	AddEvidence(ctx context.Context, ch Change, items []Evidence) ([]Evidence, error)
	Evidence(ctx context.Context, id int64) (*Evidence, error)
	EvidenceList(ctx context.Context, control string, withRetracted bool) ([]Evidence, error)
	RetractEvidence(ctx context.Context, ch Change, id int64, reason string) (*Evidence, error)
	// PurgeEvidence records that the bytes of retracted evidence are removed.
	PurgeEvidence(ctx context.Context, ch Change, id int64) (*Evidence, error)
	ImportEvents(ctx context.Context, ch Change, controlID string, events []Event) (added int, err error)
	Events(ctx context.Context, controlID string) ([]Event, error)
	AddNotRequired(ctx context.Context, ch Change, nr NotRequired) (*NotRequired, error)
	NotRequiredList(ctx context.Context, controlID string) ([]NotRequired, error)
}

// LedgerStore keeps the ledger's entries and stored hashes.
type LedgerStore interface {
	// LedgerSize is the number of entries.
	LedgerSize(ctx context.Context) (int64, error)
	// ScanLedger calls fn for entries from..to-1 in order, with the stored
	// leaf hash beside each record.
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
	// ScanHashes calls fn for every stored tree hash, by index.
	ScanHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error
	// ReadHashes implements tlog.HashReader over the stored hashes.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// Checkpoint signs the current tree head with sign while holding the
	// write lock, stores the signed note and returns it.
	Checkpoint(ctx context.Context, sign func(size int64, root tlog.Hash) ([]byte, error), at time.Time) ([]byte, error)
	// Checkpoints returns the stored signed checkpoints, oldest first.
	Checkpoints(ctx context.Context) ([][]byte, error)
}
