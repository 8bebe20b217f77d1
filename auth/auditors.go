package auth

import (
	"context"
	"strings"

	"github.com/attest-dev/attest"
)

// Named reports whether the account u is one of the engagement's named
// auditors. Only the account counts: a display name, however similar,
// never does.
func Named(u *attest.User, as []attest.Auditor) bool {
	if u == nil || u.ID == 0 || u.Role != attest.RoleAuditor || u.Service {
		return false
	}
	for _, a := range as {
		if a.UserID == u.ID {
			return true
		}
	}
	return false
}

// AuditorStore is what naming auditors needs.
type AuditorStore interface {
	Users(ctx context.Context) ([]attest.User, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
	AddAuditor(ctx context.Context, ch attest.Change, a attest.Auditor) error
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	LinkAuditor(ctx context.Context, ch attest.Change, engagementID, name string, userID int64) (*attest.Auditor, error)
}

// AuditorAccount finds the account of an auditor: the account with the
// address email when given (it must hold the auditor role), else the one
// auditor account whose name is exactly name. No account, or several with
// that name, is nil: the name stays unlinked, never guessed.
func AuditorAccount(ctx context.Context, s AuditorStore, name, email string) (*attest.User, error) {
	if email != "" {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		if u.Role != attest.RoleAuditor || u.Service || u.Disabled {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "user: " + u.Email + " is not an enabled auditor account (role " + u.Role + ")"}
		}
		return u, nil
	}
	us, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	if m := attest.Named(us, name, true); len(m) == 1 {
		return &m[0], nil
	}
	return nil, nil // none, or ambiguous: listed by attest user unresolved
}

// AddAuditor names an auditor of an engagement for actor (nil: the local
// operator), linked to their account (see AuditorAccount) when one is
// found: the account then reads and acts on the engagement. The firm is
// the engagement's when none is given. Who audits an engagement is
// management's to say.
func AddAuditor(ctx context.Context, s AuditorStore, ch attest.Change, actor *attest.User, a attest.Auditor, email string) (*attest.Auditor, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager names an engagement's auditor"}
	}
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "an auditor needs a name"}
	}
	if a.Firm = strings.TrimSpace(a.Firm); a.Firm == "" {
		e, err := s.Engagement(ctx, a.EngagementID)
		if err != nil {
			return nil, err
		}
		a.Firm = e.Firm
	}
	u, err := AuditorAccount(ctx, s, a.Name, email)
	if err != nil {
		return nil, err
	}
	if u != nil {
		a.UserID = u.ID
	}
	if err := s.AddAuditor(ctx, ch, a); err != nil {
		return nil, err
	}
	return &a, nil
}

// AuditorRemover is what taking an auditor off an engagement needs.
type AuditorRemover interface {
	RemoveAuditor(ctx context.Context, ch attest.Change, engagementID, name string) error
}

// RemoveAuditor takes the auditor named name off an engagement for actor
// (nil: the local operator): their account loses its access to the
// engagement, and what they recorded stays. Who audits an engagement is
// management's decision, as adding an auditor is. It returns the name as
// removed.
func RemoveAuditor(ctx context.Context, s AuditorRemover, ch attest.Change, actor *attest.User, engagementID, name string) (string, error) {
	if !attest.Manages(actor) {
		return "", &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager takes an auditor off an engagement"}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", field("name", "say which auditor to take off the engagement")
	}
	return name, s.RemoveAuditor(ctx, ch, engagementID, name)
}

// LinkAuditor links a named auditor to the auditor account with address
// email, for actor (nil: the local operator): the account then reads and
// acts on the engagement, so it is management's act, as AddAuditor is.
func LinkAuditor(ctx context.Context, s AuditorStore, ch attest.Change, actor *attest.User, engagementID, name, email string) (*attest.Auditor, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager links an engagement's auditor to an account"}
	}
	if email == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "user: name the auditor's account by its e-mail address"}
	}
	u, err := AuditorAccount(ctx, s, name, email)
	if err != nil {
		return nil, err
	}
	return s.LinkAuditor(ctx, ch, engagementID, name, u.ID)
}
