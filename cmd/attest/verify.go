package main

import (
	"fmt"
	"os"

	"github.com/attest-dev/attest/integrity"
	"github.com/spf13/cobra"
)

func (m *Main) verifyCommand() *cobra.Command {
	var checkpoints []string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that no evidence or ledger entry was changed, removed, reordered or truncated",
		Long: `Re-hash every evidence blob, rebuild the ledger's Merkle tree from its
entries, check it against the stored hashes and every signed checkpoint
(those in the database, the data directory's checkpoint file, and any given
with --checkpoint), and replay the ledger to check that the database holds
what it recorded. Exit 0 when everything holds, 1 with a precise report when
anything differs.

This proves integrity since each record was added. Whether evidence is
authentic and complete remains the auditor's judgment.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			pub, err := d.publicKey()
			if err != nil {
				return err
			}
			in := integrity.Input{Store: d.db, Blobs: d.blobs, PublicKey: pub}
			if b, err := os.ReadFile(d.path(checkpointFile)); err == nil {
				in.Checkpoints = append(in.Checkpoints, b)
			}
			for _, f := range checkpoints {
				b, err := os.ReadFile(f)
				if err != nil {
					return fmt.Errorf("read checkpoint: %w", err)
				}
				in.Checkpoints = append(in.Checkpoints, b)
			}
			p := m.progressBar("verifying blobs")
			in.Progress = p.update
			rep, err := integrity.Check(ctx, in)
			p.done()
			if err != nil {
				return err
			}
			if m.cfg.json {
				if err := m.printJSON(rep); err != nil {
					return err
				}
			} else if rep.OK {
				m.printf("OK: %d ledger entries and %d blobs (%s) verified; the tree matches every signed checkpoint.\n", rep.Entries, rep.Blobs, humanBytes(rep.Bytes))
			} else {
				m.printf("FAILED: %d problems in %d ledger entries and %d blobs:\n", len(rep.Problems), rep.Entries, rep.Blobs)
				for _, pr := range rep.Problems {
					where := ""
					if pr.Entry >= 0 {
						where = fmt.Sprintf(" [entry %d]", pr.Entry)
					}
					if pr.Ref != "" {
						where += " [" + pr.Ref + "]"
					}
					m.printf("  %s%s: %s\n", pr.Kind, where, pr.Detail)
				}
			}
			if !rep.OK {
				return failure{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&checkpoints, "checkpoint", nil, "also check against this saved signed checkpoint (repeatable)")
	return cmd
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
