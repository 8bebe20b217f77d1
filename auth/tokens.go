// Package auth decides who may do what, once for every adapter: accounts
// and service accounts, API tokens, and each account's access to the
// engagements it works on. Accounts are always identified by their
// immutable ID, never by a display name; the CLI, the web pages, the JSON
// API and jobs call these functions and render what they return.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/attest-dev/attest"
)

// TokenStore is what creating a token needs.
type TokenStore interface {
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
	SaveToken(ctx context.Context, ch attest.Change, t attest.Token) (*attest.Token, error)
}

// NewToken is a created token with its secret, which is shown once and
// kept only as its hash.
type NewToken struct {
	Token  *attest.Token
	Owner  *attest.User
	Secret string
}

// ErrTokenForOther is the refusal of a token for someone else's account.
const ErrTokenForOther = "a token acts for its creator; create a service account for automation"

// CreateToken creates an API token held by the account with address
// ownerEmail (the actor's own when empty). A token always acts for the
// account that holds it, with that account's role: a person creates
// tokens only for their own account, and an admin (or the local operator,
// actor nil) may also create one for a service account. Nobody creates a
// token for another person's account, so nothing done with a token can be
// mistaken for that person's act.
func CreateToken(ctx context.Context, s TokenStore, ch attest.Change, actor *attest.User, ownerEmail, name string) (*NewToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return nil, field("name", "say what the token is for, e.g. ci (at most 100 characters)")
	}
	if err := attest.CheckLine("name", name); err != nil {
		return nil, err
	}
	ownerEmail = NormalEmail(ownerEmail)
	if ownerEmail == "" {
		if actor == nil {
			return nil, field("user", "say which service account holds the token (its e-mail address)")
		}
		ownerEmail = actor.Email
	}
	owner, err := s.UserByEmail(ctx, ownerEmail)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, field("user", "no account has the address "+ownerEmail)
	}
	if err != nil {
		return nil, err
	}
	if err := mayHoldToken(actor, owner); err != nil {
		return nil, err
	}
	secret := RandomSecret("att_", 32)
	t, err := s.SaveToken(ctx, ch, attest.Token{UserID: owner.ID, Name: name, Hash: HashSecret(secret)})
	if err != nil {
		return nil, err
	}
	return &NewToken{Token: t, Owner: owner, Secret: secret}, nil
}

// mayHoldToken is the token rule: one's own account, or a service
// account created by an admin or the local operator.
func mayHoldToken(actor *attest.User, owner *attest.User) error {
	if owner.Disabled {
		return field("user", owner.Email+" is disabled")
	}
	if actor != nil && actor.ID == owner.ID {
		return nil
	}
	if owner.Service && (actor == nil || actor.Role == attest.RoleAdmin) {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: ErrTokenForOther}
}

// HashSecret is how API tokens and trust-center links are kept and looked
// up: the hex SHA-256 of the secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// RandomSecret is n random bytes, URL-safe, after a prefix.
func RandomSecret(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func field(name, msg string) error {
	return &attest.Error{Code: attest.EINVALID, Message: name + ": " + msg}
}
