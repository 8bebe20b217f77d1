package datadir

import (
	"context"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/sqlstore"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/sqlite"
)

// Progress reports a copy's work as it goes; a nil field reports nothing.
type Progress struct {
	// Database is called before the tables are copied, Table after each.
	Database func()
	Table    func(table string, rows int)
	// Blobs counts the blobs copied; BlobsDone is called when their copy
	// is over, before the copy is verified.
	Blobs     func(done, total int)
	BlobsDone func()
}

// Copy copies the installation src into a new one at dst, whose directory
// must not exist, or be empty: the key first (so the copied checkpoints
// verify; a key kept outside stays where it is), then every table in one
// transaction, then the blobs, then a checkpoint and a verification of the
// whole, whose report it returns with the ledger's root hash. A copy that
// fails leaves no directory at dst.
func Copy(ctx context.Context, src, dst Config, p Progress) (rep *integrity.Report, root string, err error) {
	s, err := Open(ctx, src)
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	if hasEntries(dst.Dir) {
		return nil, "", attest.Errorf(attest.EINVALID, "%s is not empty: the copy needs a new data directory", dst.Dir)
	}
	if err := os.MkdirAll(filepath.Join(dst.Dir, "keys"), 0o700); err != nil {
		return nil, "", attest.Errorf(attest.EINVALID, "create %s: %v", dst.Dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dst.Dir) // a failed copy leaves no half-made installation
		}
	}()
	d, err := create(ctx, s, dst)
	if err != nil {
		return nil, "", err
	}
	defer d.Close()
	if err := copyData(ctx, s, d, p); err != nil {
		return nil, "", err
	}
	signed, pub, cp, err := d.SignedNow(ctx)
	if err != nil {
		return nil, "", err
	}
	rep, err = integrity.Check(ctx, integrity.Input{Store: d.Store, Blobs: d.Blobs, PublicKey: pub, Checkpoints: [][]byte{signed}})
	if err != nil {
		return nil, "", err
	}
	if !rep.OK {
		return rep, "", attest.Errorf(attest.EINTERNAL, "the copy does not verify: %d problems, the first: %s", len(rep.Problems), rep.Problems[0].Detail)
	}
	return rep, cp.Root.String(), nil
}

// create makes the copy's installation at dst with s's key and an empty
// database, and opens it.
func create(ctx context.Context, s *Dir, dst Config) (*Dir, error) {
	for _, f := range []string{PrivateKeyFile, PublicKeyFile} {
		if f == PrivateKeyFile && s.KeyOutside() {
			continue // the key lives outside both
		}
		if err := copyFile(s.File(f), filepath.Join(dst.Dir, filepath.FromSlash(f)), 0o600); err != nil {
			return nil, err
		}
	}
	if dst.DB == "" {
		db, err := sqlite.Create(ctx, filepath.Join(dst.Dir, DBFile))
		if err != nil {
			return nil, err
		}
		db.Close()
	}
	return Open(ctx, dst)
}

// copyData copies every table of s into d in one transaction, then every
// blob.
func copyData(ctx context.Context, s, d *Dir, p Progress) error {
	if p.Database != nil {
		p.Database()
	}
	table := func(string, int) {}
	if p.Table != nil {
		table = p.Table
	}
	if err := inner(s.Store).CopyTo(ctx, inner(d.Store), table); err != nil {
		return err
	}
	err := blob.Copy(s.Blobs, d.Blobs, p.Blobs)
	if p.BlobsDone != nil {
		p.BlobsDone()
	}
	return err
}

// inner is the SQL store under either engine, which copies itself table
// by table.
func inner(s attest.Store) *sqlstore.Store {
	switch db := s.(type) {
	case *sqlite.DB:
		return db.Store
	case *postgres.DB:
		return db.Store
	}
	return nil
}

// copyFile copies from into a new file to of mode, synced; a copy not
// written whole is removed.
func copyFile(from, to string, mode os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return atomicfile.WriteNew(to, b, mode)
}
