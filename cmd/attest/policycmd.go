package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/policy"
	"github.com/spf13/cobra"
)

func (m *Main) policyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "policy",
		Short: "The organization's policies: adopt from templates, edit, approve, publish",
		Long: `Policies adopted from Attest's template library (written in our own words,
each mapped to the controls and criteria it supports), filled in with the
organization's name and roles. A policy moves from draft to in review (submit),
to approved (every approver it names approves, each with their own account) and
to published (management puts the approved version in force). Every version is
kept, every act is a ledger entry.

  attest policy list [--templates]                 the policies, or the templates
  attest policy new --template NAME --var org=NAME [--owner EMAIL] [--approver EMAIL]...
  attest policy show ID [--text]                   status, versions, approvals
  attest policy edit ID [--file FILE] [--owner EMAIL] [--approver EMAIL]... [--review FREQ]
  attest policy submit ID                          send the draft to its approvers
  attest policy approve ID --approver EMAIL        record a named approver's approval
  attest policy publish ID                         put the approved version in force
  attest policy diff ID [--from N] [--to N]        compare two versions
  attest policy export ID [--format md|html] [--out FILE]`,
	}
	c.AddCommand(m.policyList(), m.policyShow(), m.policyNew(), m.policyEdit(), m.policySubmit(), m.policyApprove(),
		m.policyPublish(), m.policyDiff(), m.policyExport())
	return c
}

// account finds an account by e-mail address, for --owner and --approver.
func account(ctx context.Context, s attest.Store, flag, email string) (int64, error) {
	ids, err := accounts(ctx, s, flag, []string{email})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

func accounts(ctx context.Context, s attest.Store, flag string, emails []string) ([]int64, error) {
	ids, err := auth.AccountIDs(ctx, s, emails)
	if attest.ErrorCode(err) == attest.EINVALID {
		return nil, &attest.Error{Code: attest.EINVALID, Message: flag + " " + attest.ErrorMessage(err), Hint: "add it with `attest user add`"}
	}
	return ids, err
}

// policies is the list of policies as --json prints it: each policy's
// record with its owner's name and its next review (policy.List).
type policies struct {
	Policies []policy.Summary `json:"policies"`
}

func (m *Main) policyList() *cobra.Command {
	var templates bool
	list := reads(m, func(ctx context.Context, d *data, args []string) (policies, error) {
		ps, err := policy.List(ctx, d.db, nil, nil, m.Now())
		return policies{Policies: ps}, err
	}, func(l policies) error {
		if len(l.Policies) == 0 {
			m.printf("No policies yet. See the templates with `attest policy list --templates` and adopt one with `attest policy new --template NAME --var org=NAME`.\n")
			return nil
		}
		return rows(m.Stdout, "ID\tSTATUS\tVERSION\tPUBLISHED\tREVIEW\tNEXT REVIEW\tTITLE", l.Policies, func(p policy.Summary) []any {
			pub := "-"
			if p.Published > 0 {
				pub = fmt.Sprintf("v%d %s", p.Published, p.PublishedAt[:min(10, len(p.PublishedAt))])
			}
			next := cmp.Or(p.NextReview, "-")
			if p.ReviewState != "" {
				next += " (" + p.ReviewState + ")"
			}
			return []any{p.ID, p.Status, fmt.Sprintf("v%d", p.Version), pub, p.Review, next, p.Title}
		})
	})
	c := &cobra.Command{
		Use:   "list [--templates]",
		Short: "List the policies, or with --templates the template library",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if templates {
				return m.listTemplates(cmd.Context())
			}
			return list(cmd, args)
		},
	}
	c.Flags().BoolVar(&templates, "templates", false, "list the template library instead")
	return c
}

func (m *Main) listTemplates(ctx context.Context) error {
	lib, err := policy.Load()
	if err != nil {
		return err
	}
	var cats []string
	if d, err := m.open(ctx); err == nil {
		cats, err = engagement.Categories(ctx, d.db)
		d.Close()
		if err != nil {
			return err
		}
	}
	type row struct {
		*policy.Template
		Available bool `json:"available"`
	}
	ts := make([]row, 0, len(lib.Templates))
	for _, t := range lib.Templates {
		ts = append(ts, row{t, t.InScope(cats)})
	}
	return show(m, map[string]any{"templates": ts, "variables": lib.VariableNames()}, func(map[string]any) error {
		if err := rows(m.Stdout, "TEMPLATE\tTITLE\tOWNER\tREVIEW\tCRITERIA", ts, func(r row) []any {
			title := r.Title
			if !r.Available {
				title += " (needs " + strings.Join(r.Categories, " or ") + " in scope)"
			}
			return []any{r.ID, title, r.Owner, r.Review, strings.Join(r.Criteria, " ")}
		}); err != nil {
			return err
		}
		m.printf("\nVariables (--var NAME=VALUE): %s\n", strings.Join(lib.VariableNames(), ", "))
		return nil
	})
}

func (m *Main) policyShow() *cobra.Command {
	var text bool
	c := &cobra.Command{
		Use:   "show ID [--text]",
		Short: "Show a policy: status, owner, approvers, versions and acts (--text: its current text)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return m.withData(ctx, func(d *data) error {
				x, err := policy.Read(ctx, d.db, nil, nil, args[0], m.Now())
				if err != nil {
					return err
				}
				return show(m, x, func(x *policy.View) error {
					if text {
						m.printf("%s", x.Body)
						return nil
					}
					return m.printPolicy(x)
				})
			})
		},
	}
	c.Flags().BoolVar(&text, "text", false, "print the current text only")
	return c
}

// printPolicy prints a policy for a person: its status, owner and
// approvers by name, and its history.
func (m *Main) printPolicy(x *policy.View) error {
	name := func(id int64) string { return x.Names[id] + " <" + x.Emails[id] + ">" }
	owner := "not named (attest policy edit " + x.ID + " --owner EMAIL)"
	if x.Owner != 0 {
		owner = name(x.Owner)
	}
	m.printf("%s: %s\n  status:     %s, version %d", x.ID, x.Title, x.Status, x.Version)
	if x.Published > 0 {
		m.printf(" (version %d in force since %s)", x.Published, x.PublishedAt[:10])
	}
	m.printf("\n  owner:      %s, as %s\n  review:     %s", owner, x.OwnerRole, policy.ReviewWords(x.Review))
	if x.NextReview != "" {
		m.printf(", next due %s", x.NextReview)
		if x.ReviewState != "" {
			m.printf(" (%s)", x.ReviewState)
		}
	}
	m.printf("\n  approvers:")
	if len(x.Approvers) == 0 {
		m.printf(" none named (attest policy edit %s --approver EMAIL)", x.ID)
	}
	for _, a := range x.Approvers {
		mark := ""
		if slices.Contains(x.Approved, a) {
			mark = " (approved version " + fmt.Sprint(x.Version) + ")"
		}
		m.printf("\n    %s%s", name(a), mark)
	}
	m.printf("\n  controls:   %s\n  criteria:   %s\n\nHistory:\n", strings.Join(x.Controls, ", "), strings.Join(x.Criteria, ", "))
	// The versions and the acts, in the order the ledger holds them.
	type line struct {
		entry int64
		text  string
	}
	var hist []line
	for _, v := range x.Versions {
		hist = append(hist, line{v.Entry, fmt.Sprintf("  %s\tversion %d written by %s\t%s\n", v.At[:10], v.Version, v.By, v.Note)})
	}
	for _, e := range x.Events {
		who := e.By
		if e.Action == attest.PolicyApproval {
			who = e.Name
			if e.By != e.Name {
				who += " (recorded by " + e.By + ")"
			}
		}
		hist = append(hist, line{e.Entry, fmt.Sprintf("  %s\tversion %d %s by %s\t%s\n", e.At[:10], e.Version, e.Action, who, e.Note)})
	}
	slices.SortFunc(hist, func(a, b line) int { return int(a.entry - b.entry) })
	w := m.table()
	for _, h := range hist {
		fmt.Fprint(w, h.text)
	}
	return w.Flush()
}

// parseVars reads --var NAME=VALUE flags.
func parseVars(vars []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range vars {
		k, val, ok := strings.Cut(v, "=")
		if !ok {
			return nil, attest.Errorf(attest.EINVALID, "--var %q: want NAME=VALUE", v)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	return out, nil
}

func (m *Main) policyNew() *cobra.Command {
	var tmpl, id, owner string
	var vars, approvers []string
	c := &cobra.Command{
		Use:   "new --template NAME --var org=NAME [--var ROLE=TITLE]... [--owner EMAIL] [--approver EMAIL]... [--id ID]",
		Short: "Adopt a policy from a template, as a draft (management only)",
		Args:  cobra.NoArgs,
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyChange, error) {
			req := policy.NewRequest{Template: tmpl, ID: id}
			var err error
			if req.Vars, err = parseVars(vars); err != nil {
				return nil, err
			}
			if owner != "" {
				if req.Owner, err = account(ctx, d.db, "--owner", owner); err != nil {
					return nil, err
				}
			}
			if req.Approvers, err = accounts(ctx, d.db, "--approver", approvers); err != nil {
				return nil, err
			}
			out, err := policy.New(ctx, d.db, m.change(), nil, req)
			return out, flagged(err, "variable", "--var")
		}, func(out *attest.PolicyChange) error {
			m.printf("Adopted %s from template %s: version 1, a draft (ledger entry %d).\n", out.Policy.ID, out.Policy.Template, out.Policy.Entry)
			return nil
		}),
	}
	c.Flags().StringVar(&tmpl, "template", "", "the template (see attest policy list --templates)")
	c.Flags().StringVar(&id, "id", "", "the policy's ID (default: the template's)")
	c.Flags().StringArrayVar(&vars, "var", nil, "a variable, NAME=VALUE: org (required) and role titles such as security_officer")
	c.Flags().StringVar(&owner, "owner", "", "the owner's account e-mail")
	c.Flags().StringArrayVar(&approvers, "approver", nil, "an approver's account e-mail (repeat for several: each must approve)")
	c.MarkFlagRequired("template")
	return c
}

func (m *Main) policyEdit() *cobra.Command {
	var file, owner, review, note string
	var approvers []string
	c := &cobra.Command{
		Use:   "edit ID [--file FILE|-] [--owner EMAIL] [--approver EMAIL]... [--review FREQUENCY] [--note TEXT]",
		Short: "Write a new version of a policy, or change its owner, approvers or review frequency (back to draft)",
		Long: `A new text (--file, or - for standard input) is a new version; every version
is kept. Any change sends the policy back to draft: what is approved is always
the current text by the current approvers. The published version stays in
force until a new one is published. Management or the policy's owner.`,
		Args: cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyChange, error) {
			req := policy.EditRequest{Note: note}
			if file != "" {
				var b []byte
				var err error
				if file == "-" {
					b, err = io.ReadAll(io.LimitReader(m.Stdin, 2<<20))
				} else {
					b, err = os.ReadFile(file)
				}
				if err != nil {
					return nil, attest.Errorf(attest.EINVALID, "--file %s: %v", file, err)
				}
				s := string(b)
				req.Body = &s
			}
			if owner != "" {
				id, err := account(ctx, d.db, "--owner", owner)
				if err != nil {
					return nil, err
				}
				req.Owner = &id
			}
			// Given at all, --approver replaces the list.
			if len(approvers) > 0 {
				ids, err := accounts(ctx, d.db, "--approver", approvers)
				if err != nil {
					return nil, err
				}
				req.Approvers = &ids
			}
			if review != "" {
				f := attest.Frequency(review)
				req.Review = &f
			}
			return policy.Edit(ctx, d.db, m.change(), nil, args[0], req)
		}, func(out *attest.PolicyChange) error {
			if out.Version != nil {
				m.printf("Wrote version %d of %s: a draft (ledger entry %d).\n", out.Version.Version, out.Policy.ID, out.Policy.Entry)
				return nil
			}
			m.printf("Changed %s: now a draft (ledger entry %d).\n", out.Policy.ID, out.Policy.Entry)
			return nil
		}),
	}
	c.Flags().StringVar(&file, "file", "", "the new text, Markdown (- for standard input)")
	c.Flags().StringVar(&owner, "owner", "", "the owner's account e-mail")
	c.Flags().StringArrayVar(&approvers, "approver", nil, "the approvers' account e-mails (replaces the list)")
	c.Flags().StringVar(&review, "review", "", "how often it is reviewed: monthly, quarterly, semi-annual, annual")
	c.Flags().StringVar(&note, "note", "", "what changed and why")
	return c
}

func (m *Main) policySubmit() *cobra.Command {
	var note string
	c := &cobra.Command{
		Use:   "submit ID [--note TEXT]",
		Short: "Send a draft to its approvers (in review)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyChange, error) {
			return policy.Submit(ctx, d.db, m.change(), nil, args[0], note)
		}, func(out *attest.PolicyChange) error {
			m.printf("Submitted %s version %d for approval by its %s (ledger entry %d).\n", out.Policy.ID, out.Policy.Version, attest.Count(len(out.Policy.Approvers), "approver", "approvers"), out.Policy.Entry)
			return nil
		}),
	}
	c.Flags().StringVar(&note, "note", "", "a note to the approvers")
	return c
}

func (m *Main) policyApprove() *cobra.Command {
	var approver, note string
	var version int
	c := &cobra.Command{
		Use:   "approve ID --approver EMAIL [--version N] [--note TEXT]",
		Short: "Record a named approver's approval of the version in review",
		Long: `Records that the approver (--approver, an account the policy names) approved
the version in review; --version refuses the approval if the policy moved on
from the version they read. When every approver has approved, the version is
approved. The approval records the approver's account, the time and who
recorded it.`,
		Args: cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyChange, error) {
			req := policy.ApproveRequest{Version: version, Note: note}
			if approver != "" {
				var err error
				if req.As, err = account(ctx, d.db, "--approver", approver); err != nil {
					return nil, err
				}
			}
			return policy.Approve(ctx, d.db, m.change(), nil, args[0], req)
		}, func(out *attest.PolicyChange) error {
			msg := fmt.Sprintf("Recorded %s's approval of %s version %d (ledger entry %d).", out.Event.Name, out.Policy.ID, out.Policy.Version, out.Policy.Entry)
			if out.Policy.Status == attest.PolicyApproved {
				msg += " Every approver has approved: publish it with `attest policy publish " + out.Policy.ID + "`."
			}
			m.printf("%s\n", msg)
			return nil
		}),
	}
	c.Flags().StringVar(&approver, "approver", "", "the approver's account e-mail (one the policy names)")
	c.Flags().IntVar(&version, "version", 0, "the version approved (refused if the policy moved on)")
	c.Flags().StringVar(&note, "note", "", "a note")
	return c
}

func (m *Main) policyPublish() *cobra.Command {
	var note string
	c := &cobra.Command{
		Use:   "publish ID [--note TEXT]",
		Short: "Put the approved version in force (management only)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyChange, error) {
			return policy.Publish(ctx, d.db, m.change(), nil, args[0], note)
		}, func(out *attest.PolicyChange) error {
			m.printf("Published %s version %d (ledger entry %d). Share it with `attest policy export %s --format html`.\n", out.Policy.ID, out.Policy.Version, out.Policy.Entry, out.Policy.ID)
			return nil
		}),
	}
	c.Flags().StringVar(&note, "note", "", "a note")
	return c
}

func (m *Main) policyDiff() *cobra.Command {
	var from, to int
	c := &cobra.Command{
		Use:   "diff ID [--from N] [--to N]",
		Short: "Compare two versions of a policy (default: the current one with the one before)",
		Args:  cobra.ExactArgs(1),
		RunE: reads(m, func(ctx context.Context, d *data, args []string) (*policy.Compare, error) {
			return policy.DiffVersions(ctx, d.db, args[0], from, to)
		}, func(x *policy.Compare) error {
			m.printf("%s", policy.Unified(fmt.Sprintf("%s version %d", x.Policy, x.From), fmt.Sprintf("%s version %d", x.Policy, x.To), x.Lines, 3))
			return nil
		}),
	}
	c.Flags().IntVar(&from, "from", 0, "the older version (default: the one before --to)")
	c.Flags().IntVar(&to, "to", 0, "the newer version (default: the current one)")
	return c
}

func (m *Main) policyExport() *cobra.Command {
	var format, out string
	var version int
	c := &cobra.Command{
		Use:   "export ID [--format md|html] [--version N] [--out FILE]",
		Short: "Render a policy for sharing: the published version by default, as Markdown or HTML",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			render := map[string]func(io.Writer, *policy.Document) error{"md": policy.Markdown, "markdown": policy.Markdown, "html": policy.HTML}[format]
			if render == nil && (!m.cfg.json || out != "") {
				return attest.Errorf(attest.EINVALID, "--format %q: want md or html", format)
			}
			return m.withData(ctx, func(d *data) error {
				n := version
				if n == 0 {
					n = -1
				}
				doc, err := policy.Export(ctx, d.db, args[0], n)
				if err != nil {
					return err
				}
				if m.cfg.json && out == "" {
					return m.printJSON(doc)
				}
				wrote, err := m.writeOut(out, func(w io.Writer) error { return render(w, doc) })
				if err != nil || !wrote {
					return err
				}
				return show(m, map[string]any{"file": out, "policy": doc.Policy.ID, "version": doc.Version.Version, "format": format}, func(map[string]any) error {
					m.printf("Wrote %s (%s version %d).\n", out, doc.Policy.ID, doc.Version.Version)
					return nil
				})
			})
		},
	}
	c.Flags().StringVar(&format, "format", "md", "md or html")
	c.Flags().IntVar(&version, "version", 0, "a version (default: the published one)")
	c.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return c
}
