package engagement

import (
	"context"
	"reflect"
	"strings"

	"github.com/attest-dev/attest"
)

// ControlChange is a change to a control as a person asks for it; nil
// fields stay as they are. Owner is a name or an e-mail address: the
// account it names (an address, or the one account with exactly that
// name) becomes the control's owner account.
type ControlChange struct {
	Owner        *string `json:"owner"`
	Status       *string `json:"status"`
	StatusReason *string `json:"status_reason"`
	Frequency    *string `json:"frequency"`
	DueDays      *int    `json:"due_days"`
	Description  *string `json:"description"`
}

// ControlStore is what changing a control needs.
type ControlStore interface {
	Control(ctx context.Context, engagementID, controlID string) (*attest.Control, error)
	UpdateControl(ctx context.Context, ch attest.Change, engagementID, controlID string, u attest.ControlUpdate) (*attest.Control, error)
	Users(ctx context.Context) ([]attest.User, error)
}

// Owns reports whether the account u owns c. Only the linked account
// counts, never a name that looks like it.
func Owns(u *attest.User, c *attest.Control) bool {
	return u != nil && u.ID != 0 && c.OwnerID == u.ID
}

// MayEdit says whether actor may change c: the local operator (nil),
// admins and compliance managers any control, a control owner only the
// controls whose owner account is theirs.
func MayEdit(actor *attest.User, c *attest.Control) error {
	if actor == nil {
		return nil
	}
	switch actor.Role {
	case attest.RoleAdmin, attest.RoleCompliance:
		return nil
	case attest.RoleOwner:
		if Owns(actor, c) {
			return nil
		}
		owner := c.Owner
		if owner == "" {
			owner = "none"
		}
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "control " + c.ID + " is not recorded as yours (owner: " + owner + "): ask a compliance manager"}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + actor.Role + ") may not change controls"}
}

// MayAssign says whether actor assigns controls to owners: management
// (MayEdit lets an owner change the rest of their own controls).
func MayAssign(actor *attest.User) bool { return attest.Manages(actor) }

// UpdateControl checks and records a change to a control for actor (nil:
// the local operator). It reports whether anything changed: an unchanged
// control gets no ledger entry.
func UpdateControl(ctx context.Context, s ControlStore, ch attest.Change, actor *attest.User, engID, id string, in ControlChange) (*attest.Control, bool, error) {
	c, err := s.Control(ctx, engID, strings.ToUpper(strings.TrimSpace(id)))
	if err != nil {
		return nil, false, err
	}
	if err := MayEdit(actor, c); err != nil {
		return nil, false, err
	}
	up, err := in.update(ctx, s, actor, c)
	if err != nil {
		return nil, false, err
	}
	trial := *c
	if err := attest.ApplyControlUpdate(&trial, up); err != nil {
		return nil, false, err
	}
	if reflect.DeepEqual(trial, *c) {
		return c, false, nil
	}
	out, err := s.UpdateControl(ctx, ch, c.EngagementID, c.ID, up)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// update turns the change into a ControlUpdate, naming the field at fault.
func (in ControlChange) update(ctx context.Context, s userLister, actor *attest.User, c *attest.Control) (attest.ControlUpdate, error) {
	var up attest.ControlUpdate
	if in.Owner != nil && strings.TrimSpace(*in.Owner) != c.Owner {
		if !MayAssign(actor) {
			return up, &attest.Error{Code: attest.EFORBIDDEN, Message: "owner: only an admin or a compliance manager assigns controls"}
		}
		owner := strings.TrimSpace(*in.Owner)
		if len(owner) > 200 {
			return up, invalid("owner: at most 200 characters")
		}
		if err := attest.CheckLine("owner", owner); err != nil {
			return up, err
		}
		u, err := OwnerAccount(ctx, s, owner)
		if err != nil {
			return up, err
		}
		var id int64
		if u != nil {
			id = u.ID
			if strings.Contains(owner, "@") {
				owner = u.Name
			}
		}
		up.Owner, up.OwnerID = &owner, &id
	}
	if in.Status != nil {
		st, err := attest.ParseStatus(*in.Status)
		if err != nil {
			return up, invalid("status: " + attest.ErrorMessage(err))
		}
		up.Status = &st
	}
	if in.StatusReason != nil {
		if len(*in.StatusReason) > 2000 {
			return up, invalid("status_reason: at most 2000 characters")
		}
		up.StatusReason = in.StatusReason
	}
	if in.Frequency != nil {
		f, err := attest.ParseFrequency(*in.Frequency)
		if err != nil {
			return up, invalid("frequency: " + attest.ErrorMessage(err))
		}
		up.Frequency = &f
	}
	if in.DueDays != nil {
		if *in.DueDays < 0 || *in.DueDays > 366 {
			return up, invalid("due_days: want 0 to 366")
		}
		up.DueDays = in.DueDays
	}
	if in.Description != nil {
		if strings.TrimSpace(*in.Description) == "" {
			return up, invalid("description: a control's description cannot be empty")
		}
		if len(*in.Description) > 20000 {
			return up, invalid("description: at most 20000 characters")
		}
		up.Description = in.Description
	}
	trial := *c
	if err := attest.ApplyControlUpdate(&trial, up); err != nil {
		if trial.Status == attest.NotApplicable && strings.TrimSpace(trial.StatusReason) == "" {
			return up, invalid("status_reason: \"not applicable\" needs a reason")
		}
		return up, err
	}
	return up, nil
}

// userLister lists the accounts.
type userLister interface {
	Users(ctx context.Context) ([]attest.User, error)
}

// OwnerAccount finds the account a control's owner names: by e-mail
// address (which must exist), else the one enabled person's account with
// exactly that name. None, or several, is nil: the owner is recorded by
// name only and owns nothing in the app until linked.
func OwnerAccount(ctx context.Context, s userLister, owner string) (*attest.User, error) {
	if owner == "" {
		return nil, nil
	}
	us, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	if strings.Contains(owner, "@") {
		u := byAddress(us, owner, false)
		switch {
		case u == nil:
			return nil, invalid("owner: no account has the address " + owner)
		case u.Role == attest.RoleAuditor:
			return nil, invalid("owner: " + owner + " is the service auditor's account: the auditor never owns the organization's controls")
		}
		return u, nil
	}
	if m := attest.Named(us, owner, false); len(m) == 1 {
		return &m[0], nil
	}
	return nil, nil
}

// byAddress is the person's account (not a service account) with the
// e-mail address addr, ignoring case, a disabled one only when disabled
// is true; nil when there is none. Finding controls by owner includes
// disabled accounts (their controls are the ones to reassign); assigning
// an owner does not.
func byAddress(us []attest.User, addr string, disabled bool) *attest.User {
	for i := range us {
		if u := &us[i]; !u.Service && (disabled || !u.Disabled) && strings.EqualFold(u.Email, addr) {
			return u
		}
	}
	return nil
}

func invalid(msg string) error { return &attest.Error{Code: attest.EINVALID, Message: msg} }
