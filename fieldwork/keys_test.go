package fieldwork_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
)

// Which named auditor a key is enrolled for, the same from the CLI and
// the browser: the one named; when none is, the auditor's own name on
// the engagement; else the one the key's comment names; else the only
// auditor; else a refusal listing them.
func TestEnrollAuditor(t *testing.T) {
	e := &attest.Engagement{ID: "e1"}
	two := []attest.Auditor{{Name: "Ana Lima", UserID: 7}, {Name: "Bo Chen", UserID: 8}}
	bo := &attest.User{ID: 8, Role: attest.RoleAuditor}
	key := "attest-auditor-ed25519 AAAA Ana Lima"
	for _, c := range []struct {
		name  string
		as    []attest.Auditor
		actor *attest.User
		in    fieldwork.EnrollRequest
		want  string
		err   string
	}{
		{"named", two, nil, fieldwork.EnrollRequest{Name: " Bo Chen "}, "Bo Chen", ""},
		{"named, not an auditor here", two, nil, fieldwork.EnrollRequest{Name: "Cy Park", PublicKey: key}, "", `"Cy Park" is not a named auditor of e1`},
		{"the auditor's own", two, bo, fieldwork.EnrollRequest{PublicKey: key}, "Bo Chen", ""},
		{"the key's comment", two, nil, fieldwork.EnrollRequest{PublicKey: key}, "Ana Lima", ""},
		{"the only one", two[1:], nil, fieldwork.EnrollRequest{PublicKey: "attest-auditor-ed25519 AAAA"}, "Bo Chen", ""},
		{"two and no clue", two, nil, fieldwork.EnrollRequest{PublicKey: "attest-auditor-ed25519 AAAA someone"}, "", `one of "Ana Lima", "Bo Chen"`},
		{"none named", nil, nil, fieldwork.EnrollRequest{}, "", "e1 has no named auditor yet"},
		{"an auditor not named here", two, &attest.User{ID: 9, Role: attest.RoleAuditor}, fieldwork.EnrollRequest{}, "", "say which auditor"},
	} {
		got, err := fieldwork.EnrollAuditor(e, c.as, c.actor, c.in)
		if c.err != "" {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), c.err) {
				t.Errorf("%s: %+v %v, want %q", c.name, got, err, c.err)
			}
			continue
		}
		if err != nil || got.Name != c.want {
			t.Errorf("%s: %+v %v, want %q", c.name, got, err, c.want)
		}
	}
}
