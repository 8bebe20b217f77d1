package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest/accessreview/reviewtest"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/authtest"
	"github.com/attest-dev/attest/fieldwork/forgerytest"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) attest.Store {
		db, err := sqlite.Create(context.Background(), filepath.Join(t.TempDir(), "attest.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestAuthorizationMatrix(t *testing.T) {
	authtest.Run(t, func(t *testing.T) attest.Store {
		db, err := sqlite.Create(context.Background(), filepath.Join(t.TempDir(), "attest.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	_, err := sqlite.Open(ctx, filepath.Join(dir, "missing.db"))
	if attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "no Attest database") {
		t.Errorf("missing file: %v", err)
	}

	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("this is not a database, just some text that is long enough"), 0o644)
	_, err = sqlite.Open(ctx, junk)
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "not an Attest database") {
		t.Errorf("junk file: %v", err)
	}

	// A database from a newer Attest: its version table has a higher version.
	path := filepath.Join(dir, "newer.db")
	db, err := sqlite.Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this attest understands") {
		t.Errorf("newer schema: %v", err)
	}

	if _, err := sqlite.Create(ctx, path); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("create over an existing file: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "attest.db")
	db, err := sqlite.Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateEngagement(ctx, attest.Change{Actor: "t", At: time.Now()}, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctls, err := db.Controls(ctx, "e1")
	if err != nil || len(ctls) != 2 {
		t.Errorf("after reopen: %d controls, %v", len(ctls), err)
	}
	var fk int
	db.SQL().QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	var mode string
	db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if fk != 1 || mode != "wal" {
		t.Errorf("pragmas: foreign_keys=%d journal_mode=%s", fk, mode)
	}
}

func benchStore(b *testing.B) attest.Store {
	db, err := sqlite.Create(context.Background(), filepath.Join(b.TempDir(), "attest.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkAppendOneWriter(b *testing.B)     { storetest.BenchmarkAppends(b, benchStore(b), 1) }
func BenchmarkAppendTwoWriters(b *testing.B)    { storetest.BenchmarkAppends(b, benchStore(b), 2) }
func BenchmarkImportEvents(b *testing.B)        { storetest.BenchmarkImportEvents(b, benchStore(b), 10000) }
func BenchmarkJobClaimsOneWorker(b *testing.B)  { storetest.BenchmarkJobClaims(b, benchStore(b), 1) }
func BenchmarkJobClaimsTwoWorkers(b *testing.B) { storetest.BenchmarkJobClaims(b, benchStore(b), 2) }

// TestForgeries runs the attacks on the auditor's signatures over SQLite.
func TestForgeries(t *testing.T) {
	forgerytest.Run(t, func(t *testing.T) (attest.Store, *sql.DB) {
		path := filepath.Join(t.TempDir(), "attest.db")
		s, err := sqlite.Create(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, db
	})
}

// TestReviewTampering runs the edits of access-review rows over SQLite.
func TestReviewTampering(t *testing.T) {
	reviewtest.Run(t, func(t *testing.T) (attest.Store, *sql.DB) {
		path := filepath.Join(t.TempDir(), "attest.db")
		s, err := sqlite.Create(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, db
	})
}
