package auth

import (
	"context"
	"net/mail"
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
// nil) adds accounts.
func AddUser(ctx context.Context, s UserStore, ch attest.Change, actor *attest.User, in NewUser) (*AddedUser, error) {
	if actor != nil && actor.Role != attest.RoleAdmin {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator adds accounts"}
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		return nil, field("email", "\""+in.Email+"\" is not an e-mail address")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = in.Email
	}
	if utf8.RuneCountInString(in.Name) > 200 {
		return nil, field("name", "at most 200 characters")
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
		} else if utf8.RuneCountInString(in.Password) < 12 || len(in.Password) > 1024 {
			return nil, field("password", "at least 12 characters (or none, for a generated one shown once)")
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
