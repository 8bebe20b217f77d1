package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest/blob"
	"github.com/aws/aws-sdk-go-v2/service/s3"

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

// s3Bucket creates an empty bucket on the test S3-compatible server.
// Without ATTEST_TEST_S3 the test skips, except under CI.
func s3Bucket(t *testing.T) string {
	t.Helper()
	if os.Getenv("ATTEST_TEST_S3") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ATTEST_TEST_S3 is not set: under CI the S3 tests must run (.ci/run starts a server)")
		}
		t.Skip("no S3-compatible server: set ATTEST_TEST_S3=1 and AWS_ENDPOINT_URL (bash .ci/run starts one)")
	}
	var b [6]byte
	rand.Read(b[:])
	bucket := "attest-cli-" + hex.EncodeToString(b[:])
	s, err := blob.OpenS3(context.Background(), "s3://"+bucket, t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	return bucket
}

// TestTeamSetup runs Attest on PostgreSQL with evidence in S3: adding,
// verifying, exporting, and a SIGKILL in the middle of uploads.
func TestTeamSetup(t *testing.T) {
	url := pgDatabase(t)
	blobs := "s3://" + s3Bucket(t) + "/harbor"
	dir := t.TempDir()
	team := []string{"--data", "team", "--db", url, "--blobs", blobs}
	mustRun(t, dir, append([]string{"init"}, team...)...)
	mustRun(t, dir, append([]string{"engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31"}, team...)...)
	os.MkdirAll(filepath.Join(dir, "big"), 0o755)
	for i := 0; i < 6; i++ {
		b := make([]byte, 5<<20)
		rand.Read(b)
		os.WriteFile(filepath.Join(dir, "big", fmt.Sprintf("%d.bin", i)), b, 0o644)
	}
	writeFile(t, dir, "small.txt", "access review")
	mustRun(t, dir, append([]string{"evidence", "add", "--control", "AC-06", "--file", "small.txt", "--date", "2026-03-31"}, team...)...)
	// Kill uploads at several points: never a record without its object.
	bin := binary(t)
	for round := 0; round < 4; round++ {
		cmd := exec.Command(bin, append([]string{"evidence", "add", "--control", "AC-06", "--dir", "big", "--date", "2026-03-31"}, team...)...)
		cmd.Dir = dir
		cmd.Env = os.Environ()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+round*120) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		out, code := runBin(t, dir, append([]string{"verify"}, team...)...)
		if code != 0 {
			t.Fatalf("round %d: verify after SIGKILL: %s", round, out)
		}
	}
	v := decode[map[string]any](t, mustRun(t, dir, append([]string{"verify", "--json"}, team...)...))
	if v["ok"] != true {
		t.Errorf("verify: %v", v)
	}
	mustRun(t, dir, append([]string{"evidence", "export", "--out", "exp", "--control", "AC-06"}, team...)...)
	if readFile(t, dir, "exp/1-small.txt") != "access review" {
		t.Error("export from S3")
	}
}

// TestStoreCopyBackupRestore moves the demo from SQLite to PostgreSQL and
// S3, backs that up into a data directory, and restores the backup into a
// second PostgreSQL database: the ledger's root is the same everywhere and
// verify passes on every copy.
func TestStoreCopyBackupRestore(t *testing.T) {
	url, url2 := pgDatabase(t), pgDatabase(t)
	blobs := "s3://" + s3Bucket(t) + "/moved"
	dir := t.TempDir()
	demoCopy(t, dir, "lite")
	root := decode[map[string]any](t, mustRun(t, dir, "ledger", "checkpoint", "--data", "lite", "--json"))["root"]
	out := decode[map[string]any](t, mustRun(t, dir, "store", "copy", "--from", "lite", "--to", url, "--data", "team", "--blobs", blobs, "--json"))
	if out["root"] != root || out["verified"] != true {
		t.Errorf("store copy: %v (source root %v)", out, root)
	}
	team := []string{"--data", "team", "--db", url, "--blobs", blobs}
	if got := decode[map[string]any](t, mustRun(t, dir, append([]string{"ledger", "checkpoint", "--json"}, team...)...))["root"]; got != root {
		t.Errorf("root on PostgreSQL %v, want %v", got, root)
	}
	mustRun(t, dir, append([]string{"verify"}, team...)...)
	a := mustRun(t, dir, "period", "status", "--data", "lite", "--json")
	b := mustRun(t, dir, append([]string{"period", "status", "--json"}, team...)...)
	if a != b {
		t.Error("period status differs after the move")
	}
	// Copying into a database that is not empty fails and leaves nothing.
	if r := run(t, dir, "", "store", "copy", "--from", "lite", "--to", url, "--data", "again"); r.code != 2 || !strings.Contains(r.stderr, "already holds data") {
		t.Errorf("copy into a used database: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "again")); err == nil {
		t.Error("a failed copy left its directory")
	}
	mustRun(t, dir, append([]string{"backup", "--out", "bk"}, team...)...)
	mustRun(t, dir, "verify", "--data", "bk")
	mustRun(t, dir, "restore", "--from", "bk", "--data", "restored", "--db", url2)
	if got := decode[map[string]any](t, mustRun(t, dir, "ledger", "checkpoint", "--data", "restored", "--db", url2, "--json"))["root"]; got != root {
		t.Errorf("root after backup and restore %v, want %v", got, root)
	}
	mustRun(t, dir, "verify", "--data", "restored", "--db", url2)
}
