// Package trust is the trust center's workflows, once for every adapter:
// what the public page lists, visitors' access requests with their e-mail
// confirmation and NDA acceptance, administrators' decisions under each
// report kind's audience rule (DOMAIN.md section 1), personal links that
// expire, watermarked downloads, the settings and the access log. The web
// handlers and the command line parse their input, call these functions
// and render what they return; mail (an address confirmation, a personal
// link) is returned as a mail.Message for the caller's mailer to send.
package trust

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

// Catalog is what listing the shared documents reads: the documents, their
// engagements (for the categories a report covers) and the settings.
type Catalog interface {
	Documents(ctx context.Context, engagementID, kind string) ([]attest.Document, error)
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Setting(ctx context.Context, key string) (string, error)
}

// Store is what the workflows that record requests, decisions and
// downloads need; every write appends its ledger entry.
type Store interface {
	Catalog
	attest.TrustStore
}

// Site is where the trust center is reached: the organization's slug
// (/trust/{Org}) and the address its mailed links start with, without a
// trailing slash.
type Site struct {
	Org string
	URL string
}

// link is the address of a confirmation or access token.
func (s Site) link(kind, token string) string {
	return s.URL + "/trust/" + s.Org + "/" + kind + "/" + token
}

// Visit is what the trust center knows of a visitor's request: when it
// came, from which address and with which user agent.
type Visit struct {
	At        time.Time
	IP        string
	UserAgent string
}

// userAgent is the visitor's user agent as recorded: at most 400 bytes.
func (v Visit) userAgent() string { return truncate(v.UserAgent, 400) }

// mayAdminister is the trust center's one authorization rule: only an
// administrator (or the local operator, actor nil) manages it.
func mayAdminister(actor *attest.User) error {
	if actor == nil || actor.Role == attest.RoleAdmin {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator manages the trust center"}
}

// newSecret is a link's token (shown once, in the mail) and the hash it is
// kept as.
func newSecret() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = hex.EncodeToString(b[:])
	return token, auth.HashSecret(token)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// stamp is how the trust center's records write a time: RFC 3339 in UTC,
// to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func invalid(msg string) error { return &attest.Error{Code: attest.EINVALID, Message: msg} }

// listed reports whether a comma-separated list names s (any case).
func listed(list, s string) bool {
	for _, k := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(k), s) {
			return true
		}
	}
	return false
}
