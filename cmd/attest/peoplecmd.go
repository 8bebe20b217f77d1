package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
	"github.com/spf13/cobra"
)

func (m *Main) peopleCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "people",
		Short: "The roster: people, their onboarding and offboarding checklists, the hire and leaver populations",
		Long: `The roster is every employee and contractor, imported from the HR system's
export or Attest's own CSV, or entered by hand. Hiring someone (a start date)
opens their role's onboarding checklist, and letting them go (an end date)
its offboarding checklist, with each item's due date; each item serves
library controls (HR-01, HR-02, AC-03, AC-04). Items done late or overdue
become known deviations of those controls; a completed checklist becomes
their evidence. The service auditor gets the hires and leavers of the
engagement's period as populations, never the roster itself.

  attest people import roster.csv [--confirm] [--owner it=it@example.com]
  attest people add --email EMAIL --name NAME [--start DATE] [--end DATE] ...
  attest people list [--status active|leave|terminated]
  attest people show EMAIL|ID
  attest people checklist [EMAIL|ID] [--overdue] [--open] [--late]
  attest people checklist done ITEM [--by EMAIL] [--on DATE] [--evidence FILE]
  attest people checklist assign ITEM --to EMAIL
  attest people checklist record
  attest people checklist roles [--file checklists.yaml]
  attest people population hires|leavers [--control ID] [--reconcile-collection ID]

A roster CSV is either an HR export (collect's hr.employee columns:
employee_id, email, status, start_date, end_date, manager_email, worker_type,
department, title, name; role and in_scope read when present) or Attest's
own, with the columns ` + strings.Join(people.Columns, ", ") + ` (only email
required). A re-import shows what it would change and records nothing until
run again with --confirm; people no longer in the file are reported, never
removed.`,
	}
	c.AddCommand(m.peopleImport(), m.peopleAdd(), m.peopleList(), m.peopleShow(), m.peopleChecklist(), m.peoplePopulation())
	return c
}

// checklistFlags are the options that decide the checklist items a
// roster change opens.
type checklistFlags struct {
	file   string
	since  string
	owners []string
}

func (f *checklistFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.file, "checklists", "", "a checklists file of your own instead of Attest's (see attest people checklist roles)")
	c.Flags().StringVar(&f.since, "since", "", "open checklists only for start and end dates from this day (YYYY-MM-DD; default: a year ago)")
	c.Flags().StringArrayVar(&f.owners, "owner", nil, "who does a group's items: people-ops=EMAIL, it=EMAIL, security=EMAIL (repeat)")
}

func (f *checklistFlags) options() (people.Options, error) {
	o := people.Options{Since: f.since}
	var err error
	if o.Owners, err = people.ParseOwners(f.owners); err != nil {
		return o, attest.Errorf(attest.EINVALID, "--owner %s", attest.ErrorMessage(err))
	}
	if f.file != "" {
		var err error
		if o.Checklists, err = readChecklists(f.file); err != nil {
			return o, err
		}
	}
	return o, nil
}

// readChecklists reads a checklists file of the organization's own.
func readChecklists(file string) (*people.Checklists, error) {
	b, err := readInput(file)
	if err != nil {
		return nil, err
	}
	return people.ParseChecklists(filepath.Base(file), b)
}

func (m *Main) peopleImport() *cobra.Command {
	var confirm bool
	var cf checklistFlags
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Import the roster from an HR export or a CSV; a re-import shows its diff until --confirm",
		Args:  cobra.ExactArgs(1),
		RunE: writesIf(m, func(ctx context.Context, d *data, args []string) (*people.Imported, error) {
			b, err := readInput(args[0])
			if err != nil {
				return nil, err
			}
			opts, err := cf.options()
			if err != nil {
				return nil, err
			}
			return people.Import(ctx, d.db, m.change(), nil, people.ImportRequest{Name: filepath.Base(args[0]), Data: b, Confirm: confirm, Options: opts})
		}, func(got *people.Imported) bool { return got.Recorded }, func(got *people.Imported) error {
			if got.Recorded {
				m.printf("%sRecorded in ledger entry %d: %d people, %d checklist items opened.\n", diffText(got.Diff), got.Entry, len(got.People), len(got.Items))
				m.printRedated(got.Redated)
				return nil
			}
			next := "Nothing to record: the roster already says all this.\n"
			if got.NeedsConfirm {
				next = "Nothing recorded yet: run again with --confirm to record these changes.\n"
			}
			m.printf("%s%s", diffText(got.Diff), next)
			return nil
		}),
	}
	c.Flags().BoolVar(&confirm, "confirm", false, "record a re-import's changes (without it a re-import only shows them)")
	cf.add(c)
	return c
}

func diffText(d people.Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d added, %d changed, %d unchanged, %d on the roster but not in the file; %d checklist items to open.\n", len(d.Added), len(d.Changed), d.Unchanged, len(d.NotInFile), d.Items)
	if len(d.Moves) > 0 {
		fmt.Fprintf(&b, "%d open checklist items move with a changed start or end date.\n", len(d.Moves))
	}
	for _, p := range d.Added {
		fmt.Fprintf(&b, "  + %s (%s)\n", p.Email, dashStr(p.Name))
	}
	for _, c := range d.Changed {
		var fs []string
		for _, f := range c.Fields {
			fs = append(fs, fmt.Sprintf("%s %s → %s", f.Field, dashStr(f.From), dashStr(f.To)))
		}
		fmt.Fprintf(&b, "  ~ %s: %s\n", c.Person.Email, strings.Join(fs, "; "))
	}
	for _, p := range d.NotInFile {
		fmt.Fprintf(&b, "  ? %s is not in the file (kept; set an end date if they left)\n", p.Email)
	}
	return b.String()
}

func (m *Main) peopleAdd() *cobra.Command {
	var p attest.Person
	var cf checklistFlags
	c := &cobra.Command{
		Use:   "add --email EMAIL [--name NAME] [--start DATE] [--end DATE]",
		Short: "Enter or change one person by hand (their checklists open with a start or end date)",
		Args:  cobra.NoArgs,
	}
	// A person already on the roster as given is not recorded again.
	recorded := func(got *people.Saved) bool { return got.Added || len(got.Changes) > 0 }
	c.RunE = writesIf(m, func(ctx context.Context, d *data, args []string) (*people.Saved, error) {
		opts, err := cf.options()
		if err != nil {
			return nil, err
		}
		return people.SaveGiven(ctx, d.db, m.change(), nil, p, func(field string) bool {
			return c.Flags().Changed(strings.ReplaceAll(field, "_", "-"))
		}, opts)
	}, recorded, func(got *people.Saved) error {
		if !recorded(got) {
			m.printf("%s is already on the roster as given: nothing recorded.\n", got.Person.Email)
			return nil
		}
		verb := "Changed"
		if got.Added {
			verb = "Added"
		}
		m.printf("%s %s (person %d); %d checklist items opened.\n", verb, got.Person.Email, got.Person.ID, len(got.Items))
		m.printRedated(got.Redated)
		return nil
	})
	f := c.Flags()
	f.StringVar(&p.Email, "email", "", "the person's e-mail address (required; an existing person's is changed)")
	f.StringVar(&p.Name, "name", "", "full name")
	f.StringVar(&p.Kind, "kind", "", "employee or contractor (default employee)")
	f.StringVar(&p.Status, "status", "", "active, leave or terminated (default: from the end date)")
	f.StringVar(&p.Start, "start", "", "start date (YYYY-MM-DD): opens the onboarding checklist")
	f.StringVar(&p.End, "end", "", "last day (YYYY-MM-DD): opens the offboarding checklist")
	f.StringVar(&p.Manager, "manager", "", "the manager's e-mail address")
	f.StringVar(&p.Department, "department", "", "department")
	f.StringVar(&p.Title, "title", "", "job title")
	f.StringVar(&p.Role, "role", "", "the role whose checklists apply (default: the department's, else default)")
	f.StringVar(&p.EmployeeID, "employee-id", "", "the HR system's ID")
	f.BoolVar(&p.InScope, "in-scope", true, "whether their work touches the system under examination")
	cf.add(c)
	c.MarkFlagRequired("email")
	return c
}

func (m *Main) peopleList() *cobra.Command {
	var status string
	c := &cobra.Command{
		Use:   "list [--status active|leave|terminated]",
		Short: "List the roster",
		Args:  cobra.NoArgs,
		RunE: reads(m, func(ctx context.Context, d *data, args []string) ([]attest.Person, error) {
			return people.List(ctx, d.db, nil, status)
		}, func(ps []attest.Person) error {
			if len(ps) == 0 {
				m.printf("No one on the roster%s. Import it: attest people import roster.csv\n", map[bool]string{true: " with status " + status}[status != ""])
				return nil
			}
			return rows(m.Stdout, "ID\tEMAIL\tNAME\tKIND\tSTATUS\tSTART\tEND\tDEPARTMENT\tROLE\tIN SCOPE", ps, func(p attest.Person) []any {
				return []any{p.ID, p.Email, dashStr(p.Name), p.Kind, p.Status, dashStr(p.Start), dashStr(p.End), dashStr(p.Department), dashStr(p.Role), p.InScope}
			})
		}),
	}
	c.Flags().StringVar(&status, "status", "", "only people with this status")
	return c
}

func (m *Main) peopleShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show EMAIL|ID",
		Short: "Show one person and their checklist items",
		Args:  cobra.ExactArgs(1),
		RunE: reads(m, func(ctx context.Context, d *data, args []string) (*people.Profile, error) {
			return people.Show(ctx, d.db, m.completions(d), nil, args[0], m.Now().UTC().Format(time.DateOnly))
		}, func(pr *people.Profile) error {
			p := pr.Person
			w := m.table()
			fmt.Fprintf(w, "Person\t%d, %s (%s)\nKind\t%s, %s\nDates\t%s to %s\nManager\t%s\nDepartment\t%s, %s\nRole\t%s\nIn scope\t%v\nSource\t%s (ledger entry %d)\n",
				p.ID, dashStr(p.Name), p.Email, p.Kind, p.Status, dashStr(p.Start), dashStr(p.End), dashStr(p.Manager), dashStr(p.Department), dashStr(p.Title), dashStr(p.Role), p.InScope, p.Source, p.Entry)
			w.Flush()
			return m.printItems(pr.Items)
		}),
	}
}

func (m *Main) printItems(items []people.ItemStatus) error {
	if len(items) == 0 {
		m.printf("No checklist items.\n")
		return nil
	}
	return rows(m.Stdout, "ITEM\tPERSON\tCHECKLIST\tTITLE\tDUE\tSTATUS\tDONE\tASSIGNEE\tCONTROLS", items, func(it people.ItemStatus) []any {
		status := it.Status
		if it.DaysLate > 0 {
			status += fmt.Sprintf(" (%dd)", it.DaysLate)
		}
		return []any{it.ID, it.Person, it.Checklist, it.Title, it.Due, status, dashStr(it.DoneOn), dashStr(cmp.Or(it.Assignee, it.Owner)), strings.Join(it.Controls, " ")}
	})
}

func (m *Main) peopleChecklist() *cobra.Command {
	var q people.ChecklistQuery
	c := &cobra.Command{
		Use:   "checklist [EMAIL|ID] [--overdue] [--open] [--late]",
		Short: "The onboarding and offboarding items and their status (done, done-late, open, overdue)",
		Args:  cobra.MaximumNArgs(1),
		RunE: reads(m, func(ctx context.Context, d *data, args []string) ([]people.ItemStatus, error) {
			if len(args) == 1 {
				q.Person = args[0]
			}
			return people.Checklist(ctx, d.db, m.completions(d), nil, q, m.Now())
		}, m.printItems),
	}
	c.Flags().BoolVar(&q.Overdue, "overdue", false, "only the items overdue today")
	c.Flags().BoolVar(&q.Open, "open", false, "only the items not done yet")
	c.Flags().BoolVar(&q.Late, "late", false, "only the items done late")
	c.AddCommand(m.peopleChecklistDone(), m.peopleChecklistAssign(), m.peopleChecklistRecord(), m.peopleChecklistRoles())
	return c
}

func (m *Main) peopleChecklistDone() *cobra.Command {
	var req people.DoneRequest
	var files []string
	c := &cobra.Command{
		Use:   "done ITEM [--by EMAIL] [--on DATE] [--evidence FILE]",
		Short: "Record a task item done, by the account that did it, with evidence",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(itemArg, func(ctx context.Context, d *data, id int64) (*people.DoneResult, error) {
			req.Item = id
			if len(files) > 0 {
				var err error
				if req.Evidence, err = m.stageAll(d, files); err != nil {
					return nil, err
				}
			}
			got, err := people.Done(ctx, d.db, d.blobs, m.completions(d), m.change(), nil, req)
			if err != nil {
				return nil, err
			}
			// Warnings go to standard error, under --json too.
			for _, w := range got.Warnings {
				m.warn(w)
			}
			return got, nil
		}), func(got *people.DoneResult) error {
			m.printf("Item %d (%s) done on %s by %s: %s.\n", got.Item.ID, got.Item.Title, got.Item.DoneOn, got.Item.DoneName, got.Item.Status)
			if got.Evidence != 0 {
				m.printf("Evidence %d added for %s.\n", got.Evidence, strings.Join(got.Item.Controls, ", "))
			}
			if got.Checklist != nil {
				m.printf("The %s checklist is complete: evidence %d for %s.\n", got.Item.Checklist, got.Checklist.ID, strings.Join(got.Checklist.Controls, ", "))
			}
			return nil
		}),
	}
	c.Flags().StringVar(&req.By, "by", "", "the e-mail address of the account that did it (required on the command line)")
	c.Flags().StringVar(&req.On, "on", "", "the day it was done (YYYY-MM-DD; default today)")
	c.Flags().StringVar(&req.Note, "note", "", "a note kept with the item")
	c.Flags().StringArrayVar(&files, "evidence", nil, "a file showing it done, added as evidence of the item's controls (repeat)")
	return c
}

func itemArg(s string) (int64, error) {
	return recordNumber(s, "a checklist item's number (see attest people checklist)")
}

func (m *Main) peopleChecklistAssign() *cobra.Command {
	var to string
	c := &cobra.Command{
		Use:   "assign ITEM --to EMAIL",
		Short: "Give a checklist item to another account (its assignee marks it done)",
		Args:  cobra.ExactArgs(1),
		RunE: writes(m, numbered(itemArg, func(ctx context.Context, d *data, id int64) (*attest.ChecklistItem, error) {
			return people.Assign(ctx, d.db, m.change(), nil, id, to)
		}), func(it *attest.ChecklistItem) error {
			m.printf("Item %d (%s of %s) is now %s's.\n", it.ID, it.Title, it.Person, it.Assignee)
			return nil
		}),
	}
	c.Flags().StringVar(&to, "to", "", "the e-mail address of the account that will do it (required)")
	c.MarkFlagRequired("to")
	return c
}

// completions are the records that decide acknowledgements and training
// items: the data directory's acknowledgements and completions.
func (m *Main) completions(d *data) people.Completions { return people.RecordsOf(d.db, m.Now()) }

func (m *Main) peopleChecklistRecord() *cobra.Command {
	return &cobra.Command{
		Use:   "record",
		Short: "Record every completed checklist not yet recorded as evidence on its controls",
		Args:  cobra.NoArgs,
		RunE: writes(m, func(ctx context.Context, d *data, args []string) ([]attest.Evidence, error) {
			return people.RecordCompleted(ctx, d.db, d.blobs, m.completions(d), m.change(), nil)
		}, func(evs []attest.Evidence) error {
			m.printf("%d completed checklists recorded as evidence.\n", len(evs))
			for _, e := range evs {
				m.printf("  evidence %d: %s (%s), performed %s\n", e.ID, e.Name, strings.Join(e.Controls, ", "), e.PerformedOn)
			}
			return nil
		}),
	}
}

func (m *Main) peopleChecklistRoles() *cobra.Command {
	var file string
	c := &cobra.Command{
		Use:   "roles [--file checklists.yaml]",
		Short: "Show each role's onboarding and offboarding checklists (Attest's, or a file of your own, checked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cl := people.Default()
			if file != "" {
				var err error
				if cl, err = readChecklists(file); err != nil {
					return err
				}
			}
			return show(m, cl, m.printRoles)
		},
	}
	c.Flags().StringVar(&file, "file", "", "a checklists file to check and show")
	return c
}

// printRoles prints each role's checklists, a step a line.
func (m *Main) printRoles(cl *people.Checklists) error {
	w := m.table()
	fmt.Fprintln(w, "ROLE\tCHECKLIST\tKEY\tKIND\tOWNER\tDUE\tCONTROLS")
	for _, role := range slices.Sorted(maps.Keys(cl.Roles)) {
		for _, list := range []string{attest.Onboarding, attest.Offboarding} {
			for _, s := range cl.Steps(role, list) {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", role, list, s.Key, s.Kind, s.Owner, s.Due.Rule(), strings.Join(s.Controls, " "))
			}
		}
	}
	return w.Flush()
}

func (m *Main) peoplePopulation() *cobra.Command {
	var control string
	var collection int64
	c := &cobra.Command{
		Use:   "population hires|leavers [--control ID] [--reconcile-collection ID]",
		Short: "Record the engagement's hires or leavers as a population, reconciled to the identity provider",
		Long: `Records the in-scope people who started (hires) or left (leavers) within the
engagement's period as the population of a control (hires: HR-01, HR-02 or
AC-03, whichever the engagement holds first; leavers: AC-04), keyed by
person_id, with its provenance: the roster as of its latest ledger entry, the
query, who extracted it and when. With --reconcile-collection, the
population is checked against the identity provider's accounts that
collection read (idp.user): active accounts of no one on the roster, leavers
still active after their end date, hires without an account; the result is
recorded as the population's completeness check.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{people.Hires, people.Leavers},
		RunE: writesIn(m, func(ctx context.Context, d *data, e *attest.Engagement, args []string) (*people.Reconciled, error) {
			// The collection is read first: one that cannot reconcile
			// leaves no population behind.
			var accounts *people.Accounts
			if collection != 0 {
				c, err := m.collection(ctx, d, collection)
				if err != nil {
					return nil, err
				}
				accounts = &people.Accounts{Collection: collection, CollectedAt: c.CollectedAt, Records: c.Records}
			}
			return people.RecordReconciled(ctx, d.db, d.blobs, m.change(), nil, people.PopulationRequest{Engagement: e.ID, Kind: args[0], Control: control}, accounts)
		}, func(out *people.Reconciled) error {
			pop, x := out.Population, out.Extracted
			m.printf("Recorded population %d for %s: %d %s of %s (%s to %s), keyed by person_id.\nSource: %s; %s.\n",
				pop.ID, pop.ControlID, pop.Rows, x.Kind, x.Engagement, x.From, x.Through, pop.Source, x.Query)
			if out.Reconciliation == nil {
				m.printf("Next: show it complete, e.g. --reconcile-collection ID (an identity-provider collection).\n")
				return nil
			}
			m.printf("%s", reconText(out.Reconciliation))
			return nil
		}),
	}
	c.Flags().StringVar(&control, "control", "", "the control the population is for (default: see above)")
	c.Flags().Int64Var(&collection, "reconcile-collection", 0, "an identity-provider collection (its evidence ID) to reconcile the population with")
	return c
}

func reconText(r *people.Reconciliation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Reconciled to collection %d (%s): %d matched.\n", r.Collection, r.At, r.Matched)
	for _, x := range []struct {
		what string
		list []string
	}{{"active accounts of no one on the roster", r.NotOnRoster}, {"leavers still active after their end date", r.StillActive}, {"hires without an account", r.NoAccount}} {
		if len(x.list) > 0 {
			fmt.Fprintf(&b, "  %d %s: %s\n", len(x.list), x.what, strings.Join(x.list, ", "))
		}
	}
	return b.String()
}

// printRedated says which open checklist items moved with their person's
// start or end date.
func (m *Main) printRedated(items []attest.ChecklistItem) {
	if len(items) > 0 {
		m.printf("%d open checklist items moved with their person's start or end date:\n", len(items))
	}
	for _, it := range items {
		m.printf("  item %d, %s's %s: now due %s\n", it.ID, it.Person, it.Key, it.Due)
	}
}
