package storetest

import (
	"testing"

	"github.com/attest-dev/attest"
)

func testUsers(t *testing.T, s attest.Store) {
	_, err := s.SaveUser(ctx, ch, attest.User{Email: "not-an-address", Role: attest.RoleAdmin})
	mustCode(t, err, attest.EINVALID)
	_, err = s.SaveUser(ctx, ch, attest.User{Email: "a@example.com", Role: "owner"})
	mustCode(t, err, attest.EINVALID)
	u, err := s.SaveUser(ctx, ch, attest.User{Email: "Ana@Example.com", Name: "Ana", Role: attest.RoleAuditor, PasswordHash: "$argon2id$x"})
	if err != nil || u.ID != 1 || u.Email != "ana@example.com" || u.CreatedAt == "" {
		t.Fatalf("save %+v %v", u, err)
	}
	_, err = s.SaveUser(ctx, ch, attest.User{Email: "ANA@example.com", Role: attest.RoleViewer})
	mustCode(t, err, attest.ECONFLICT)
	got, err := s.UserByEmail(ctx, "ana@EXAMPLE.com")
	if err != nil || got.PasswordHash != "$argon2id$x" || got.Role != attest.RoleAuditor {
		t.Fatalf("by email %+v %v", got, err)
	}
	got.Disabled = true
	if _, err := s.SaveUser(ctx, ch, *got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.User(ctx, 1); !again.Disabled || again.CreatedAt != u.CreatedAt {
		t.Errorf("update %+v", again)
	}
	_, err = s.SaveUser(ctx, ch, attest.User{Email: "bot@example.com", Role: attest.RoleAuditor, Service: true})
	mustCode(t, err, attest.EINVALID)
	bot, err := s.SaveUser(ctx, ch, attest.User{Email: "ci@example.com", Role: attest.RoleCompliance, Service: true})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.User(ctx, bot.ID); !again.Service {
		t.Errorf("service account read back as %+v", again)
	}
	_, err = s.SaveUser(ctx, ch, attest.User{ID: 9, Email: "x@example.com", Role: attest.RoleViewer})
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.UserByEmail(ctx, "nobody@example.com")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.SaveToken(ctx, ch, attest.Token{UserID: 7, Name: "ci", Hash: "h0"})
	mustCode(t, err, attest.ENOTFOUND)
	tok, err := s.SaveToken(ctx, ch, attest.Token{UserID: 1, Name: "ci", Hash: "h1"})
	if err != nil || tok.ID != 1 {
		t.Fatalf("token %+v %v", tok, err)
	}
	if found, err := s.TokenByHash(ctx, "h1"); err != nil || found.Name != "ci" {
		t.Errorf("by hash %+v %v", found, err)
	}
	rev, err := s.SaveToken(ctx, ch, attest.Token{ID: 1, RevokedAt: "2026-03-04T05:06:07Z"})
	if err != nil || rev.RevokedAt == "" || rev.Hash != "h1" || rev.Name != "ci" {
		t.Fatalf("revoke %+v %v", rev, err)
	}
	if l, err := s.Tokens(ctx, 1); err != nil || len(l) != 1 || l[0].RevokedAt == "" {
		t.Errorf("tokens %+v %v", l, err)
	}
}
