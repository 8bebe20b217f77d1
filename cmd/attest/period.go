package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/period"
	"github.com/spf13/cobra"
)

func (m *Main) periodCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "period",
		Short: "The Type 2 period: expected occurrences and whether evidence is present",
	}
	cmd.AddCommand(m.periodStatus(), m.periodEvents(), m.periodNotRequired(), m.periodConfig())
	return cmd
}

func (m *Main) periodStatus() *cobra.Command {
	var control, asOf string
	var occurrences bool
	cmd := &cobra.Command{
		Use:   "status [--control ID] [--as-of DATE]",
		Short: "Per control: expected occurrences, present, late, deviations, missed, not required, upcoming, coverage",
		Long: `For the engagement's period and each control's frequency and due rule, show
the occurrences that fall due within the period (a quarterly control over
twelve months has four) and whether evidence covering each is present
(performed by its due date), late (performed after it), a deviation (a
preventive control, such as an approval before a merge, performed after the
event it was to prevent), missed, not required, or upcoming (not yet due).
Timeliness is judged on the date the evidence says the control was
performed (--performed-on, or what its content records); where that is
unknown, on the day the evidence was added (periodic controls) or the date
it covers (event-driven ones), and the output says so. Coverage is present
/ (expected - not required - upcoming). --as-of shows the state on any
date, counting only evidence added by then.

Attest shows whether evidence is present, not whether a control operated:
that is the service auditor's conclusion. A missed or late occurrence, and a
deviation, is a known deviation: management discloses it to the service
auditor.`,
		Args: cobra.NoArgs,
		RunE: readsAbout(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*period.Report, error) {
			when := m.today()
			if asOf != "" {
				var err error
				if when, err = attest.ParseDate(asOf); err != nil {
					return nil, attest.Errorf(attest.EINVALID, "--as-of %q: want YYYY-MM-DD", asOf)
				}
			}
			out, err := period.Load(ctx, d.db, e, strings.ToUpper(control), when)
			if err != nil {
				return nil, hinted(err, attest.ENOTFOUND, "no such control", "see `attest controls list`")
			}
			if !occurrences {
				for i := range out.Controls {
					out.Controls[i].Occurrences = nil
				}
			}
			return out, nil
		}, m.printPeriod),
	}
	cmd.Flags().StringVar(&control, "control", "", "only this control")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the state on this date (default today)")
	cmd.Flags().BoolVar(&occurrences, "occurrences", false, "with --json, list every occurrence")
	return cmd
}

var cellGlyph = map[period.State]string{
	period.Present: "■", period.Late: "▲", period.Deviation: "◆", period.Missed: "✗", period.NotRequired: "○", period.Upcoming: "·",
}

var cellColor = map[period.State]string{
	period.Present: "\x1b[32m", period.Late: "\x1b[33m", period.Deviation: "\x1b[35m", period.Missed: "\x1b[31m", period.NotRequired: "\x1b[90m", period.Upcoming: "\x1b[2m",
}

func (m *Main) cell(s period.State) string {
	if m.Interactive {
		return cellColor[s] + cellGlyph[s] + "\x1b[0m"
	}
	return cellGlyph[s]
}

func (m *Main) printPeriod(e *attest.Engagement, out *period.Report) error {
	m.printf("%s: period %s to %s, as of %s\n", e.ID, out.Period.Start, out.Period.End, out.AsOf)
	m.printf("Legend: %s present  %s late  %s deviation (preventive, performed after the event)  %s missed  %s not required  %s upcoming\n\n",
		m.cell(period.Present), m.cell(period.Late), m.cell(period.Deviation), m.cell(period.Missed), m.cell(period.NotRequired), m.cell(period.Upcoming))
	w := m.table()
	fmt.Fprintln(w, "CONTROL\tFREQUENCY\tEXPECTED\tPRESENT\tLATE\tDEVIATION\tMISSED\tN/R\tUPCOMING\tCOVERAGE")
	for _, c := range out.Controls {
		coverage := fmt.Sprintf("%.0f%%", c.Coverage*100)
		if c.Status.NothingDue {
			coverage = "nothing due yet"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", c.Control, c.Frequency, c.Expected, c.Present, len(c.Late), len(c.Deviations), len(c.Missed),
			c.Status.NotRequired, c.Upcoming, coverage)
	}
	w.Flush()
	m.printf("\n")
	for _, c := range out.Controls {
		if len(c.Status.Occurrences) == 0 {
			continue
		}
		var b strings.Builder
		for i, o := range c.Status.Occurrences {
			if i > 0 && i%61 == 0 {
				b.WriteString("\n         ")
			}
			b.WriteString(m.cell(o.State))
		}
		m.printf("%-8s %s\n", c.Control, b.String())
	}
	if len(out.Policies) > 0 {
		m.printf("\n")
		w := m.table()
		fmt.Fprintln(w, "POLICY\tREVIEW\tIN FORCE\tEXPECTED\tPRESENT\tLATE\tMISSED\tUPCOMING\tREVIEWS")
		for _, p := range out.Policies {
			var b strings.Builder
			for _, o := range p.Occurrences {
				b.WriteString(m.cell(o.State))
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", p.Policy, p.Frequency, p.InForce, p.Expected, p.Present, p.Late, p.Missed, p.Upcoming, b.String())
		}
		w.Flush()
	}
	var findings []string
	for _, c := range out.Controls {
		for _, l := range c.Deviations {
			findings = append(findings, fmt.Sprintf("  %-8s deviation: %s to %s, due %s, %s (a preventive control performed after the event)", c.Control, l.Start, l.End, l.Due, performedWords(l)))
		}
		for _, l := range c.Late {
			findings = append(findings, fmt.Sprintf("  %-8s late:   %s to %s, due %s, %s", c.Control, l.Start, l.End, l.Due, performedWords(l)))
		}
		for _, ms := range c.Missed {
			findings = append(findings, fmt.Sprintf("  %-8s missed: %s to %s", c.Control, ms.Start, ms.End))
		}
	}
	// A policy's late or missed review is a known deviation of this
	// engagement through the controls of it the policy supports; a
	// policy that supports none of them is listed apart.
	var apart []string
	for _, p := range out.Policies {
		for _, o := range p.Occurrences {
			var line string
			switch o.State {
			case period.Late:
				line = fmt.Sprintf("  %-8s late:   policy review %s to %s, reviewed %s", p.Policy, o.Start, o.End, o.Performed)
			case period.Missed:
				line = fmt.Sprintf("  %-8s missed: policy review %s to %s", p.Policy, o.Start, o.End)
			default:
				continue
			}
			if len(p.EngagementControls) > 0 {
				findings = append(findings, line+" ("+strings.Join(p.EngagementControls, ", ")+")")
			} else {
				apart = append(apart, line)
			}
		}
	}
	if len(findings) > 0 {
		m.printf("\nKnown deviations: disclose each to the service auditor, and consider it for the description:\n%s\n", strings.Join(findings, "\n"))
	}
	if len(apart) > 0 {
		m.printf("\nPolicy reviews late or missed, of policies that support none of this engagement's controls (not known deviations of it; the program's own record):\n%s\n", strings.Join(apart, "\n"))
	}
	if len(out.Warnings) > 0 {
		m.printf("\nWarnings:\n")
		for _, w := range out.Warnings {
			m.printf("  ! %s\n", w)
		}
	}
	return nil
}

// performedWords says when a late or deviating occurrence was performed,
// and, when performed-on is unknown, what it is judged on instead.
func performedWords(l period.Timed) string {
	switch l.PerformedFrom {
	case period.FromAdded:
		return "evidence added " + l.Performed + " (performed-on unknown: judged on the upload date)"
	case period.FromCovers:
		return "evidence covering " + l.Performed + " (performed-on unknown: judged on the date it covers)"
	}
	return "performed on " + l.Performed
}

func (m *Main) periodEvents() *cobra.Command {
	cmd := &cobra.Command{Use: "events", Short: "Populations of events for event-driven controls"}
	var control, file, source string
	imp := &cobra.Command{
		Use:   "import --control ID --file CSV",
		Short: "Import a population of events (changes, hires, terminations) for an event-driven control",
		Long: `Import events from a CSV file with a header row and the columns id, date
(YYYY-MM-DD) and, optionally, description. Each event becomes an expected
occurrence of the control, due by its due rule. Events already imported (by
id) are skipped. A malformed row stops the import with its line number;
nothing is imported then.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if control == "" || file == "" {
				return attest.Errorf(attest.EINVALID, "events import needs --control ID and --file CSV")
			}
			events, err := readEvents(file)
			if err != nil {
				return err
			}
			return writes(m, func(ctx context.Context, d *data, _ []string) (*period.Imported, error) {
				return period.ImportEvents(ctx, d.db, m.change(), nil, period.EventsRequest{Control: control, Events: events, Source: source, File: file})
			}, func(v *period.Imported) error {
				m.printf("Imported %d new events for %s (%d read, %d already there).\n", v.Added, v.Control, v.Read, v.Read-v.Added)
				return nil
			})(cmd, args)
		},
	}
	imp.Flags().StringVar(&control, "control", "", "the event-driven control")
	imp.Flags().StringVar(&file, "file", "", "CSV with columns id,date[,description]")
	imp.Flags().StringVar(&source, "source", "", "the system the population came from (default: the file name)")
	cmd.AddCommand(imp)
	return cmd
}

// readEvents reads an events CSV file.
func readEvents(path string) ([]attest.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: %v", path, fileerr.Reason(err))
	}
	defer f.Close()
	return period.ParseEvents(path, f)
}

func (m *Main) periodNotRequired() *cobra.Command {
	var control, window, reason string
	var evidence int64
	cmd := &cobra.Command{
		Use:   "not-required --control ID --window START..END --reason TEXT [--evidence ID]",
		Short: "Record that a control's trigger did not arise in a window (e.g. no terminations)",
		Long: `Record that the circumstances that make a control operate did not occur in a
window: for an event-driven control, no events; for a periodic one, no
trigger. Occurrences in the window are then not required (which is not a
deviation). Give the evidence that shows it, such as the empty population,
with --evidence.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start, end, ok := strings.Cut(window, "..")
			if control == "" || !ok {
				return attest.Errorf(attest.EINVALID, "not-required needs --control ID and --window START..END (YYYY-MM-DD, start first)")
			}
			return writes(m, func(ctx context.Context, d *data, _ []string) (*attest.NotRequired, error) {
				nr, err := period.RecordNotRequired(ctx, d.db, m.change(), nil, period.NotRequiredRequest{Control: control, Start: start, End: end, Reason: reason, Evidence: evidence})
				err = hinted(err, attest.EINVALID, "window: ", "--window START..END, start first")
				return nr, hinted(err, attest.EINVALID, "reason: ", "--reason TEXT")
			}, func(nr *attest.NotRequired) error {
				m.printf("Recorded: %s not required from %s to %s (%s).\n", nr.ControlID, nr.Start, nr.End, nr.Reason)
				if evidence == 0 {
					m.warn("no evidence given: the auditor will want to see why, e.g. the empty population (--evidence ID)")
				}
				return nil
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&control, "control", "", "the control")
	cmd.Flags().StringVar(&window, "window", "", "START..END")
	cmd.Flags().StringVar(&reason, "reason", "", "why the control was not required")
	cmd.Flags().Int64Var(&evidence, "evidence", 0, "the evidence that shows it (an evidence ID)")
	return cmd
}

func (m *Main) periodConfig() *cobra.Command {
	var businessDays string
	cmd := &cobra.Command{
		Use:   "config [--business-days true|false]",
		Short: "Show or change how occurrences are laid out",
		Args:  cobra.NoArgs,
		// A setting of this installation, not a ledger entry: no
		// checkpoint to sign.
		RunE: func(cmd *cobra.Command, args []string) error {
			changed := cmd.Flags().Changed("business-days")
			return reads(m, func(ctx context.Context, d *data, _ []string) (map[string]bool, error) {
				if changed {
					if businessDays != "true" && businessDays != "false" {
						return nil, attest.Errorf(attest.EINVALID, "--business-days %q: want true or false", businessDays)
					}
					if err := period.SetOptions(ctx, d.db, nil, period.Options{BusinessDays: businessDays == "true"}); err != nil {
						return nil, err
					}
				}
				return map[string]bool{"business_days": period.LoadOptions(ctx, d.db).BusinessDays}, nil
			}, func(v map[string]bool) error {
				if v["business_days"] {
					m.printf("Daily controls expect evidence on business days (Monday to Friday).\n")
				} else {
					m.printf("Daily controls expect evidence on every day.\n")
				}
				return nil
			})(cmd, args)
		},
	}
	cmd.Flags().StringVar(&businessDays, "business-days", "", "lay daily controls on Monday to Friday only")
	return cmd
}
