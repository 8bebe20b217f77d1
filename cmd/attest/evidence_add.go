package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/spf13/cobra"
)

// This file is the command line's adapter for the evidence workflows
// (package evidence): it reads flags and files, calls the workflow and
// prints.

type addFlags struct {
	controls                     []string
	files                        []string
	dir, date, covers, performed string
	note, source                 string
	maxSizeMiB                   int64
	allowEmpty, force            bool
}

func (m *Main) evidenceAdd() *cobra.Command {
	var f addFlags
	cmd := &cobra.Command{
		Use:   "add --control ID --file PATH|--dir PATH [--covers DATE|START..END] [--performed-on DATE|TIME]",
		Short: "Add files as evidence for one or more controls",
		Long: `Add files as evidence. Evidence carries three dates: the occurrence it
covers (--covers: the day it speaks for, such as the last day of the quarter
a review covers, or a span START..END for a record a system kept as it ran;
--date is the same as --covers DATE), when the control was performed
(--performed-on: the day, or the time, of the review's sign-off, the
change's approval, the ticket's closure), and when it was added (now, by
Attest's clock). Timeliness is judged on when it was performed.

Where a file records when it was performed, --performed-on may be left out:
a pull request's approving review (GitHub's API or gh pr view --json
reviews,mergedAt; its merge is what it covers), a Jira or GitHub issue's
closure, the latest value of a sign-off column (signed_off_at, approved_at,
reviewed_at, completed_at, ...) in a CSV export, and the capture or scan
times of the formats attest collect reads.`,
		Example: `  attest evidence add --control AC-06 --file q1-access-review.pdf --covers 2026-03-31 --performed-on 2026-04-12
  attest evidence add --control CHG-02 --file pr-1042.json         # covers the merge, performed at the approval
  attest evidence add --control OPS-07 --file cloudtrail-summary.csv --covers 2026-01-01..2026-03-31
  attest evidence add --control CHG-03 --control CHG-04 --dir exports/branch-protection --covers 2026-05-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.addEvidence(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.controls, "control", nil, "a control this evidence supports (repeatable)")
	fl.StringArrayVar(&f.files, "file", nil, "a file to add (repeatable)")
	fl.StringVar(&f.dir, "dir", "", "add every file under this folder, each as its own evidence item")
	fl.StringVar(&f.covers, "covers", "", "the occurrence it speaks for: a date (the last day of the quarter a review covers) or a span START..END (default: what the file records, else the day it was performed, else today)")
	fl.StringVar(&f.date, "date", "", "the same as --covers DATE")
	fl.StringVar(&f.performed, "performed-on", "", "when the control was performed: YYYY-MM-DD, or a time such as 2026-04-12T15:04:00Z (default: what the file records, else unknown)")
	fl.StringVar(&f.note, "note", "", "a note kept with the evidence")
	fl.StringVar(&f.source, "source", "", "where it came from (system, report, person)")
	fl.Int64Var(&f.maxSizeMiB, "max-size", blob.DefaultMaxSize>>20, "largest file accepted, in MiB")
	fl.BoolVar(&f.allowEmpty, "allow-empty", false, "accept an empty (0-byte) file as evidence")
	fl.BoolVar(&f.force, "force", false, "accept a covered date more than a year outside every engagement's period")
	return cmd
}

func (m *Main) addEvidence(ctx context.Context, f addFlags) error {
	if len(f.controls) == 0 {
		return attest.Errorf(attest.EINVALID, "say which control the evidence supports: --control ID (repeatable)")
	}
	if f.date != "" && f.covers != "" {
		return attest.Errorf(attest.EINVALID, "give --covers or --date, not both (--date DATE is --covers DATE)")
	}
	paths, err := evidenceFiles(f)
	if err != nil {
		return err
	}
	if f.maxSizeMiB <= 0 {
		return attest.Errorf(attest.EINVALID, "--max-size must be at least 1 MiB")
	}
	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	d.blobs.SetMaxSize(f.maxSizeMiB << 20)
	d.blobs.CleanTemp(time.Hour)
	// Stage every file first (hashing while writing, reading what its
	// content records on the way), then the workflow checks everything,
	// makes the bytes durable at once and records them in one
	// transaction: a crash or a refusal leaves nothing recorded.
	items, err := m.stageAll(d, paths)
	if err != nil {
		return err
	}
	added, err := evidence.Add(ctx, d.db, d.blobs, m.change(), nil, evidence.AddRequest{Controls: f.controls, Items: items,
		Covers: f.covers + f.date, PerformedOn: f.performed, Source: f.source, Note: f.note, AllowEmpty: f.allowEmpty, Force: f.force})
	if err != nil {
		return evidenceFlagError(err)
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return err
	}
	for _, w := range added.Warnings {
		m.warn(w)
	}
	for _, w := range added.Windows {
		m.warn(fmt.Sprintf("%s's %s %s to %s is due by %s: if this evidence is for it, add it again with --covers %s and retract this one (it covers today)",
			w.Control, w.Name, w.Start, w.End, w.Due, w.End))
	}
	return m.printAdded(added.Evidence)
}

// evidenceFlagError puts the command line's names on the workflow's
// refusals: its fields are flags here.
func evidenceFlagError(err error) error {
	e, ok := err.(*attest.Error)
	if !ok {
		return err
	}
	out := *e
	for _, name := range []string{"covers", "performed_on"} {
		if rest, ok := strings.CutPrefix(out.Message, name+": "); ok {
			out.Message = "--" + strings.ReplaceAll(name, "_", "-") + " " + rest
		}
	}
	if strings.Contains(out.Message, "is empty (0 bytes)") {
		out.Hint = "add --allow-empty if it is the evidence"
	}
	return &out
}

func (m *Main) printAdded(added []attest.Evidence) error {
	if m.cfg.json {
		return m.printJSON(added)
	}
	if len(added) == 1 {
		e := added[0]
		m.printf("Added evidence %d: %s (%s, %s) for %s, covering %s, performed %s, ledger entry %d.\n", e.ID, e.Name, humanBytes(e.Size), e.Ref,
			strings.Join(e.Controls, ", "), e.Covered(), performedText(e), e.Entry)
		return nil
	}
	var total int64
	for _, e := range added {
		total += e.Size
	}
	m.printf("Added %d evidence items (%s) for %s, ledger entries %d to %d.\n", len(added), humanBytes(total), strings.Join(added[0].Controls, ", "),
		added[0].Entry, added[len(added)-1].Entry)
	return nil
}

// performedText says when evidence says its control was performed.
func performedText(e attest.Evidence) string {
	switch e.PerformedFrom {
	case "":
		return "on a date not known (timeliness falls back to when it was added)"
	case attest.PerformedEntered:
		return e.PerformedOn
	}
	return e.PerformedOn + " (" + e.PerformedFrom + ")"
}

// stageAll stages the files on every core: hashing is CPU work and writing
// is the kernel's, so two files at a time keep both busy.
func (m *Main) stageAll(d *data, paths []string) ([]evidence.Item, error) {
	bar := m.progressBar("adding evidence")
	defer bar.done()
	items := make([]evidence.Item, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done, failed := 0, false
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				item, err := m.stageFile(d, paths[i])
				mu.Lock()
				items[i], errs[i] = item, err
				failed = failed || err != nil
				done++
				bar.count(done, len(paths))
				mu.Unlock()
			}
		}()
	}
	for i := range paths {
		mu.Lock()
		stop := failed
		mu.Unlock()
		if stop {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			pending := make([]*blob.Pending, 0, len(items))
			for _, it := range items {
				pending = append(pending, it.Pending)
			}
			d.blobs.Abort(pending)
			return nil, err
		}
	}
	return items, nil
}

// stageFile stages one file, noting its media type and what its content
// records of when the control was performed.
func (m *Main) stageFile(d *data, path string) (evidence.Item, error) {
	fh, err := os.Open(path)
	if err != nil {
		return evidence.Item{}, attest.Errorf(attest.EINVALID, "%s: %v", path, fileerr.Reason(err))
	}
	defer fh.Close()
	it, err := evidence.Stage(d.blobs, filepath.Base(path), "", fh)
	if ae, ok := err.(*attest.Error); ok {
		ae.Message = path + ": " + ae.Message
	}
	return it, err
}

func (m *Main) evidenceRetract() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "retract ID --reason TEXT",
		Short: "Withdraw evidence, with the reason; the record and the bytes stay",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(parseID, func(id int64) runner {
			return writes(m, func(ctx context.Context, d *data, _ []string) (*attest.Evidence, error) {
				e, err := evidence.Retract(ctx, d.db, m.change(), nil, id, reason)
				return e, hinted(err, attest.EINVALID, "a retraction needs a reason", "--reason")
			}, func(e *attest.Evidence) error {
				m.printf("Retracted evidence %d (%s), ledger entry %d. The record and its bytes are kept.\n", e.ID, e.Name, e.Retraction.Entry)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the evidence is withdrawn (required)")
	return cmd
}

func (m *Main) evidencePurge() *cobra.Command {
	var days int
	var dryRun bool
	var cmd *cobra.Command
	cmd = &cobra.Command{
		Use:   "purge [--older-than-days N] [--dry-run]",
		Short: "Remove the bytes of evidence retracted longer ago than the retention period",
		Long: `Remove the bytes of retracted evidence whose retraction is older than the
retention period (--older-than-days, default the data directory's setting,
seven years unless changed with --set-retention-days). The records stay, and
each purge is a ledger entry; bytes that other evidence still uses are kept.
Evidence that is not retracted is never purged.`,
		Args: cobra.NoArgs,
		RunE: writesIf(m, func(ctx context.Context, d *data, _ []string) (purgedEvidence, error) {
			if !cmd.Flags().Changed("older-than-days") {
				days = evidence.RetentionDays(ctx, d.db)
			}
			if days < 0 {
				return purgedEvidence{}, attest.Errorf(attest.EINVALID, "--older-than-days must be 0 or more")
			}
			purged, err := evidence.Purge(ctx, d.db, d.blobs, m.change(), nil, days, dryRun)
			return purgedEvidence{dryRun, purged, days}, err
		}, func(p purgedEvidence) bool { return len(p.Purged) > 0 && !p.DryRun }, func(p purgedEvidence) error {
			verb := "Purged"
			if p.DryRun {
				verb = "Would purge"
			}
			m.printf("%s the bytes of %d retracted evidence items (retracted more than %d days ago); their records stay.\n", verb, len(p.Purged), p.Days)
			for _, e := range p.Purged {
				m.printf("  %d  %s  retracted %s: %s\n", e.ID, e.Name, e.Retraction.At, e.Retraction.Reason)
			}
			return nil
		}),
	}
	cmd.Flags().IntVar(&days, "older-than-days", evidence.DefaultRetentionDays, "purge only what was retracted more than this many days ago")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be purged, change nothing")
	return cmd
}

// purgedEvidence is what evidence purge prints (JSON keys in alphabetical
// order, as they have always been printed).
type purgedEvidence struct {
	DryRun bool              `json:"dry_run"`
	Purged []attest.Evidence `json:"purged"`
	Days   int               `json:"retention_days"`
}

// evidenceFiles lists the files to add, refusing anything unreadable before
// a single byte is stored.
func evidenceFiles(f addFlags) ([]string, error) {
	if (len(f.files) == 0) == (f.dir == "") {
		return nil, attest.Errorf(attest.EINVALID, "give the evidence with --file PATH (repeatable) or --dir PATH, not both")
	}
	var paths []string
	for _, p := range f.files {
		st, err := os.Stat(p)
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "--file %s: %v", p, fileerr.Reason(err))
		}
		if !st.Mode().IsRegular() {
			return nil, attest.Errorf(attest.EINVALID, "--file %s: not a regular file", p)
		}
		paths = append(paths, p)
	}
	if f.dir != "" {
		err := filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--dir %s: %v", p, fileerr.Reason(err))
			}
			if d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, attest.Errorf(attest.EINVALID, "--dir %s holds no files", f.dir)
		}
		sort.Strings(paths)
	}
	return paths, nil
}
