package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditorKeyCommands: the auditor's key from keygen to verify, as the
// auditor and as an operator who holds the data directory but not the key.
func TestAuditorKeyCommands(t *testing.T) {
	dir := setup(t)
	addAuditor(t, dir, "Ana Lima")
	key := keyOf(dir, "Ana Lima")
	if st, err := os.Stat(key[1]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st, err)
	}
	if r := run(t, dir, "", "auditor", "keygen", "--out", key[1]); r.code == 0 || !strings.Contains(r.stderr, "never overwritten") {
		t.Errorf("keygen over a key: %+v", r)
	}
	fp := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "auditor", "fingerprint", "Ana Lima", "--json"))
	if len(fp) != 1 || !strings.HasPrefix(fp[0]["fingerprint"].(string), "SHA256:") || fp[0]["confirmed_at"] == nil {
		t.Fatalf("fingerprint %v", fp)
	}
	auditorTest(t, dir, "Ana Lima", "CHG-02", []string{"C1=no-exception", "C2=deviation:merged without review"}, "--deviations", "isolated")

	// The operator, with --as and no key, is refused for every auditor act.
	for _, args := range [][]string{
		{"test", "record", "--control", "CHG-02", "--procedure", "inspection", "--draw", "1", "--item", "C1=no-exception", "--item", "C2=no-exception"},
		{"sample", "draw", "--control", "CHG-02", "--redraw", "--reason", "again"},
		{"request", "create", "--control", "CHG-02", "--text", "more"},
	} {
		if r := run(t, dir, "", append(args, "--as", "Ana Lima")...); r.code == 0 || !strings.Contains(r.stderr, "signed by the engagement's enrolled auditor key") {
			t.Errorf("%v as the operator: %+v", args, r)
		}
	}
	// With the key, --as is refused: the key says who acts.
	if r := run(t, dir, "", append([]string{"request", "create", "--control", "CHG-02", "--text", "more", "--as", "Priya"}, key...)...); r.code != 2 || !strings.Contains(r.stderr, "--as is not taken") {
		t.Errorf("--as with the key: %+v", r)
	}
	// A reviewer of the team signs the test off; the preparer cannot.
	if r := run(t, dir, "", append([]string{"test", "review", "--test", "1"}, key...)...); r.code == 0 || !strings.Contains(r.stderr, "is yours") {
		t.Errorf("self-review: %+v", r)
	}
	addAuditor(t, dir, "Raj Rao")
	mustRun(t, dir, append([]string{"test", "review", "--test", "1", "--note", "agreed to the PR history"}, keyOf(dir, "Raj Rao")...)...)
	mustRun(t, dir, "report", "build", "--kind", "SOC 2", "--type", "2", "--format", "md", "--out", "signed")
	if md, _ := os.ReadFile(filepath.Join(dir, "signed", firstFile(t, filepath.Join(dir, "signed"), ".md"))); !strings.Contains(string(md), "[Reviewed by Raj Rao.]") ||
		!strings.Contains(string(md), "under the keys SHA256:") {
		t.Errorf("the draft lacks the review or the fingerprints:\n%s", md)
	}
	v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json"))
	counts := v["auditor_statements"].(map[string]any)
	if v["ok"] != true || counts["verified"] != 5.0 || counts["unsigned"] != 0.0 || counts["bad_signature"] != 0.0 {
		t.Fatalf("verify %v", v)
	}
	// The test lists and show say whether each test's statement verifies.
	if l := decode[[]map[string]any](t, mustRun(t, dir, "test", "list", "--json")); len(l) != 1 || l[0]["signature"] != "verified" || l[0]["responses"] == nil {
		t.Errorf("test list: %v", l)
	}
	if out := mustRun(t, dir, append([]string{"auditor", "verify"}, key...)...); !strings.Contains(out, "3 found as you signed them") {
		t.Errorf("auditor verify:\n%s", out)
	}

	// The operator edits the signed result in the database: both checks
	// report it, and the draft leaves it out.
	db, err := sql.Open("sqlite", filepath.Join(dir, "attest-data", "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The ledger names the auditor's account as the web does for the same
	// act (attest.ChangeBy), not by her name alone.
	var rec string
	if err := db.QueryRow(`SELECT record FROM ledger_entries WHERE type = 'test.recorded' ORDER BY seq LIMIT 1`).Scan(&rec); err != nil || !strings.Contains(rec, `"actor":"Ana Lima <`) {
		t.Errorf("the test's ledger entry: %s, %v", rec, err)
	}
	if _, err := db.Exec(`UPDATE tests SET conclusion = 'no-exceptions', wording = 'No exceptions noted.' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := run(t, dir, "", "verify", "--json")
	v = decode[map[string]any](t, r.stdout)
	if r.code == 0 || v["ok"] != false || v["auditor_statements"].(map[string]any)["bad_signature"] != 1.0 {
		t.Errorf("verify after the edit: %d %v", r.code, v["auditor_statements"])
	}
	if v := decode[map[string]any](t, mustRun(t, dir, "test", "show", "1", "--json")); v["signature"] != "bad_signature" {
		t.Errorf("test show after the edit: %v", v["signature"])
	}
	if out := mustRun(t, dir, "test", "show", "1"); !strings.Contains(out, "Auditor's signed statement: bad_signature") {
		t.Errorf("test show after the edit:\n%s", out)
	}
	if r := run(t, dir, "", append([]string{"auditor", "verify"}, key...)...); r.code != 1 || !strings.Contains(r.stdout, "differs from the auditor's signed statement") {
		t.Errorf("auditor verify after the edit: %+v", r)
	}
	mustRun(t, dir, "report", "build", "--kind", "SOC 2", "--type", "2", "--format", "md", "--out", "out")
	md, _ := os.ReadFile(filepath.Join(dir, "out", firstFile(t, filepath.Join(dir, "out"), ".md")))
	if strings.Contains(string(md), "No exceptions noted.") || !strings.Contains(string(md), "Not signed by the service auditor, and not shown as results: test 1 of CHG-02") {
		t.Errorf("the draft shows the edited result:\n%s", md)
	}
}

func firstFile(t *testing.T, dir, ext string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ext) && strings.Contains(e.Name(), "draft") {
			return e.Name()
		}
	}
	t.Fatalf("no %s draft in %s", ext, dir)
	return ""
}
