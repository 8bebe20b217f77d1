package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/ledger"
	"github.com/spf13/cobra"
)

func (m *Main) ledgerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Signed checkpoints and proofs of the tamper-evident ledger",
		Long: `Every change that matters is an entry in an append-only ledger whose
entries are leaves of a Merkle tree. A checkpoint is the tree's size and root
hash, signed with the data directory's key (keys/ledger.pub is the public
half, or --ledger-key FILE keeps the key outside the directory). An auditor
who saves a checkpoint can later prove that nothing before it was changed
or removed, and that a given entry is in the ledger, on their own machine
with verify-proof. Witnesses keep every checkpoint outside the data
directory, so that verify can tell a rolled-back directory.`,
	}
	cmd.AddCommand(m.ledgerCheckpoint(), m.ledgerProve(), m.ledgerVerifyProof(), m.ledgerKey(), m.ledgerWitness())
	return cmd
}

func (m *Main) ledgerCheckpoint() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign and print the ledger's tree head now",
		Args:  cobra.NoArgs,
		// The checkpoint is the command's own act: reads, signing no
		// second one after it.
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) (map[string]any, error) {
			signed, _, cp, err := d.signedNow(ctx)
			if err != nil {
				return nil, err
			}
			if err := outputFolder("--out", out); err != nil {
				return nil, err
			}
			res := map[string]any{"origin": cp.Origin, "size": cp.Size, "root": cp.Root.String(), "note": string(signed)}
			if out != "" {
				if err := atomicfile.Write(out, signed); err != nil {
					return nil, attest.Errorf(attest.EINVALID, "--out %s: %v", out, fileerr.Reason(err))
				}
				res["out"] = out
			}
			return res, nil
		}, func(res map[string]any) error {
			if out != "" {
				m.printf("Wrote the signed checkpoint of %d entries to %s: keep it outside the data directory; attest verify --checkpoint %s later shows that nothing it covers changed.\n", res["size"], out, out)
				return nil
			}
			m.printf("%s", res["note"])
			return nil
		}),
	}
	cmd.Flags().StringVar(&out, "out", "", "also write the signed checkpoint to this file")
	return cmd
}

func (m *Main) ledgerKey() *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Print the public key that verifies this ledger's checkpoints",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.withLedger(cmd.Context(), func(_ *data, pub string) error {
				return m.answer(map[string]string{"key": pub}, "%s\n", pub)
			})
		},
	}
}

func (m *Main) ledgerProve() *cobra.Command {
	var entry int64
	var oldFile, out string
	cmd := &cobra.Command{
		Use:   "prove --entry N [--checkpoint FILE]",
		Short: "Prove that entry N is in the ledger, and that an older checkpoint is consistent with now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if !cmd.Flags().Changed("entry") {
				return attest.Errorf(attest.EINVALID, "say which entry to prove: --entry N")
			}
			return m.withData(ctx, func(d *data) error {
				pub, err := d.publicKey()
				if err != nil {
					return err
				}
				var oldSize int64
				if oldFile != "" {
					b, err := os.ReadFile(oldFile)
					if err != nil {
						return attest.Errorf(attest.EINVALID, "read checkpoint: %v", err)
					}
					old, err := ledger.Open(b, pub)
					if err != nil {
						return fmt.Errorf("%s: %w", oldFile, err)
					}
					oldSize = old.Size
				}
				signed, err := d.checkpoint(ctx)
				if err != nil {
					return err
				}
				if strings.TrimSpace(pub) == "" {
					return attest.Errorf(attest.EINVALID, "the ledger's public key is empty: the checkpoint cannot be checked")
				}
				p, cp, err := ledger.ProveEntry(ctx, d.db, signed, pub, entry, oldSize, nil, "")
				if err != nil {
					return err
				}
				if out != "" {
					b, _ := jsonIndent(p)
					if err := atomicfile.Write(out, b); err != nil {
						return err
					}
					if !m.cfg.json {
						m.printf("Wrote the proof of entry %d in the ledger of %d entries to %s.\nCheck it anywhere with: attest ledger verify-proof --key '%s' --checkpoint CHECKPOINT --proof %s\n", entry, cp.Size, out, pub, out)
						return nil
					}
				}
				return m.printJSON(p)
			})
		},
	}
	cmd.Flags().Int64Var(&entry, "entry", -1, "the ledger entry to prove (0-based)")
	cmd.Flags().StringVar(&oldFile, "checkpoint", "", "a checkpoint saved earlier: add a consistency proof from it to now")
	cmd.Flags().StringVar(&out, "out", "", "write the proof to this file")
	return cmd
}

func (m *Main) ledgerVerifyProof() *cobra.Command {
	var key, cpFile, proofFile string
	cmd := &cobra.Command{
		Use:   "verify-proof --key PUBKEY --checkpoint FILE --proof FILE",
		Short: "Check a proof without the data directory (for auditors)",
		Long: `Check a proof written by ` + "`attest ledger prove`" + ` on any machine, without
the data directory: the proof's checkpoint must be signed by --key (the
public key string, or a file holding it), the entry must be in its tree, and
the checkpoint you saved earlier (--checkpoint) must be consistent with it:
nothing before it changed, was removed or was reordered. Exit 0 when the
proof holds, 1 when it does not, 2 for unreadable input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if key == "" || cpFile == "" || proofFile == "" {
				return attest.Errorf(attest.EINVALID, "verify-proof needs --key, --checkpoint and --proof")
			}
			if b, err := os.ReadFile(key); err == nil {
				key = strings.TrimSpace(string(b))
			}
			trusted, err := os.ReadFile(cpFile)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "read checkpoint: %v", err)
			}
			pb, err := os.ReadFile(proofFile)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "read proof: %v", err)
			}
			p, err := ledger.ParseProof(pb)
			if err != nil {
				return fmt.Errorf("%s: %w", proofFile, err)
			}
			if _, err := ledger.Open(trusted, key); err != nil {
				return fmt.Errorf("%s: %w", cpFile, err)
			}
			res, err := ledger.Verify(p, key, trusted)
			if err != nil {
				if m.cfg.json {
					m.printJSON(map[string]any{"ok": false, "error": attest.ErrorMessage(err)})
				}
				fmt.Fprintln(m.Stderr, "attest: proof FAILED: "+attest.ErrorMessage(err))
				return failure{exitFailed}
			}
			if m.cfg.json {
				return m.printJSON(map[string]any{"ok": true, "entry": res.Entry, "size": res.Size, "root": res.Root, "checkpoint_size": res.OldSize, "checkpoint_root": res.OldRoot})
			}
			m.printf("OK: entry %d (%s by %s at %s) is in the ledger of %d entries", res.Entry.Seq, res.Entry.Type, res.Entry.Actor, res.Entry.Time, res.Size)
			if res.OldSize > 0 && res.OldSize < res.Size {
				m.printf(", and the %d entries of your checkpoint are unchanged in it", res.OldSize)
			}
			m.printf(".\n")
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "the ledger's public key, or a file holding it (attest ledger key)")
	cmd.Flags().StringVar(&cpFile, "checkpoint", "", "a signed checkpoint you saved earlier")
	cmd.Flags().StringVar(&proofFile, "proof", "", "the proof file from `attest ledger prove`")
	return cmd
}
