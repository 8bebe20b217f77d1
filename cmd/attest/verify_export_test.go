package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/web"
	"golang.org/x/mod/sumdb/note"
)

// TestVerifyExport downloads an auditor's export from a server on the data
// directory and checks it offline with attest verify --export: it holds,
// and a changed file, another key or a file that is no export are reported.
func TestVerifyExport(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "changes.csv", changesCSV(50, 0))
	mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "changes.csv", "--key", "id", "--date", "merged", "--source", "GitHub")
	if r := run(t, dir, "a password that is long enough\n", "user", "add", "--email", "ana@example.com", "--name", "Ana Lima", "--role", "auditor", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	mustRun(t, dir, "engagement", "auditor", "add", "Ana Lima")
	enrollKey(t, dir, "Ana Lima")
	mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "s1", "--size", "3"}, keyOf(dir, "Ana Lima")...)...)

	m := &Main{Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	priv, _ := d.privateKey()
	pub, _ := d.publicKey()
	signer, err := note.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: d.db, Blobs: d.blobs, Now: m.Now, Signer: signer, PublicKey: pub}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {"ana@example.com"}, "password": {"a password that is long enough"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(srv.URL + "/api/v1/engagements/" + engagementID(t, dir) + "/export")
	if err != nil {
		t.Fatal(err)
	}
	zb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d %s", resp.StatusCode, zb)
	}
	writeFile(t, dir, "papers.zip", string(zb))
	keyFile := filepath.Join(dir, "attest-data", "keys", "ledger.pub")

	out := mustRun(t, dir, "verify", "--export", "papers.zip", "--key", keyFile)
	if !strings.Contains(out, "OK: the working papers") || !strings.Contains(out, "2 records match") {
		t.Errorf("verify: %s", out)
	}
	if r := run(t, dir, "", "verify", "--export", "papers.zip"); r.code != 0 || !strings.Contains(r.stderr, "its own key") {
		t.Errorf("without --key: %+v", r)
	}
	// The auditor checks the export against her own journal, offline.
	if out := mustRun(t, dir, append([]string{"auditor", "verify", "--export", "papers.zip"}, keyOf(dir, "Ana Lima")...)...); !strings.Contains(out, "2 statements in your journal, 2 found as you signed them") {
		t.Errorf("auditor verify --export: %s", out)
	}

	// Change one byte of draws.json.
	zr, _ := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "draws.json" {
			b = bytes.Replace(b, []byte(`"seed": "s1"`), []byte(`"seed": "s2"`), 1)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	writeFile(t, dir, "tampered.zip", buf.String())
	if r := run(t, dir, "", "verify", "--export", "tampered.zip", "--key", keyFile); r.code != 1 || !strings.Contains(r.stdout, "draws.json was changed") {
		t.Errorf("tampered: %+v", r)
	}
	_, other, _ := note.GenerateKey(nil, "someone-else")
	if r := run(t, dir, "", "verify", "--export", "papers.zip", "--key", other); r.code != 1 || !strings.Contains(r.stdout, "signature does not verify") {
		t.Errorf("other key: %+v", r)
	}
	writeFile(t, dir, "junk.zip", "not a zip")
	if r := run(t, dir, "", "verify", "--export", "junk.zip"); r.code != 2 || !strings.Contains(r.stderr, "not a ZIP") {
		t.Errorf("junk: %+v", r)
	}
	if r := run(t, dir, "", "verify", "--export", "missing.zip"); r.code != 2 {
		t.Errorf("missing file: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "papers.zip")); err != nil {
		t.Fatal(err)
	}
}

func engagementID(t *testing.T, dir string) string {
	t.Helper()
	es := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))
	return es[0]["id"].(string)
}

// TestVerifyReplaysComments: a request's comments are ledger entries that
// attest verify replays, so an edited or unrecorded comment is reported.
func TestVerifyReplaysComments(t *testing.T) {
	dir := setup(t)
	addAuditor(t, dir, "Ana Lima")
	mustRun(t, dir, append([]string{"request", "create", "--control", "CHG-02", "--text", "approvals"}, keyOf(dir, "Ana Lima")...)...)
	m := &Main{Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.db.AddComment(context.Background(), attest.Change{Actor: "Sam", At: testNow}, attest.Comment{RequestID: 1, Text: "attached"})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	mustRun(t, dir, "verify")
	tamper(t, dir, `UPDATE request_comments SET text = 'never asked' WHERE id = 1`)
	r := run(t, dir, "", "verify")
	if r.code != 1 || !strings.Contains(r.stdout, "record_mismatch") || !strings.Contains(r.stdout, "comment 1 on request 1 differs") || !strings.Contains(r.stdout, "entry "+strconv.FormatInt(c.Entry, 10)) {
		t.Errorf("edited comment: %+v", r)
	}
}
