// Package sqlitetest gives other packages' tests real stores, as the
// standard package layout's MustOpenDB does: a fresh SQLite database and
// a blob folder in the test's temporary directory.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite"
)

// Create is a new, empty store, closed when the test ends.
func Create(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Create(context.Background(), filepath.Join(tb.TempDir(), "attest.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Blobs is a new, empty blob folder.
func Blobs(tb testing.TB) *blob.FS {
	tb.Helper()
	bs, err := blob.OpenFS(filepath.Join(tb.TempDir(), "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return bs
}
