package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/sqlite"
	"github.com/spf13/cobra"
)

func (m *Main) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create a data directory (embedded SQLite database)",
		Long: `Create a data directory holding Attest's embedded database. The directory
must not exist, or be empty. Running init on an existing Attest data
directory changes nothing.

With --ledger-key FILE (or ATTEST_LEDGER_KEY), the ledger's signing key is
kept in FILE, outside the data directory, and made there when FILE does not
exist; the directory keeps only the public key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			created, err := m.initDataDir(cmd.Context(), m.cfg.dataDir)
			if err != nil {
				return err
			}
			abs, _ := filepath.Abs(m.cfg.dataDir)
			if m.cfg.json {
				return m.printJSON(map[string]any{"data": abs, "created": created})
			}
			if !created {
				m.printf("%s is already an Attest data directory; nothing changed.\n", abs)
				return nil
			}
			m.printf("Created the Attest data directory %s.\nNext: `attest scope` to find out which report you need.\n", abs)
			return nil
		},
	}
}

// initDataDir creates dir with a fresh database. It returns false when dir
// is already an Attest data directory.
func (m *Main) initDataDir(ctx context.Context, dir string) (bool, error) {
	marker := filepath.Join(dir, dbName)
	if m.cfg.db != "" {
		marker = filepath.Join(dir, m.keyMarker())
	}
	if _, err := os.Stat(marker); err == nil {
		d, err := m.open(ctx)
		if err != nil {
			return false, err
		}
		return false, d.Close()
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return false, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s is not empty and is not an Attest data directory", dir), Hint: "choose another --data directory"}
	}
	if m.cfg.ledgerKey != "" {
		if err := m.createLedgerKey(); err != nil {
			return false, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, attest.Errorf(attest.EINVALID, "create %s: %v", dir, err)
	}
	if m.cfg.db == "" {
		s, err := sqlite.Create(ctx, marker)
		if err != nil {
			return false, err
		}
		if err := s.Close(); err != nil {
			return false, err
		}
	} else {
		// The server's schema is made (or brought up to date) by opening
		// it; the directory gets the key and the blobs.
		s, err := m.openServer(ctx)
		if err != nil {
			os.Remove(dir)
			return false, err
		}
		s.Close()
		if err := os.MkdirAll(filepath.Join(dir, "keys"), 0o700); err != nil {
			return false, err
		}
		tmp := &data{dir: dir, m: m}
		if err := tmp.ensureKeys(); err != nil {
			return false, err
		}
	}
	// Opening makes the blob store and the ledger's signing key; the first
	// checkpoint signs the ledger as it stands.
	d, err := m.open(ctx)
	if err != nil {
		return false, err
	}
	defer d.Close()
	_, err = d.checkpoint(ctx)
	return true, err
}
