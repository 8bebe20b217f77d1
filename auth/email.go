package auth

import (
	"net/mail"
	"strings"

	"github.com/attest-dev/attest"
)

// NormalEmail is an e-mail address as Attest keeps and compares it:
// trimmed, in lower case. Accounts, the roster and sign-ins all match
// addresses so, whatever case a person types.
func NormalEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail refuses what is not one bare e-mail address (no name, no
// angle brackets) of at most 254 bytes, the limit of a forward path
// (RFC 5321); s is taken as NormalEmail gives it. The refusal is EINVALID
// quoting s; the adapter or workflow names its field.
func CheckEmail(s string) error {
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > 254 {
		return &attest.Error{Code: attest.EINVALID, Message: "\"" + s + "\" is not an e-mail address"}
	}
	return nil
}
