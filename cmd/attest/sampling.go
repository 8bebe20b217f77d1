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
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/sample"
	"github.com/spf13/cobra"
)

func (m *Main) auditorCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auditor",
		Short: "Name the service auditor's team on the engagement",
		Long: `Name the people of the CPA firm who work on the engagement. Only they may
set seeds, draw samples and record the auditor's tests and conclusions; every
action is recorded with its actor (--as NAME, default the operating-system
user).`,
	}
	var firm, email string
	add := &cobra.Command{
		Use:   "add NAME [--user EMAIL] [--firm TEXT]",
		Short: "Add an auditor to the engagement, linked to their account",
		Long: `Name an auditor of the engagement. Access and authorship follow the account,
never the name: --user names the auditor's account by its e-mail address;
without it, the one auditor account whose name is exactly NAME is linked,
and when there is none (or several) the auditor stays unlinked, with no
access, until attest engagement auditor link NAME --user EMAIL.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			if firm == "" {
				firm = e.Firm
			}
			a, err := auth.AddAuditor(ctx, d.db, m.change(), attest.Auditor{EngagementID: e.ID, Name: args[0], Firm: firm}, email)
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(map[string]any{"engagement": e.ID, "auditor": a.Name, "firm": firm, "user_id": a.UserID})
			}
			m.printf("%s (%s) is an auditor of %s.\n", a.Name, dashStr(firm), e.ID)
			if a.UserID == 0 {
				m.printf("No auditor account is linked yet: they have no access until attest engagement auditor link %q --user THEIR-ADDRESS.\n", a.Name)
			}
			return nil
		},
	}
	add.Flags().StringVar(&firm, "firm", "", "the auditor's CPA firm (default: the engagement's)")
	add.Flags().StringVar(&email, "user", "", "the auditor's account (e-mail address)")
	link := &cobra.Command{
		Use:   "link NAME --user EMAIL",
		Short: "Link a named auditor to their account",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			a, err := auth.LinkAuditor(ctx, d.db, m.change(), e.ID, args[0], email)
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(a)
			}
			m.printf("%s, auditor of %s, is account %d.\n", a.Name, e.ID, a.UserID)
			return nil
		},
	}
	link.Flags().StringVar(&email, "user", "", "the auditor's account (e-mail address)")
	link.MarkFlagRequired("user")
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Take an auditor off the engagement (what they recorded stays)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := d.db.RemoveAuditor(ctx, m.change(), e.ID, args[0]); err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(map[string]string{"engagement": e.ID, "removed": args[0]})
			}
			m.printf("%s is no longer an auditor of %s.\n", args[0], e.ID)
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the engagement's auditors",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			as, err := d.db.Auditors(ctx, e.ID)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(as)
			}
			for _, a := range as {
				m.printf("%s\t%s\tadded %s by %s\n", a.Name, dashStr(a.Firm), a.AddedAt, a.AddedBy)
			}
			if len(as) == 0 {
				m.printf("No auditors named for %s yet: attest engagement auditor add NAME\n", e.ID)
			}
			return nil
		},
	}
	cmd.AddCommand(add, link, remove, list)
	return cmd
}

// fieldwork is the environment of the auditor's workflows on a data
// directory, and the account the operator acts for. Until the auditor's
// own signed identity is presented (the auditor's-work issue), the CLI
// takes --as NAME as the engagement's named auditor of that name and acts
// for that auditor's linked account; an unlinked name acts for no one.
func (m *Main) fieldwork(ctx context.Context, d *data, e *attest.Engagement) (fieldwork.Env, *attest.User, error) {
	grace, err := auth.Grace(ctx, d.db)
	if err != nil {
		return fieldwork.Env{}, nil, err
	}
	env := fieldwork.Env{Store: d.db, Blobs: d.blobs, Policy: auth.Policy{Dir: d.db, Grace: grace, Now: m.Now()}}
	as, err := d.db.Auditors(ctx, e.ID)
	if err != nil {
		return env, nil, err
	}
	who := m.actor()
	for _, a := range as {
		if a.Name == who && a.UserID != 0 {
			u, err := d.db.User(ctx, a.UserID)
			return env, u, err
		}
	}
	return env, nil, nil
}

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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			ps, err := d.db.Populations(ctx, strings.ToUpper(control))
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(ps)
			}
			w := m.table()
			fmt.Fprintln(w, "ID\tCONTROL\tROWS\tKEY\tDATES\tSOURCE\tFILE")
			for _, p := range ps {
				fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", p.ID, p.ControlID, p.Rows, p.KeyColumn, dashStr(strings.Trim(p.FirstDate+".."+p.LastDate, ".")), dashStr(p.Source), p.Name)
			}
			return w.Flush()
		},
	}
	list.Flags().StringVar(&control, "control", "", "only this control's populations")
	cmd.AddCommand(imp, list, m.populationReconcile(), m.populationShow())
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
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
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
				theirs := map[string]bool{}
				if err := scanKeys(d.blobs, other, func(k string) { theirs[k] = true }); err != nil {
					return err
				}
				err = scanKeys(d.blobs, pop, func(k string) {
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
		},
	}
	cmd.Flags().Int64Var(&popID, "population", 0, "the population to show complete")
	cmd.Flags().Int64Var(&against, "against", 0, "another population to reconcile it to (same keys)")
	cmd.Flags().IntVar(&total, "control-total", 0, "the number of items the source system reports")
	cmd.Flags().StringVar(&note, "note", "", "how the comparison was made, and what the differences are")
	return cmd
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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseNumber("population", args[0])
			if err != nil {
				return err
			}
			d, err := m.open(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
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
		},
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

func (m *Main) sampleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Sample sizes and the auditor's seeded, reproducible selection",
	}
	cmd.AddCommand(m.sampleSize(), m.sampleDraw(), m.sampleExtend(), m.sampleList(), m.sampleProfile())
	return cmd
}

const profileKey = sample.ProfileSetting

func (m *Main) profile(ctx context.Context, s attest.Store) (sample.Profile, error) {
	return fieldwork.Profile(ctx, s)
}

func (m *Main) sampleSize() *cobra.Command {
	var control, frequency, supportedBy string
	var popSize, deviations int
	var confidence, tolerable float64
	var testOfOne bool
	cmd := &cobra.Command{
		Use:   "size [--control ID | --frequency F | --population-size N | --confidence C --tolerable T [--deviations-allowed K]]",
		Short: "The sample size for a control, a frequency, a population, or statistical parameters",
		Long: `Print a sample size and the rule behind it. Sizes are the audit firm's
choice: the defaults are the table in the user guide (by frequency, and by
population size for event-driven controls); a firm loads its own with
` + "`attest sample profile set --file`" + `. With --confidence and --tolerable
(fractions such as 0.95 and 0.05, or percentages such as 95 and 5) the size is
exact binomial attribute sampling.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fl := cmd.Flags()
			var size sample.Size
			var err error
			switch {
			case fl.Changed("confidence") || fl.Changed("tolerable"):
				if !fl.Changed("confidence") || !fl.Changed("tolerable") {
					return attest.Errorf(attest.EINVALID, "statistical sizes need both --confidence and --tolerable")
				}
				size, err = sample.Statistical(sample.Fraction(confidence), sample.Fraction(tolerable), deviations)
			case fl.Changed("population-size"):
				p, perr := m.profileOrDefault(ctx)
				if perr != nil {
					return perr
				}
				size, err = p.ForPopulation(popSize)
			case frequency != "":
				f, ferr := attest.ParseFrequency(frequency)
				if ferr != nil {
					return ferr
				}
				if f == attest.EventDriven {
					return attest.Errorf(attest.EINVALID, "event-driven controls are sized by population: use --population-size N")
				}
				p, perr := m.profileOrDefault(ctx)
				if perr != nil {
					return perr
				}
				size, err = p.ForFrequency(f)
			case testOfOne:
				if control == "" {
					return attest.Errorf(attest.EINVALID, "a test of one is for one control: --control ID")
				}
				size, err = m.testOfOne(ctx, control, supportedBy)
			case control != "":
				size, err = m.controlSize(ctx, control)
			default:
				return attest.Errorf(attest.EINVALID, "say what to size: --control, --frequency, --population-size, or --confidence with --tolerable")
			}
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(size)
			}
			m.printf("%d (%s)\n", size.Size, size.Rule)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&control, "control", "", "size for this control of the engagement")
	fl.StringVar(&frequency, "frequency", "", "size for a periodic frequency")
	fl.IntVar(&popSize, "population-size", 0, "size for an event-driven population of N items")
	fl.Float64Var(&confidence, "confidence", 0, "confidence level: 0.95 or 95 (risk of overreliance 5%)")
	fl.Float64Var(&tolerable, "tolerable", 0, "tolerable deviation rate: 0.05 or 5")
	fl.IntVar(&deviations, "deviations-allowed", 0, "deviations the sample may contain")
	fl.BoolVar(&testOfOne, "test-of-one", false, "an automated control tested once per configuration (needs --supported-by)")
	fl.StringVar(&supportedBy, "supported-by", "", "the logical-access and change-management controls over the system (comma-separated IDs)")
	return cmd
}

// testOfOne offers a sample of one for an automated control, only when the
// IT general controls over its system (logical access and change
// management) are named: a test of one rests on their being effective all
// period, which the auditor must test too.
func (m *Main) testOfOne(ctx context.Context, control, supportedBy string) (sample.Size, error) {
	d, e, err := m.openEngagement(ctx)
	if err != nil {
		return sample.Size{}, err
	}
	defer d.Close()
	c, err := d.db.Control(ctx, e.ID, strings.ToUpper(control))
	if err != nil {
		return sample.Size{}, err
	}
	if c.Nature != attest.Automated {
		return sample.Size{}, attest.Errorf(attest.EINVALID, "%s is %s, not automated: a test of one applies only to automated controls; use the frequency size", c.ID, c.Nature)
	}
	access, change := false, false
	var ids []string
	for _, id := range strings.Split(supportedBy, ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		sc, err := d.db.Control(ctx, e.ID, id)
		if err != nil {
			return sample.Size{}, err
		}
		for _, x := range append(append([]string{}, sc.Criteria...), sc.Objectives...) {
			switch {
			case strings.HasPrefix(x, "CC6.1"), strings.HasPrefix(x, "CC6.2"), strings.HasPrefix(x, "CC6.3"), x == "ITGC.1", x == "ITGC.2", x == "ITGC.3":
				access = true
			case x == "CC8.1", x == "ITGC.4":
				change = true
			}
		}
		ids = append(ids, id)
	}
	if !access || !change {
		return sample.Size{}, attest.Errorf(attest.EINVALID, "a test of one needs the logical-access and the change-management controls over %s's system named with --supported-by (a control mapped to CC6.1-CC6.3 or ITGC.1-3, and one mapped to CC8.1 or ITGC.4)", c.ID)
	}
	return sample.Size{Size: 1, Rule: fmt.Sprintf("test of one: %s is automated, and relies on %s being effective throughout the period; test it once per relevant configuration, and before and after any change to it", c.ID, strings.Join(ids, ", "))}, nil
}

// profileOrDefault reads the firm's profile when a data directory is at
// hand, and the defaults otherwise.
func (m *Main) profileOrDefault(ctx context.Context) (sample.Profile, error) {
	if _, err := os.Stat(m.cfg.dataDir); err != nil && m.cfg.db == "" {
		return sample.DefaultProfile(), nil
	}
	d, err := m.open(ctx)
	if err != nil {
		return sample.DefaultProfile(), nil
	}
	defer d.Close()
	return m.profile(ctx, d.db)
}

func (m *Main) controlSize(ctx context.Context, control string) (sample.Size, error) {
	d, e, err := m.openEngagement(ctx)
	if err != nil {
		return sample.Size{}, err
	}
	defer d.Close()
	c, err := d.db.Control(ctx, e.ID, strings.ToUpper(control))
	if err != nil {
		return sample.Size{}, err
	}
	p, err := m.profile(ctx, d.db)
	if err != nil {
		return sample.Size{}, err
	}
	if c.Frequency == attest.EventDriven {
		ps, err := d.db.Populations(ctx, c.ID)
		if err != nil {
			return sample.Size{}, err
		}
		if len(ps) == 0 {
			return sample.Size{}, attest.Errorf(attest.EINVALID, "%s is event-driven: import its population first (attest population import), or use --population-size N", c.ID)
		}
		return p.ForPopulation(ps[len(ps)-1].Rows)
	}
	return p.ForFrequency(c.Frequency)
}

func (m *Main) sampleProfile() *cobra.Command {
	cmd := &cobra.Command{Use: "profile", Short: "The audit firm's sample-size table"}
	var file string
	set := &cobra.Command{
		Use:   "set --file PROFILE.json",
		Short: "Load the firm's own sample-size table (auditors only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			b, err := os.ReadFile(file)
			if err != nil {
				return attest.Errorf(attest.EINVALID, "read profile: %v", err)
			}
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			env, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return err
			}
			p, err := fieldwork.SetProfile(ctx, env, d.db, actor, e.ID, file, b)
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(p)
			}
			m.printf("Loaded the sample-size profile %q.\n", p.Name)
			return nil
		},
	}
	set.Flags().StringVar(&file, "file", "", "a JSON profile: {\"name\", \"by_frequency\": {\"quarterly\": 2, ...}, \"event_driven\": [{\"max\": 1, \"size\": 1}, ..., {\"max\": 0, \"size\": 40}]}")
	show := &cobra.Command{
		Use:   "show",
		Short: "Show the sample-size table in force",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := m.profileOrDefault(cmd.Context())
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(p)
			}
			m.printf("%s\n", p.Name)
			for _, f := range attest.Frequencies {
				if n, ok := p.ByFrequency[f]; ok {
					m.printf("  %-15s %d\n", f, n)
				}
			}
			prev := 0
			for _, b := range p.EventDriven {
				if b.Max == 0 {
					m.printf("  event-driven, more than %d items: %d\n", prev, b.Size)
				} else {
					m.printf("  event-driven, %d to %d items: %d\n", prev+1, b.Max, b.Size)
				}
				prev = b.Max
			}
			return nil
		},
	}
	cmd.AddCommand(set, show)
	return cmd
}

// drawJSON is the published shape of `attest sample draw --json`.
type drawJSON struct {
	ID         int64          `json:"id"`
	Control    string         `json:"control"`
	Population map[string]any `json:"population"`
	Seed       string         `json:"seed"`
	Size       int            `json:"size"`
	Rule       string         `json:"rule"`
	Stratify   string         `json:"stratify,omitempty"`
	Binding    bool           `json:"binding"`
	DrawnBy    string         `json:"drawn_by"`
	Items      []string       `json:"items"`
	Ranks      []string       `json:"ranks"`
	AllItems   bool           `json:"all_items"`
	Redraw     string         `json:"redraw_reason,omitempty"`
}

func (m *Main) sampleDraw() *cobra.Command {
	var control, seed, stratify, reason string
	var popID int64
	var size int
	var redraw bool
	cmd := &cobra.Command{
		Use:   "draw --control ID [--population ID] [--seed TEXT] [--size N] [--stratify month|quarter] [--redraw --reason TEXT]",
		Short: "Select the sample (auditors only): seeded, reproducible, recorded, the first draw binding",
		Long: `Select the items to test from a population. Each item is ranked by
HMAC-SHA256 with the seed as key and the item's key as message, and the
lowest ranks are taken (with --stratify, spread over the months or quarters
of the population's date column). The same population and seed always give
the same items, in any row order: docs/sampling.md shows how to recompute a
selection with openssl or Python. Only a named auditor of the engagement may
draw; the seed defaults to a random one, shown in the output. The first
draw for a population is binding: another needs --redraw with a reason, and
both stay visible.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if control == "" {
				return attest.Errorf(attest.EINVALID, "say which control to sample: --control ID")
			}
			if redraw != (strings.TrimSpace(reason) != "") {
				return attest.Errorf(attest.EINVALID, "a redraw needs both --redraw and --reason TEXT")
			}
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			env, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return err
			}
			dr, err := fieldwork.Draw(ctx, env, m.change(), actor, fieldwork.DrawRequest{Engagement: e.ID, Control: control, PopulationID: popID, Seed: seed, Size: size, Stratify: stratify, Reason: reason})
			if err != nil {
				return err
			}
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			saved, pop, c := dr.Draw, dr.Population, dr.Draw.ControlID
			items, ranks, all, rule, seed, size := saved.Items, dr.Ranks, dr.AllItems, saved.Rule, saved.Seed, saved.Size
			out := drawJSON{ID: saved.ID, Control: c, Population: map[string]any{"id": pop.ID, "sha256": pop.Ref, "rows": pop.Rows}, Seed: seed, Size: size, Rule: rule,
				Stratify: stratify, Binding: saved.Binding, DrawnBy: saved.DrawnBy, Items: items, Ranks: ranks, AllItems: all, Redraw: saved.Redraw}
			if m.cfg.json {
				return m.printJSON(out)
			}
			kind := "binding draw"
			if !saved.Binding {
				kind = "redraw (the first draw stays binding and visible): " + saved.Redraw
			}
			m.printf("Drew %d of %d items from population %d for %s (%s), seed %q, %s.\n", len(items), pop.Rows, pop.ID, c, rule, seed, kind)
			for i, it := range items {
				m.printf("  %3d  %s\n", i+1, it)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&control, "control", "", "the control to sample")
	fl.Int64Var(&popID, "population", 0, "the population (default: the control's latest)")
	fl.StringVar(&seed, "seed", "", "the seed (default: a random one)")
	fl.IntVar(&size, "size", 0, "the sample size (default: the firm's table)")
	fl.StringVar(&stratify, "stratify", "", "spread the sample over the population's months or quarters")
	fl.BoolVar(&redraw, "redraw", false, "draw again for a population that already has its binding draw")
	fl.StringVar(&reason, "reason", "", "why the redraw (required with --redraw)")
	return cmd
}

// selectItems streams the population's stored file and returns the
// selected keys and their ranks, in rank order (sample.SelectPopulation,
// which the web app uses too).
func selectItems(bs blob.Store, p *attest.Population, seed string, size int, stratify string) ([]string, []string, error) {
	rc, err := bs.Open(blob.Ref(p.Ref))
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	return sample.SelectPopulation(rc, p, seed, size, stratify)
}

func (m *Main) sampleList() *cobra.Command {
	var control string
	cmd := &cobra.Command{
		Use:   "list [--control ID]",
		Short: "List the engagement's draws, binding ones and redraws",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			ds, err := d.db.Draws(ctx, e.ID, strings.ToUpper(control))
			if err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(ds)
			}
			w := m.table()
			fmt.Fprintln(w, "ID\tCONTROL\tPOPULATION\tSIZE\tBINDING\tSEED\tDRAWN BY\tWHEN")
			for _, x := range ds {
				b := "yes"
				if !x.Binding {
					b = "no: " + x.Redraw
				}
				fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", x.ID, x.ControlID, x.PopulationID, len(x.Items), b, x.Seed, x.DrawnBy, x.DrawnAt)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&control, "control", "", "only this control's draws")
	return cmd
}

func (m *Main) sampleExtend() *cobra.Command {
	var drawID int64
	var size int
	var reason string
	cmd := &cobra.Command{
		Use:   "extend --draw N --size M [--reason TEXT]",
		Short: "Add items to a draw after a deviation, without changing those already drawn (auditors only)",
		Long: `Add the next M items, by the same seed's ranking, to a draw whose testing
found an isolated deviation. The items already drawn stay; the extension is
its own ledger entry. Offered only for populations of more than 12 items:
smaller ones are tested in full. An extension does not cure a systematic
deviation.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if drawID <= 0 || size <= 0 {
				return attest.Errorf(attest.EINVALID, "extend needs --draw N and --size M (M > 0)")
			}
			d, e, err := m.openEngagement(ctx)
			if err != nil {
				return err
			}
			defer d.Close()
			env, actor, err := m.fieldwork(ctx, d, e)
			if err != nil {
				return err
			}
			saved, err := fieldwork.Extend(ctx, env, d.db, m.change(), actor, e.ID, drawID, size, reason)
			if err != nil {
				return err
			}
			items := saved.Items
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
			if m.cfg.json {
				return m.printJSON(saved)
			}
			m.printf("Extended draw %d with %d items (draw %d):\n", drawID, len(items), saved.ID)
			for _, k := range items {
				m.printf("  %s\n", k)
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&drawID, "draw", 0, "the draw to extend")
	cmd.Flags().IntVar(&size, "size", 0, "how many items to add")
	cmd.Flags().StringVar(&reason, "reason", "", "why (e.g. the deviation found)")
	return cmd
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
