package main

import (
	"context"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/datadir"
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

// copyAndReport copies src into a new installation at dst (datadir.Copy),
// showing its progress on a terminal, and says what it copied.
func (m *Main) copyAndReport(ctx context.Context, src, dst place) error {
	bar := m.progressBar("copying evidence blobs")
	rep, root, err := datadir.Copy(ctx, m.dataConfig(src), m.dataConfig(dst), datadir.Progress{
		Database:  func() { m.progress("Copying the database") },
		Table:     func(table string, n int) { m.progress("  %s: %d rows", table, n) },
		Blobs:     bar.count,
		BlobsDone: bar.done,
	})
	if err != nil {
		// Only one side of a copy is on a database server: the flag that
		// named it names it in errors.
		if dst.db != "" {
			src.dbFlag = dst.dbFlag
		}
		return m.dataHints(err, src)
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
