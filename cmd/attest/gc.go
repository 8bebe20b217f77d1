package main

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/gc"
	"github.com/attest-dev/attest/integrity"
	"github.com/spf13/cobra"
)

func (m *Main) gcCommand() *cobra.Command {
	var del bool
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "gc [--delete] [--grace DURATION]",
		Short: "List, and with --delete remove, blobs no record refers to and staged files left by interrupted writes",
		Long: `A write that is interrupted (a killed process, a lost connection) never
leaves a record without its bytes, but it may leave bytes without a record:
blobs stored before the records were written, and staged files in
blobs/tmp. gc lists them; with --delete it removes them.

An orphan is a blob that no record refers to (evidence, retracted evidence
included; populations; description inputs, drafts, issued reports and trust
center documents) and that is older than the grace period (--grace, default
24h). A stale staged file is one untouched for an hour, or for the grace
period when that is shorter. The grace period protects writes running at
the same time, which store their bytes before they record them: use a short
one (0s included) only when nothing else writes.

Nothing recorded changes, so the ledger does not either. attest verify
reports the same leftovers as warnings.`,
		Example: `  attest gc                 # what would be removed
  attest gc --delete
  attest gc --delete --grace 0s --json`,
		Args: cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) (*gc.Result, error) {
			bs, ok := d.blobs.(gc.Blobs)
			if !ok {
				return nil, attest.Errorf(attest.EINVALID, "this blob store cannot list its blobs")
			}
			res, err := gc.Collect(ctx, d.db, bs, gc.Options{Now: m.Now(), Grace: grace, Delete: del})
			return res, flagged(err, "grace", "--grace")
		}, func(res *gc.Result) error {
			m.printGC(res, grace)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&del, "delete", false, "remove what is found (without it, a dry run)")
	cmd.Flags().DurationVar(&grace, "grace", gc.DefaultGrace, "leave unreferenced blobs younger than this alone, e.g. 24h, 90m, 0s")
	return cmd
}

func (m *Main) printGC(res *gc.Result, grace time.Duration) {
	done := ""
	if res.Deleted {
		done = ", removed"
	}
	m.printf("Orphan blobs (no record refers to them, older than %s): %d, %s%s\n", gc.Words(grace), res.Orphans.Count, humanBytes(res.Orphans.Bytes), done)
	m.printf("Stale staged files (untouched for over %s): %d, %s%s\n", gc.Words(gc.StagedAge(grace)), res.Staged.Count, humanBytes(res.Staged.Bytes), done)
	m.printf("Blobs listed: %d; referenced by records: %d; unreferenced but younger than the grace period, kept: %d\n", res.Stored, res.Referenced, res.Young)
	if !res.Deleted && res.Orphans.Count+res.Staged.Count > 0 {
		m.printf("Dry run: nothing was removed; `attest gc --delete` removes them.\n")
	}
}

// printWarnings prints verify's warnings (with --json they are in the
// report): leftovers of interrupted writes are not failures.
func (m *Main) printWarnings(rep *integrity.Report) {
	for _, w := range rep.Warnings {
		m.printf("warning: %s: %s\n", w.Kind, w.Detail)
	}
}
