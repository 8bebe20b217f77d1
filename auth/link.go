package auth

import (
	"context"

	"github.com/attest-dev/attest"
)

// Unresolved is a person named in the data by a name that is not linked
// to an account: an engagement's auditor, or a control's owner.
type Unresolved struct {
	Kind       string `json:"kind"` // "auditor" or "control owner"
	Engagement string `json:"engagement"`
	Control    string `json:"control,omitempty"`
	Name       string `json:"name"`
	// Accounts is how many accounts carry exactly that name: 0 (none yet)
	// or more than 1 (ambiguous: an administrator decides, nobody guesses).
	Accounts int `json:"accounts"`
}

// LinkStore is what linking names to accounts needs.
type LinkStore interface {
	Directory
	Users(ctx context.Context) ([]attest.User, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
	AddAuditor(ctx context.Context, ch attest.Change, a attest.Auditor) error
	LinkAuditor(ctx context.Context, ch attest.Change, engagementID, name string, userID int64) (*attest.Auditor, error)
	UpdateControl(ctx context.Context, ch attest.Change, engagementID, controlID string, u attest.ControlUpdate) (*attest.Control, error)
}

// LinkNames migrates data recorded by name: every auditor and control
// owner whose name matches exactly one eligible account is linked to it
// (each link a ledger entry), and the names left are returned for an
// administrator to resolve. With dryRun it only lists. It is management's
// (actor nil: the CLI's local operator, or the server migrating at start).
func LinkNames(ctx context.Context, s LinkStore, ch attest.Change, actor *attest.User, dryRun bool) (linked, left []Unresolved, err error) {
	if !attest.Manages(actor) {
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) links the names in the data to accounts"}
	}
	us, err := s.Users(ctx)
	if err != nil {
		return nil, nil, err
	}
	count := func(name string, auditor bool) (int, int64) {
		m := attest.Named(us, name, auditor)
		if len(m) == 1 {
			return 1, m[0].ID
		}
		return len(m), 0
	}
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range engs {
		as, err := s.Auditors(ctx, e.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, a := range as {
			if a.UserID != 0 {
				continue
			}
			n, id := count(a.Name, true)
			item := Unresolved{Kind: "auditor", Engagement: e.ID, Name: a.Name, Accounts: n}
			if n != 1 {
				left = append(left, item)
				continue
			}
			if !dryRun {
				if _, err := s.LinkAuditor(ctx, ch, e.ID, a.Name, id); err != nil {
					return nil, nil, err
				}
			}
			linked = append(linked, item)
		}
		ctls, err := s.Controls(ctx, e.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range ctls {
			if c.OwnerID != 0 || c.Owner == "" {
				continue
			}
			n, id := count(c.Owner, false)
			item := Unresolved{Kind: "control owner", Engagement: e.ID, Control: c.ID, Name: c.Owner, Accounts: n}
			if n != 1 {
				left = append(left, item)
				continue
			}
			if !dryRun {
				if _, err := s.UpdateControl(ctx, ch, e.ID, c.ID, attest.ControlUpdate{OwnerID: &id}); err != nil {
					return nil, nil, err
				}
			}
			linked = append(linked, item)
		}
	}
	return linked, left, nil
}
