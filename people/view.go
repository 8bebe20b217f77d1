package people

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// ReadStore is what reading the roster and its checklists needs.
type ReadStore interface {
	People(ctx context.Context) ([]attest.Person, error)
	Person(ctx context.Context, id int64) (*attest.Person, error)
	PersonByEmail(ctx context.Context, email string) (*attest.Person, error)
	ChecklistItems(ctx context.Context, person int64) ([]attest.ChecklistItem, error)
	ChecklistItemsNotDoneOnTime(ctx context.Context, person int64) ([]attest.ChecklistItem, error)
}

// List is the roster, for management only (it is personal data: the
// service auditor sees only the hire and leaver populations), filtered by
// status when one is given.
func List(ctx context.Context, s ReadStore, actor *attest.User, status string) ([]attest.Person, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("reads the roster")
	}
	all, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	return withStatus(all, status)
}

// withStatus keeps the people of a status (everyone when it is empty).
func withStatus(all []attest.Person, status string) ([]attest.Person, error) {
	if status == "" {
		return all, nil
	}
	status = strings.ToLower(strings.TrimSpace(status))
	if status != attest.PersonActive && status != attest.PersonLeave && status != attest.PersonTerminated {
		return nil, attest.Errorf(attest.EINVALID, "status: %q is not active, leave or terminated", status)
	}
	out := []attest.Person{}
	for _, p := range all {
		if p.Status == status {
			out = append(out, p)
		}
	}
	return out, nil
}

// Find is the person ref names: their ID, or their e-mail address.
func Find(ctx context.Context, s ReadStore, ref string) (*attest.Person, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); err == nil {
		return s.Person(ctx, id)
	}
	if !strings.Contains(ref, "@") {
		return nil, attest.Errorf(attest.EINVALID, "%q is neither a person's number nor an e-mail address", ref)
	}
	return s.PersonByEmail(ctx, ref)
}

// Profile is one person with their checklists' items.
type Profile struct {
	Person attest.Person `json:"person"`
	Items  []ItemStatus  `json:"items"`
}

// Show is one person and their items' status on today: for management,
// the person and every item; for the person's manager (by the roster's
// manager address), the fields a manager knows and every item; for
// anyone else on the staff, only the items assigned to their account. A
// reader who may see nothing of the person learns nothing of whether
// they are on the roster; the service auditor reads none of it.
func Show(ctx context.Context, s ReadStore, c Completions, actor *attest.User, ref string, today string) (*Profile, error) {
	if err := staffOnly(actor); err != nil {
		return nil, err
	}
	p, err := Find(ctx, s, ref)
	hidden := &attest.Error{Code: attest.EFORBIDDEN, Message: "only management reads the roster; a manager reads their reports' checklists, an assignee the items given to them"}
	switch {
	case attest.ErrorCode(err) == attest.ENOTFOUND && !attest.Manages(actor):
		return nil, hidden
	case err != nil:
		return nil, err
	}
	its, err := s.ChecklistItems(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	all := attest.Manages(actor) || managedBy(p, actor)
	out := &Profile{Person: *p, Items: []ItemStatus{}}
	if !attest.Manages(actor) {
		out.Person = manager(*p)
	}
	for _, it := range its {
		if !all && it.AssigneeID != actor.ID {
			continue
		}
		st, err := Judge(ctx, c, it, today)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, st)
	}
	if !all && len(out.Items) == 0 {
		return nil, hidden
	}
	return out, nil
}

// ChecklistQuery narrows the checklist items read.
type ChecklistQuery struct {
	// Person is one person's ID or address; empty means everyone.
	Person string
	// Overdue keeps the items overdue today (and those done late when
	// Late is set too).
	Overdue, Late bool
	// Open keeps the items not done yet.
	Open bool
}

// Checklist is the checklist items' status on today: every item for
// management, and for anyone else only the items assigned to their
// account. The service auditor reads none (the hire and leaver
// populations are theirs to read).
func Checklist(ctx context.Context, s ReadStore, c Completions, actor *attest.User, q ChecklistQuery, now time.Time) ([]ItemStatus, error) {
	if actor != nil && actor.Role == attest.RoleAuditor {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "the service auditor reads the hire and leaver populations of their engagements, not the checklists"}
	}
	if !attest.Staff(actor) {
		// An employee sees what is asked of them in the portal
		// (portal.PeopleTasks), never the checklists.
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "the checklists are read by management and by the staff accounts their items are assigned to"}
	}
	var person int64
	if q.Person != "" {
		p, err := Find(ctx, s, q.Person)
		switch {
		case attest.ErrorCode(err) == attest.ENOTFOUND && !attest.Manages(actor):
			return []ItemStatus{}, nil // whether someone is on the roster is management's to know
		case err != nil:
			return nil, err
		}
		person = p.ID
	}
	read := s.ChecklistItems
	if q.Overdue || q.Late || q.Open {
		// None of these is an item recorded done on time: leave them in
		// the store.
		read = s.ChecklistItemsNotDoneOnTime
	}
	its, err := read(ctx, person)
	if err != nil {
		return nil, err
	}
	today := now.UTC().Format(time.DateOnly)
	out := []ItemStatus{}
	for _, it := range its {
		if !attest.Manages(actor) && it.AssigneeID != actor.ID {
			continue
		}
		st, err := Judge(ctx, c, it, today)
		if err != nil {
			return nil, err
		}
		if keep(q, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

func keep(q ChecklistQuery, st ItemStatus) bool {
	if !q.Overdue && !q.Open && !q.Late {
		return true
	}
	return q.Overdue && st.Status == Overdue || q.Late && st.Status == DoneLate || q.Open && (st.Status == Open || st.Status == Overdue)
}
