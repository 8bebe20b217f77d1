package attest

import "context"

// Disclosure records that management told the service auditor of a
// deviation it knows of: which one (by the register's stable identifier),
// who at the service auditor was told and on what day, as management
// recorded it. It is a ledger entry, never edited: a disclosure stands as
// made.
type Disclosure struct {
	EngagementID string `json:"engagement"`
	// Deviation is the known-deviations register's identifier.
	Deviation string `json:"deviation"`
	// Summary is the deviation as the register stated it when disclosed.
	Summary string `json:"summary"`
	// To is who at the service auditor was told; On the day (YYYY-MM-DD).
	To   string `json:"to"`
	On   string `json:"on"`
	Note string `json:"note,omitempty"`
	// By and At are who recorded it and when.
	By    string `json:"by"`
	At    string `json:"at"`
	Entry int64  `json:"ledger_entry"`
}

// DisclosureStore keeps the disclosures of known deviations.
type DisclosureStore interface {
	// AddDisclosures records disclosures of one engagement in one
	// transaction, each with its ledger entry: all of them or none. A
	// deviation already disclosed is ECONFLICT; an unknown engagement
	// ENOTFOUND.
	AddDisclosures(ctx context.Context, ch Change, ds []Disclosure) ([]Disclosure, error)
	// Disclosures lists an engagement's disclosures (every engagement's
	// when engagementID is empty), in the order recorded.
	Disclosures(ctx context.Context, engagementID string) ([]Disclosure, error)
}
