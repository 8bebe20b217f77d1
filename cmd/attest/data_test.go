package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/datadir"
	"github.com/google/go-cmp/cmp"
)

// dbName is a data directory's SQLite file, for the tests that open it
// themselves.
const dbName = datadir.DBFile

// TestDataHints: package datadir's errors name no flag; the command line
// words them with its own (--data, --db or --to, --ledger-key) and the
// commands that make what is missing.
func TestDataHints(t *testing.T) {
	m := &Main{}
	empty := t.TempDir()
	dir := filepath.Join(empty, "none")
	open := func(cfg datadir.Config) error {
		_, err := datadir.Open(t.Context(), cfg)
		return err
	}
	sign := func(d *datadir.Dir) error {
		_, err := d.Checkpoint(t.Context())
		return err
	}
	keyed := t.TempDir() // a directory with a key, as one with a database server has
	os.MkdirAll(filepath.Join(keyed, "keys"), 0o700)
	os.WriteFile(filepath.Join(keyed, "keys", "ledger.key"), nil, 0o600)
	elsewhere := t.TempDir() // a directory whose key lives elsewhere
	os.MkdirAll(filepath.Join(elsewhere, "keys"), 0o700)
	os.WriteFile(filepath.Join(elsewhere, "keys", "ledger.pub"), nil, 0o600)
	for _, tc := range []struct {
		name string
		err  error
		p    place
		want attest.Error
	}{
		{"no directory", open(datadir.Config{Dir: dir}), place{dir: dir},
			attest.Error{Code: attest.ENOTFOUND, Message: "no data directory at " + dir, Hint: "run `attest init --data " + dir + "` or `attest demo`, or pass --data DIR"}},
		{"no directory, with --db", open(datadir.Config{Dir: dir}), place{dir: dir, db: "postgres://x"},
			attest.Error{Code: attest.ENOTFOUND, Message: "no data directory at " + dir, Hint: "run `attest init --db URL --data " + dir + "`: with --db the data directory holds the ledger key and the blobs"}},
		{"not Attest's", open(datadir.Config{Dir: elsewhere}), place{dir: elsewhere},
			attest.Error{Code: attest.EINVALID, Message: elsewhere + " is not an Attest data directory (no attest.db)", Hint: "run `attest init --data DIR` to make one"}},
		{"not Attest's, with --db", open(datadir.Config{Dir: empty, DB: "postgres://x"}), place{dir: empty, db: "postgres://x"},
			attest.Error{Code: attest.EINVALID, Message: empty + " is not an Attest data directory (no keys/ledger.key)", Hint: "run `attest init --db URL --data DIR` to make one"}},
		{"a URL for --db", open(datadir.Config{Dir: keyed, DB: "mysql://x"}), place{dir: keyed, db: "mysql://x"},
			attest.Error{Code: attest.EINVALID, Message: "--db: want a postgres:// URL"}},
		{"a URL for --to", open(datadir.Config{Dir: keyed, DB: "mysql://x"}), place{dir: keyed, db: "mysql://x", dbFlag: "--to"},
			attest.Error{Code: attest.EINVALID, Message: "--to: want a postgres:// URL"}},
		{"no server at --db", &datadir.DBError{Err: &attest.Error{Code: attest.EUNAVAILABLE, Message: "cannot reach the PostgreSQL server: refused", Hint: "check the database URL and that the server is running"}}, place{dir: keyed, db: "postgres://x"},
			attest.Error{Code: attest.EUNAVAILABLE, Message: "cannot reach the PostgreSQL server: refused", Hint: "check --db / ATTEST_DB and that the server is running"}},
		{"no server at --to", &datadir.DBError{Err: &attest.Error{Code: attest.EUNAVAILABLE, Message: "cannot reach the PostgreSQL server: refused"}}, place{dir: keyed, db: "postgres://x", dbFlag: "--to"},
			attest.Error{Code: attest.EUNAVAILABLE, Message: "cannot reach the PostgreSQL server: refused", Hint: "check --to and that the server is running"}},
		{"a key file missing", sign(&datadir.Dir{Path: keyed, LedgerKey: filepath.Join(dir, "key")}), place{dir: keyed},
			attest.Error{Code: attest.EINVALID, Message: "--ledger-key: no such file or directory", Hint: "`attest init --ledger-key FILE` makes a new key there for a new data directory"}},
		{"a key file unread", &attest.Error{Code: attest.EINVALID, Message: "ledger key: permission denied"}, place{dir: keyed},
			attest.Error{Code: attest.EINVALID, Message: "--ledger-key: permission denied"}},
		{"another key", &attest.Error{Code: attest.EINVALID, Message: "ledger key K is not this data directory's key: ...", Hint: "pass the key this data directory was signed with (to move the key out, move keys/ledger.key)"}, place{dir: keyed},
			attest.Error{Code: attest.EINVALID, Message: "--ledger-key K is not this data directory's key: ...", Hint: "pass the key this data directory was signed with (to move the key out, move keys/ledger.key)"}},
		{"no key given", sign(&datadir.Dir{Path: elsewhere}), place{dir: elsewhere},
			attest.Error{Code: attest.EINVALID, Message: "the ledger's signing key of " + elsewhere + " lives outside it (keys/ledger.pub without keys/ledger.key)", Hint: "pass --ledger-key FILE or set ATTEST_LEDGER_KEY"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *attest.Error
			if !errors.As(m.dataHints(tc.err, tc.p), &got) {
				t.Fatalf("not an *attest.Error: %v", tc.err)
			}
			if diff := cmp.Diff(tc.want, *got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
