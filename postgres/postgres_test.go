package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/attest-dev/attest/accessreview/reviewtest"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/authtest"
	"github.com/attest-dev/attest/fieldwork/forgerytest"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/storetest"
)

// serverURL is a PostgreSQL server where tests may create databases:
// ATTEST_TEST_POSTGRES, which .ci/run sets after starting one. Without it
// the tests skip, except under CI, where a skip is a failure.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("ATTEST_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ATTEST_TEST_POSTGRES is not set: under CI the PostgreSQL tests must run (.ci/run starts a server)")
		}
		t.Skip("no PostgreSQL server: set ATTEST_TEST_POSTGRES=postgres://... (bash .ci/run starts one) to run these tests")
	}
	return u
}

// freshDB creates a database of its own for one test and drops it after.
func freshDB(t *testing.T) string {
	t.Helper()
	base := serverURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "attest_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	return withDB(base, name)
}

// withDB replaces the database name in a postgres:// URL.
func withDB(url, name string) string {
	q := ""
	if i := strings.Index(url, "?"); i >= 0 {
		url, q = url[:i], url[i:]
	}
	i := strings.LastIndex(url, "/")
	if i < len("postgres://") {
		return url + "/" + name + q
	}
	return url[:i+1] + name + q
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) attest.Store {
		db, err := postgres.Open(context.Background(), freshDB(t))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestAuthorizationMatrix(t *testing.T) {
	authtest.Run(t, func(t *testing.T) attest.Store {
		db, err := postgres.Open(context.Background(), freshDB(t))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	url := freshDB(t)
	raw, _ := sql.Open("pgx", url)
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE somebody_elses (id int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, url); err == nil || !strings.Contains(err.Error(), "other tables") {
		t.Errorf("database with other tables: %v", err)
	}
	url2 := freshDB(t)
	db, err := postgres.Open(ctx, url2)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw2, _ := sql.Open("pgx", url2)
	defer raw2.Close()
	raw2.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`)
	if _, err := postgres.Open(ctx, url2); err == nil || !strings.Contains(err.Error(), "newer than this attest") {
		t.Errorf("newer schema: %v", err)
	}
	_, err = postgres.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
	if attest.ErrorCode(err) != attest.EUNAVAILABLE || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable server: %v", err)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	url := freshDB(t)
	for i := 0; i < 2; i++ {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func benchStore(b *testing.B) attest.Store {
	base := os.Getenv("ATTEST_TEST_POSTGRES")
	if base == "" {
		b.Skip("no PostgreSQL server: set ATTEST_TEST_POSTGRES")
	}
	admin, _ := sql.Open("pgx", base)
	var r [6]byte
	rand.Read(r[:])
	name := "attest_bench_" + hex.EncodeToString(r[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		b.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), withDB(base, name))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		db.Close()
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	return db
}

func BenchmarkAppendOneWriter(b *testing.B)     { storetest.BenchmarkAppends(b, benchStore(b), 1) }
func BenchmarkAppendTwoWriters(b *testing.B)    { storetest.BenchmarkAppends(b, benchStore(b), 2) }
func BenchmarkImportEvents(b *testing.B)        { storetest.BenchmarkImportEvents(b, benchStore(b), 10000) }
func BenchmarkJobClaimsOneWorker(b *testing.B)  { storetest.BenchmarkJobClaims(b, benchStore(b), 1) }
func BenchmarkJobClaimsTwoWorkers(b *testing.B) { storetest.BenchmarkJobClaims(b, benchStore(b), 2) }

// TestForgeries runs the attacks on the auditor's signatures over
// PostgreSQL.
func TestForgeries(t *testing.T) {
	forgerytest.Run(t, func(t *testing.T) (attest.Store, *sql.DB) {
		url := freshDB(t)
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, db
	})
}

// TestReviewTampering runs the edits of access-review rows over
// PostgreSQL.
func TestReviewTampering(t *testing.T) {
	reviewtest.Run(t, func(t *testing.T) (attest.Store, *sql.DB) {
		url := freshDB(t)
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, db
	})
}
