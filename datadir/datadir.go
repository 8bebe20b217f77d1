// Package datadir opens an Attest installation and keeps its ledger's
// signing key. An installation is a data directory, with its database in
// it (SQLite) or on a PostgreSQL server, and its evidence bytes in it or in
// an S3 bucket. Any adapter opens one through Open (the CLI, and a server
// or job runner as well), made by Init, copied by Copy, and signs the
// ledger's checkpoints through Dir.Checkpoint.
//
// The adapter reads its settings and the clock and passes them in
// (Config); the errors here name no flag, and the adapter adds the hints
// that name its own.
package datadir

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/sqlite"
)

// The files of a data directory, by their slash-separated names in it:
//
//	attest.db            the SQLite database (none with a database server)
//	blobs/               evidence bytes by SHA-256 (none with an S3 bucket)
//	keys/ledger.key      the ledger's signing key (mode 0600)
//	keys/ledger.pub      its public key, for auditors
//	ledger/checkpoint    the latest signed checkpoint, outside the database
const (
	DBFile         = "attest.db"
	PrivateKeyFile = "keys/ledger.key"
	PublicKeyFile  = "keys/ledger.pub"
	CheckpointFile = "ledger/checkpoint"
)

// Config says where an installation is and how to open it.
type Config struct {
	// Dir is the data directory.
	Dir string
	// DB is a PostgreSQL URL (postgres://...) holding the database in
	// place of Dir's attest.db; Dir then holds the key and the blobs.
	DB string
	// Blobs is an S3 location (s3://bucket/prefix) for the evidence bytes
	// in place of Dir's blobs folder.
	Blobs string
	// S3PathStyle addresses the bucket by path, as S3-compatible servers
	// with an endpoint of their own expect.
	S3PathStyle bool
	// LedgerKey is a file outside Dir holding the ledger's signing key;
	// Dir then keeps only its public key.
	LedgerKey string
	// ReadOnly opens the installation for what signs nothing: a directory
	// whose key lives elsewhere opens without it.
	ReadOnly bool
	// Now is the clock checkpoints are dated by.
	Now func() time.Time
	// Witness, when set, is given every checkpoint Dir.Checkpoint signs,
	// once the database's write lock is released. It reports its own
	// failures: the write the checkpoint follows stands.
	Witness func(ctx context.Context, signed []byte)
}

// marker is the file that shows Dir to be an Attest data directory: the
// SQLite database, or with a database server the key (the public one when
// the key lives elsewhere).
func (c Config) marker() string {
	switch {
	case c.DB == "":
		return DBFile
	case c.LedgerKey != "":
		return PublicKeyFile
	}
	return PrivateKeyFile
}

// Dir is an open installation. Open fills it; its methods read only its
// fields, so an installation already open another way is a Dir too.
type Dir struct {
	Path  string
	Store attest.Store
	Blobs blob.Store
	// LedgerKey is the file holding the signing key outside Path, or ""
	// for Path's keys/ledger.key.
	LedgerKey string
	// Now and Witness are Config's.
	Now     func() time.Time
	Witness func(ctx context.Context, signed []byte)
}

// Close closes the installation's database.
func (d *Dir) Close() error { return d.Store.Close() }

// File is the path of one of the data directory's files (DBFile, ...).
func (d *Dir) File(name string) string { return filepath.Join(d.Path, filepath.FromSlash(name)) }

// Open opens the installation cfg names: its database, its blob store and
// its ledger's key, made when the directory has none. A directory that is
// not an Attest one is refused.
func Open(ctx context.Context, cfg Config) (*Dir, error) {
	st, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, attest.Errorf(attest.ENOTFOUND, "no data directory at %s", cfg.Dir)
	}
	if !st.IsDir() {
		return nil, attest.Errorf(attest.EINVALID, "%s is not a directory", cfg.Dir)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, cfg.marker())); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s is not an Attest data directory (no %s)", cfg.Dir, cfg.marker())
	}
	var db attest.Store
	if cfg.DB != "" {
		db, err = openServer(ctx, cfg.DB)
	} else {
		db, err = sqlite.Open(ctx, filepath.Join(cfg.Dir, DBFile))
	}
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: cfg.Dir, Store: db, LedgerKey: cfg.LedgerKey, Now: cfg.Now, Witness: cfg.Witness}
	if cfg.Blobs != "" {
		d.Blobs, err = blob.OpenS3(ctx, cfg.Blobs, d.File("blobs"), cfg.S3PathStyle)
	} else {
		d.Blobs, err = blob.OpenFS(d.File("blobs"))
	}
	if err == nil {
		err = d.ensureKey(cfg.ReadOnly)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// DBError is an error of the database server Config.DB names: its URL
// refused, the server out of reach, a database that is not Attest's. The
// adapter names the setting it read the URL from.
type DBError struct{ Err error }

func (e *DBError) Error() string { return e.Err.Error() }

func (e *DBError) Unwrap() error { return e.Err }

// openServer opens the PostgreSQL database at url; its errors are
// *DBError.
func openServer(ctx context.Context, url string) (attest.Store, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, &DBError{attest.Errorf(attest.EINVALID, "want a postgres:// URL")}
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, &DBError{err}
	}
	return db, nil
}

// hasEntries reports whether dir exists and holds anything: a new
// installation goes into a directory that does not, and one that cannot
// be read fails when it is made.
func hasEntries(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}
