package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/population"
	"github.com/attest-dev/attest/sample"
	"github.com/spf13/cobra"
)

func (m *Main) populationCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "population",
		Short: "Import populations (changes, hires, terminations) with their provenance",
	}
	var f popFlags
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
			return m.importPopulation(cmd, f)
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
		Use:   "list [--control ID] [--engagement ID]",
		Short: "List populations: every engagement's, or with --engagement (or ATTEST_ENGAGEMENT) that engagement's controls'",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) ([]attest.Population, error) {
			return population.List(ctx, d.db, auth.Everything, m.cfg.engagement, control)
		}, func(ps []attest.Population) error {
			return rows(m.Stdout, "ID\tCONTROL\tROWS\tKEY\tDATES\tSOURCE\tFILE", ps, func(p attest.Population) []any {
				return []any{p.ID, p.ControlID, p.Rows, p.KeyColumn, dashStr(strings.Trim(p.FirstDate+".."+p.LastDate, ".")), dashStr(p.Source), p.Name}
			})
		}),
	}
	list.Flags().StringVar(&control, "control", "", "only this control's populations")
	cmd.AddCommand(imp, list, m.populationReconcile(), m.populationShow(), m.populationTest())
	return cmd
}

func (m *Main) populationReconcile() *cobra.Command {
	var req population.ReconcileRequest
	var total int
	cmd := &cobra.Command{
		Use:   "reconcile --population ID (--against ID | --control-total N) [--note TEXT]",
		Short: "Record how a population was shown to be complete, with the differences",
		Long: `Show a population complete, as the auditor will ask: reconcile it to another
population (for example HR terminations against identity-provider
deactivations, both keyed by the same identifier), listing the items missing
from it and the items it has that the other lacks; or compare it to a
control total from the source system. The result is recorded in the ledger,
differences and all; the command exits 1 when there are differences.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("control-total") {
				req.ControlTotal = &total
			}
			if req.Population <= 0 || (req.Against > 0) == (req.ControlTotal != nil) {
				return attest.Errorf(attest.EINVALID, "reconcile needs --population ID and either --against ID or --control-total N")
			}
			if total < 0 {
				return attest.Errorf(attest.EINVALID, "--control-total must be 0 or more")
			}
			var differs bool
			err := writes(m, func(ctx context.Context, d *data, _ []string) (*attest.Completeness, error) {
				c, err := population.Reconcile(ctx, d.db, d.blobs, m.change(), nil, req)
				differs = c != nil && c.MissingCount+c.ExtraCount > 0
				return c, err
			}, func(c *attest.Completeness) error {
				m.printf("%s", reconciledText(c))
				return nil
			})(cmd, args)
			if err == nil && differs {
				// Recorded, differences and all; the exit says they differ.
				return failure{exitFailed}
			}
			return err
		},
	}
	cmd.Flags().Int64Var(&req.Population, "population", 0, "the population to show complete")
	cmd.Flags().Int64Var(&req.Against, "against", 0, "another population to reconcile it to (same keys)")
	cmd.Flags().IntVar(&total, "control-total", 0, "the number of items the source system reports")
	cmd.Flags().StringVar(&req.Note, "note", "", "how the comparison was made, and what the differences are")
	return cmd
}

// reconciledText says whether a completeness check found the population
// complete, and lists the differences it keeps.
func reconciledText(c *attest.Completeness) string {
	var b strings.Builder
	if c.MissingCount == 0 && c.ExtraCount == 0 {
		fmt.Fprintf(&b, "Population %d reconciles: %d items match.\n", c.PopulationID, c.Matched)
		return b.String()
	}
	fmt.Fprintf(&b, "Population %d does not fully reconcile: %d match, %d missing from it, %d extra in it.\n", c.PopulationID, c.Matched, c.MissingCount, c.ExtraCount)
	for _, k := range c.Missing {
		fmt.Fprintf(&b, "  missing: %s\n", k)
	}
	for _, k := range c.Extra {
		fmt.Fprintf(&b, "  extra:   %s\n", k)
	}
	return b.String()
}

func (m *Main) populationShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a population's provenance and completeness checks",
		Args:  cobra.ExactArgs(1),
		RunE: onNumber(numberOf("population"), func(id int64) runner {
			return reads(m, func(ctx context.Context, d *data, _ []string) (populationShown, error) {
				p, err := d.db.Population(ctx, id)
				if err != nil {
					return populationShown{}, err
				}
				cs, err := d.db.CompletenessChecks(ctx, id)
				return populationShown{cs, p}, err
			}, m.printPopulation)
		}),
	}
}

// populationShown is what population show prints (JSON keys in
// alphabetical order, as they have always been printed).
type populationShown struct {
	Completeness []attest.Completeness `json:"completeness"`
	Population   *attest.Population    `json:"population"`
}

func (m *Main) printPopulation(v populationShown) error {
	p, cs := v.Population, v.Completeness
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
}

// popFlags are the flags of `attest population import`.
type popFlags struct{ control, file, key, date, source, query, by, at, format string }

// importPopulation checks the flags, opens the file and hands it to
// population.Import, which reads, checks and records it.
func (m *Main) importPopulation(cmd *cobra.Command, f popFlags) error {
	if f.control == "" || f.file == "" || f.key == "" {
		return attest.Errorf(attest.EINVALID, "population import needs --control ID, --file FILE and --key COLUMN")
	}
	req := population.ImportRequest{Control: f.control, Name: f.file, KeyColumn: f.key, DateColumn: f.date,
		Source: f.source, Query: f.query, ExtractedBy: f.by, ExtractedAt: f.at}
	switch f.format {
	case "":
	case "csv", "jsonl":
		req.Format = sample.Format(f.format)
	default:
		return attest.Errorf(attest.EINVALID, "--format %q: want csv or jsonl", f.format)
	}
	if f.at != "" && !population.ValidTime(f.at) {
		return attest.Errorf(attest.EINVALID, "--extracted-at %q: want YYYY-MM-DD or RFC 3339", f.at)
	}
	return writes(m, func(ctx context.Context, d *data, _ []string) (*attest.Population, error) {
		file, err := os.Open(f.file)
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: %v", f.file, fileerr.Reason(err))
		}
		defer file.Close()
		req.File = file
		// Memory stays bounded whatever the file's size: ask the collector to
		// keep the heap near 40 MiB rather than let it double between cycles.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(40 << 20))
		d.blobs.SetMaxSize(population.MaxSize)
		saved, err := population.Import(ctx, d.db, d.blobs, m.change(), nil, req)
		return saved, hinted(err, attest.ENOTFOUND, "no such control", "see `attest controls list`")
	}, func(saved *attest.Population) error {
		m.printf("Imported population %d for %s: %d items keyed by %s, %s.\n", saved.ID, saved.ControlID, saved.Rows, saved.KeyColumn, saved.Ref)
		if saved.Rows == 0 {
			m.printf("The population is empty: keep the evidence that shows it (this file is kept as such).\n")
		}
		if population.NeedsProvenance(saved) {
			m.warn("record the population's provenance (--source, --query, --extracted-by, --extracted-at): it is information produced by the entity, and the auditor will ask how it was produced")
		}
		return nil
	})(cmd, nil)
}
