package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgDatabase creates an empty database on the test server for one test.
// Without ATTEST_TEST_POSTGRES the test skips, except under CI.
func pgDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ATTEST_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ATTEST_TEST_POSTGRES is not set: under CI the PostgreSQL tests must run (.ci/run starts a server)")
		}
		t.Skip("no PostgreSQL server: set ATTEST_TEST_POSTGRES=postgres://... (bash .ci/run starts one)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "attest_cli_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, q := base, ""
	if i := strings.Index(u, "?"); i >= 0 {
		u, q = u[:i], u[i:]
	}
	return u[:strings.LastIndex(u, "/")+1] + name + q
}

// TestDemoOnPostgresMatchesSQLite runs the demo on both engines with the
// same clock: the ledgers must have the same size and root hash, and
// verify must pass on both.
func TestDemoOnPostgresMatchesSQLite(t *testing.T) {
	url := pgDatabase(t)
	dir := t.TempDir()
	mustRun(t, dir, "demo", "--data", "lite")
	mustRun(t, dir, "demo", "--data", "pg", "--db", url)
	lite := decode[map[string]any](t, mustRun(t, dir, "ledger", "checkpoint", "--data", "lite", "--json"))
	pg := decode[map[string]any](t, mustRun(t, dir, "ledger", "checkpoint", "--data", "pg", "--db", url, "--json"))
	if lite["size"] != pg["size"] || lite["root"] != pg["root"] {
		t.Errorf("ledgers differ: SQLite %v/%v, PostgreSQL %v/%v", lite["size"], lite["root"], pg["size"], pg["root"])
	}
	v := decode[map[string]any](t, mustRun(t, dir, "verify", "--data", "pg", "--db", url, "--json"))
	if v["ok"] != true {
		t.Errorf("verify on PostgreSQL: %v", v)
	}
	a := mustRun(t, dir, "period", "status", "--data", "lite", "--json")
	b := mustRun(t, dir, "period", "status", "--data", "pg", "--db", url, "--json")
	if a != b {
		t.Error("period status differs between the engines")
	}
	if r := run(t, dir, "", "demo", "--data", "pg2", "--db", url); r.code != 2 || !strings.Contains(r.stderr, "already holds engagements") {
		t.Errorf("demo into a used database: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "list", "--data", "lite", "--db", "mysql://x"); r.code != 2 || !strings.Contains(r.stderr, "postgres://") {
		t.Errorf("bad --db: %+v", r)
	}
}
