package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/gc"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/period"
	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/tlog"
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

type addFlags struct {
	controls          []string
	files             []string
	dir, date, covers string
	note, source      string
	maxSizeMiB        int64
	allowEmpty, force bool
}

func (m *Main) evidenceAdd() *cobra.Command {
	var f addFlags
	cmd := &cobra.Command{
		Use:   "add --control ID --file PATH|--dir PATH [--date YYYY-MM-DD | --covers START..END]",
		Short: "Add files as evidence for one or more controls",
		Example: `  attest evidence add --control AC-06 --file q1-access-review.pdf --date 2026-04-12
  attest evidence add --control OPS-07 --file cloudtrail-summary.csv --covers 2026-01-01..2026-03-31
  attest evidence add --control CHG-03 --control CHG-04 --dir exports/branch-protection --date 2026-05-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.addEvidence(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.controls, "control", nil, "a control this evidence supports (repeatable)")
	fl.StringArrayVar(&f.files, "file", nil, "a file to add (repeatable)")
	fl.StringVar(&f.dir, "dir", "", "add every file under this folder, each as its own evidence item")
	fl.StringVar(&f.date, "date", "", "the date the evidence speaks for, e.g. the last day of the quarter a review covers (default: today)")
	fl.StringVar(&f.covers, "covers", "", "the span the evidence covers, START..END")
	fl.StringVar(&f.note, "note", "", "a note kept with the evidence")
	fl.StringVar(&f.source, "source", "", "where it came from (system, report, person)")
	fl.Int64Var(&f.maxSizeMiB, "max-size", blob.DefaultMaxSize>>20, "largest file accepted, in MiB")
	fl.BoolVar(&f.allowEmpty, "allow-empty", false, "accept an empty (0-byte) file as evidence")
	fl.BoolVar(&f.force, "force", false, "accept a date more than a year outside every engagement's period")
	return cmd
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
			return nil, attest.Errorf(attest.EINVALID, "--file %s: %v", p, unwrapPathErr(err))
		}
		if !st.Mode().IsRegular() {
			return nil, attest.Errorf(attest.EINVALID, "--file %s: not a regular file", p)
		}
		paths = append(paths, p)
	}
	if f.dir != "" {
		err := filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return attest.Errorf(attest.EINVALID, "--dir %s: %v", p, unwrapPathErr(err))
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

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// knownControls is the set of control IDs of every engagement.
func knownControls(ctx context.Context, s attest.Store) (map[string]bool, error) {
	return engagement.ControlIDs(ctx, s)
}

// checkEvidenceDate warns of evidence dated outside every period of the
// engagements whose controls it supports, and refuses one more than a
// year outside without --force (engagement.EvidenceDate).
func (m *Main) checkEvidenceDate(ctx context.Context, d *data, controls []string, date, start string, force bool) error {
	when := date
	if when == "" {
		when = start
	}
	t, err := attest.ParseDate(when)
	if err != nil {
		return nil // today: no date was given
	}
	engs, err := d.db.Engagements(ctx)
	if err != nil {
		return err
	}
	var mine []attest.Engagement
	for _, e := range engs {
		ctls, err := d.db.Controls(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, c := range ctls {
			if has(controls, c.ID) {
				mine = append(mine, e)
				break
			}
		}
	}
	warning, err := engagement.EvidenceDate(mine, t, force)
	if warning != "" {
		m.warn(warning)
	}
	return err
}

func (m *Main) addEvidence(ctx context.Context, f addFlags) error {
	if len(f.controls) == 0 {
		return attest.Errorf(attest.EINVALID, "say which control the evidence supports: --control ID (repeatable)")
	}
	date, start, end, err := m.evidenceDates(f.date, f.covers)
	if err != nil {
		return err
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
	known, err := knownControls(ctx, d.db)
	if err != nil {
		return err
	}
	var controls []string
	for _, c := range f.controls {
		id := strings.ToUpper(strings.TrimSpace(c))
		if !known[id] {
			return &attest.Error{Code: attest.ENOTFOUND, Message: "no such control: " + c, Hint: "see `attest controls list`"}
		}
		if !has(controls, id) {
			controls = append(controls, id)
		}
	}
	if err := m.checkEvidenceDate(ctx, d, controls, date, start, f.force); err != nil {
		return err
	}
	d.blobs.SetMaxSize(f.maxSizeMiB << 20)
	d.blobs.CleanTemp(time.Hour)

	// Stage every file first (hashing while writing), then make them all
	// durable at once, then record them in one transaction: a crash at any
	// point leaves either nothing recorded or everything.
	pending, items, err := m.stageAll(d, paths)
	if err != nil {
		return err
	}
	for i := range items {
		if items[i].Size == 0 && !f.allowEmpty {
			d.blobs.Abort(pending)
			return attest.Errorf(attest.EINVALID, "%s is empty (0 bytes): an empty file shows nothing; add --allow-empty if it is the evidence", paths[i])
		}
	}
	for i := range items {
		items[i].Controls, items[i].Date, items[i].CoversStart, items[i].CoversEnd = controls, date, start, end
		items[i].Method, items[i].Source, items[i].Note = attest.MethodUpload, f.source, f.note
	}
	if err := d.blobs.Commit(pending); err != nil {
		return err
	}
	added, err := d.db.AddEvidence(ctx, m.change(), items)
	if err != nil {
		return err
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return err
	}
	if f.date == "" && f.covers == "" {
		m.hintWindow(ctx, d.db, controls)
	}
	if m.cfg.json {
		return m.printJSON(added)
	}
	var total int64
	for _, e := range added {
		total += e.Size
	}
	if len(added) == 1 {
		e := added[0]
		m.printf("Added evidence %d: %s (%s, %s) for %s, ledger entry %d.\n", e.ID, e.Name, humanBytes(e.Size), e.Ref, strings.Join(e.Controls, ", "), e.Entry)
	} else {
		m.printf("Added %d evidence items (%s) for %s, ledger entries %d to %d.\n", len(added), humanBytes(total), strings.Join(controls, ", "), added[0].Entry, added[len(added)-1].Entry)
	}
	return nil
}

// stageAll stages the files on every core: hashing is CPU work and writing
// is the kernel's, so two files at a time keep both busy.
func (m *Main) stageAll(d *data, paths []string) ([]*blob.Pending, []attest.Evidence, error) {
	bar := m.progressBar("adding evidence")
	defer bar.done()
	pending := make([]*blob.Pending, len(paths))
	items := make([]attest.Evidence, len(paths))
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
				p, item, err := m.stageFile(d, paths[i])
				mu.Lock()
				pending[i], items[i], errs[i] = p, item, err
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
			d.blobs.Abort(pending)
			return nil, nil, err
		}
	}
	return pending, items, nil
}

func (m *Main) stageFile(d *data, path string) (*blob.Pending, attest.Evidence, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, attest.Evidence{}, attest.Errorf(attest.EINVALID, "%s: %v", path, unwrapPathErr(err))
	}
	defer fh.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(fh, head)
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, attest.Evidence{}, err
	}
	pd, err := d.blobs.Stage(fh)
	if err != nil {
		if ae, ok := err.(*attest.Error); ok {
			ae.Message = path + ": " + ae.Message
		}
		return nil, attest.Evidence{}, err
	}
	return pd, attest.Evidence{Ref: string(pd.Ref), Size: pd.Size, Name: filepath.Base(path), MediaType: mediaType(path, head[:n])}, nil
}

func mediaType(path string, head []byte) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(path))); t != "" {
		return t
	}
	return http.DetectContentType(head)
}

// evidenceDates checks --date and --covers; without either, the evidence
// speaks for today.
func (m *Main) evidenceDates(date, covers string) (string, string, string, error) {
	if date != "" && covers != "" {
		return "", "", "", attest.Errorf(attest.EINVALID, "give --date or --covers, not both")
	}
	today := m.today()
	if covers != "" {
		a, b, ok := strings.Cut(covers, "..")
		s, err1 := attest.ParseDate(a)
		e, err2 := attest.ParseDate(b)
		if !ok || err1 != nil || err2 != nil {
			return "", "", "", attest.Errorf(attest.EINVALID, "--covers %q: want START..END (YYYY-MM-DD..YYYY-MM-DD)", covers)
		}
		if e.Before(s) {
			return "", "", "", attest.Errorf(attest.EINVALID, "--covers %q: the span ends before it starts", covers)
		}
		if e.After(today) {
			return "", "", "", attest.Errorf(attest.EINVALID, "--covers %q: the span ends in the future", covers)
		}
		return "", s.Format(attest.DateLayout), e.Format(attest.DateLayout), nil
	}
	if date == "" {
		return today.Format(attest.DateLayout), "", "", nil
	}
	t, err := attest.ParseDate(date)
	if err != nil {
		return "", "", "", attest.Errorf(attest.EINVALID, "--date %q: want YYYY-MM-DD", date)
	}
	if t.After(today) {
		return "", "", "", attest.Errorf(attest.EINVALID, "--date %s is in the future: evidence speaks for something that already happened", date)
	}
	return t.Format(attest.DateLayout), "", "", nil
}

func (m *Main) evidenceList() *cobra.Command {
	var control string
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List evidence",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			list, err := d.db.EvidenceList(ctx, strings.ToUpper(control), all)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(list)
			}
			w := m.table()
			fmt.Fprintln(w, "ID\tDATE\tCONTROLS\tSIZE\tNAME\tADDED BY\tNOTE")
			for _, e := range list {
				when := e.Date
				if e.CoversStart != "" {
					when = e.CoversStart + ".." + e.CoversEnd
				}
				note := e.Note
				if e.Retraction != nil {
					note = "RETRACTED: " + e.Retraction.Reason
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, when, shortList(e.Controls, 3), humanBytes(e.Size), e.Name, e.AddedBy, note)
			}
			w.Flush()
			m.printf("%d evidence items.\n", len(list))
			return nil
		},
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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			e, err := d.db.Evidence(ctx, id)
			if err != nil {
				return err
			}
			var verr error
			if e.PurgedAt == "" {
				_, verr = d.blobs.Verify(blob.Ref(e.Ref))
			}
			intact := verr == nil
			if m.cfg.json {
				return m.printJSON(map[string]any{"evidence": e, "intact": intact})
			}
			w := m.table()
			fmt.Fprintf(w, "Evidence\t%d\nName\t%s\nControls\t%s\nDate\t%s\n", e.ID, e.Name, strings.Join(e.Controls, ", "), dashStr(e.Date))
			if e.CoversStart != "" {
				fmt.Fprintf(w, "Covers\t%s to %s\n", e.CoversStart, e.CoversEnd)
			}
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
		},
	}
}

func (m *Main) evidenceRetract() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "retract ID --reason TEXT",
		Short: "Withdraw evidence, with the reason; the record and the bytes stay",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			e, err := d.db.RetractEvidence(ctx, m.change(), id, reason)
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(e)
			}
			m.printf("Retracted evidence %d (%s), ledger entry %d. The record and its bytes are kept.\n", e.ID, e.Name, e.Retraction.Entry)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the evidence is withdrawn (required)")
	return cmd
}

// manifestItem is one exported file with what an auditor needs to check it.
type manifestItem struct {
	attest.Evidence
	File  string `json:"file"`
	Proof string `json:"proof"`
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
			ctx := cmd.Context()
			if out == "" {
				return attest.Errorf(attest.EINVALID, "say where to export: --out DIR (a new folder)")
			}
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				return attest.Errorf(attest.EINVALID, "%s is not empty: export into a new folder", out)
			}
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			items, err := m.exportEvidence(ctx, d, out, strings.ToUpper(control))
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(map[string]any{"out": out, "items": items})
			}
			m.printf("Exported %d evidence items to %s with manifest.json, checkpoint, ledger.pub and a proof per item.\n", len(items), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "a new folder to write to")
	cmd.Flags().StringVar(&control, "control", "", "only evidence for this control")
	return cmd
}

func (m *Main) exportEvidence(ctx context.Context, d *data, out, control string) ([]manifestItem, error) {
	list, err := d.db.EvidenceList(ctx, control, false)
	if err != nil {
		return nil, err
	}
	if err := outputFolder("--out", filepath.Clean(out)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(out, "proofs"), 0o755); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "create %s: %v", out, err)
	}
	signed, err := d.checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	pub, err := d.publicKey()
	if err != nil {
		return nil, err
	}
	cp, err := ledger.Open(signed, pub)
	if err != nil {
		return nil, err
	}
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return d.db.ReadHashes(ctx, idx) })
	items := []manifestItem{}
	for _, e := range list {
		name := fmt.Sprintf("%d-%s", e.ID, safeName(e.Name))
		if err := copyVerified(d.blobs, blob.Ref(e.Ref), filepath.Join(out, name)); err != nil {
			return nil, err
		}
		var record []byte
		if err := d.db.ScanLedger(ctx, e.Entry, e.Entry+1, func(_ int64, r []byte) error { record = r; return nil }); err != nil {
			return nil, err
		}
		p, err := ledger.Prove(reader, record, e.Entry, cp.Size, signed, 0)
		if err != nil {
			return nil, err
		}
		b, _ := jsonIndent(p)
		proof := filepath.Join("proofs", fmt.Sprintf("%d.json", e.ID))
		if err := writeFileAtomic(filepath.Join(out, proof), b); err != nil {
			return nil, err
		}
		items = append(items, manifestItem{Evidence: e, File: name, Proof: proof})
	}
	b, _ := jsonIndent(items)
	for name, content := range map[string][]byte{"manifest.json": b, "checkpoint": signed, "ledger.pub": []byte(pub + "\n")} {
		if err := writeFileAtomic(filepath.Join(out, name), content); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// copyVerified copies a blob to path, hashing as it copies, and removes the
// copy if the bytes no longer match their reference.
func copyVerified(bs blob.Store, ref blob.Ref, path string) error {
	r, err := bs.Open(ref)
	if err != nil {
		return fmt.Errorf("export %s: %w", ref, err)
	}
	defer r.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && "sha256:"+hex.EncodeToString(h.Sum(nil)) != string(ref) {
		err = attest.Errorf(attest.EINVALID, "export %s: the stored bytes no longer match their hash (run attest verify)", ref)
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// defaultRetentionDays keeps retracted evidence's bytes seven years, a
// common record-retention period; organizations set their own.
const defaultRetentionDays = 7 * 365

const retentionKey = "evidence.retention_days"

func (m *Main) evidencePurge() *cobra.Command {
	var days int
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "purge [--older-than-days N] [--dry-run]",
		Short: "Remove the bytes of evidence retracted longer ago than the retention period",
		Long: `Remove the bytes of retracted evidence whose retraction is older than the
retention period (--older-than-days, default the data directory's setting,
seven years unless changed with --set-retention-days). The records stay, and
each purge is a ledger entry; bytes that other evidence still uses are kept.
Evidence that is not retracted is never purged.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			if !cmd.Flags().Changed("older-than-days") {
				days = defaultRetentionDays
				if v, err := d.db.Setting(ctx, retentionKey); err == nil {
					fmt.Sscan(v, &days)
				}
			}
			if days < 0 {
				return attest.Errorf(attest.EINVALID, "--older-than-days must be 0 or more")
			}
			all, err := d.db.EvidenceList(ctx, "", true)
			if err != nil {
				return err
			}
			cutoff := m.Now().AddDate(0, 0, -days)
			var purged []attest.Evidence
			for _, e := range all {
				if e.Retraction == nil || e.PurgedAt != "" {
					continue
				}
				at, err := time.Parse(time.RFC3339Nano, e.Retraction.At)
				if err != nil || at.After(cutoff) {
					continue
				}
				if !dryRun {
					p, err := d.db.PurgeEvidence(ctx, m.change(), e.ID)
					if err != nil {
						return err
					}
					e = *p
				}
				purged = append(purged, e)
			}
			if !dryRun && len(purged) > 0 {
				// The bytes go only when no record needs them any more:
				// other evidence, a population or a document may hold the
				// same bytes (gc.References reads every kind of record).
				refs, err := gc.References(ctx, d.db)
				if err != nil {
					return err
				}
				for _, e := range purged {
					if !refs[blob.Ref(e.Ref)] {
						if err := d.blobs.Delete(blob.Ref(e.Ref)); err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
							return err
						}
						refs[blob.Ref(e.Ref)] = true // deleted once
					}
				}
			}
			if len(purged) > 0 && !dryRun {
				if _, err := d.checkpoint(ctx); err != nil {
					return err
				}
			}
			if m.cfg.json {
				if purged == nil {
					purged = []attest.Evidence{}
				}
				return m.printJSON(map[string]any{"dry_run": dryRun, "retention_days": days, "purged": purged})
			}
			verb := "Purged"
			if dryRun {
				verb = "Would purge"
			}
			m.printf("%s the bytes of %d retracted evidence items (retracted more than %d days ago); their records stay.\n", verb, len(purged), days)
			for _, e := range purged {
				m.printf("  %d  %s  retracted %s: %s\n", e.ID, e.Name, e.Retraction.At, e.Retraction.Reason)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&days, "older-than-days", defaultRetentionDays, "purge only what was retracted more than this many days ago")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be purged, change nothing")
	return cmd
}

// hintWindow warns when evidence added without --date may belong to a
// window that has ended but is still within its due rule: a review of last
// quarter, done now, speaks for last quarter.
func (m *Main) hintWindow(ctx context.Context, s attest.Store, controls []string) {
	e, err := m.engagement(ctx, s)
	if err != nil {
		return
	}
	today := m.today()
	for _, id := range controls {
		c, err := s.Control(ctx, e.ID, id)
		if err != nil || c.DueDays == 0 || c.Frequency == attest.EventDriven || c.Frequency == attest.Daily || c.Frequency == attest.MultipleDaily {
			continue
		}
		for _, w := range period.Windows(c.Frequency, today.AddDate(-1, 0, 0), today, period.Options{}) {
			due := w.End.AddDate(0, 0, c.DueDays)
			if w.End.Before(today) && !today.After(due) {
				m.warn(fmt.Sprintf("%s's %s %s to %s is due by %s: if this evidence is for it, add it again with --date %s and retract this one (it was dated today)",
					c.ID, c.Frequency.WindowName(), w.Start.Format(attest.DateLayout), w.End.Format(attest.DateLayout), due.Format(attest.DateLayout), w.End.Format(attest.DateLayout)))
			}
		}
	}
}
