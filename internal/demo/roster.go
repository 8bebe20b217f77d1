package demo

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/people"
)

// rosterSeed and rosterSize make Harbor's roster: the people package's
// generated company, with Harbor's named people in its leads' places and
// its leadership added, about 120 in all.
const (
	rosterSeed = 1
	rosterSize = 112
)

// harborLeads replace the generated company's department leads (its
// first people, one per department) by Harbor's own, each with their
// manager.
var harborLeads = map[string]struct{ name, title, manager string }{
	"Engineering": {"Lucia Fernandes", "Engineering Manager", "tomas.okafor@harbor.example"},
	"Support":     {"Diego Alvarez", "Customer Support Lead", "grace.mensah@harbor.example"},
	"Finance":     {"Oliver Brandt", "Finance Lead", "maya.lindqvist@harbor.example"},
	"People":      {"Hannah Cole", "People Operations Lead", "maya.lindqvist@harbor.example"},
}

// harborLeadership are Harbor's people above and beside the departments.
var harborLeadership = []attest.Person{
	{EmployeeID: "E090", Name: "Maya Lindqvist", Title: "Chief Executive Officer", Department: "Leadership", Start: "2019-04-01"},
	{EmployeeID: "E091", Name: "Tomas Okafor", Title: "Chief Technology Officer", Department: "Engineering", Role: "engineering", Start: "2020-06-15", Manager: "maya.lindqvist@harbor.example"},
	{EmployeeID: "E092", Name: "Priya Raman", Title: "Compliance Manager", Department: "Compliance", Start: "2021-03-01", Manager: "maya.lindqvist@harbor.example"},
	{EmployeeID: "E093", Name: "Jonah Weiss", Title: "Security Lead", Department: "Security", Role: "engineering", Start: "2022-01-10", Manager: "tomas.okafor@harbor.example"},
	{EmployeeID: "E094", Name: "Sam Adeyemi", Title: "Infrastructure Lead", Department: "Engineering", Role: "engineering", Start: "2021-11-08", Manager: "tomas.okafor@harbor.example"},
	{EmployeeID: "E095", Name: "Kenji Mori", Title: "IT Administrator", Department: "IT", Start: "2022-05-02", Manager: "tomas.okafor@harbor.example"},
	{EmployeeID: "E096", Name: "Grace Mensah", Title: "Operations Manager", Department: "Operations", Start: "2020-09-14", Manager: "maya.lindqvist@harbor.example"},
	{EmployeeID: "E097", Name: "Ruth Ansah", Title: "Legal Counsel", Department: "Legal", Start: "2023-02-06", Manager: "maya.lindqvist@harbor.example"},
}

// hannahLeft is how many days before today Hannah Cole, the People
// Operations Lead, left: her identity-provider account stayed active
// until the day before today (the collections show it, the checks find
// it, the access review revokes it and the last collection confirms it).
const hannahLeft = 36

// roster is Harbor Payroll's roster over the period from start to end,
// as of today, with the days its checklists' task items were done.
func roster(start, end, today time.Time) (*people.Demo, error) {
	d, err := people.DemoRoster(rosterSeed, rosterSize, start.Format(time.DateOnly), end.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	rename := map[string]string{}
	seen := map[string]bool{}
	for i := range d.People {
		p := &d.People[i]
		email := strings.Replace(p.Email, "@nimbus.example", "@harbor.example", 1)
		if l, ok := harborLeads[p.Department]; ok && p.Manager == "" && !seen[p.Department] {
			seen[p.Department] = true
			p.Name, p.Title, p.Manager = l.name, l.title, l.manager
			email = address(l.name)
		}
		rename[p.Email] = email
		p.Email = email
	}
	for i := range d.People {
		p := &d.People[i]
		if m, ok := rename[p.Manager]; ok {
			p.Manager = m
		} else if p.Manager == "" && p.Department != "Leadership" {
			p.Manager = "maya.lindqvist@harbor.example"
		}
	}
	done := map[string]map[string]string{}
	for old, items := range d.Done {
		done[rename[old]] = items
	}
	d.Done = done
	for _, p := range harborLeadership {
		p.Email, p.Kind, p.InScope = address(p.Name), attest.PersonEmployee, true
		d.People = append(d.People, p)
	}
	// Hannah left; IT disabled her account 35 days late, the day the last
	// collection shows it gone.
	left, disabled := today.AddDate(0, 0, -hannahLeft), today.AddDate(0, 0, -1)
	for i := range d.People {
		if d.People[i].Name == "Hannah Cole" {
			d.People[i].End = left.Format(time.DateOnly)
			d.Done[d.People[i].Email] = map[string]string{"exit-reminder": left.Format(time.DateOnly), "equipment-returned": left.AddDate(0, 0, 2).Format(time.DateOnly),
				"sso-disabled": disabled.Format(time.DateOnly), "other-access-revoked": disabled.Format(time.DateOnly)}
		}
	}
	var buf bytes.Buffer
	if err := people.WriteCSV(&buf, d.People); err != nil {
		return nil, err
	}
	d.CSV = buf.Bytes()
	return d, nil
}

// address is a Harbor person's e-mail address.
func address(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@harbor.example"
}

// onRoster is whether p had started by day, and whether they had left.
func onRoster(p attest.Person, day string) (started, left bool) {
	return p.Start == "" || p.Start <= day, p.End != "" && p.End < day
}

// disabledOn is the day a leaver's identity-provider account was
// disabled: the day the checklist says, or two days after they left when
// the item was never marked done.
func disabledOn(d *people.Demo, p attest.Person) string {
	if on := d.Done[p.Email]["sso-disabled"]; on != "" {
		return on
	}
	end, _ := attest.ParseDate(p.End)
	return end.AddDate(0, 0, 2).Format(time.DateOnly)
}

// oktaID is a stable identity-provider ID for a person.
func oktaID(email string) string {
	return fmt.Sprintf("00u%08x", demoHash(email))
}

// hiringHorizon is how far ahead Harbor's HR export shows people: a hire
// once their offer is signed, a leaver once they have given notice.
const hiringHorizon = 45

// checklistOwners are who does the checklists' items by the owner they
// name.
var checklistOwners = map[string]string{
	"people-ops": complianceManager,
	"it":         "kenji.mori@harbor.example",
	"security":   "jonah.weiss@harbor.example",
}

// staff runs Harbor's roster through the year: the HR export imported at
// the start of the period and again on the first of every month (each
// re-import's diff confirmed by the Compliance Manager), which opens the
// onboarding and offboarding checklists of the people it hires and lets
// go; and each task item marked done on the day it was done, by its
// assignee with their own account or by the Compliance Manager naming who
// did it; some late, a few never. Between imports, people acknowledge the
// policies asked of them (asked). It returns how many items were done and
// how many acknowledgements were recorded.
func (b *builder) staff(ctx context.Context, rs *people.Demo, start time.Time, asked map[string]*attest.Policy) (done, acks int, err error) {
	priya := b.users["Priya Raman"]
	today := b.today()
	var days []time.Time
	for d := start; !d.After(today); d = attest.AddMonths(d, 1) {
		days = append(days, d)
	}
	opts := people.Options{Since: start.Format(time.DateOnly), Owners: checklistOwners}
	// Each person's start as it turned out: the day they acknowledge
	// policies from, whatever an earlier export said.
	starts := map[string]string{}
	for _, p := range rs.People {
		starts[p.Email] = p.Start
	}
	for k, d := range days {
		var buf bytes.Buffer
		if err := people.WriteCSV(&buf, asOf(rs.People, d, slipped(rs.People, today))); err != nil {
			return done, acks, err
		}
		ch := attest.Change{Actor: priya.Name, At: d.Add(8 * time.Hour)}
		req := people.ImportRequest{Name: "harbor-hr-export-" + d.Format("2006-01") + ".csv", Data: buf.Bytes(), Options: opts}
		imp, err := people.Import(ctx, b.Store, ch, priya, req)
		if err != nil {
			return done, acks, err
		}
		if imp.NeedsConfirm {
			req.Confirm = true
			ch.At = ch.At.Add(10 * time.Minute)
			if _, err := people.Import(ctx, b.Store, ch, priya, req); err != nil {
				return done, acks, err
			}
		}
		next := today.AddDate(0, 0, 1)
		if k+1 < len(days) {
			next = days[k+1]
		}
		n, err := b.checklists(ctx, rs, d, next)
		if err != nil {
			return done, acks, err
		}
		done += n
		if n, err = b.acknowledge(ctx, asked, starts, start, d, next); err != nil {
			return done, acks, err
		}
		acks += n
	}
	return done, acks, nil
}

// asOf is the roster as the HR export shows it on day d: people hired
// within the horizon, leavers' end dates once given. The hire late (an
// employee ID) was first offered a start a week earlier than the one they
// took: exports made more than two weeks before their start show the
// earlier date, so their onboarding items move when it changes.
func asOf(ps []attest.Person, d time.Time, late string) []attest.Person {
	horizon := d.AddDate(0, 0, hiringHorizon).Format(time.DateOnly)
	soon := d.AddDate(0, 0, 14).Format(time.DateOnly)
	var out []attest.Person
	for _, p := range ps {
		if p.Start > horizon {
			continue
		}
		if p.EmployeeID == late && p.Start > soon {
			if t, err := attest.ParseDate(p.Start); err == nil {
				p.Start = t.AddDate(0, 0, -7).Format(time.DateOnly)
			}
		}
		if p.End > horizon {
			p.End = ""
		}
		p.Status = ""
		out = append(out, p)
	}
	return out
}

// checklists marks done the task items done from the day from to the day
// before until, in the order they were done.
func (b *builder) checklists(ctx context.Context, rs *people.Demo, from, until time.Time) (int, error) {
	items, err := b.Store.ChecklistItems(ctx, 0)
	if err != nil {
		return 0, err
	}
	lo, hi := from.Format(time.DateOnly), until.Format(time.DateOnly)
	var todo []attest.ChecklistItem
	for _, it := range items {
		on := rs.Done[it.Person][it.Key]
		if it.Kind == attest.ItemTask && it.DoneEntry == 0 && on >= lo && on < hi {
			todo = append(todo, it)
		}
	}
	slices.SortStableFunc(todo, func(x, y attest.ChecklistItem) int {
		return strings.Compare(rs.Done[x.Person][x.Key], rs.Done[y.Person][y.Key])
	})
	priya := b.users["Priya Raman"]
	for _, it := range todo {
		on := rs.Done[it.Person][it.Key]
		day, _ := attest.ParseDate(on)
		actor, by := priya, b.emailOf(it.AssigneeID)
		if u := b.userByID(it.AssigneeID); u != nil {
			actor, by = u, ""
		}
		if by == "" && actor == priya {
			by = priya.Email
		}
		ch := attest.Change{Actor: actor.Name, At: day.Add(16 * time.Hour)}
		if _, err := people.Done(ctx, b.Store, b.Blobs, nil, ch, actor, people.DoneRequest{Item: it.ID, By: by, On: on}); err != nil {
			return 0, fmt.Errorf("demo checklist item %d of %s: %w", it.ID, it.Person, err)
		}
	}
	return len(todo), nil
}

// emailOf is the address of the demo account with that ID ("" if none).
func (b *builder) emailOf(id int64) string {
	if u := b.userByID(id); u != nil {
		return u.Email
	}
	return ""
}

// hiresAndLeavers records the SOC 2 Type 2's hire and leaver populations
// from the roster, for the auditor to draw from, and reconciles the
// leavers to the identity provider's accounts of the latest collection
// as their completeness check.
func (b *builder) hiresAndLeavers(ctx context.Context, e *attest.Engagement, col *check.Collection) error {
	priya := b.users["Priya Raman"]
	ch := attest.Change{Actor: priya.Name, At: b.Now()}
	for _, kind := range []string{people.Hires, people.Leavers} {
		var accounts *people.Accounts
		if col != nil {
			accounts = &people.Accounts{Collection: col.Evidence, CollectedAt: col.CollectedAt, Records: col.Records}
		}
		if _, err := people.RecordReconciled(ctx, b.Store, b.Blobs, ch, priya, people.PopulationRequest{Engagement: e.ID, Kind: kind}, accounts); err != nil {
			return err
		}
	}
	return nil
}

// slipped is the hire whose start date moves in the demo: the latest one
// to have started by today.
func slipped(ps []attest.Person, today time.Time) string {
	day, id := "", ""
	for _, p := range ps {
		if p.Start <= today.Format(time.DateOnly) && p.Start > day {
			day, id = p.Start, p.EmployeeID
		}
	}
	return id
}
