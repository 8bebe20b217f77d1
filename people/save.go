package people

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Saved is a person entered or changed by hand, with the checklist items
// the change opened.
type Saved struct {
	Person  attest.Person          `json:"person"`
	Added   bool                   `json:"added"`
	Changes []FieldChange          `json:"changes"`
	Items   []attest.ChecklistItem `json:"items"`
	// Redated are the open items whose due dates moved with the person's
	// start or end date.
	Redated []attest.ChecklistItem `json:"redated,omitempty"`
}

// Save records one person entered by hand, for management only: a new
// person when p.ID is 0 and no one has the address, else the person with
// that ID (or address) changed. Setting a start or end date opens the
// person's onboarding or offboarding checklist, in the same transaction
// and ledger entry (person.saved). A save that changes nothing records
// nothing.
func Save(ctx context.Context, s Store, ch attest.Change, actor *attest.User, p attest.Person, opts Options) (*Saved, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("edits the roster")
	}
	row, err := attestRow("entered", 1, []string{"email", "name", "kind", "status", "start", "end", "manager", "department", "title", "role", "employee_id"},
		[]string{p.Email, p.Name, p.Kind, p.Status, p.Start, p.End, p.Manager, p.Department, p.Title, p.Role, p.EmployeeID})
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s", strings.TrimPrefix(err.Error(), "entered: line 1: "))
	}
	if row.Person.Email == "" {
		return nil, attest.Errorf(attest.EINVALID, "email: every person needs an e-mail address")
	}
	was, found, err := existing(ctx, s, p)
	if err != nil {
		return nil, err
	}
	if !found {
		was = nil
	}
	today := ch.At.UTC().Format(time.DateOnly)
	row.Has["in_scope"], row.Person.InScope = true, p.InScope
	row.Has["status"] = p.Status != ""
	base := attest.Person{}
	if was != nil {
		base = *was
	}
	n := fill(row, base, today)
	n.Source = "entered"
	out := &Saved{Person: n, Added: was == nil, Changes: []FieldChange{}, Items: []attest.ChecklistItem{}}
	if was != nil {
		if out.Changes = changes(*was, n); len(out.Changes) == 0 {
			out.Person = *was
			return out, nil
		}
	}
	pl, err := newPlanner(ctx, s, opts, ch.At)
	if err != nil {
		return nil, err
	}
	items, err := pl.items(ctx, &n)
	if err != nil {
		return nil, err
	}
	w, err := s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: []attest.Person{n}, Items: items, Moves: pl.moves([]attest.Person{n})})
	if err != nil {
		return nil, err
	}
	out.Person, out.Redated = w.People[0], w.Moved
	if len(w.Items) > 0 {
		out.Items = w.Items
	}
	return out, nil
}

// SaveGiven is Save for a person entered field by field, as on a command
// line: a person already on the roster (by p's address) keeps every field
// given reports as not given (field names as in a roster's columns:
// "employee_id", "in_scope"); an end date given without a status has the
// status worked out again from it.
func SaveGiven(ctx context.Context, s Store, ch attest.Change, actor *attest.User, p attest.Person, given func(field string) bool, opts Options) (*Saved, error) {
	was, found, err := existing(ctx, s, attest.Person{Email: p.Email})
	if err != nil || !found {
		if err == nil {
			return Save(ctx, s, ch, actor, p, opts)
		}
		return nil, err
	}
	n := *was
	for field, set := range map[string]func(){
		"name": func() { n.Name = p.Name }, "kind": func() { n.Kind = p.Kind }, "status": func() { n.Status = p.Status },
		"start": func() { n.Start = p.Start }, "end": func() { n.End = p.End }, "manager": func() { n.Manager = p.Manager },
		"department": func() { n.Department = p.Department }, "title": func() { n.Title = p.Title }, "role": func() { n.Role = p.Role },
		"employee_id": func() { n.EmployeeID = p.EmployeeID }, "in_scope": func() { n.InScope = p.InScope },
	} {
		if given(field) {
			set()
		}
	}
	if given("end") && !given("status") {
		n.Status = "" // worked out again from the end date
	}
	return Save(ctx, s, ch, actor, n, opts)
}

// existing is the person p names: by ID when it has one (ENOTFOUND when
// there is none), else by address (found false when no one has it).
func existing(ctx context.Context, s Store, p attest.Person) (*attest.Person, bool, error) {
	if p.ID != 0 {
		was, err := s.Person(ctx, p.ID)
		return was, err == nil, err
	}
	was, err := s.PersonByEmail(ctx, p.Email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, false, nil
	}
	return was, err == nil, err
}
