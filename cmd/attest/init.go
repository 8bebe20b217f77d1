package main

import (
	"context"
	"path/filepath"

	"github.com/attest-dev/attest/datadir"
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

// initDataDir creates dir with a fresh database (datadir.Init). It returns
// false when dir is already an Attest data directory.
func (m *Main) initDataDir(ctx context.Context, dir string) (bool, error) {
	p := m.here()
	p.dir = dir
	created, err := datadir.Init(ctx, m.dataConfig(p))
	return created, m.dataHints(err, p)
}
