package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// killRounds is how many times TestKillIngestThenGC kills an ingest: 50,
// or ATTEST_TEST_KILLS outside CI for a quicker run.
func killRounds(t *testing.T) int {
	v := os.Getenv("ATTEST_TEST_KILLS")
	if v == "" || os.Getenv("CI") == "true" {
		return 50
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("ATTEST_TEST_KILLS=%q: want a number of kills", v)
	}
	return n
}

// writeBatch fills dir with n small files whose bytes are new in each round.
func writeBatch(t *testing.T, dir string, n, round int) {
	t.Helper()
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("round %d, file %d: %s\n", round, i, strings.Repeat("evidence line\n", 20+i%50))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("item-%03d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ingest runs `attest evidence add --dir` and kills it after wait; it
// reports whether the kill ended the process (rather than it finishing).
func ingest(t *testing.T, dir string, wait time.Duration) bool {
	t.Helper()
	cmd := exec.Command(binary(t), "evidence", "add", "--control", "AC-06", "--dir", "batch", "--date", "2026-03-31")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
		t.Fatalf("evidence add failed by itself: %v", err)
	}
	return false
}

// leftoverBytes measures, without Attest's help, the bytes in staged files
// and in blobs that no evidence record names.
func leftoverBytes(t *testing.T, db *sql.DB, blobs string) (staged, orphan int64) {
	t.Helper()
	refs := map[string]bool{}
	rows, err := db.Query(`SELECT ref FROM evidence`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		rows.Scan(&r)
		refs[strings.TrimPrefix(r, "sha256:")] = true
	}
	rows.Close()
	err = filepath.WalkDir(blobs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case filepath.Base(filepath.Dir(p)) == "tmp":
			staged += info.Size()
		case !refs[d.Name()]:
			orphan += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return staged, orphan
}

// TestKillIngestThenGC kills `attest evidence add --dir` at random moments
// many times: every ingest is recorded whole or not at all, verify finds no
// half-record, and `attest gc --delete --grace 0s` leaves no orphan byte.
func TestKillIngestThenGC(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; skipped with -short")
	}
	const files = 100
	dir := setup(t)
	batch := filepath.Join(dir, "batch")
	os.MkdirAll(batch, 0o755)
	db, err := sql.Open("sqlite", filepath.Join(dir, "attest-data", "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() (n int) {
		if err := db.QueryRow(`SELECT count(*) FROM evidence`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Whole runs measure how long an ingest takes here (the binary built
	// beforehand): the faster of two, since the first, on a cold cache,
	// can take several times as long, and kill times drawn from it would
	// mostly come after the ingest had finished.
	binary(t)
	start := time.Now()
	var whole time.Duration
	for warm := range 2 {
		writeBatch(t, batch, files, -1-warm)
		began := time.Now()
		if out, code := runBin(t, dir, "evidence", "add", "--control", "AC-06", "--dir", "batch", "--date", "2026-03-31"); code != 0 {
			t.Fatalf("evidence add: %s", out)
		}
		if d := time.Since(began); warm == 0 || d < whole {
			whole = d
		}
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	want, kills, rounds := killRounds(t), 0, 0
	have := count()
	for round := 1; kills < want; round++ {
		if round > 4*want {
			t.Fatalf("only %d of %d ingests were killed before they finished in %d rounds", kills, want, round)
		}
		rounds = round
		writeBatch(t, batch, files, round)
		if ingest(t, dir, time.Duration(rng.Int63n(int64(whole)))) {
			kills++
		}
		n := count()
		if n != have && n != have+files {
			t.Fatalf("round %d: %d evidence records after the kill, want %d or %d (all or nothing)", round, n, have, have+files)
		}
		have = n
	}

	if out, code := runBin(t, dir, "verify"); code != 0 {
		t.Fatalf("verify after %d kills: %s", kills, out)
	}
	blobs := filepath.Join(dir, "attest-data", "blobs")
	staged, orphan := leftoverBytes(t, db, blobs)
	t.Logf("%d kills in %d rounds, %s (an ingest takes %s): %d records; left %d bytes in staged files and %d in orphan blobs",
		kills, rounds, time.Since(start).Round(time.Millisecond), whole.Round(time.Millisecond), have, staged, orphan)
	if staged+orphan == 0 {
		t.Fatalf("%d kills left nothing behind: the kills missed the ingest", kills)
	}
	out, code := runBin(t, dir, "gc", "--delete", "--grace", "0s", "--json")
	if code != 0 {
		t.Fatalf("gc: %s", out)
	}
	res := decode[gcJSON](t, out)
	if res.Staged.Bytes != staged || res.Orphans.Bytes != orphan {
		t.Errorf("gc removed %d staged and %d orphan bytes, want %d and %d", res.Staged.Bytes, res.Orphans.Bytes, staged, orphan)
	}
	if staged, orphan := leftoverBytes(t, db, blobs); staged+orphan != 0 {
		t.Errorf("after gc: %d bytes in staged files and %d in orphan blobs, want 0", staged, orphan)
	}
	if out, code := runBin(t, dir, "verify"); code != 0 || strings.Contains(out, "warning") {
		t.Errorf("verify after gc: exit %d: %s", code, out)
	}
	if n := count(); n != have {
		t.Errorf("gc changed the records: %d, want %d", n, have)
	}
}
