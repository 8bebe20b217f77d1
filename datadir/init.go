package datadir

import (
	"context"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/sqlite"
)

// Init makes a new installation where cfg says: the data directory (which
// must not exist, or be empty), its database (a new SQLite file, or the
// server's schema made or brought up to date), its ledger's key (in the
// directory, or in the key file outside when there is none there yet),
// and a first checkpoint that signs the ledger as it stands. It returns
// false, changing nothing, when cfg.Dir is already an Attest data
// directory that opens.
func Init(ctx context.Context, cfg Config) (created bool, err error) {
	if _, err := os.Stat(filepath.Join(cfg.Dir, cfg.marker())); err == nil {
		d, err := Open(ctx, cfg)
		if err != nil {
			return false, err
		}
		return false, d.Close()
	}
	if hasEntries(cfg.Dir) {
		return false, attest.Errorf(attest.EINVALID, "%s is not empty and is not an Attest data directory", cfg.Dir)
	}
	if cfg.LedgerKey != "" {
		if err := createKey(cfg.LedgerKey); err != nil {
			return false, err
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return false, attest.Errorf(attest.EINVALID, "create %s: %v", cfg.Dir, err)
	}
	if err := initStore(ctx, cfg); err != nil {
		return false, err
	}
	// Opening makes the blob store and the ledger's signing key; the first
	// checkpoint signs the ledger as it stands.
	d, err := Open(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer d.Close()
	_, err = d.Checkpoint(ctx)
	return true, err
}

// initStore makes the new directory's database, or with a database server
// its schema (made or brought up to date by opening it) and the
// directory's key, which marks it as an Attest one.
func initStore(ctx context.Context, cfg Config) error {
	if cfg.DB == "" {
		s, err := sqlite.Create(ctx, filepath.Join(cfg.Dir, DBFile))
		if err != nil {
			return err
		}
		return s.Close()
	}
	s, err := openServer(ctx, cfg.DB)
	if err != nil {
		os.Remove(cfg.Dir)
		return err
	}
	s.Close()
	d := &Dir{Path: cfg.Dir, LedgerKey: cfg.LedgerKey}
	return d.ensureKey(cfg.ReadOnly)
}
