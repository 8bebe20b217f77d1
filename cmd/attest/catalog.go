package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/spf13/cobra"
)

func (m *Main) catalogCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Browse the built-in criteria, objectives and control library",
		Long: `Browse Attest's built-in content: the 61 Trust Services Criteria (IDs and
facts, with Attest's own descriptions; AICPA's text is not included), the
SOC 2 description criteria, the SOC 1 control-objective templates and the
control library. Needs no data directory.`,
	}
	cmd.AddCommand(m.catalogCriteria(), m.catalogObjectives(), m.catalogControls(), m.catalogDescriptionCriteria())
	return cmd
}

func (m *Main) table() *tabwriter.Writer {
	return tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
}

func (m *Main) catalogCriteria() *cobra.Command {
	var category, series string
	var long bool
	cmd := &cobra.Command{
		Use:   "criteria",
		Short: "List the Trust Services Criteria",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := m.catalog().FindCriteria(category, series)
			if err != nil {
				return err
			}
			return show(m, out, func(out []catalog.Criterion) error {
				if long {
					for _, c := range out {
						m.printf("%s  %s (%s, %s, %d points of focus)\n  %s\n\n", c.ID, c.Series, c.Category, c.COSOPrinciple, c.PointsOfFocus, wrap(c.Description, 76, "  "))
					}
					return nil
				}
				if err := rows(m.Stdout, "ID\tCATEGORY\tSERIES\tCOSO\tPOF", out, func(c catalog.Criterion) []any {
					return []any{c.ID, c.Category, c.Series, c.COSOPrinciple, c.PointsOfFocus}
				}); err != nil {
					return err
				}
				m.printf("%d criteria. Points of focus are counted from the AICPA document for orientation only. Use --long for descriptions.\n", len(out))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&category, "category", "", "only this category: security, availability, processing-integrity, confidentiality, privacy")
	cmd.Flags().StringVar(&series, "series", "", "only this series, e.g. CC6 or PI1")
	cmd.Flags().BoolVar(&long, "long", false, "show descriptions")
	return cmd
}

func (m *Main) catalogDescriptionCriteria() *cobra.Command {
	return &cobra.Command{
		Use:   "description-criteria",
		Short: "List the SOC 2 description criteria DC1 to DC9",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return show(m, m.catalog().DescriptionCriteria, func(dcs []catalog.DescriptionCriterion) error {
				for _, dc := range dcs {
					note := ""
					if dc.Type2Only {
						note = " (Type 2 only)"
					}
					m.printf("%s  %s%s\n  %s\n\n", dc.ID, dc.Title, note, wrap(dc.Explanation, 76, "  "))
				}
				return nil
			})
		},
	}
}

func (m *Main) catalogObjectives() *cobra.Command {
	var template string
	cmd := &cobra.Command{
		Use:   "objectives",
		Short: "List the SOC 1 control-objective templates and their objectives",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c := m.catalog()
			var templates []string
			if template != "" {
				for _, t := range strings.Split(template, ",") {
					tp := c.Template(t)
					if tp == nil {
						return attest.Errorf(attest.EINVALID, "unknown template %q: want one of %s", t, strings.Join(c.TemplateIDs(), ", "))
					}
					templates = append(templates, tp.ID)
				}
			}
			out := c.Objectives(templates)
			if out == nil {
				out = []catalog.Objective{}
			}
			return show(m, out, func(out []catalog.Objective) error {
				last := ""
				for _, o := range out {
					if o.Template != last {
						tp := c.Template(o.Template)
						m.printf("%s: %s\n", tp.ID, tp.Name)
						last = o.Template
					}
					m.printf("  %-7s %s: %s\n", o.ID, o.Area, o.Title)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&template, "template", "", "only these templates (comma-separated): itgc, payroll, billing, claims, loan_servicing, custody, hosting")
	return cmd
}

func (m *Main) catalogControls() *cobra.Command {
	var f catalog.Filter
	cmd := &cobra.Command{
		Use:   "controls [ID...]",
		Short: "List the control library, or show controls by ID",
		RunE: func(cmd *cobra.Command, args []string) error {
			c := m.catalog()
			out, err := c.Find(f)
			if err != nil {
				return err
			}
			if len(args) > 0 {
				out = out[:0]
				for _, id := range args {
					ctl := c.Control(id)
					if ctl == nil {
						return &attest.Error{Code: attest.ENOTFOUND, Message: "no such control: " + id, Hint: "see `attest catalog controls`"}
					}
					out = append(out, *ctl)
				}
			}
			return show(m, out, func(out []catalog.Control) error {
				if len(args) > 0 {
					for _, ctl := range out {
						m.printLibraryControl(ctl)
					}
					return nil
				}
				if err := rows(m.Stdout, "ID\tFREQUENCY\tNATURE\tCRITERIA / OBJECTIVES\tTITLE", out, func(ctl catalog.Control) []any {
					return []any{ctl.ID, ctl.Frequency, ctl.Nature, shortList(append(append([]string{}, ctl.Criteria...), ctl.Objectives...), 4), ctl.Title}
				}); err != nil {
					return err
				}
				m.printf("%d controls. `attest catalog controls ID` shows one in full.\n", len(out))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Criterion, "criterion", "", "only controls mapped to this criterion (e.g. CC6.1)")
	fl.StringVar(&f.Objective, "objective", "", "only controls mapped to this SOC 1 objective (e.g. ITGC.2)")
	fl.StringVar(&f.Category, "category", "", "only controls mapped to a criterion of this category")
	fl.StringVar(&f.Template, "template", "", "only controls mapped to an objective of this SOC 1 template")
	fl.StringVar(&f.Frequency, "frequency", "", "only controls with this default frequency")
	return cmd
}

func (m *Main) printLibraryControl(c catalog.Control) {
	m.printf("%s  %s\n\n  %s\n\n", c.ID, c.Title, wrap(c.Description, 76, "  "))
	w := m.table()
	fmt.Fprintf(w, "  Type\t%s\n  Nature\t%s\n  Frequency\t%s (due %s)\n  Owner role\t%s\n", c.Type, c.Nature, c.Frequency, c.Due, c.OwnerRole)
	fmt.Fprintf(w, "  Criteria\t%s\n  SOC 1 objectives\t%s\n  ISO/IEC 27001:2022\t%s\n  NIST CSF 2.0\t%s\n", dash(c.Criteria), dash(c.Objectives), dash(c.ISO27001), dash(c.NISTCSF))
	w.Flush()
	m.printf("  Suggested evidence:\n")
	for _, e := range c.Evidence {
		m.printf("  - %s\n", e)
	}
	m.printf("\n")
}

func dash(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ", ")
}

func shortList(list []string, n int) string {
	if len(list) <= n {
		return dash(list)
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(" +%d", len(list)-n)
}

// wrap breaks text into lines of at most width characters, indenting every
// line after the first.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(text) {
		if i > 0 && line+1+len(word) > width {
			b.WriteString("\n" + indent)
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
