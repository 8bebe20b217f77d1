package sso

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVerifiedEmail(t *testing.T) {
	for in, want := range map[string]string{
		`{"email":" A@Example.com ","email_verified":true}`: "a@example.com",
		`{"email":"a@example.com","email_verified":"true"}`: "a@example.com",
		`{"email":"a@example.com","email_verified":false}`:  "",
		`{"email":"a@example.com","email_verified":"yes"}`:  "",
		`{"email":"a@example.com"}`:                         "",
		`{"email_verified":true}`:                           "",
		`{"email":7,"email_verified":true}`:                 "",
		`{"Email":"a@example.com","email_verified":true}`:   "",
		`[]`: "",
	} {
		got, err := verifiedEmail([]byte(in))
		if got != want || (err == nil) != (want != "") {
			t.Errorf("verifiedEmail(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzVerifiedEmail reads arbitrary ID token claims: an e-mail comes back
// only when the provider vouches for it, trimmed and lower-case.
func FuzzVerifiedEmail(f *testing.F) {
	for _, s := range []string{`{"email":"A@Example.com","email_verified":true}`, `{"email":"a@b","email_verified":"true"}`, `{"email":"a@b","email_verified":1}`,
		`{"email":"a@b","email_verified":false}`, `{"email":["a"],"email_verified":true}`, `null`, `{"email":"\u0000","email_verified":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, claims []byte) {
		email, err := verifiedEmail(claims)
		if err != nil {
			if email != "" {
				t.Fatalf("an error and an e-mail %q", email)
			}
			return
		}
		var c map[string]any
		if json.Unmarshal(claims, &c) != nil || (c["email_verified"] != true && c["email_verified"] != "true") {
			t.Fatalf("accepted %s", claims)
		}
		if email == "" || email != strings.ToLower(strings.TrimSpace(email)) {
			t.Fatalf("e-mail %q is not trimmed and lower-case", email)
		}
	})
}
