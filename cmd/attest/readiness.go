package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/report"
	"github.com/spf13/cobra"
)

func (m *Main) readinessCommand() *cobra.Command {
	var csvFile, mdFile, asOf string
	cmd := &cobra.Command{
		Use:   "readiness [--json] [--csv FILE] [--markdown FILE] [--as-of DATE]",
		Short: "Where are we not ready? Scores per criterion or objective, and the gaps that block the examination",
		Long: `Per criterion (SOC 2) or control objective (SOC 1): the controls that address
it, their status, the evidence present so far, and a score. The scores are an
internal readiness indicator, not an assessment of design or operating
effectiveness: that is the service auditor's. Two views: Type 1 (every
criterion addressed by an implemented control that has been performed at
least once) and Type 2 (evidence present, occurrence by occurrence). The gap
list is ordered by what blocks the examination most, each with a hint.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			when := m.today()
			if asOf != "" {
				t, err := attest.ParseDate(asOf)
				if err != nil {
					return attest.Errorf(attest.EINVALID, "--as-of %q: want YYYY-MM-DD", asOf)
				}
				when = t
			}
			return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*readiness.Report, error) {
				_, rep, err := report.Assess(ctx, d.db, d.blobs, e, when)
				if err != nil {
					return nil, err
				}
				if csvFile != "" {
					if err := writeCSV(csvFile, rep); err != nil {
						return nil, err
					}
				}
				if mdFile != "" {
					if err := atomicfile.Write(mdFile, []byte(rep.Markdown(when))); err != nil {
						return nil, err
					}
				}
				return rep, nil
			}, func(rep *readiness.Report) error {
				m.printReadiness(rep, when)
				return nil
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&csvFile, "csv", "", "also write the per-criterion scores and gaps as CSV")
	cmd.Flags().StringVar(&mdFile, "markdown", "", "also write the report as Markdown")
	cmd.Flags().StringVar(&asOf, "as-of", "", "assess as of this date (default today)")
	return cmd
}

func (m *Main) printReadiness(r *readiness.Report, when time.Time) {
	gapCommands(r)
	m.printf("%s (%s), as of %s\n", r.Engagement, r.Label, when.Format(attest.DateLayout))
	m.printf("Internal readiness indicator (not an assessment of design or operating effectiveness):\n")
	m.printf("  Type 1 readiness: %d / 100\n  Type 2 readiness: %d / 100\n", r.Type1.Score, r.Type2.Score)
	if r.Lowest != nil {
		m.printf("  Lowest: %s at %d / 100 (an average can hide a criterion or objective at 0)\n", r.Lowest.Ref, r.Lowest.Score)
	}
	m.printf("\n")
	if len(r.AtRisk) > 0 {
		m.printf("At risk (%d):\n", len(r.AtRisk))
		for _, a := range r.AtRisk {
			for i, why := range a.Reasons {
				ref := ""
				if i == 0 {
					ref = a.Ref
				}
				m.printf("  %-7s %s\n", ref, wrap(why, 70, strings.Repeat(" ", 10)))
			}
		}
		m.printf("\nThe options:\n")
		for _, o := range r.Options {
			m.printf("  - %s\n", wrap(o, 72, "    "))
		}
		m.printf("\n")
	}
	w := m.table()
	fmt.Fprintln(w, "CRITERION\tTYPE 1\tTYPE 2\tCONTROLS\tGAPS")
	for i, c := range r.Type1.Criteria {
		t2 := r.Type2.Criteria[i]
		if c.Excluded != "" {
			fmt.Fprintf(w, "%s\texcluded\texcluded\t-\t%s\n", c.ID, c.Excluded)
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%d\n", c.ID, c.Score, t2.Score, shortList(c.Controls, 4), len(t2.Gaps))
	}
	w.Flush()
	if len(r.Gaps) == 0 {
		m.printf("\nNo gaps found.\n")
	} else {
		m.printf("\nGaps, most blocking first:\n")
		for i, g := range r.Gaps {
			if i == 40 {
				m.printf("  ... and %d more (--json or --markdown for all)\n", len(r.Gaps)-40)
				break
			}
			m.printf("  %-26s %-7s %s\n  %34s %s\n", g.Kind, g.Ref, g.Detail, "->", wrap(g.Hint, 70, strings.Repeat(" ", 37)))
		}
	}
	m.printf("\nHow the scores are computed:\n  Type 1: %s\n  Type 2: %s\n", wrap(r.Type1.Explanation, 72, "          "), wrap(r.Type2.Explanation, 72, "          "))
}

// writeCSV writes the report's CSV export to path whole.
func writeCSV(path string, r *readiness.Report) error {
	b, err := r.CSV()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b)
}
