package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/report"
	"github.com/spf13/cobra"
)

func (m *Main) deviationsCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "deviations",
		Short: "The register of known deviations: what management knows did not operate as described, and its disclosure",
		Long: `Every instance management knows of in which a control did not operate as
described: occurrences missed or performed late, checks failing in the latest
run, exceptions found by management's own tests, incidents that resulted from
a control failure (from the description inputs), reviews of a policy linked to
a control in scope done late or not at all, and onboarding and offboarding
items done late or overdue. Management discloses each to
the service auditor and considers it for the description (DC4, DC9), its
assertion, the representation letter and the bridge letter; the register says
which documents each feeds and records each disclosure (who was told, when)
as a ledger entry.

  attest deviations list                      the register, undisclosed first
  attest deviations show ID                   one deviation
  attest deviations disclose ID... --to NAME  record that it was disclosed`,
	}
	c.AddCommand(m.deviationsList(), m.deviationsShow(), m.deviationsDisclose())
	return c
}

// inRegister is what a command does with the engagement's register of
// known deviations, read as of now.
func inRegister[T any](m *Main, fn func(ctx context.Context, d *data, r *deviation.Register, args []string) (T, error)) func(context.Context, *data, *attest.Engagement, []string) (T, error) {
	return func(ctx context.Context, d *data, e *attest.Engagement, args []string) (T, error) {
		r, err := report.LoadRegister(ctx, d.db, d.blobs, e, m.Now())
		if err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx, d, r, args)
	}
}

func (m *Main) deviationsList() *cobra.Command {
	var undisclosed bool
	c := &cobra.Command{
		Use:   "list [--undisclosed]",
		Short: "List the known deviations, with their disclosure to the service auditor",
		Args:  cobra.NoArgs,
		RunE: readsIn(m, inRegister(m, func(_ context.Context, _ *data, r *deviation.Register, _ []string) (*deviation.Register, error) {
			if undisclosed {
				return r.Pending(), nil
			}
			return r, nil
		}), m.printRegister),
	}
	c.Flags().BoolVar(&undisclosed, "undisclosed", false, "only those not yet disclosed")
	return c
}

func (m *Main) printRegister(r *deviation.Register) error {
	m.printf("Known deviations of %s (%s), %s to %s: %d, %d disclosed, %d not yet disclosed.\n", r.Engagement, r.Label, r.From, r.Through,
		r.Disclosed+r.Undisclosed, r.Disclosed, r.Undisclosed)
	if len(r.Deviations) != r.Disclosed+r.Undisclosed {
		if len(r.Deviations) == 0 {
			m.printf("None waits to be disclosed.\n")
			return nil
		}
		m.printf("Shown: the %d not yet disclosed.\n", len(r.Deviations))
	}
	if len(r.Deviations) == 0 {
		m.printf("Attest holds no deviation for these dates. Add any other that management knows of to the drafts in its own words.\n")
		return nil
	}
	w := m.table()
	fmt.Fprintln(w, "ID\tDATE\tDISCLOSED\tDEVIATION")
	for _, pass := range []bool{false, true} {
		for _, x := range r.Deviations {
			if x.Disclosed() != pass {
				continue
			}
			disc := "NOT YET"
			if x.Disclosure != nil {
				disc = x.Disclosure.On + " to " + x.Disclosure.To
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", x.ID, x.Date, disc, short(deviation.Summary(x), 70))
		}
	}
	w.Flush()
	if r.Undisclosed > 0 {
		m.printf("\nManagement discloses every known deviation to the service auditor: once told, record it with\n  attest deviations disclose ID... --to NAME [--on DATE]\n")
	}
	return nil
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

func (m *Main) deviationsShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one known deviation: what, where Attest found it, its disclosure and the documents it feeds",
		Args:  cobra.ExactArgs(1),
		RunE: readsIn(m, inRegister(m, func(_ context.Context, _ *data, r *deviation.Register, args []string) (*deviation.Deviation, error) {
			return r.Find(strings.TrimSpace(args[0]))
		}), m.printDeviation),
	}
}

func (m *Main) printDeviation(x *deviation.Deviation) error {
	m.printf("%s\n  what:       %s\n  kind:       %s\n  date:       %s\n  found in:   %s\n", x.ID, deviation.Summary(*x), x.Kind, x.Date, x.Source)
	if len(x.Controls) > 1 {
		m.printf("  controls:   %s\n", strings.Join(x.Controls, ", "))
	}
	if x.Systematic {
		m.printf("  recorded as systematic (same cause recurring)\n")
	}
	if x.Response != "" {
		m.printf("  response:   %s\n", x.Response)
	}
	m.printf("  feeds:      %s\n", strings.Join(x.Feeds, ", "))
	if x.Disclosure == nil {
		m.printf("  disclosed:  not yet: disclose it to the service auditor, then record it (attest deviations disclose %s --to NAME)\n", x.ID)
	} else {
		m.printf("  disclosed:  to %s on %s (recorded by %s, ledger entry %d)", x.Disclosure.To, x.Disclosure.On, x.Disclosure.By, x.Disclosure.Entry)
		if x.Disclosure.Note != "" {
			m.printf(": %s", x.Disclosure.Note)
		}
		m.printf("\n")
	}
	return nil
}

// disclosed is what deviations disclose answers.
type disclosed struct {
	Disclosures []attest.Disclosure `json:"disclosures"`
}

func (m *Main) deviationsDisclose() *cobra.Command {
	var req deviation.DiscloseRequest
	c := &cobra.Command{
		Use:   "disclose ID... [--to NAME] [--on DATE] [--note TEXT]",
		Short: "Record that management disclosed known deviations to the service auditor (management only)",
		Long: `Record, as a ledger entry each, that management told the service auditor of
the deviations named (identifiers from attest deviations list): who was told
(--to; default the engagement's one named auditor) and on which day (--on;
default today, never in the future). All are recorded or none.`,
		Args: cobra.MinimumNArgs(1),
		RunE: writesIn(m, inRegister(m, func(ctx context.Context, d *data, r *deviation.Register, args []string) (disclosed, error) {
			req.IDs = args
			// The command line acts as the local operator: management.
			out, err := deviation.Disclose(ctx, d.db, m.change(), nil, r, req)
			return disclosed{out}, err
		}), func(v disclosed) error {
			for _, x := range v.Disclosures {
				m.printf("Disclosed %s to %s on %s (ledger entry %d).\n", x.Deviation, x.To, x.On, x.Entry)
			}
			return nil
		}),
	}
	c.Flags().StringVar(&req.To, "to", "", "who at the service auditor was told (default: the engagement's one named auditor)")
	c.Flags().StringVar(&req.On, "on", "", "the day it was disclosed (YYYY-MM-DD; default today)")
	c.Flags().StringVar(&req.Note, "note", "", "how it was disclosed (e.g. at the status meeting, by e-mail)")
	return c
}
