package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
	"github.com/spf13/cobra"
)

func (m *Main) evidenceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Add, list, show, export and retract evidence",
		Long: `Evidence is stored by content (SHA-256) and recorded in the tamper-evident
ledger with the controls it supports, the date it evidences (or the span it
covers), who added it, when and how. It is never overwritten or deleted
silently: a retraction is recorded with its reason and the bytes stay.`,
	}
	cmd.AddCommand(m.evidenceAdd(), m.evidenceList(), m.evidenceShow(), m.evidenceExport(), m.evidenceRetract(), m.evidencePurge())
	return cmd
}

func (m *Main) evidenceList() *cobra.Command {
	var control string
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List evidence",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) ([]attest.Evidence, error) {
			return evidence.List(ctx, d.db, auth.Everything, strings.ToUpper(control), all)
		}, func(list []attest.Evidence) error {
			if err := rows(m.Stdout, "ID\tCOVERS\tPERFORMED\tCONTROLS\tSIZE\tNAME\tADDED BY\tNOTE", list, func(e attest.Evidence) []any {
				note := e.Note
				if e.Retraction != nil {
					note = "RETRACTED: " + e.Retraction.Reason
				}
				return []any{e.ID, e.Covered(), dashStr(e.PerformedOn), shortList(e.Controls, 3), humanBytes(e.Size), e.Name, e.AddedBy, note}
			}); err != nil {
				return err
			}
			m.printf("%d evidence items.\n", len(list))
			return nil
		}),
	}
	cmd.Flags().StringVar(&control, "control", "", "only evidence for this control")
	cmd.Flags().BoolVar(&all, "all", false, "include retracted evidence")
	return cmd
}

func parseID(s string) (int64, error) {
	return parseNumber("evidence", strings.TrimPrefix(strings.ToUpper(s), "EV-"))
}

// parseNumber reads a record's positive numeric ID, naming what it is for
// in the error.
func parseNumber(what, s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, attest.Errorf(attest.EINVALID, "%s id %q: want a positive number", what, s)
	}
	return id, nil
}

func (m *Main) evidenceShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one evidence item and check its bytes",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(parseID, func(id int64) runner {
			return reads(m, func(ctx context.Context, d *data, _ []string) (evidenceShown, error) {
				e, err := evidence.Get(ctx, d.db, auth.Everything, id)
				if err != nil {
					return evidenceShown{}, err
				}
				var verr error
				if e.PurgedAt == "" {
					_, verr = d.blobs.Verify(blob.Ref(e.Ref))
				}
				return evidenceShown{e, verr == nil, verr}, nil
			}, m.printEvidence)
		}),
	}
}

// evidenceShown is what evidence show prints (JSON keys in alphabetical
// order, as they have always been printed): the record, and whether its
// bytes are intact (verr says why not).
type evidenceShown struct {
	Evidence *attest.Evidence `json:"evidence"`
	Intact   bool             `json:"intact"`
	verr     error
}

// printEvidence shows one evidence item; bytes that are not intact fail
// the command.
func (m *Main) printEvidence(v evidenceShown) error {
	e, intact, verr := v.Evidence, v.Intact, v.verr
	w := m.table()
	fmt.Fprintf(w, "Evidence\t%d\nName\t%s\nControls\t%s\nCovers\t%s\nPerformed\t%s\n", e.ID, e.Name, strings.Join(e.Controls, ", "),
		strings.Replace(e.Covered(), "..", " to ", 1), performedText(*e))
	fmt.Fprintf(w, "Size\t%s (%d bytes)\nType\t%s\nSHA-256\t%s\nAdded\t%s by %s (%s)\nSource\t%s\nNote\t%s\nLedger entry\t%d\n",
		humanBytes(e.Size), e.Size, e.MediaType, e.Ref, e.AddedAt, e.AddedBy, e.Method, dashStr(e.Source), dashStr(e.Note), e.Entry)
	if e.Retraction != nil {
		fmt.Fprintf(w, "Retracted\t%s by %s: %s (entry %d)\n", e.Retraction.At, e.Retraction.By, e.Retraction.Reason, e.Retraction.Entry)
	}
	if e.PurgedAt != "" {
		fmt.Fprintf(w, "Bytes\tpurged on %s under the retention rule\n", e.PurgedAt)
	} else if intact {
		fmt.Fprintf(w, "Bytes\tintact (re-hashed now)\n")
	} else {
		fmt.Fprintf(w, "Bytes\tNOT INTACT: %s\n", attest.ErrorMessage(verr))
	}
	w.Flush()
	if !intact {
		return failure{exitFailed}
	}
	return nil
}

func (m *Main) evidenceExport() *cobra.Command {
	var out, control string
	cmd := &cobra.Command{
		Use:   "export --out DIR [--control ID]",
		Short: "Copy evidence out for an auditor, with a manifest, a signed checkpoint and a proof per item",
		Long: `Copy every evidence item (or one control's) into a new folder, re-hashing
each file as it is copied, with manifest.json (the records), checkpoint (the
ledger's signed tree head), ledger.pub (its public key) and proofs/ID.json,
so the recipient can check each item with ` + "`attest ledger verify-proof`" + `
and the SHA-256 of each file with any tool.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return attest.Errorf(attest.EINVALID, "say where to export: --out DIR (a new folder)")
			}
			if err := outputDir("--out", out, true); err != nil {
				return err
			}
			// The export signs a checkpoint of its own to prove its items in.
			return reads(m, func(ctx context.Context, d *data, _ []string) (exported, error) {
				items, err := evidence.Export(ctx, d.db, d.blobs, nil, out, strings.ToUpper(control), func(ctx context.Context) (evidence.Signed, error) {
					signed, pub, cp, err := d.signedNow(ctx)
					return evidence.Signed{Note: signed, Key: pub, Size: cp.Size}, err
				})
				return exported{items, out}, err
			}, func(v exported) error {
				m.printf("Exported %d evidence items to %s with manifest.json, checkpoint, ledger.pub and a proof per item.\n", len(v.Items), v.Out)
				return nil
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "a new folder to write to")
	cmd.Flags().StringVar(&control, "control", "", "only evidence for this control")
	return cmd
}

// exported is what evidence export answers (JSON keys in alphabetical
// order, as they have always been printed).
type exported struct {
	Items []evidence.ManifestItem `json:"items"`
	Out   string                  `json:"out"`
}
