package main

import (
	"context"
	"fmt"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/spf13/cobra"
)

func (m *Main) controlsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "controls",
		Aliases: []string{"control"},
		Short:   "List, show and adjust the engagement's controls",
	}
	cmd.AddCommand(m.controlsList(), m.controlsShow(), m.controlsSet())
	return cmd
}

func (m *Main) controlsList() *cobra.Command {
	var status, owner, criterion, objective string
	// total is how many controls the engagement has, for the text.
	var total int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the engagement's controls",
		Args:  cobra.NoArgs,
		RunE: readsAbout(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) ([]attest.Control, error) {
			out, n, err := engagement.FindControls(ctx, d.db, auth.Everything, e.ID, engagement.ControlFilter{Status: status, Owner: owner, Criterion: criterion, Objective: objective})
			total = n
			return out, err
		}, func(e *attest.Engagement, out []attest.Control) error {
			if err := rows(m.Stdout, "ID\tSTATUS\tFREQUENCY\tOWNER\tMAPS TO\tTITLE", out, func(c attest.Control) []any {
				return []any{c.ID, c.Status, c.Frequency, ownerWords(c), shortList(append(append([]string{}, c.Criteria...), c.Objectives...), 3), c.Title}
			}); err != nil {
				return err
			}
			m.printf("%d of %d controls in %s.\n", len(out), total, e.ID)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&status, "status", "", "only this status: not-started, in-progress, implemented, not-applicable")
	fl.StringVar(&owner, "owner", "", `only this owner: an e-mail address or a name ("-" for controls without one)`)
	fl.StringVar(&criterion, "criterion", "", "only controls mapped to this criterion")
	fl.StringVar(&objective, "objective", "", "only controls mapped to this objective")
	return cmd
}

func ownerWords(c attest.Control) string {
	if c.Owner == "" {
		return "(" + c.OwnerRole + ")"
	}
	return c.Owner
}

func (m *Main) controlsShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one control of the engagement",
		Args:  cobra.ExactArgs(1),
		RunE: readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (*attest.Control, error) {
			return engagement.ReadControl(ctx, d.db, auth.Everything, e.ID, args[0])
		}, m.printControl),
	}
}

func (m *Main) printControl(c *attest.Control) error {
	m.printf("%s  %s\n\n  %s\n\n", c.ID, c.Title, wrap(c.Description, 76, "  "))
	w := m.table()
	reason := ""
	if c.StatusReason != "" {
		reason = " (" + c.StatusReason + ")"
	}
	fmt.Fprintf(w, "  Status\t%s%s\n  Owner\t%s\n  Type / nature\t%s / %s\n  Frequency\t%s, due %s\n  Criteria\t%s\n  Objectives\t%s\n  Updated\t%s\n",
		c.Status, reason, ownerWords(*c), c.Type, c.Nature, c.Frequency, attest.DueRule(c.Frequency, c.DueDays), dash(c.Criteria), dash(c.Objectives), c.UpdatedAt)
	w.Flush()
	if lib := m.catalog().Control(c.ID); lib != nil {
		m.printf("  Suggested evidence:\n")
		for _, e := range lib.Evidence {
			m.printf("  - %s\n", e)
		}
	}
	return nil
}

func (m *Main) controlsSet() *cobra.Command {
	var owner, frequency, status, reason, description string
	var dueDays int
	cmd := &cobra.Command{
		Use:   "set ID",
		Short: "Change a control's owner, frequency, due rule, status or description",
		Example: `  attest controls set AC-06 --owner "Dana Ortiz" --frequency quarterly --due-days 30
  attest controls set PHY-01 --status not-applicable --reason "No offices: the whole team works remotely"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var u engagement.ControlChange
			fl := cmd.Flags()
			if fl.Changed("owner") {
				u.Owner = &owner
			}
			if fl.Changed("frequency") {
				u.Frequency = &frequency
			}
			if fl.Changed("due-days") {
				u.DueDays = &dueDays
			}
			if fl.Changed("status") {
				u.Status = &status
			}
			if fl.Changed("reason") {
				u.StatusReason = &reason
			}
			if fl.Changed("description") {
				u.Description = &description
			}
			if u == (engagement.ControlChange{}) {
				return &attest.Error{Code: attest.EINVALID, Message: "nothing to change", Hint: "pass --owner, --frequency, --due-days, --status, --reason or --description"}
			}
			return writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (*attest.Control, error) {
				c, _, err := engagement.UpdateControl(ctx, d.db, m.change(), nil, e.ID, args[0], u)
				return c, err
			}, func(c *attest.Control) error {
				m.printf("Updated %s: %s, owner %s, %s (due %s).\n", c.ID, c.Status, ownerWords(*c), c.Frequency, attest.DueRule(c.Frequency, c.DueDays))
				return nil
			})(cmd, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&owner, "owner", "", "the person who owns the control: their e-mail address, or their name (linked to the one account with exactly that name)")
	fl.StringVar(&frequency, "frequency", "", "continuous, multiple-daily, daily, weekly, bi-weekly, semi-monthly, monthly, quarterly, semi-annual, annual, event-driven")
	fl.IntVar(&dueDays, "due-days", 0, "days after each window (or event) by which evidence is due")
	fl.StringVar(&status, "status", "", "not-started, in-progress, implemented, not-applicable")
	fl.StringVar(&reason, "reason", "", "why (required for not-applicable)")
	fl.StringVar(&description, "description", "", "the control as your organization performs it")
	return cmd
}
