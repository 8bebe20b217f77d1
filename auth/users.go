package auth

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
)

// UserStore is what adding accounts needs.
type UserStore interface {
	SaveUser(ctx context.Context, ch attest.Change, u attest.User) (*attest.User, error)
}

// NewUser is an account to add. A person signs in with Password (a random
// one is generated and returned once when it is empty); a service account
// never signs in and acts only through its tokens.
type NewUser struct {
	Email    string
	Name     string
	Role     string
	Password string
	Service  bool
}

// AddedUser is the account added, and the generated password when one was
// made (shown once, never stored but as its hash).
type AddedUser struct {
	User      *attest.User
	Generated string
}

// AddUser adds an account. Only an admin (or the local operator, actor
// nil) adds accounts. An account given no role is a viewer, the role
// that changes nothing.
func AddUser(ctx context.Context, s UserStore, ch attest.Change, actor *attest.User, in NewUser) (*AddedUser, error) {
	if actor != nil && actor.Role != attest.RoleAdmin {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator adds accounts"}
	}
	in.Email = NormalEmail(in.Email)
	if err := CheckEmail(in.Email); err != nil {
		return nil, field("email", attest.ErrorMessage(err))
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = in.Email
	}
	if utf8.RuneCountInString(in.Name) > 200 {
		return nil, field("name", "at most 200 characters")
	}
	if err := attest.CheckLine("name", in.Name); err != nil {
		return nil, err
	}
	if in.Role == "" {
		in.Role = attest.RoleViewer
	}
	if !attest.ValidRole(in.Role) {
		return nil, field("role", "\""+in.Role+"\": want one of "+strings.Join(attest.Roles, ", "))
	}
	u := attest.User{Email: in.Email, Name: in.Name, Role: in.Role, Service: in.Service}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	out := &AddedUser{}
	if !in.Service {
		if in.Password == "" {
			in.Password = RandomSecret("", 18)
			out.Generated = in.Password
		} else if utf8.RuneCountInString(in.Password) < 12 {
			return nil, field("password", "at least 12 characters (or none, for a generated one shown once)")
		} else if len(in.Password) > 1024 {
			return nil, field("password", "at most 1,024 bytes")
		}
		hash, err := argon2id.CreateHash(in.Password, argon2id.DefaultParams)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hash
	}
	saved, err := s.SaveUser(ctx, ch, u)
	if attest.ErrorCode(err) == attest.ECONFLICT {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "email: " + in.Email + " already has an account"}
	}
	if err != nil {
		return nil, err
	}
	out.User = saved
	return out, nil
}

// AccountStore is what disabling accounts and revoking tokens need.
type AccountStore interface {
	UserStore
	User(ctx context.Context, id int64) (*attest.User, error)
	Tokens(ctx context.Context, userID int64) ([]attest.Token, error)
	SaveToken(ctx context.Context, ch attest.Change, t attest.Token) (*attest.Token, error)
}

// DisableUser disables an account: it no longer signs in or uses its
// tokens. Only an admin (or the local operator) disables accounts, and
// never their own. It reports whether anything changed.
func DisableUser(ctx context.Context, s AccountStore, ch attest.Change, actor *attest.User, id int64) (*attest.User, bool, error) {
	if actor != nil && actor.Role != attest.RoleAdmin {
		return nil, false, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator disables accounts"}
	}
	target, err := s.User(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if actor != nil && target.ID == actor.ID {
		return nil, false, field("user", "you cannot disable your own account: another administrator can")
	}
	if target.Disabled {
		return target, false, nil
	}
	target.Disabled = true
	saved, err := s.SaveUser(ctx, ch, *target)
	return saved, err == nil, err
}

// RevokeToken revokes an API token: an admin (or the local operator) any
// token, anyone else only their own. It reports whether anything changed.
func RevokeToken(ctx context.Context, s AccountStore, ch attest.Change, actor *attest.User, id int64) (*attest.Token, bool, error) {
	ts, err := s.Tokens(ctx, 0)
	if err != nil {
		return nil, false, err
	}
	var t *attest.Token
	for i := range ts {
		if ts[i].ID == id {
			t = &ts[i]
		}
	}
	if t == nil {
		return nil, false, attest.Errorf(attest.ENOTFOUND, "no such token: %d (see attest token list)", id)
	}
	if actor != nil && actor.Role != attest.RoleAdmin && t.UserID != actor.ID {
		return nil, false, &attest.Error{Code: attest.EFORBIDDEN, Message: "a token is revoked by the account that holds it or by an administrator"}
	}
	if t.RevokedAt != "" {
		return t, false, nil
	}
	saved, err := s.SaveToken(ctx, ch, attest.Token{ID: id, RevokedAt: ch.Stamp()})
	return saved, err == nil, err
}

// Lister is what listing accounts and tokens needs.
type Lister interface {
	Users(ctx context.Context) ([]attest.User, error)
	Tokens(ctx context.Context, userID int64) ([]attest.Token, error)
}

// Accounts lists every account, for an admin (or the local operator).
func Accounts(ctx context.Context, s Lister, actor *attest.User) ([]attest.User, error) {
	if actor != nil && actor.Role != attest.RoleAdmin {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator lists accounts"}
	}
	return s.Users(ctx)
}

// HeldToken is a token with the e-mail address of the account that holds
// it.
type HeldToken struct {
	attest.Token
	Email string `json:"email"`
}

// Held is the created token with its holder's address.
func (t *NewToken) Held() HeldToken { return HeldToken{*t.Token, t.Owner.Email} }

// Tokens lists API tokens, never their secrets, each with its holder's
// address: an admin (or the local operator) every token, anyone else the
// tokens their own account holds.
func Tokens(ctx context.Context, s Lister, actor *attest.User) ([]HeldToken, error) {
	var of int64
	emails := map[int64]string{}
	if actor != nil && actor.Role != attest.RoleAdmin {
		of, emails[actor.ID] = actor.ID, actor.Email
	} else {
		us, err := s.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			emails[u.ID] = u.Email
		}
	}
	ts, err := s.Tokens(ctx, of)
	if err != nil {
		return nil, err
	}
	out := make([]HeldToken, 0, len(ts))
	for _, t := range ts {
		out = append(out, HeldToken{t, emails[t.UserID]})
	}
	return out, nil
}

// AccountIDs are the accounts the e-mail addresses name, in order (spaces
// trimmed): a policy's owner and approvers, given by address. An address
// no account has is EINVALID, naming it; the adapter adds its field.
func AccountIDs(ctx context.Context, s interface {
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
}, emails []string) ([]int64, error) {
	out := []int64{}
	for _, e := range emails {
		u, err := s.UserByEmail(ctx, strings.TrimSpace(e))
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return nil, attest.Errorf(attest.EINVALID, "%s: no account with this e-mail address", strings.TrimSpace(e))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u.ID)
	}
	return out, nil
}
