package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/sqlstore"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/sqlite"
	"github.com/spf13/cobra"
)

// place says where an installation lives: a data directory, and optionally
// a PostgreSQL database and an S3 bucket instead of its SQLite file and
// blob folder.
type place struct {
	dir, db, blobs string
	// dbFlag is the flag that named db, so messages name what the user
	// typed: --db, or store copy's --to.
	dbFlag string
	// readOnly opens it for a command that signs nothing.
	readOnly bool
}

func (m *Main) here() place { return place{dir: m.cfg.dataDir, db: m.cfg.db, blobs: m.cfg.blobs} }

func (m *Main) storeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "store", Short: "Move an installation between engines"}
	var from, to, blobs string
	cp := &cobra.Command{
		Use:   "copy --from DATA_DIR --to postgres://... --data TARGET_DIR [--blobs s3://...]",
		Short: "Copy an installation to PostgreSQL (and S3), keeping the ledger byte for byte",
		Long: `Copy everything in the data directory --from (its SQLite database, blobs
and ledger key) to an empty PostgreSQL database (--to) and a new data
directory (--data) for the key, with the evidence bytes in --blobs or in the
new directory. The ledger is copied byte for byte, so its root hash is the
same on both sides; the copy is verified before this command succeeds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return attest.Errorf(attest.EINVALID, "say what to copy: --from DATA_DIR")
			}
			return m.copyAndReport(cmd.Context(), place{dir: from}, place{dir: m.cfg.dataDir, db: to, blobs: blobs, dbFlag: "--to"})
		},
	}
	cp.Flags().StringVar(&from, "from", "", "the data directory to copy (SQLite)")
	cp.Flags().StringVar(&to, "to", "", "the PostgreSQL database to copy into (postgres://...); empty for a SQLite data directory")
	cp.Flags().StringVar(&blobs, "blobs", "", "an S3 bucket for the evidence bytes (s3://bucket/prefix); empty for the new data directory")
	cmd.AddCommand(cp)
	return cmd
}

func (m *Main) backupCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "backup --out DIR",
		Short: "Back up the installation (either engine) into a new self-contained data directory",
		Long: `Write a consistent copy of the installation, whichever engine it runs on,
into a new data directory: a SQLite database (a logical export of every
table, the ledger byte for byte), the evidence bytes and the ledger key. The
backup is verified before this command succeeds, and is itself a working
data directory: ` + "`attest verify --data DIR`" + ` and ` + "`attest restore`" + ` read it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return attest.Errorf(attest.EINVALID, "say where to write the backup: --out DIR (a new folder)")
			}
			return m.copyAndReport(cmd.Context(), m.here(), place{dir: out})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "a new folder for the backup")
	return cmd
}

func (m *Main) restoreCommand() *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "restore --from BACKUP_DIR [--data DIR] [--db postgres://...] [--blobs s3://...]",
		Short: "Restore a backup into a new data directory, or into an empty PostgreSQL database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return attest.Errorf(attest.EINVALID, "say which backup to restore: --from BACKUP_DIR")
			}
			return m.copyAndReport(cmd.Context(), place{dir: from}, m.here())
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the backup (a data directory written by attest backup)")
	return cmd
}

func (m *Main) copyAndReport(ctx context.Context, src, dst place) error {
	rep, root, err := m.copyInstallation(ctx, src, dst)
	if err != nil {
		return err
	}
	return m.answer(map[string]any{"entries": rep.Entries, "blobs": rep.Blobs, "root": root, "verified": rep.OK}, "Copied %d ledger entries and %d evidence blobs into %s; root hash %s on both sides; verified.\n", rep.Entries, rep.Blobs, describePlace(dst), root)
}

func describePlace(p place) string {
	s := p.dir
	if p.db != "" {
		s += " with its database on PostgreSQL"
	}
	if p.blobs != "" {
		s += " and evidence in " + p.blobs
	}
	return s
}

func inner(s attest.Store) *sqlstore.Store {
	switch db := s.(type) {
	case *sqlite.DB:
		return db.Store
	case *postgres.DB:
		return db.Store
	}
	return nil
}

// copyInstallation copies src into a new installation at dst: the key
// first (so the copied checkpoints verify), then every table in one
// transaction, then the blobs, then a verification of the whole.
func (m *Main) copyInstallation(ctx context.Context, src, dst place) (rep *integrity.Report, root string, err error) {
	s, err := m.openPlace(ctx, src)
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	if entries, err := os.ReadDir(dst.dir); err == nil && len(entries) > 0 {
		return nil, "", attest.Errorf(attest.EINVALID, "%s is not empty: the copy needs a new data directory", dst.dir)
	}
	if err := os.MkdirAll(filepath.Join(dst.dir, "keys"), 0o700); err != nil {
		return nil, "", attest.Errorf(attest.EINVALID, "create %s: %v", dst.dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dst.dir) // a failed copy leaves no half-made installation
		}
	}()
	for _, f := range []string{datadir.PrivateKeyFile, datadir.PublicKeyFile} {
		if f == datadir.PrivateKeyFile && s.installation().KeyOutside() {
			continue // the key lives outside both (--ledger-key)
		}
		if err := copyFile(s.path(f), filepath.Join(dst.dir, filepath.FromSlash(f)), 0o600); err != nil {
			return nil, "", err
		}
	}
	if dst.db == "" {
		db, err := sqlite.Create(ctx, filepath.Join(dst.dir, datadir.DBFile))
		if err != nil {
			return nil, "", err
		}
		db.Close()
	}
	d, err := m.openPlace(ctx, dst)
	if err != nil {
		return nil, "", err
	}
	defer d.Close()
	m.progress("Copying the database")
	if err := inner(s.db).CopyTo(ctx, inner(d.db), func(table string, n int) { m.progress("  %s: %d rows", table, n) }); err != nil {
		return nil, "", err
	}
	bar := m.progressBar("copying evidence blobs")
	err = blob.Copy(s.blobs, d.blobs, bar.count)
	bar.done()
	if err != nil {
		return nil, "", err
	}
	signed, pub, cp, err := d.signedNow(ctx)
	if err != nil {
		return nil, "", err
	}
	rep, err = integrity.Check(ctx, integrity.Input{Store: d.db, Blobs: d.blobs, PublicKey: pub, Checkpoints: [][]byte{signed}})
	if err != nil {
		return nil, "", err
	}
	if !rep.OK {
		return rep, "", attest.Errorf(attest.EINTERNAL, "the copy does not verify: %d problems, the first: %s", len(rep.Problems), rep.Problems[0].Detail)
	}
	return rep, cp.Root.String(), nil
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
