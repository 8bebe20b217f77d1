package attest

import (
	"context"
	"slices"
)

// PolicyAudience is who a published policy is asked of: every in-scope person
// on the roster, or, when Departments or Roles name any, only the
// in-scope people in one of those departments or with one of those
// roster roles. A policy with no recorded audience is asked of everyone
// in scope.
type PolicyAudience struct {
	PolicyID    string   `json:"policy"`
	Departments []string `json:"departments"`
	Roles       []string `json:"roles"`
	By          string   `json:"by"`
	At          string   `json:"at"`
	Entry       int64    `json:"ledger_entry"`
}

// Everyone reports whether the audience is every in-scope person.
func (a *PolicyAudience) Everyone() bool {
	return a == nil || (len(a.Departments) == 0 && len(a.Roles) == 0)
}

// Includes reports whether the policy is asked of p on day (YYYY-MM-DD):
// an in-scope person employed that day, in the audience.
func (a *PolicyAudience) Includes(p *Person, day string) bool {
	if !p.InScope || p.Status == PersonTerminated || !p.Employed(day) {
		return false
	}
	if a.Everyone() {
		return true
	}
	return slices.Contains(a.Departments, p.Department) || slices.Contains(a.Roles, p.Role)
}

// How an acknowledgement was given.
const (
	// AckPortal: by the person, signed in to the employee portal.
	AckPortal = "portal"
	// AckRecorded: recorded by management on the person's behalf (a
	// signed paper form, an earlier tool's export), with a note saying so.
	AckRecorded = "recorded"
)

// Acknowledgement is a person's statement that they read one version of a
// policy: the version's SHA-256 pins the exact text. Never changed once
// written; a new version of the policy needs a new acknowledgement.
type Acknowledgement struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"person"`
	PolicyID string `json:"policy"`
	Version  int    `json:"version"`
	SHA256   string `json:"sha256"`
	At       string `json:"at"`
	Via      string `json:"via"`
	Note     string `json:"note,omitempty"`
	By       string `json:"by"`
	Entry    int64  `json:"ledger_entry"`
}

// AckLatest is the latest version of one policy one person acknowledged:
// all the status of many people needs.
type AckLatest struct {
	PersonID int64
	PolicyID string
	Version  int
}

// AckFirst is when one person first acknowledged one policy, in any
// version: what decides an onboarding checklist's acknowledgement item.
type AckFirst struct {
	PersonID int64
	PolicyID string
	At       string
}

// AckStore keeps the policies' audiences and the acknowledgements.
type AckStore interface {
	// RecordAudience replaces a policy's audience, with its ledger entry
	// (EntryAudienceSet), in one transaction.
	RecordAudience(ctx context.Context, ch Change, a PolicyAudience) (*PolicyAudience, error)
	// Audiences lists every recorded audience by policy.
	Audiences(ctx context.Context) ([]PolicyAudience, error)
	// RecordAcknowledgement writes one acknowledgement with its ledger
	// entry (EntryAcknowledged). The same person, policy and version
	// acknowledged twice is ECONFLICT.
	RecordAcknowledgement(ctx context.Context, ch Change, a Acknowledgement) (*Acknowledgement, error)
	// Acknowledgements lists one person's acknowledgements (everyone's
	// when person is 0) in the order written.
	Acknowledgements(ctx context.Context, person int64) ([]Acknowledgement, error)
	// LatestAcknowledgements is, per person and policy, the latest
	// version acknowledged.
	LatestAcknowledgements(ctx context.Context) ([]AckLatest, error)
	// FirstAcknowledgements is, per person and policy, the time of the
	// first acknowledgement, of any version.
	FirstAcknowledgements(ctx context.Context) ([]AckFirst, error)
}
