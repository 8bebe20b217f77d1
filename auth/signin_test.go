package auth_test

import (
	"context"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

// TestSignIn: who a password, a single sign-on, a token and a session act
// as, and every refusal, on a real store. Ana audits e1, whose report date
// is near ch.At; by a year later her access has ended.
func TestSignIn(t *testing.T) {
	ctx := context.Background()
	s, ana := audited(t)
	cheap := &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 16}
	hash, err := argon2id.CreateHash("right", cheap)
	if err != nil {
		t.Fatal(err)
	}
	saved := auth.UnknownHash
	auth.UnknownHash = func() string { return hash }
	t.Cleanup(func() { auth.UnknownHash = saved })
	add := func(u attest.User) *attest.User {
		u.PasswordHash = hash
		got, err := s.SaveUser(ctx, ch, u)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	lee := add(attest.User{Email: "lee@example.com", Name: "Lee Park", Role: attest.RoleAdmin})
	add(attest.User{Email: "old@example.com", Name: "Old Hand", Role: attest.RoleViewer, Disabled: true})
	ci := add(attest.User{Email: "ci@example.com", Name: "CI", Role: attest.RoleViewer, Service: true})
	ana.PasswordHash = hash
	if _, err := s.SaveUser(ctx, ch, *ana); err != nil {
		t.Fatal(err)
	}
	now := auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: ch.At}
	later := now
	later.Now = ch.At.AddDate(1, 0, 0)

	for _, c := range []struct {
		name, email, password string
		p                     auth.Policy
		want                  int64
		code                  string
	}{
		{"the right password", "lee@example.com", "right", now, lee.ID, ""},
		{"a wrong password", "lee@example.com", "wrong", now, 0, attest.EUNAUTHORIZED},
		{"an unknown address", "nobody@example.com", "right", now, 0, attest.EUNAUTHORIZED},
		{"a disabled account", "old@example.com", "right", now, 0, attest.EUNAUTHORIZED},
		{"a service account", "ci@example.com", "right", now, 0, attest.EUNAUTHORIZED},
		{"an auditor in her window", "ana@cpa.example", "right", now, ana.ID, ""},
		{"an auditor whose access has ended", "ana@cpa.example", "right", later, 0, attest.EFORBIDDEN},
		{"an ended auditor's wrong password", "ana@cpa.example", "wrong", later, 0, attest.EUNAUTHORIZED},
	} {
		u, err := auth.Password(ctx, s, c.p, c.email, c.password)
		if attest.ErrorCode(err) != c.code || (c.code == "" && u.ID != c.want) {
			t.Errorf("password, %s: %+v, %v", c.name, u, err)
		}
		if c.code == attest.EUNAUTHORIZED && err != auth.ErrWrongPassword {
			t.Errorf("password, %s: %v, want the one answer that tells nothing", c.name, err)
		}
		if c.password != "right" {
			continue
		}
		u, err = auth.SingleSignOn(ctx, s, c.p, c.email)
		if attest.ErrorCode(err) != c.code || (c.code == "" && u.ID != c.want) {
			t.Errorf("single sign-on, %s: %+v, %v", c.name, u, err)
		}
	}

	tok, err := auth.CreateToken(ctx, s, ch, nil, "ci@example.com", "ci")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := auth.TokenUser(ctx, s, tok.Secret); err != nil || u.ID != ci.ID {
		t.Errorf("a service account's token: %+v, %v", u, err)
	}
	if _, err := auth.TokenUser(ctx, s, tok.Secret+"x"); err != auth.ErrInvalidToken {
		t.Errorf("an unknown token: %v", err)
	}
	if u, err := auth.SessionUser(ctx, s, lee.ID); err != nil || u.ID != lee.ID {
		t.Errorf("Lee's session: %+v, %v", u, err)
	}
	if _, _, err := auth.DisableUser(ctx, s, ch, nil, ci.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.TokenUser(ctx, s, tok.Secret); err != auth.ErrInvalidToken {
		t.Errorf("the token of a disabled account: %v", err)
	}
	if u, err := auth.SessionUser(ctx, s, ci.ID); err != nil || u != nil {
		t.Errorf("a disabled account's session: %+v, %v", u, err)
	}
	if u, err := auth.SessionUser(ctx, s, 999); err != nil || u != nil {
		t.Errorf("a session whose account is gone: %+v, %v", u, err)
	}
}
