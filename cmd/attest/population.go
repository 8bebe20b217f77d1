package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sample"
	"github.com/spf13/cobra"
)

func (m *Main) populationCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "population",
		Short: "Import populations (changes, hires, terminations) with their provenance",
	}
	var f struct{ control, file, key, date, source, query, by, at, format string }
	imp := &cobra.Command{
		Use:   "import --control ID --file FILE --key COLUMN [--date COLUMN] [--source TEXT] [--query TEXT] [--extracted-by NAME] [--extracted-at TIME]",
		Short: "Import a population file (CSV or JSON lines), kept byte for byte with its provenance",
		Long: `Import a population for a control: a CSV file with a header row, or JSON
lines (one object per line). The file is streamed (any size, constant
memory), kept byte for byte as a blob, and recorded in the ledger with its
SHA-256, row count, key column and provenance: the system it came from, the
query or report that produced it, who extracted it and when. Every key must
be present and unique; a date column, when named, must parse. An empty
population (a header and no rows) is valid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.importPopulation(cmd.Context(), f.control, f.file, f.key, f.date, f.source, f.query, f.by, f.at, f.format)
		},
	}
	fl := imp.Flags()
	fl.StringVar(&f.control, "control", "", "the control the population is for")
	fl.StringVar(&f.file, "file", "", "the population file (.csv, or .jsonl for JSON lines)")
	fl.StringVar(&f.key, "key", "", "the column (or JSON field) that identifies an item")
	fl.StringVar(&f.date, "date", "", "the column holding each item's date (for stratifying by period)")
	fl.StringVar(&f.source, "source", "", "the system it came from")
	fl.StringVar(&f.query, "query", "", "the query, report or filter that produced it")
	fl.StringVar(&f.by, "extracted-by", "", "who extracted it")
	fl.StringVar(&f.at, "extracted-at", "", "when it was extracted (YYYY-MM-DD or RFC 3339)")
	fl.StringVar(&f.format, "format", "", "csv or jsonl (default: from the file name)")
	var control string
	list := &cobra.Command{
		Use:   "list [--control ID]",
		Short: "List populations",
		Args:  cobra.NoArgs,
		RunE: m.onData(func(ctx context.Context, cmd *cobra.Command, args []string, d *data) error {
			ps, err := d.db.Populations(ctx, strings.ToUpper(control))
			if err != nil {
				return err
			}
			return m.list(ps, "ID\tCONTROL\tROWS\tKEY\tDATES\tSOURCE\tFILE", func(w io.Writer) {
				for _, p := range ps {
					fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", p.ID, p.ControlID, p.Rows, p.KeyColumn, dashStr(strings.Trim(p.FirstDate+".."+p.LastDate, ".")), dashStr(p.Source), p.Name)
				}
			})
		}),
	}
	list.Flags().StringVar(&control, "control", "", "only this control's populations")
	cmd.AddCommand(imp, list, m.populationReconcile(), m.populationShow(), m.populationTest())
	return cmd
}

// maxListed bounds the differences kept in a completeness record; the
// counts are always exact.
const maxListed = 1000

func (m *Main) populationReconcile() *cobra.Command {
	var popID, against int64
	var total int
	var note string
	cmd := &cobra.Command{
		Use:   "reconcile --population ID (--against ID | --control-total N) [--note TEXT]",
		Short: "Record how a population was shown to be complete, with the differences",
		Long: `Show a population complete, as the auditor will ask: reconcile it to another
population (for example HR terminations against identity-provider
deactivations, both keyed by the same identifier), listing the items missing
from it and the items it has that the other lacks; or compare it to a
control total from the source system. The result is recorded in the ledger,
differences and all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if popID <= 0 || (against > 0) == cmd.Flags().Changed("control-total") {
				return attest.Errorf(attest.EINVALID, "reconcile needs --population ID and either --against ID or --control-total N")
			}
			return m.withData(ctx, func(d *data) error {
				pop, err := d.db.Population(ctx, popID)
				if err != nil {
					return err
				}
				c := attest.Completeness{PopulationID: pop.ID, Note: strings.TrimSpace(note), Missing: []string{}, Extra: []string{}}
				if against > 0 {
					other, err := d.db.Population(ctx, against)
					if err != nil {
						return err
					}
					if err := reconcileKeys(d.blobs, pop, other, &c); err != nil {
						return err
					}
					c.Method, c.AgainstID = "reconciled", other.ID
				} else {
					if total < 0 {
						return attest.Errorf(attest.EINVALID, "--control-total must be 0 or more")
					}
					c.Method, c.ControlTotal, c.Matched = "control-total", total, pop.Rows
					if pop.Rows < total {
						c.MissingCount = total - pop.Rows
					} else {
						c.ExtraCount = pop.Rows - total
					}
				}
				saved, err := d.db.AddCompleteness(ctx, m.change(), c)
				if err != nil {
					return err
				}
				if _, err := d.checkpoint(ctx); err != nil {
					return err
				}
				if m.cfg.json {
					return m.printJSON(saved)
				}
				if saved.MissingCount == 0 && saved.ExtraCount == 0 {
					m.printf("Population %d reconciles: %d items match.\n", pop.ID, saved.Matched)
					return nil
				}
				m.printf("Population %d does not fully reconcile: %d match, %d missing from it, %d extra in it.\n", pop.ID, saved.Matched, saved.MissingCount, saved.ExtraCount)
				for _, k := range saved.Missing {
					m.printf("  missing: %s\n", k)
				}
				for _, k := range saved.Extra {
					m.printf("  extra:   %s\n", k)
				}
				return nil
			})
		},
	}
	cmd.Flags().Int64Var(&popID, "population", 0, "the population to show complete")
	cmd.Flags().Int64Var(&against, "against", 0, "another population to reconcile it to (same keys)")
	cmd.Flags().IntVar(&total, "control-total", 0, "the number of items the source system reports")
	cmd.Flags().StringVar(&note, "note", "", "how the comparison was made, and what the differences are")
	return cmd
}

// reconcileKeys compares pop's keys with other's into c: the keys in both,
// those only in pop (extra) and those only in other (missing), the lists
// bounded by maxListed.
func reconcileKeys(bs blob.Store, pop, other *attest.Population, c *attest.Completeness) error {
	theirs := map[string]bool{}
	if err := scanKeys(bs, other, func(k string) { theirs[k] = true }); err != nil {
		return err
	}
	err := scanKeys(bs, pop, func(k string) {
		if theirs[k] {
			c.Matched++
			delete(theirs, k)
			return
		}
		c.ExtraCount++
		if len(c.Extra) < maxListed {
			c.Extra = append(c.Extra, k)
		}
	})
	if err != nil {
		return err
	}
	for k := range theirs {
		c.MissingCount++
		if len(c.Missing) < maxListed {
			c.Missing = append(c.Missing, k)
		}
	}
	sort.Strings(c.Missing)
	return nil
}

// scanKeys streams a stored population's keys.
func scanKeys(bs blob.Store, p *attest.Population, fn func(string)) error {
	rc, err := bs.Open(blob.Ref(p.Ref))
	if err != nil {
		return err
	}
	defer rc.Close()
	return sample.Scan(rc, sample.Spec{Name: p.Name, Format: sample.Format(p.Format), KeyColumn: p.KeyColumn}, func(r sample.Row) error {
		fn(r.Key)
		return nil
	})
}

func (m *Main) populationShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a population's provenance and completeness checks",
		Args:  cobra.ExactArgs(1),
		RunE: m.onRecord(numberOf("population"), func(ctx context.Context, id int64, d *data) error {
			p, err := d.db.Population(ctx, id)
			if err != nil {
				return err
			}
			cs, err := d.db.CompletenessChecks(ctx, id)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(map[string]any{"population": p, "completeness": cs})
			}
			w := m.table()
			fmt.Fprintf(w, "Population\t%d for %s\nFile\t%s (%s, %d items keyed by %s)\nSHA-256\t%s\nSource\t%s\nQuery\t%s\nExtracted\t%s by %s\nImported\t%s by %s\n",
				p.ID, p.ControlID, p.Name, p.Format, p.Rows, p.KeyColumn, p.Ref, dashStr(p.Source), dashStr(p.Query), dashStr(p.ExtractedAt), dashStr(p.ExtractedBy), p.ImportedAt, p.ImportedBy)
			w.Flush()
			if len(cs) == 0 {
				m.printf("No completeness check recorded: attest population reconcile --population %d ...\n", p.ID)
			}
			for _, c := range cs {
				m.printf("Completeness (%s, %s by %s): %d matched, %d missing, %d extra. %s\n", c.Method, c.At, c.By, c.Matched, c.MissingCount, c.ExtraCount, c.Note)
			}
			return nil
		}),
	}
}

func (m *Main) importPopulation(ctx context.Context, control, file, key, dateCol, source, query, by, at, format string) error {
	if control == "" || file == "" || key == "" {
		return attest.Errorf(attest.EINVALID, "population import needs --control ID, --file FILE and --key COLUMN")
	}
	spec := sample.Spec{Name: file, Format: sample.FormatOf(file), KeyColumn: key, DateColumn: dateCol}
	switch format {
	case "":
	case "csv", "jsonl":
		spec.Format = sample.Format(format)
	default:
		return attest.Errorf(attest.EINVALID, "--format %q: want csv or jsonl", format)
	}
	if at != "" {
		if _, err := time.Parse(time.RFC3339, at); err != nil {
			if _, err := attest.ParseDate(at); err != nil {
				return attest.Errorf(attest.EINVALID, "--extracted-at %q: want YYYY-MM-DD or RFC 3339", at)
			}
		}
	}
	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	id, err := requireControl(ctx, d.db, control)
	if err != nil {
		return err
	}
	// Memory stays bounded whatever the file's size: ask the collector to
	// keep the heap near 40 MiB rather than let it double between cycles.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(40 << 20))
	// A population is one file however many rows it has: its own, larger
	// limit instead of the evidence default.
	d.blobs.SetMaxSize(populationMaxSize)
	pending, stats, err := scanPopulation(d.blobs, file, spec)
	if err != nil {
		return err
	}
	if err := d.blobs.Commit([]*blob.Pending{pending}); err != nil {
		return err
	}
	p := attest.Population{ControlID: id, Ref: string(pending.Ref), Name: filepath.Base(file), Format: string(spec.Format), Rows: stats.rows,
		KeyColumn: key, DateColumn: dateCol, FirstDate: stats.first, LastDate: stats.last, Source: source, Query: query, ExtractedBy: by, ExtractedAt: at}
	saved, err := d.db.AddPopulation(ctx, m.change(), p)
	if err != nil {
		return err
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return err
	}
	if m.cfg.json {
		return m.printJSON(saved)
	}
	m.printf("Imported population %d for %s: %d items keyed by %s, %s.\n", saved.ID, id, saved.Rows, key, saved.Ref)
	if saved.Rows == 0 {
		m.printf("The population is empty: keep the evidence that shows it (this file is kept as such).\n")
	}
	if source == "" || query == "" || by == "" {
		m.warn("record the population's provenance (--source, --query, --extracted-by, --extracted-at): it is information produced by the entity, and the auditor will ask how it was produced")
	}
	return nil
}

// populationMaxSize bounds one population file: 64 GiB.
const populationMaxSize = 64 << 30

type popStats struct {
	rows        int
	first, last string
}

// scanPopulation streams the file once into a staged blob while parsing
// it, and reads it a second time only if some key may repeat.
func scanPopulation(bs blob.Store, file string, spec sample.Spec) (*blob.Pending, popStats, error) {
	var st popStats
	f, err := os.Open(file)
	if err != nil {
		return nil, st, attest.Errorf(attest.EINVALID, "%s: %v", file, unwrapPathErr(err))
	}
	defer f.Close()
	pr, pw := io.Pipe()
	type staged struct {
		p   *blob.Pending
		err error
	}
	done := make(chan staged, 1)
	go func() {
		p, err := bs.Stage(pr)
		pr.CloseWithError(err)
		done <- staged{p, err}
	}()
	// The parser hands each block it reads to the hashing goroutine through
	// a queue, so parsing and hashing run on two cores at once.
	qw := newQueueWriter(pw, 8)
	dups := sample.NewDupFinder()
	var firstDate, lastDate time.Time
	first := spec
	first.BytesOnly = true
	scanErr := sample.Scan(io.TeeReader(f, qw), first, func(r sample.Row) error {
		st.rows++
		dups.First(r.KeyBytes)
		if !r.Date.IsZero() {
			if firstDate.IsZero() || r.Date.Before(firstDate) {
				firstDate = r.Date
			}
			if r.Date.After(lastDate) {
				lastDate = r.Date
			}
		}
		return nil
	})
	if scanErr == nil {
		_, scanErr = io.Copy(qw, f) // whatever the parser did not need, for the hash
	}
	if err := qw.Close(); scanErr == nil {
		scanErr = err
	}
	pw.CloseWithError(scanErr)
	res := <-done
	if !firstDate.IsZero() {
		st.first, st.last = firstDate.Format(attest.DateLayout), lastDate.Format(attest.DateLayout)
	}
	if scanErr != nil {
		bs.Abort([]*blob.Pending{res.p})
		return nil, st, scanErr
	}
	if res.err != nil {
		return nil, st, res.err
	}
	need, err := dups.Finish()
	if err != nil {
		bs.Abort([]*blob.Pending{res.p})
		return nil, st, err
	}
	if need {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, st, err
		}
		err := sample.Scan(f, first, func(r sample.Row) error {
			if line := dups.Second(r.KeyBytes, r.Line); line != 0 {
				return attest.Errorf(attest.EINVALID, "%s: line %d: key %q repeats line %d: every item needs its own key", file, r.Line, r.KeyBytes, line)
			}
			return nil
		})
		if err != nil {
			bs.Abort([]*blob.Pending{res.p})
			return nil, st, err
		}
	}
	return res.p, st, nil
}

// queueWriter copies what is written to it into a queue of blocks that a
// goroutine writes on to w, so the writer does not wait for w's reader.
type queueWriter struct {
	q    chan []byte
	done chan error
}

func newQueueWriter(w io.Writer, depth int) *queueWriter {
	qw := &queueWriter{q: make(chan []byte, depth), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range qw.q {
			if err == nil {
				_, err = w.Write(b)
			}
			queueBufs.Put(&b)
		}
		qw.done <- err
	}()
	return qw
}

func (qw *queueWriter) Write(p []byte) (int, error) {
	b := queueBufs.Get().(*[]byte)
	*b = append((*b)[:0], p...)
	qw.q <- *b
	return len(p), nil
}

// queueBufs recycles the queue's blocks: a population is copied through it
// block by block, and fresh ones for each would keep the collector busy.
var queueBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// Close waits until every block is written and returns the first error.
func (qw *queueWriter) Close() error {
	close(qw.q)
	return <-qw.done
}
