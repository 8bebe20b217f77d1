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
	return save(ctx, s, ch, actor, p, nil, opts)
}

// SaveGiven is Save for a person entered field by field, as on a command
// line: a person already on the roster (by p's address) keeps every field
// given reports as not given (field names as in a roster's columns:
// "employee_id", "in_scope"); an end date given without a status has the
// status worked out again from it. A new person is saved whole.
func SaveGiven(ctx context.Context, s Store, ch attest.Change, actor *attest.User, p attest.Person, given func(field string) bool, opts Options) (*Saved, error) {
	p.ID = 0 // by address
	return save(ctx, s, ch, actor, p, given, opts)
}

// save is Save of the fields given reports (every field when given is
// nil or the person is new), through the import's own rule for which
// fields a row gives (fill).
func save(ctx context.Context, s Store, ch attest.Change, actor *attest.User, p attest.Person, given func(field string) bool, opts Options) (*Saved, error) {
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
		was, given = nil, nil
	}
	today := ch.At.UTC().Format(time.DateOnly)
	row.Has["in_scope"], row.Person.InScope = true, p.InScope
	row.Has["status"] = p.Status != ""
	if given != nil {
		for field := range row.Has {
			row.Has[field] = row.Has[field] && (field == "email" || given(field))
		}
	}
	base := attest.Person{}
	if was != nil {
		base = *was
	}
	if given != nil && given("status") && p.Status == "" {
		base.Status = "" // given empty: worked out again from the end date
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
