package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/report"
	"github.com/spf13/cobra"
)

func (m *Main) descriptionCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "description",
		Short: "Management's inputs to the system description (DC1 to DC9, or the SOC 1 elements)",
		Long: `The description inputs are the facts the report's Section 3 is drafted
from: services, commitments, system components and boundaries, incidents,
complementary user entity controls (CUECs) and, apart from them, user entity
responsibilities, subservice organizations (carve-out or inclusive per
vendor), criteria not relevant, and significant changes (Type 2). Every
part can be answered with "none" and the reason; only a part with neither
is a gap. Each change is kept as a new version in the ledger.

  attest description template > description.yaml   a starting file
  attest description set --file description.yaml   replace the inputs
  attest description set services.text "..."       change one part
  attest description check                         list what is missing

Every third party the system uses is listed under third_parties with the
answer to one question: are its controls needed, together with ours, to
meet a criterion or objective? Only then is it a subservice organization
(DC7); otherwise it is a vendor. For a carved-out subservice organization,
complementary subservice organization controls (CSOCs) are suggested by its
service_types, and check lists those no CSOC covers (missing_csocs in
--json).`,
	}
	c.AddCommand(m.descriptionTemplate(), m.descriptionSet(), m.descriptionShow(), m.descriptionCheck())
	return c
}

// loadDescription returns the engagement's latest description inputs and
// their document, or empty inputs when none are recorded yet.
func (m *Main) loadDescription(ctx context.Context, d *data, e *attest.Engagement) (*report.Description, []byte, error) {
	return report.LoadDescription(ctx, d.db, d.blobs, e.ID)
}

func (m *Main) descriptionTemplate() *cobra.Command {
	return &cobra.Command{
		Use:   "template",
		Short: "Print a commented starting file for the description inputs (with --json, as the template field)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return show(m, map[string]string{"template": report.DescriptionTemplate}, func(map[string]string) error {
				_, err := io.WriteString(m.Stdout, report.DescriptionTemplate)
				return err
			})
		},
	}
}

func (m *Main) descriptionSet() *cobra.Command {
	var file string
	var replace, dryRun bool
	c := &cobra.Command{
		Use:   "set [PART VALUE]",
		Short: "Replace the description inputs from a file, or set one part (e.g. services.text, incidents.none)",
		Long: `Save a new version of the description inputs: a whole file (--file), or one
part of the current version (PART VALUE). What changes is shown part by
part (+ added, ~ changed, - removed). A version that would remove parts
the current one answers is refused, showing what it would remove, unless
--replace is given; the version before stays in the ledger either way. A
version that changes nothing is not saved again. Exit status: 0 when saved
(or unchanged), 2 for a bad file or a refused removal.`,
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if (file == "") == (len(args) == 0) {
				return attest.Errorf(attest.EINVALID, "give --file FILE, or a PART and its VALUE")
			}
			if file == "" && len(args) != 2 {
				return attest.Errorf(attest.EINVALID, "give the part and its value, e.g. services.text \"We run payroll for ...\"")
			}
			return m.withEngagement(ctx, func(d *data, e *attest.Engagement) error {
				edit := report.DescriptionEdit{Engagement: e, Name: file, Replace: replace, DryRun: dryRun}
				if file == "" {
					edit.Part, edit.Value = args[0], args[1]
				} else if b, err := os.ReadFile(file); err != nil {
					return attest.Errorf(attest.EINVALID, "%v", fileerr.Reason(err))
				} else {
					edit.Content = b
				}
				out, err := report.SaveDescription(ctx, d.db, d.blobs, m.change(), nil, edit)
				if out != nil && !m.cfg.json {
					m.printChanges(out.Changes)
				}
				var ae *attest.Error
				if errors.As(err, &ae) && out != nil && len(out.Removed()) > 0 {
					ae.Hint = "add the parts to the file, or give --replace to remove them (the current version stays in the ledger)"
				}
				if err != nil {
					return err
				}
				if out.Document != nil {
					if _, err := d.checkpoint(ctx); err != nil {
						return err
					}
				}
				if m.cfg.json {
					return m.printJSON(map[string]any{"document": out.Document, "changes": attest.OrEmpty(out.Changes), "gaps": out.Gaps, "dry_run": dryRun})
				}
				switch {
				case len(out.Changes) == 0:
					m.printf("No change: the description inputs already say this; nothing saved.\n")
				case dryRun:
					m.printf("Dry run: nothing saved.\n")
				default:
					m.printf("Description inputs saved (document %d, ledger entry %d); %s.\n", out.Document.ID, out.Document.Entry, attest.Count(len(out.Gaps), "gap", "gaps"))
				}
				for _, g := range out.Gaps {
					m.printf("  %s: %s\n", g.Part, g.Detail)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&file, "file", "", "a YAML or JSON file with all the inputs (see attest description template)")
	c.Flags().BoolVar(&replace, "replace", false, "save even when the new version leaves out parts the current one answers")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change and the gaps, and save nothing")
	return c
}

// printChanges shows a new version's changes part by part.
func (m *Main) printChanges(l []report.PartChange) {
	if len(l) == 0 {
		return
	}
	m.printf("Changes to the description inputs (%d):\n", len(l))
	for _, c := range l {
		switch c.Change {
		case "added":
			m.printf("  + %s: %s\n", c.Part, excerpt(c.New))
		case "removed":
			m.printf("  - %s: %s\n", c.Part, excerpt(c.Old))
		default:
			m.printf("  ~ %s: %s -> %s\n", c.Part, excerpt(c.Old), excerpt(c.New))
		}
	}
}

// excerpt is a part's value on one line, quoted, at most 60 characters.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return strconv.Quote(s)
}

func (m *Main) descriptionShow() *cobra.Command {
	// raw is the document as written, which the text shows.
	var raw []byte
	return &cobra.Command{
		Use:   "show",
		Short: "Show the current description inputs",
		Args:  cobra.NoArgs,
		RunE: readsIn(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*report.Description, error) {
			desc, b, err := m.loadDescription(ctx, d, e)
			raw = b
			return desc, err
		}, func(*report.Description) error {
			if raw == nil {
				m.printf("No description inputs yet: start from `attest description template`.\n")
				return nil
			}
			_, err := m.Stdout.Write(raw)
			return err
		}),
	}
}

func (m *Main) descriptionCheck() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "List description inputs that are missing or inconsistent; exits 1 when there are any",
		Args:  cobra.NoArgs,
		RunE: finds(m, inEngagement(m, func(ctx context.Context, d *data, e *attest.Engagement, _ []string) (*report.DescriptionCheck, error) {
			return report.CheckDescription(ctx, d.db, d.blobs, e, m.catalog())
		}), func(v *report.DescriptionCheck) error {
			for _, g := range v.Gaps {
				m.printf("%s: %s\n", g.Part, g.Detail)
			}
			m.printf("%s in the description inputs of %s.\n", attest.Count(len(v.Gaps), "gap", "gaps"), v.Engagement)
			return nil
		}, func(v *report.DescriptionCheck) bool { return len(v.Gaps) > 0 }),
	}
}
