package auth_test

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
)

// TestNormalEmail: trimmed and in lower case, nothing else changed.
func TestNormalEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ana@example.com":        "ana@example.com",
		"  Ana@Example.COM \n":   "ana@example.com",
		"":                       "",
		" Ana Lima <A@b.com> ":   "ana lima <a@b.com>",
		"\tbo.o'neil+x@ex.org\t": "bo.o'neil+x@ex.org",
	} {
		if got := auth.NormalEmail(in); got != want {
			t.Errorf("NormalEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckEmail: one bare address of at most 254 bytes; a name, angle
// brackets, a second address or a missing part are refused, quoting it.
func TestCheckEmail(t *testing.T) {
	long := func(n int) string {
		b := make([]byte, n-len("@example.com"))
		for i := range b {
			b[i] = 'a'
		}
		return string(b) + "@example.com"
	}
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"ana@example.com", true},
		{"bo.o'neil+x@ex.org", true},
		{"root@localhost", true},
		{long(254), true},
		{long(255), false},
		{"", false},
		{"ana", false},
		{"ana@", false},
		{"@example.com", false},
		{"ana lima <ana@example.com>", false},
		{"<ana@example.com>", false},
		{"ana@example.com, bo@example.com", false},
		{"ana@@example.com", false},
	} {
		err := auth.CheckEmail(c.in)
		if c.ok {
			if err != nil {
				t.Errorf("%q: %v", c.in, err)
			}
			continue
		}
		if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != `"`+c.in+`" is not an e-mail address` {
			t.Errorf("%q: %v, want EINVALID quoting it", c.in, err)
		}
	}
}
