package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/web"
	"golang.org/x/mod/sumdb/note"
)

// TestAuditorActsThroughAServer: the auditor signs on her machine and
// acts through the organization's server (--server, --token), with no
// data directory of her own; her journal and the server's copy agree.
func TestAuditorActsThroughAServer(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "changes.csv", changesCSV(40, 0))
	mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "changes.csv", "--key", "id", "--extracted-at", "2027-01-05")
	addAuditor(t, dir, "Ana Lima")
	eng := engagementID(t, dir)

	m := &Main{Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ana, err := d.db.UserByEmail(context.Background(), "ana.lima@cpa.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.CreateToken(context.Background(), d.db, attest.Change{Actor: "Ana Lima", At: testNow}, ana, ana.Email, "cli")
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := d.privateKey()
	pub, _ := d.publicKey()
	signer, _ := note.NewSigner(priv)
	srv := httptest.NewServer(web.New(web.Config{Store: d.db, Blobs: d.blobs, Now: m.Now, Signer: signer, PublicKey: pub}))
	defer srv.Close()

	remote := append([]string{"--server", srv.URL, "--token", tok.Secret, "--engagement", eng}, keyOf(dir, "Ana Lima")...)
	elsewhere := t.TempDir() // no data directory here
	if r := run(t, elsewhere, "", "sample", "draw", "--control", "CHG-02", "--size", "3", "--server", srv.URL, "--token", tok.Secret, "--engagement", eng); r.code == 0 || !strings.Contains(r.stderr, fieldworkSigned) {
		t.Errorf("a remote draw without the key: %+v", r)
	}
	out := decode[map[string]any](t, mustRun(t, elsewhere, append([]string{"sample", "draw", "--control", "CHG-02", "--size", "3", "--json"}, remote...)...))
	draw := out["draw"].(map[string]any)
	items := toStrings(draw["items"])
	args := []string{"test", "record", "--control", "CHG-02", "--procedure", "inspection", "--draw", fmt.Sprint(draw["id"]), "--reason", "a first look", "--acknowledge", "none", "--json"}
	for _, k := range items {
		args = append(args, "--item", k+"=no-exception")
	}
	test := decode[map[string]any](t, mustRun(t, elsewhere, append(args, remote...)...))
	if test["conclusion"] != "no-exceptions" || !strings.Contains(test["wording"].(string), "3 items were tested") {
		t.Errorf("remote test %v", test)
	}
	if r := run(t, elsewhere, "", append([]string{"evidence", "list"}, remote...)...); r.code != 2 || !strings.Contains(r.stderr, "does not run against --server") {
		t.Errorf("a management command with --server: %+v", r)
	}
	// The journal and the organization's copy agree; verify holds.
	if out := mustRun(t, dir, append([]string{"auditor", "verify"}, keyOf(dir, "Ana Lima")...)...); !strings.Contains(out, "3 statements in your journal, 3 found") {
		t.Errorf("auditor verify: %s", out)
	}
	if v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json")); v["ok"] != true || v["auditor_statements"].(map[string]any)["verified"] != 3.0 {
		t.Errorf("verify: %v", v)
	}
}

const fieldworkSigned = "signed by the engagement's enrolled auditor key"
