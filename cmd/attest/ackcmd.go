package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/training"
	"github.com/spf13/cobra"
)

func (m *Main) ackCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "ack",
		Short: "Policy acknowledgements: who each policy is asked of, and where they stand",
		Long: `People acknowledge the version in force of each published policy asked of
them, in the employee portal (/portal on the server). A policy is asked of
every in-scope person on the roster unless assigned to some departments or
roles. A new version asks everyone again.

  attest ack status [--policy ID|--person EMAIL] [--json]
  attest ack assign POLICY [--department NAME]... [--role NAME]...   (none: everyone in scope)
  attest ack record POLICY --person EMAIL --version N --note TEXT    one given outside the portal
  attest ack export [--evidence] [--control ID]... [--out FILE]      the status as CSV, or as evidence`,
	}
	c.AddCommand(m.ackStatus(), m.ackAssign(), m.ackRecord(), m.ackExport())
	return c
}

func (m *Main) ackStatus() *cobra.Command {
	var pol, person string
	c := &cobra.Command{
		Use:   "status [--policy ID|--person EMAIL]",
		Short: "Where acknowledgements stand: per policy, and per person (outstanding, acknowledged, re-acknowledgement due)",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, args []string) (*ack.Status, error) {
			id, err := program.PersonID(ctx, d.db, person)
			if err != nil {
				return nil, err
			}
			return program.Acknowledgements(ctx, d.db, nil, ack.Filter{Policy: pol, Person: id}, m.Now())
		}, func(st *ack.Status) error {
			if len(st.Policies) == 0 {
				m.printf("No published policy yet: acknowledgements start once one is published (attest policy publish).\n")
				return nil
			}
			if err := rows(m.Stdout, "POLICY\tVERSION\tASKED\tACKNOWLEDGED\tOUTSTANDING\tRE-ACK DUE\tOVERDUE\tASKED OF", st.Policies, func(p ack.PolicyStatus) []any {
				return []any{p.Policy, fmt.Sprintf("v%d", p.Version), p.Asked, p.Acknowledged, p.Outstanding, p.Outdated, p.Overdue, p.Audience}
			}); err != nil {
				return err
			}
			// One person or one policy: each policy asked of each person.
			if person != "" || pol != "" {
				m.printf("\n")
				if err := rows(m.Stdout, "PERSON\tPOLICY\tSTATE\tACKNOWLEDGED\tDUE", ackItems(st), ackItemRow); err != nil {
					return err
				}
			}
			m.printf("\n%d of %d acknowledgements asked are of the version in force; %d outstanding, %d re-acknowledgements due, %d overdue.\n",
				st.Total.Acknowledged, st.Total.Asked, st.Total.Outstanding, st.Total.Outdated, st.Total.Overdue)
			return nil
		}),
	}
	c.Flags().StringVar(&pol, "policy", "", "one policy, with each person it is asked of")
	c.Flags().StringVar(&person, "person", "", "one person (e-mail address), with each policy asked of them")
	c.MarkFlagsMutuallyExclusive("policy", "person")
	return c
}

// ackItems is every person's items of the status, person by person.
func ackItems(st *ack.Status) []ack.Item {
	var items []ack.Item
	for _, ps := range st.People {
		items = append(items, ps.Items...)
	}
	return items
}

// ackItemRow is an item's cells in the status's table of people.
func ackItemRow(it ack.Item) []any {
	acked, due := "-", it.Due
	if it.Acked > 0 {
		acked = fmt.Sprintf("v%d %s", it.Acked, it.At[:min(10, len(it.At))])
	}
	if it.Overdue {
		due += " (overdue)"
	}
	return []any{it.Email, it.Policy, it.State, acked, due}
}

func (m *Main) ackAssign() *cobra.Command {
	var deps, roles []string
	c := &cobra.Command{
		Use:   "assign POLICY [--department NAME]... [--role NAME]...",
		Short: "Say who a policy is asked of: in-scope people of some departments or roster roles (none: everyone in scope)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.PolicyAudience, error) {
			return ack.Assign(ctx, d.db, m.change(), nil, args[0], ack.AssignRequest{Departments: deps, Roles: roles})
		}, func(a *attest.PolicyAudience) error {
			who := "every in-scope person"
			if !a.Everyone() {
				who = "in-scope people in " + strings.Join(append(append([]string{}, a.Departments...), a.Roles...), ", ")
			}
			m.printf("%s is asked of %s (ledger entry %d).\n", a.PolicyID, who, a.Entry)
			return nil
		}),
	}
	c.Flags().StringArrayVar(&deps, "department", nil, "a department, as the roster names it (repeat for several)")
	c.Flags().StringArrayVar(&roles, "role", nil, "a roster role (repeat for several)")
	return c
}

func (m *Main) ackRecord() *cobra.Command {
	var person, note string
	var version int
	c := &cobra.Command{
		Use:   "record POLICY --person EMAIL --version N --note TEXT",
		Short: "Record an acknowledgement given outside the portal (a signed form), saying how",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.Acknowledgement, error) {
			id, err := program.PersonID(ctx, d.db, person)
			if err != nil {
				return nil, err
			}
			return ack.Acknowledge(ctx, d.db, m.change(), nil, ack.Request{Policy: args[0], Version: version, Person: id, Note: note})
		}, func(k *attest.Acknowledgement) error {
			m.printf("Recorded %s's acknowledgement of %s version %d (ledger entry %d).\n", person, k.PolicyID, k.Version, k.Entry)
			return nil
		}),
	}
	c.Flags().StringVar(&person, "person", "", "the person's e-mail address")
	c.Flags().IntVar(&version, "version", 0, "the version they read (the version in force)")
	c.Flags().StringVar(&note, "note", "", "how it was given (\"signed form, 2026-03-02\")")
	c.MarkFlagRequired("person")
	return c
}

func (m *Main) ackExport() *cobra.Command {
	var asEvidence bool
	var controls []string
	var out string
	keep := writes(m, func(ctx context.Context, d *data, args []string) (*keptAcks, error) {
		day := m.today().Format(attest.DateLayout)
		ev, st, err := ack.RecordEvidence(ctx, d.db, d.db, d.blobs, m.change(), nil, day, controls)
		if err != nil {
			return nil, err
		}
		return &keptAcks{Evidence: ev, Total: st.Total, day: day}, nil
	}, func(k *keptAcks) error {
		m.printf("Kept the acknowledgements of %s as evidence %d for %s: %s\n", k.day, k.Evidence.ID, strings.Join(k.Evidence.Controls, ", "), k.Evidence.Note)
		return nil
	})
	c := &cobra.Command{
		Use:   "export [--evidence] [--control ID]... [--out FILE]",
		Short: "The status as CSV, one row per person and policy; --evidence keeps it as evidence for the acknowledgement controls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asEvidence {
				return keep(cmd, args)
			}
			ctx := cmd.Context()
			return m.withData(ctx, func(d *data) error {
				st, err := ack.Load(ctx, d.db, m.today().Format(attest.DateLayout), ack.Filter{})
				if err != nil {
					return err
				}
				w := m.Stdout
				if out != "" {
					f, err := os.Create(out)
					if err != nil {
						return err
					}
					defer f.Close()
					w = f
				}
				return ack.WriteCSV(w, st)
			})
		},
	}
	c.Flags().BoolVar(&asEvidence, "evidence", false, "keep the CSV as evidence (for HR-02 and HR-03, those an engagement has)")
	c.Flags().StringArrayVar(&controls, "control", nil, "a control the evidence supports (repeat; default HR-02 and HR-03)")
	c.Flags().StringVar(&out, "out", "", "write the CSV to FILE (default: standard output)")
	return c
}

// keptAcks is the acknowledgements kept as evidence: the record and the
// totals it shows, and the day they stand on.
type keptAcks struct {
	Evidence *attest.Evidence `json:"evidence"`
	Total    ack.Counts       `json:"total"`
	day      string
}

func (m *Main) trainingCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "training",
		Short: "Training completions: imported from the training provider's export, and the status per person",
		Long: `Attest ships no course content: it keeps who completed which course and when,
imported from the training provider's CSV export (e-mail, course and
completion date columns; score and certificate kept when present). Security
training counts when the course's name says "security", or the courses named
with --course. Each in-scope person completes it within 30 days of starting
and then every 12 months.

  attest training import FILE [--json]
  attest training record --person EMAIL --course NAME --completed DATE --certificate FILE [--control ID]...
  attest training status [--person EMAIL] [--course NAME]... [--json]`,
	}
	c.AddCommand(m.trainingImport(), m.trainingRecord(), m.trainingStatus())
	return c
}

func (m *Main) trainingImport() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Import a training provider's CSV export: one ledger entry naming the rows' SHA-256",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The file is read before the data directory is opened.
			b, err := os.ReadFile(args[0])
			if err != nil {
				return attest.Errorf(attest.EINVALID, "%s: %v", args[0], fileerr.Reason(err))
			}
			return writesIf(m, func(ctx context.Context, d *data, args []string) (*training.Imported, error) {
				return training.Import(ctx, d.db, m.change(), nil, filepath.Base(args[0]), b)
			}, func(out *training.Imported) bool { return out.Recorded > 0 }, func(out *training.Imported) error {
				if out.Recorded == 0 {
					m.printf("Nothing new in %s: its %d completions were already recorded.\n", out.File, out.Known)
					return nil
				}
				m.printf("Recorded %d completions from %s (%d already recorded) in ledger entry %d.\n", out.Recorded, out.File, out.Known, out.Entry)
				return nil
			})(cmd, args)
		},
	}
}

func (m *Main) trainingRecord() *cobra.Command {
	var req training.RecordRequest
	var file string
	c := &cobra.Command{
		Use:   "record --person EMAIL --course NAME --completed DATE --certificate FILE",
		Short: "Record one completion shown by its certificate, which is kept as evidence (for HR-02 and HR-03, those an engagement has)",
		Args:  cobra.NoArgs,
		RunE: writes(m, func(ctx context.Context, d *data, args []string) (*attest.Completion, error) {
			var err error
			if req.File, err = m.stageFile(d, file); err != nil {
				return nil, err
			}
			return training.Record(ctx, d.db, d.db, d.blobs, m.change(), nil, req)
		}, func(c *attest.Completion) error {
			m.printf("Recorded %s's completion of %s on %s, with the certificate as evidence %d (ledger entry %d).\n", c.Email, c.Course, c.Completed, c.Evidence, c.Entry)
			return nil
		}),
	}
	c.Flags().StringVar(&req.Email, "person", "", "the person's e-mail address")
	c.Flags().StringVar(&req.Course, "course", "", "the course completed")
	c.Flags().StringVar(&req.Completed, "completed", "", "when (YYYY-MM-DD)")
	c.Flags().StringVar(&req.Score, "score", "", "the score, if any")
	c.Flags().StringVar(&req.Certificate, "certificate-id", "", "the certificate's number, if any")
	c.Flags().StringVar(&file, "certificate", "", "the certificate file, kept as evidence")
	c.Flags().StringArrayVar(&req.Controls, "control", nil, "a control the certificate supports (repeat; default HR-02 and HR-03)")
	for _, f := range []string{"person", "course", "completed", "certificate"} {
		c.MarkFlagRequired(f)
	}
	return c
}

func (m *Main) trainingStatus() *cobra.Command {
	var person string
	var courses []string
	c := &cobra.Command{
		Use:   "status [--person EMAIL] [--course NAME]...",
		Short: "Security training per in-scope person: current, due, overdue",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, args []string) (*training.Status, error) {
			id, err := program.PersonID(ctx, d.db, person)
			if err != nil {
				return nil, err
			}
			return program.Training(ctx, d.db, nil, id, courses, m.Now())
		}, func(st *training.Status) error {
			if err := rows(m.Stdout, "PERSON\tSTATE\tLAST\tDUE", st.People, func(p training.PersonStatus) []any {
				last := "-"
				if p.Completed != "" {
					last = p.Completed + " " + p.Course
				}
				return []any{p.Email, p.State, last, p.Due}
			}); err != nil {
				return err
			}
			m.printf("\n%d current, %d due, %d overdue.\n", st.Current, st.Due, st.Overdue)
			return nil
		}),
	}
	c.Flags().StringVar(&person, "person", "", "one person (e-mail address)")
	c.Flags().StringArrayVar(&courses, "course", nil, "a course that counts as security training (repeat; default: names with \"security\")")
	return c
}
