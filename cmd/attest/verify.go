package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/internal/units"
	"github.com/attest-dev/attest/workpapers"
	"github.com/spf13/cobra"
)

func (m *Main) verifyCommand() *cobra.Command {
	var checkpoints []string
	var export, key string
	cmd := &cobra.Command{
		Use:   "verify [--checkpoint FILE]... | verify --export FILE.zip [--key KEY]",
		Short: "Check that no evidence or ledger entry was changed, removed, reordered, truncated or rolled back",
		Long: `Re-hash every evidence blob, rebuild the ledger's Merkle tree from its
entries, check it against the stored hashes and every signed checkpoint
(those in the database and the data directory's checkpoint file), and
replay the ledger to check that the database holds what it recorded. Then
compare it with what was kept outside the data directory: every witness
(attest ledger witness) and every checkpoint file given with --checkpoint.
A ledger that is an earlier state of a tree a witness saw was rolled back
(an older copy of the data directory); one whose history disagrees with a
witness's is forked; "truncated" is left for entries missing while the data
directory's own checkpoints still cover them. Exit 0 when everything holds,
1 with a precise report when anything differs.

With --export, check an auditor's working-papers export (downloaded from
attest serve) offline, without the data directory: the MANIFEST's signature
against the ledger's public key (--key: the key string or a file holding it;
without it the export's own key is used, which shows only that the export is
consistent with itself), every file against the manifest, every inclusion
proof against the signed checkpoint, and every recorded object against its
ledger entry.

This proves integrity since each record was added. Whether evidence is
authentic and complete remains the auditor's judgment.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if export != "" {
				return m.verifyExport(export, key)
			}
			if key != "" {
				return attest.Errorf(attest.EINVALID, "--key goes with --export FILE.zip")
			}
			return m.withLedger(ctx, func(d *data, pub string) error {
				in := integrity.Input{Store: d.db, Blobs: d.blobs, PublicKey: pub}
				if b, err := os.ReadFile(d.path(datadir.CheckpointFile)); err == nil {
					in.Checkpoints = append(in.Checkpoints, b)
				}
				var err error
				if in.Witnesses, in.WitnessedKey, err = m.verifyWitnesses(ctx, d, checkpoints); err != nil {
					return err
				}
				p := m.progressBar("verifying blobs")
				in.Progress = p.update
				in.Now = m.Now()
				rep, err := integrity.Check(ctx, in)
				p.done()
				if err != nil {
					return err
				}
				_, unresolved, err := auth.LinkNames(ctx, d.db, m.change(), nil, true)
				if err != nil {
					return err
				}
				if err := m.printVerify(rep, unresolved); err != nil {
					return err
				}
				if !rep.OK {
					return failure{exitFailed}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVar(&checkpoints, "checkpoint", nil, "also compare with the signed checkpoints saved in this file, as with a witness (repeatable)")
	cmd.Flags().StringVar(&export, "export", "", "check a working-papers export (ZIP) offline instead of the data directory")
	cmd.Flags().StringVar(&key, "key", "", "with --export: the ledger's public key, or a file holding it (attest ledger key)")
	return cmd
}

// printVerify prints the verify report, and the names in the data not yet
// linked to an account as warnings.
func (m *Main) printVerify(rep *integrity.Report, unresolved []auth.Unresolved) error {
	if m.cfg.json {
		if unresolved == nil {
			unresolved = []auth.Unresolved{}
		}
		if err := m.printJSON(struct {
			*integrity.Report
			Unresolved []auth.Unresolved `json:"unresolved_names"`
		}{rep, unresolved}); err != nil {
			return err
		}
	} else if rep.OK {
		m.printf("OK: %d ledger entries and %d blobs (%s) verified; the tree matches every signed checkpoint.\n", rep.Entries, rep.Blobs, humanBytes(rep.Bytes))
		m.reportWitnesses(rep)
		m.printWarnings(rep)
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
		m.reportWitnesses(rep)
		m.printWarnings(rep)
	}
	if !m.cfg.json {
		for _, u := range unresolved {
			m.printf("warning: %s is not linked to an account (attest user unresolved)\n", unresolvedWords(u))
		}
	}
	return nil
}

// verifyExport checks a working-papers export offline.
func (m *Main) verifyExport(file, key string) error {
	if b, err := os.ReadFile(key); key != "" && err == nil {
		key = strings.TrimSpace(string(b))
	}
	f, err := os.Open(file)
	if err != nil {
		return attest.Errorf(attest.EINVALID, "--export: %v", fileerr.Reason(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return attest.Errorf(attest.EINVALID, "--export: %v", err)
	}
	res, err := workpapers.Verify(f, st.Size(), key)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if m.cfg.json {
		if err := m.printJSON(res); err != nil {
			return err
		}
	} else if res.OK {
		m.printf("OK: the working papers of %s (%d files) are as signed; %d records match their ledger entries, each proven in the ledger of %d entries (root %s).\n",
			res.Engagement, res.Files, res.Records, res.Size, res.Root)
	} else {
		m.printf("FAILED: %d problems in the export of %s:\n", len(res.Problems), dashStr(res.Engagement))
		for _, p := range res.Problems {
			m.printf("  %s\n", p)
		}
	}
	if res.KeyInside {
		m.warn("no --key given: the export was checked against its own key, which shows it is consistent, not who signed it; compare " + res.Key + " with the organization's `attest ledger key`")
	}
	if !res.OK {
		return failure{exitFailed}
	}
	return nil
}

// humanBytes is a size as people read it.
var humanBytes = units.Bytes
