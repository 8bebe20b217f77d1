package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest/blob"
)

// leftovers stores a blob no record refers to and a staged file, as a
// killed write leaves them, and dates every blob two days before testNow.
func leftovers(t *testing.T, dir string) (blob.Ref, string) {
	t.Helper()
	blobDir := filepath.Join(dir, "attest-data", "blobs")
	bs, err := blob.OpenFS(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	orphan, _, err := bs.Put(strings.NewReader("stored, never recorded"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blobDir, "tmp", "blob-killed"), []byte("half a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := testNow.Add(-48 * time.Hour)
	err = filepath.Walk(blobDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		return os.Chtimes(p, at, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	return orphan, blobDir
}

type gcJSON struct {
	Deleted    bool `json:"deleted"`
	Referenced int  `json:"referenced"`
	Orphans    struct {
		Count int         `json:"count"`
		Bytes int64       `json:"bytes"`
		Items []blob.Info `json:"items"`
	} `json:"orphans"`
	Staged struct {
		Count int         `json:"count"`
		Bytes int64       `json:"bytes"`
		Items []blob.Info `json:"items"`
	} `json:"staged"`
}

func TestGCAndVerifyWarnings(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "review.txt", "Q1 access review")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "review.txt", "--date", "2026-03-31")
	orphan, blobDir := leftovers(t, dir)

	// verify: warnings after the verdict and in the JSON, exit 0.
	r := run(t, dir, "", "verify")
	if r.code != 0 || !strings.Contains(r.stdout, "OK:") || !strings.Contains(r.stdout, "\nwarning: orphan_blobs: 1 blobs (22 bytes)") ||
		!strings.Contains(r.stdout, "\nwarning: stale_staged: 1 staged files (11 bytes)") {
		t.Errorf("verify with leftovers: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := decode[map[string]any](t, mustRun(t, dir, "verify", "--json"))
	if ws, _ := rep["warnings"].([]any); rep["ok"] != true || len(ws) != 2 {
		t.Errorf("verify --json: %v", rep)
	}

	out := mustRun(t, dir, "gc")
	for _, want := range []string{"Orphan blobs (no record refers to them, older than 24 hours): 1, 22 B\n", "Stale staged files (untouched for over 1 hour): 1, 11 B\n",
		"referenced by records: 1;", "Dry run: nothing was removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("gc output lacks %q:\n%s", want, out)
		}
	}
	dry := decode[gcJSON](t, mustRun(t, dir, "gc", "--json"))
	if dry.Deleted || dry.Referenced != 1 || dry.Orphans.Count != 1 || dry.Orphans.Items[0].Ref != orphan || dry.Staged.Items[0].Name != "blob-killed" {
		t.Errorf("gc --json: %+v", dry)
	}
	if _, err := os.Stat(filepath.Join(blobDir, "tmp", "blob-killed")); err != nil {
		t.Fatalf("a dry run removed a staged file: %v", err)
	}

	del := decode[gcJSON](t, mustRun(t, dir, "gc", "--delete", "--json"))
	if !del.Deleted || del.Orphans.Count != 1 || del.Staged.Count != 1 {
		t.Errorf("gc --delete: %+v", del)
	}
	if entries, _ := os.ReadDir(filepath.Join(blobDir, "tmp")); len(entries) != 0 {
		t.Errorf("staged files left: %v", entries)
	}
	if r := run(t, dir, "", "verify"); r.code != 0 || strings.Contains(r.stdout+r.stderr, "warning") {
		t.Errorf("verify after gc: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustRun(t, dir, "evidence", "show", "1") // re-hashes the recorded bytes
}

func TestGCBadInput(t *testing.T) {
	dir := setup(t)
	for _, args := range [][]string{{"gc", "--grace", "-1h"}, {"gc", "--grace", "a day"}, {"gc", "now"}} {
		r := run(t, dir, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "attest: ") {
			t.Errorf("attest %s: exit %d, %s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if r := run(t, dir, "", "gc", "--grace", "-1h"); !strings.Contains(r.stderr, "--grace -1h0m0s: want a duration of 0s or more") {
		t.Errorf("negative grace: %s", r.stderr)
	}
	if r := run(t, t.TempDir(), "", "gc"); r.code != 2 || !strings.Contains(r.stderr, "no data directory") {
		t.Errorf("gc without a data directory: exit %d, %s", r.code, r.stderr)
	}
}
