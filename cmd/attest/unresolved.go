package main

import (
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/spf13/cobra"
)

// unresolvedCommands are `attest user unresolved` and `attest user link`:
// names in the data (auditors, control owners) that are not linked to an
// account yet, and the pass that links those that match exactly one.
func (m *Main) unresolvedCommands() []*cobra.Command {
	list := &cobra.Command{
		Use:   "unresolved",
		Short: "Names in the data (auditors, control owners) not yet linked to an account",
		Long: `List the auditors and control owners recorded by a name that is not linked
to an account. Access and authorship follow accounts, never names: a name
that matches exactly one account is linked by attest user link (and by
attest serve when it starts); a name with no account, or with several, is
left for an administrator (attest engagement auditor link, attest controls
set --owner ADDRESS).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.linkNames(cmd, true) },
	}
	link := &cobra.Command{
		Use:   "link",
		Short: "Link every auditor and control owner whose name matches exactly one account",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return m.linkNames(cmd, false) },
	}
	return []*cobra.Command{list, link}
}

// linkNames links every name that matches exactly one account (or, with
// dryRun, says which it would). A checkpoint is signed only when a name
// was linked.
func (m *Main) linkNames(cmd *cobra.Command, dryRun bool) error {
	ctx := cmd.Context()
	return m.withData(ctx, func(d *data) error {
		linked, left, err := auth.LinkNames(ctx, d.db, m.change(), nil, dryRun)
		if err != nil {
			return err
		}
		if !dryRun && len(linked) > 0 {
			if _, err := d.checkpoint(ctx); err != nil {
				return err
			}
		}
		linked, left = attest.OrEmpty(linked), attest.OrEmpty(left)
		key := "linked"
		if dryRun {
			key = "linkable"
		}
		return show(m, map[string][]auth.Unresolved{key: linked, "unresolved": left}, func(map[string][]auth.Unresolved) error {
			return m.printLinks(linked, left, dryRun)
		})
	})
}

// printLinks says which names were linked (or, with dryRun, would be) and
// which are left for an administrator.
func (m *Main) printLinks(linked, left []auth.Unresolved, dryRun bool) error {
	verb := "Linked"
	if dryRun {
		verb = "One account each (attest user link links them)"
	}
	if len(linked) > 0 {
		m.printf("%s:\n", verb)
		for _, u := range linked {
			m.printf("  %s\n", unresolvedWords(u))
		}
	}
	if len(left) > 0 {
		m.printf("For an administrator to resolve:\n")
		for _, u := range left {
			why := "no account has this name"
			if u.Accounts > 1 {
				why = "several accounts have this name"
			}
			m.printf("  %s: %s\n", unresolvedWords(u), why)
		}
	}
	if len(linked) == 0 && len(left) == 0 {
		m.printf("Every auditor and control owner is linked to an account.\n")
	}
	return nil
}

func unresolvedWords(u auth.Unresolved) string {
	if u.Control != "" {
		return u.Engagement + " " + u.Control + ": control owner " + u.Name
	}
	return u.Engagement + ": auditor " + u.Name
}
