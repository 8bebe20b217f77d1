package people

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// AssignStore is what giving an item to another account needs.
type AssignStore interface {
	ChecklistItem(ctx context.Context, id int64) (*attest.ChecklistItem, error)
	AssignChecklistItem(ctx context.Context, ch attest.Change, a attest.ChecklistAssigned) (*attest.ChecklistItem, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
}

// Assign gives a checklist item not yet done to the account with address
// to, for management: an item whose owner had no account when it was
// opened, or whose owner changed. The service auditor's accounts and
// disabled ones do no checklist work.
func Assign(ctx context.Context, s AssignStore, ch attest.Change, actor *attest.User, item int64, to string) (*attest.ChecklistItem, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("assigns checklist items")
	}
	it, err := s.ChecklistItem(ctx, item)
	if err != nil {
		return nil, err
	}
	u, err := s.UserByEmail(ctx, strings.TrimSpace(to))
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, attest.Errorf(attest.EINVALID, "to: no account has the address %s: add the account first", to)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case u.Disabled:
		return nil, attest.Errorf(attest.EINVALID, "to: the account %s is disabled", u.Email)
	case u.Role == attest.RoleAuditor:
		return nil, attest.Errorf(attest.EINVALID, "to: %s is a service auditor's account: checklist work is the organization's", u.Email)
	case it.AssigneeID == u.ID:
		return it, nil
	}
	if it.DoneEntry != 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "checklist item %d is already done (on %s)", it.ID, it.DoneOn)
	}
	out, err := s.AssignChecklistItem(ctx, ch, attest.ChecklistAssigned{Item: it.ID, To: u.Email, ToID: u.ID})
	if err != nil {
		return nil, fmt.Errorf("assign checklist item %d: %w", it.ID, err)
	}
	return out, nil
}
