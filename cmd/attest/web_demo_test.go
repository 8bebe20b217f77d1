package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/internal/demo"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/web"
)

// TestEveryPageOnTheDemo serves the demo's data and opens every page and
// GET endpoint as each role: none answers a server error, and each role
// gets what the route table allows it.
func TestEveryPageOnTheDemo(t *testing.T) {
	dir := t.TempDir()
	demoCopy(t, dir, "d")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "d", dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs, err := blob.OpenFS(filepath.Join(dir, "d", "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	cfg, err := m.webConfig(&data{dir: filepath.Join(dir, "d"), db: st, blobs: bs, m: m}, serveFlags{org: "demo"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(cfg)
	engs, _ := st.Engagements(ctx)
	soc2 := ""
	for _, e := range engs {
		if e.Kind == attest.SOC2 && e.Type == attest.Type2 {
			soc2 = e.ID
		}
	}
	tokens := map[string]string{}
	for _, u := range demo.Users {
		du, err := st.UserByEmail(ctx, u.Email)
		if err != nil {
			t.Fatal(err)
		}
		secret := "demo-walk-" + u.Role
		sum := sha256.Sum256([]byte(secret))
		if _, err := st.SaveToken(ctx, attest.Change{Actor: "test", At: testNow}, attest.Token{UserID: du.ID, Name: "walk", Hash: hex.EncodeToString(sum[:])}); err != nil {
			t.Fatal(err)
		}
		tokens[u.Role] = secret
	}
	// A control the demo's control owner owns, so editing it is theirs to do.
	owned := ""
	ctls, _ := st.Controls(ctx, soc2)
	for _, c := range ctls {
		if c.Owner == "Jonah Weiss" {
			owned = c.ID
			break
		}
	}
	if owned == "" {
		t.Fatal("the demo's control owner owns no control")
	}
	// A document of the SOC 2 engagement, which the demo's auditor audits.
	docs, _ := st.Documents(ctx, soc2, "")
	if len(docs) == 0 {
		t.Fatal("the demo's SOC 2 engagement has no documents")
	}
	docID := strconv.FormatInt(docs[0].ID, 10)
	// A ledger entry of the SOC 2 engagement, which the auditor may read:
	// the auditor's first test.
	tests, _ := st.Tests(ctx, soc2, "")
	if len(tests) == 0 {
		t.Fatal("the demo's SOC 2 engagement has no test")
	}
	entry := strconv.FormatInt(tests[0].Entry, 10)
	params := strings.NewReplacer("{id}", soc2, "{engagement}", soc2, "{control}", owned, "{org}", "demo", "{$}", "",
		"{req}", "1", "{uid}", "1", "{tid}", "1", "{test}", "1", "{name}", "attest.css", "{entry}", entry, "{token}", "not-a-token")
	pages := 0
	for _, rt := range srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		path := params.Replace(rt.Pattern)
		switch {
		case strings.Contains(path, "/documents/"):
			path = strings.Replace(path, soc2, docID, 1)
		case strings.Contains(path, "/evidence/"):
			path = strings.Replace(path, soc2, "1", 1)
		}
		for role, secret := range tokens {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			body, _ := io.ReadAll(w.Result().Body)
			allowed := len(rt.Roles) == 0 || contains(rt.Roles, role)
			switch {
			case w.Code >= 500:
				t.Errorf("%s as %s: %d %s", path, role, w.Code, firstLine(string(body)))
			case allowed && (w.Code == http.StatusForbidden || w.Code == http.StatusUnauthorized) && !strings.Contains(path, "not-a-token"):
				t.Errorf("%s as %s: %d, want access: %s", path, role, w.Code, firstLine(string(body)))
			case !allowed && w.Code != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", path, role, w.Code)
			}
			if role == attest.RoleAdmin && w.Code == 200 {
				pages++
			}
		}
	}
	if pages < 40 {
		t.Errorf("only %d pages answered 200 to the admin on the demo's data", pages)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func TestTrustAddCommand(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init", "--data", "d")
	mustRun(t, dir, "engagement", "create", "--data", "d", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31", "--firm", "Example CPA LLP")
	notPDF := writeFile(t, dir, "policy.txt", "not a pdf")
	if r := run(t, dir, "", "trust", "add", "--data", "d", "--file", notPDF, "--title", "Policy"); r.code != 2 || !strings.Contains(r.stderr, "not a PDF") {
		t.Errorf("a text file: %d %s", r.code, r.stderr)
	}
	pdf := filepath.Join("..", "..", "internal", "demo", "files", "example-soc3-report.pdf")
	abs, _ := filepath.Abs(pdf)
	if r := run(t, dir, "", "trust", "add", "--data", "d", "--file", abs, "--title", "Policy", "--audience", "friends"); r.code != 2 || !strings.Contains(r.stderr, "--audience") {
		t.Errorf("a bad audience: %d %s", r.code, r.stderr)
	}
	out := mustRun(t, dir, "trust", "add", "--data", "d", "--file", abs, "--title", "Information security policy", "--audience", "public", "--json")
	doc := decode[attest.Document](t, out)
	if doc.Kind != attest.DocShared || doc.Meta["title"] != "Information security policy" || doc.Meta["audience"] != "public" {
		t.Errorf("added %+v", doc)
	}
	if l := decode[[]attest.Document](t, mustRun(t, dir, "trust", "list", "--data", "d", "--json")); len(l) != 1 {
		t.Errorf("list %+v", l)
	}
	mustRun(t, dir, "verify", "--data", "d")
}
