package main

import (
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest/sqlite"
)

func TestUsersAndTokens(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	if r := run(t, dir, "short\n", "user", "add", "--email", "a@example.com", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "12 characters") {
		t.Errorf("short password: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "user", "add", "--email", "Priya@Example.com", "--name", "Priya", "--role", "compliance-manager")
	r := run(t, dir, "correct horse battery staple\n", "user", "add", "--email", "ana@example.com", "--name", "Ana", "--role", "auditor", "--password-stdin", "--json")
	if r.code != 0 || strings.Contains(r.stdout, "password") || strings.Contains(r.stdout, "argon2id") {
		t.Fatalf("exit %d: %s", r.code, r.stdout)
	}
	if r := run(t, dir, "", "user", "add", "--email", "ana@example.com", "--role", "viewer"); r.code != 2 {
		t.Errorf("duplicate e-mail: exit %d", r.code)
	}
	if r := run(t, dir, "", "user", "add", "--email", "x@example.com", "--role", "owner"); r.code != 2 || !strings.Contains(r.stderr, "control-owner") {
		t.Errorf("bad role: exit %d %s", r.code, r.stderr)
	}
	s, err := sqlite.Open(t.Context(), dir+"/attest-data/attest.db")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByEmail(t.Context(), "ana@example.com")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := argon2id.ComparePasswordAndHash("correct horse battery staple", u.PasswordHash); !ok || err != nil {
		t.Errorf("the stored hash does not match the password: %v", err)
	}
	// A token acts for the account that holds it: never for a person's
	// account created by someone else (here the auditor's), and a service
	// account can never be an auditor.
	if r := run(t, dir, "", "token", "create", "--user", "ana@example.com", "--name", "ci"); r.code == 0 || !strings.Contains(r.stderr, "a token acts for its creator; create a service account for automation") {
		t.Errorf("token for the auditor's account: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", "user", "add", "--service", "--email", "bot@example.com", "--role", "auditor"); r.code != 2 || !strings.Contains(r.stderr, "cannot hold the auditor role") {
		t.Errorf("service auditor: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "user", "add", "--service", "--email", "ci@example.com", "--name", "CI", "--role", "compliance-manager")
	tok := decode[map[string]any](t, mustRun(t, dir, "token", "create", "--user", "ci@example.com", "--name", "ci", "--json"))
	if sec := tok["secret"].(string); !strings.HasPrefix(sec, "att_") || len(sec) < 40 {
		t.Errorf("token %v", tok)
	}
	if list := mustRun(t, dir, "token", "list"); strings.Contains(list, tok["secret"].(string)) || !strings.Contains(list, "active") || !strings.Contains(list, "ci@example.com") {
		t.Errorf("token list %s", list)
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "token", "list", "--json")); len(l) != 1 || l[0]["email"] != "ci@example.com" || l[0]["name"] != "ci" || l[0]["user"] == nil {
		t.Errorf("token list --json %v", l)
	}
	mustRun(t, dir, "token", "revoke", "1")
	mustRun(t, dir, "user", "disable", "ana@example.com")
	if l := decode[[]map[string]any](t, mustRun(t, dir, "user", "list", "--json")); len(l) != 3 || l[1]["disabled"] != true || l[2]["service"] != true {
		t.Errorf("users %v", l)
	}
	mustRun(t, dir, "verify")
}

// Auditors are linked to accounts, never matched by name: an account whose
// name only looks like the auditor's is not linked, and a name with no
// account stays unlinked until an administrator links it.
func TestAuditorsAreLinkedToAccounts(t *testing.T) {
	dir := setup(t)
	mustRun(t, dir, "user", "add", "--email", "look@example.com", "--name", "ana lima", "--role", "auditor")
	a := decode[map[string]any](t, mustRun(t, dir, "engagement", "auditor", "add", "Ana Lima", "--json"))
	if a["user_id"] != 0.0 {
		t.Errorf("a look-alike account was linked: %v", a)
	}
	if r := run(t, dir, "", "engagement", "auditor", "link", "Ana Lima", "--user", "priya@example.com"); r.code != 2 {
		t.Errorf("link to an unknown account: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "user", "add", "--email", "ana@cpa.example", "--name", "Ana Lima", "--role", "auditor")
	l := decode[map[string]any](t, mustRun(t, dir, "engagement", "auditor", "link", "Ana Lima", "--user", "ana@cpa.example", "--json"))
	if l["user_id"] != 2.0 {
		t.Errorf("link %v", l)
	}
	mustRun(t, dir, "engagement", "auditor", "add", "Bo Kim", "--user", "look@example.com")
	if as := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "auditor", "list", "--json")); len(as) != 2 || as[0]["user_id"] != 2.0 || as[1]["user_id"] != 1.0 {
		t.Errorf("auditors %v", as)
	}
	if out := mustRun(t, dir, "engagement", "auditor", "remove", "Bo Kim"); !strings.Contains(out, "Bo Kim is no longer an auditor of ") {
		t.Errorf("remove: %s", out)
	}
	if r := decode[map[string]any](t, mustRun(t, dir, "engagement", "auditor", "remove", "Ana Lima", "--json")); r["removed"] != "Ana Lima" || r["engagement"] == "" {
		t.Errorf("remove --json: %v", r)
	}
	if r := run(t, dir, "", "engagement", "auditor", "remove", "Ana Lima"); r.code == 0 || !strings.Contains(r.stderr, "Ana Lima on engagement") {
		t.Errorf("removed twice: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "verify")
}

// Data recorded by name migrates: a name that matches exactly one account
// is linked by attest user link; the others are listed, never guessed.
func TestUnresolvedNamesAreListedAndLinked(t *testing.T) {
	dir := setup(t)
	mustRun(t, dir, "controls", "set", "AC-06", "--owner", "Dana Ortiz")
	mustRun(t, dir, "controls", "set", "AC-04", "--owner", "Sam Adeyemi")
	mustRun(t, dir, "engagement", "auditor", "add", "Ana Lima")
	mustRun(t, dir, "user", "add", "--email", "dana@example.com", "--name", "Dana Ortiz", "--role", "control-owner")
	mustRun(t, dir, "user", "add", "--email", "sam1@example.com", "--name", "Sam Adeyemi", "--role", "control-owner")
	mustRun(t, dir, "user", "add", "--email", "sam2@example.com", "--name", "Sam Adeyemi", "--role", "viewer")
	mustRun(t, dir, "user", "add", "--email", "ana@cpa.example", "--name", "Ana Lima", "--role", "auditor")
	before := decode[map[string][]map[string]any](t, mustRun(t, dir, "user", "unresolved", "--json"))
	if len(before["linkable"]) != 2 || len(before["unresolved"]) != 1 || before["unresolved"][0]["name"] != "Sam Adeyemi" || before["unresolved"][0]["accounts"] != 2.0 {
		t.Fatalf("unresolved before linking: %v", before)
	}
	if out := mustRun(t, dir, "verify"); !strings.Contains(out, "warning: ") || !strings.Contains(out, "Sam Adeyemi") {
		t.Errorf("verify does not warn of unresolved names: %s", out)
	}
	mustRun(t, dir, "user", "link")
	after := decode[map[string][]map[string]any](t, mustRun(t, dir, "user", "unresolved", "--json"))
	if len(after["linkable"]) != 0 || len(after["unresolved"]) != 1 {
		t.Errorf("unresolved after linking: %v", after)
	}
	c := decode[map[string]any](t, mustRun(t, dir, "controls", "show", "AC-06", "--json"))
	if c["owner_id"] != 1.0 {
		t.Errorf("AC-06 %v", c)
	}
	mustRun(t, dir, "verify")
}

// Boolean flags read as --json in every help, not --json[=true|false].
func TestHelpShowsPlainBooleanFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"--help"}, {"evidence", "add", "--help"}, {"check", "run", "--help"}} {
		out := mustRun(t, dir, args...)
		if strings.Contains(out, "[=true|false]") || !strings.Contains(out, "--json  ") {
			t.Errorf("attest %s:\n%s", strings.Join(args, " "), out)
		}
	}
}

// ledger checkpoint --out says where it wrote; a folder that does not
// exist is refused.
func TestCheckpointOutSaysWhere(t *testing.T) {
	dir := setup(t)
	if out := mustRun(t, dir, "ledger", "checkpoint", "--out", "cp.txt"); !strings.Contains(out, "Wrote the signed checkpoint") || !strings.Contains(out, "cp.txt") {
		t.Errorf("checkpoint --out: %s", out)
	}
	if r := run(t, dir, "", "ledger", "checkpoint", "--out", "nowhere/cp.txt"); r.code != 2 || !strings.Contains(r.stderr, "does not exist") {
		t.Errorf("checkpoint into a missing folder: %+v", r)
	}
}
