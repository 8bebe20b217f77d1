package auth

import (
	"context"
	"sync"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
)

// Signing in: which account a password, a single sign-on or an API token
// acts as, and who may open a session at all; and how a password's
// guessing is slowed (Throttle, throttle.go). The web server calls these;
// it keeps only what belongs to HTTP (its per-address limits on tokens
// and links, its session cookie and the pages that answer).

// SignInStore is what signing in reads.
type SignInStore interface {
	User(ctx context.Context, id int64) (*attest.User, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
	TokenByHash(ctx context.Context, hash string) (*attest.Token, error)
}

// ErrWrongPassword is the one answer to a password that signs no one in:
// the same for an unknown address, a wrong password, a disabled account
// and a service account, so that it tells none of them apart.
var ErrWrongPassword = &attest.Error{Code: attest.EUNAUTHORIZED, Message: "wrong e-mail address or password"}

// ErrInvalidToken is the one answer to an API token that acts for no one:
// unknown, revoked, or its account disabled.
var ErrInvalidToken = &attest.Error{Code: attest.EUNAUTHORIZED, Message: "the API token is not valid"}

// MaySignIn says why u may not open a session, or nil: a disabled account
// may not, nor a service account, which acts only through its tokens.
func MaySignIn(u *attest.User) error {
	switch {
	case u.Disabled:
		return &attest.Error{Code: attest.EUNAUTHORIZED, Message: "the account " + u.Email + " is disabled"}
	case u.Service:
		return &attest.Error{Code: attest.EUNAUTHORIZED, Message: u.Email + " is a service account: it acts only through API tokens"}
	}
	return nil
}

// UnknownHash is compared against when the e-mail is unknown, so a wrong
// address takes as long to refuse as a wrong password. It is made on the
// first sign-in, not when the program starts: hashing takes 64 MiB and
// over 100 ms, which no command but the server should pay. It is a
// variable so that a fuzz test may put a cheaper hash in its place.
var UnknownHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("attest: no such user", argon2id.DefaultParams)
	return h
})

// Password is the account that email and password sign in, or
// ErrWrongPassword. An auditor whose access has ended under p (or who is
// named on no engagement) is refused once the password is right, saying
// why; a wrong one gets the usual answer, which reveals nothing.
func Password(ctx context.Context, s SignInStore, p Policy, email, password string) (*attest.User, error) {
	u, err := s.UserByEmail(ctx, email)
	hash := UnknownHash()
	if err == nil {
		hash = u.PasswordHash
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	ok, _ := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil || !ok || MaySignIn(u) != nil {
		return nil, ErrWrongPassword
	}
	return u, auditorLive(ctx, p, u)
}

// SingleSignOn is the account of an address the identity provider has
// verified: it must exist and may sign in (MaySignIn), and an auditor's
// access must not have ended. The refusals name the reason, for the log:
// the provider has already vouched for the address.
func SingleSignOn(ctx context.Context, s SignInStore, p Policy, email string) (*attest.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, &attest.Error{Code: attest.EUNAUTHORIZED, Message: "no user has the e-mail " + email}
	} else if err != nil {
		return nil, err
	}
	if err := MaySignIn(u); err != nil {
		return nil, err
	}
	return u, auditorLive(ctx, p, u)
}

// auditorLive refuses an auditor on no live engagement under p.
func auditorLive(ctx context.Context, p Policy, u *attest.User) error {
	if u.Role != attest.RoleAuditor {
		return nil
	}
	sc, err := p.Scope(ctx, u)
	if err != nil {
		return err
	}
	return sc.Check()
}

// TokenUser is the account an API token's secret acts for, or
// ErrInvalidToken when the token is unknown or revoked or its account is
// disabled.
func TokenUser(ctx context.Context, s SignInStore, secret string) (*attest.User, error) {
	t, err := s.TokenByHash(ctx, HashSecret(secret))
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	if err != nil || t.RevokedAt != "" {
		return nil, ErrInvalidToken
	}
	u, err := s.User(ctx, t.UserID)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	if err != nil || u.Disabled {
		return nil, ErrInvalidToken
	}
	return u, nil
}

// SessionUser is the account a session signed in, or nil when it is gone
// or disabled since: the session no longer acts for anyone.
func SessionUser(ctx context.Context, s SignInStore, id int64) (*attest.User, error) {
	u, err := s.User(ctx, id)
	if attest.ErrorCode(err) == attest.ENOTFOUND || (err == nil && u.Disabled) {
		return nil, nil
	}
	return u, err
}
