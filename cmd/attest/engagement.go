package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/scope"
	"github.com/spf13/cobra"
)

func (m *Main) engagementCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "engagement",
		Aliases: []string{"engagements"},
		Short:   "Create and manage engagements (one examination each)",
	}
	cmd.AddCommand(m.engagementCreate(), m.engagementList(), m.engagementUse(), m.engagementShow(), m.engagementExclude(), m.engagementInclude(), m.auditorCommand())
	return cmd
}

type createFlags struct {
	fromScope, id, name, kind, typ, asOf, periodStart, periodEnd, period, reportDate, firm string
	categories, templates                                                                  []string
	soc3                                                                                   bool
	lag                                                                                    int
}

func (m *Main) engagementCreate() *cobra.Command {
	var f createFlags
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an engagement from a scope recommendation or from flags",
		Long: `Create an engagement and instantiate the library controls its criteria or
objectives need. With --from-scope FILE (an answers file, or the JSON that
` + "`attest scope --json`" + ` printed), one engagement is created for each
recommended SOC 1 and SOC 2 report (a SOC 3 rides on the SOC 2 Type 2), over
the recommended period or as of the recommended date; flags override what the
recommendation says. Without it, --kind and --type decide.

Where neither gives a date, a Type 2 period starts on the first day of next
month and lasts the recommended number of months, and a Type 1 as-of date is
the last day of next month. The expected report date follows the period by the
fieldwork lag.`,
		Example: `  attest engagement create --from-scope answers.yaml --firm "Example CPA LLP"
  attest engagement create --kind "SOC 2" --type 2 --categories availability,confidentiality --period 2026-01-01..2026-12-31
  attest engagement create --kind "SOC 1" --type 1 --templates itgc,payroll --as-of 2026-12-31`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			specs, notes, err := m.createSpecs(cmd, f)
			if err != nil {
				return err
			}
			return m.withData(ctx, func(d *data) error {
				s := d.db
				out, err := engagement.Create(ctx, s, m.catalog(), m.change(), nil, specs)
				if len(out) > 0 {
					// What was created stays created: sign over it even when a
					// later spec was refused.
					if _, cerr := d.checkpoint(ctx); cerr != nil && err == nil {
						err = cerr
					}
				}
				if err != nil {
					return err
				}
				current := ""
				if len(out) > 0 {
					used, err := engagement.UseFirst(ctx, s, out[0].Engagement.ID)
					if err != nil {
						return err
					}
					if used {
						current = out[0].Engagement.ID
					}
				}
				if m.cfg.json {
					return m.printJSON(map[string]any{"created": out, "current": current, "notes": notes})
				}
				for _, c := range out {
					m.printf("Created %s: %s, %s, %d controls from the library.\n", c.Engagement.ID, c.Engagement.Label(), c.Engagement.When(), c.Controls)
				}
				for _, n := range notes {
					m.printf("Note: %s\n", n)
				}
				if current != "" {
					m.printf("Current engagement: %s\n", current)
				}
				m.printf("Next: attest controls list   (assign owners with `attest controls set ID --owner NAME`)\n")
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.fromScope, "from-scope", "", "answers file or saved `attest scope --json` output")
	fl.StringVar(&f.id, "id", "", "engagement ID (default e.g. soc2-type2-2026)")
	fl.StringVar(&f.name, "name", "", "a display name")
	fl.StringVar(&f.kind, "kind", "", `report kind: "SOC 1", "SOC 2" or "SOC 3" (with --from-scope: only this kind)`)
	fl.StringVar(&f.typ, "type", "", "Type 1 or Type 2 (1 or 2)")
	fl.StringSliceVar(&f.categories, "categories", nil, "SOC 2/3 categories besides Security: availability, processing-integrity, confidentiality, privacy")
	fl.StringSliceVar(&f.templates, "templates", nil, "SOC 1 objective templates: itgc, payroll, billing, claims, loan_servicing, custody, hosting")
	fl.StringVar(&f.asOf, "as-of", "", "Type 1 as-of date YYYY-MM-DD")
	fl.StringVar(&f.period, "period", "", "Type 2 period START..END (YYYY-MM-DD..YYYY-MM-DD)")
	fl.StringVar(&f.periodStart, "period-start", "", "Type 2 period start YYYY-MM-DD")
	fl.StringVar(&f.periodEnd, "period-end", "", "Type 2 period end YYYY-MM-DD")
	fl.StringVar(&f.reportDate, "report-date", "", "expected report date YYYY-MM-DD (default: period end + fieldwork lag)")
	fl.StringVar(&f.firm, "firm", "", "the service auditor (CPA firm)")
	fl.BoolVar(&f.soc3, "soc3", false, "also draw a SOC 3 from this SOC 2 Type 2")
	fl.IntVar(&f.lag, "fieldwork-lag", scope.DefaultOptions().FieldworkLagMonths, "months from the period end to the expected report date")
	return cmd
}

// createSpecs turns the flags, and the recommendation when given, into one
// spec per engagement to create.
func (m *Main) createSpecs(cmd *cobra.Command, f createFlags) ([]engagement.Spec, []string, error) {
	if f.period != "" {
		a, b, ok := strings.Cut(f.period, "..")
		if !ok || f.periodStart != "" || f.periodEnd != "" {
			return nil, nil, attest.Errorf(attest.EINVALID, "--period %q: want START..END, and not together with --period-start/--period-end", f.period)
		}
		f.periodStart, f.periodEnd = a, b
	}
	var kind attest.Kind
	if f.kind != "" {
		k, err := attest.ParseKind(f.kind)
		if err != nil {
			return nil, nil, err
		}
		kind = k
	}
	var typ attest.ReportType
	if f.typ != "" {
		t, err := attest.ParseReportType(f.typ)
		if err != nil {
			return nil, nil, err
		}
		typ = t
	}
	base := engagement.Spec{ID: f.id, Name: f.name, Kind: kind, Type: typ, AlsoSOC3: f.soc3, Categories: f.categories, Templates: f.templates,
		AsOf: f.asOf, PeriodStart: f.periodStart, PeriodEnd: f.periodEnd, ReportDate: f.reportDate, Firm: f.firm, FieldworkLagMonths: f.lag}
	for _, d := range []struct{ flag, v string }{{"as-of", f.asOf}, {"period-start", f.periodStart}, {"period-end", f.periodEnd}, {"report-date", f.reportDate}} {
		if d.v != "" {
			if _, err := attest.ParseDate(d.v); err != nil {
				return nil, nil, attest.Errorf(attest.EINVALID, "--%s %q: want YYYY-MM-DD", d.flag, d.v)
			}
		}
	}
	if f.fromScope == "" {
		if kind == "" {
			return nil, nil, &attest.Error{Code: attest.EINVALID, Message: "say what to create: --from-scope FILE, or --kind and --type", Hint: "see `attest engagement create --help`"}
		}
		specs, notes, err := engagement.Plan(base, nil, m.Now())
		return specs, notes, hinted(err, attest.EINVALID, "needs a type", "add --type 1 or --type 2")
	}
	rec, err := readRecommendation(f.fromScope, cmd.Flags().Changed("fieldwork-lag"), f.lag, m.Now())
	if err != nil {
		return nil, nil, err
	}
	specs, notes, err := engagement.Plan(base, rec, m.Now())
	if err != nil {
		return nil, nil, &attest.Error{Code: attest.ErrorCode(err), Message: f.fromScope + ": " + attest.ErrorMessage(err), Hint: "create one with --kind and --type, or add --kind to pick one of those recommended"}
	}
	return specs, notes, nil
}

// readRecommendation reads either an answers file (and decides) or the JSON
// a previous `attest scope --json` printed.
func readRecommendation(path string, lagSet bool, lag int, today time.Time) (*scope.Recommendation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "read %s: %v", path, err)
	}
	opts := scope.DefaultOptions()
	opts.Today = today
	if lagSet {
		opts.FieldworkLagMonths = lag
	}
	return scope.ReadRecommendation(path, b, opts)
}

// listedEngagement is an engagement as engagement list shows it: marked
// when it is the current one.
type listedEngagement struct {
	attest.Engagement
	Current bool `json:"current"`
}

func (m *Main) engagementList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List engagements",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, _ []string) ([]listedEngagement, error) {
			all, err := engagement.List(ctx, d.db, auth.Everything)
			if err != nil {
				return nil, err
			}
			current, _ := d.db.Setting(ctx, engagement.CurrentKey)
			out := []listedEngagement{}
			for _, e := range all {
				out = append(out, listedEngagement{e, e.ID == current})
			}
			return out, nil
		}, func(all []listedEngagement) error {
			if len(all) == 0 {
				m.printf("No engagements yet. Run `attest scope`, then `attest engagement create`.\n")
				return nil
			}
			return rows(m.Stdout, "\tID\tREPORT\tSCOPE\tWHEN\tREPORT DATE\tFIRM", all, func(l listedEngagement) []any {
				e := &l.Engagement
				mark := ""
				if l.Current {
					mark = "*"
				}
				return []any{mark, e.ID, label(e), scopeWords(e), e.When(), dashStr(e.ReportDate), dashStr(e.Firm)}
			})
		}),
	}
}

func label(e *attest.Engagement) string {
	if e.AlsoSOC3 {
		return e.Label() + " + SOC 3"
	}
	return e.Label()
}

func scopeWords(e *attest.Engagement) string {
	if e.Kind == attest.SOC1 {
		return strings.Join(e.Templates, ", ")
	}
	return strings.Join(e.Categories, ", ")
}

func dashStr(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// madeCurrent is the engagement that engagement use made the current one.
type madeCurrent struct {
	ID string `json:"current"`
	e  *attest.Engagement
}

func (m *Main) engagementUse() *cobra.Command {
	return &cobra.Command{
		Use:   "use ID",
		Short: "Make an engagement the current one",
		Args:  cobra.ExactArgs(1),
		// A setting of this installation, not a ledger entry: no
		// checkpoint to sign.
		RunE: reads(m, func(ctx context.Context, d *data, args []string) (madeCurrent, error) {
			e, err := engagement.Use(ctx, d.db, args[0])
			if err != nil {
				return madeCurrent{}, err
			}
			return madeCurrent{e.ID, e}, nil
		}, func(c madeCurrent) error {
			m.printf("Current engagement: %s (%s)\n", c.ID, label(c.e))
			return nil
		}),
	}
}

func (m *Main) engagementShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show [ID]",
		Short: "Show an engagement: scope, dates, controls by status, exclusions",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				m.cfg.engagement = args[0]
			}
			return readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (engagement.Summary, error) {
				return engagement.Summarize(ctx, d.db, e)
			}, m.printEngagement)(cmd, args)
		},
	}
}

func (m *Main) printEngagement(v engagement.Summary) error {
	e := v.Engagement
	w := m.table()
	fmt.Fprintf(w, "Engagement\t%s (%s)\nReport\t%s\nScope\t%s\nWhen\t%s\nExpected report date\t%s\nService auditor\t%s\n",
		e.ID, e.Name, label(e), scopeWords(e), e.When(), dashStr(e.ReportDate), dashStr(e.Firm))
	fmt.Fprintf(w, "Controls\t%d (", v.Controls)
	for i, st := range attest.Statuses {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%d %s", v.ByStatus[st], st)
	}
	fmt.Fprintln(w, ")")
	w.Flush()
	if len(v.Exclusions) > 0 {
		m.printf("\nCriteria proposed as not relevant (subject to the service auditor's agreement):\n")
		for _, x := range v.Exclusions {
			m.printf("  %s: %s\n", x.CriterionID, x.Reason)
		}
	}
	return nil
}

// excluded is what engagement exclude answers (JSON keys in alphabetical
// order, as they have always been printed).
type excluded struct {
	Exclusion *attest.Exclusion `json:"exclusion"`
	Subject   bool              `json:"subject_to_auditor_agreement"`
	Warnings  []string          `json:"warnings"`
}

func (m *Main) engagementExclude() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "exclude CRITERION --reason TEXT",
		Short: "Propose a criterion of an in-scope category as not relevant, with the reason",
		Long: `Record that a criterion of an in-scope category is not relevant to the
system, and why. The reason feeds DC8 of the description and is subject to
the service auditor's agreement. "We have no control for it" is never a
reason: that is a gap to close.`,
		Args: cobra.ExactArgs(1),
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (excluded, error) {
			x, warnings, err := engagement.Exclude(ctx, d.db, m.catalog(), m.change(), nil, e, args[0], reason)
			if err != nil {
				return excluded{}, err
			}
			for _, w := range warnings {
				m.warn(w)
			}
			return excluded{x, true, warnings}, nil
		}, func(v excluded) error {
			m.printf("%s proposed as not relevant to %s.\n", v.Exclusion.CriterionID, v.Exclusion.EngagementID)
			return nil
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the criterion is not relevant to the system (required)")
	return cmd
}

func (m *Main) engagementInclude() *cobra.Command {
	return &cobra.Command{
		Use:   "include CRITERION",
		Short: "Withdraw an exclusion: the criterion is in scope again",
		Args:  cobra.ExactArgs(1),
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (map[string]string, error) {
			id, err := engagement.Include(ctx, d.db, m.change(), nil, e.ID, args[0])
			if err != nil {
				return nil, err
			}
			return map[string]string{"included": id, "engagement": e.ID}, nil
		}, func(v map[string]string) error {
			m.printf("%s is in scope of %s again.\n", v["included"], v["engagement"])
			return nil
		}),
	}
}
