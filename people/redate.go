package people

import (
	"context"
	"fmt"

	"github.com/attest-dev/attest"
)

// An item's due date is counted from its person's start date (onboarding)
// or end date (offboarding) when the item is created. When a later roster
// change moves that date, the person's open items move with it, each by
// its own ledger entry saying from what to what and why; an item already
// done keeps the due date it was done against.

// moves are the moves of the open items of the people in written (as
// they will be, or were just, recorded) whose due dates their start or
// end date no longer gives. The items a change creates get the new dates
// as they are made. A date now empty (an end date withdrawn), or a step
// the checklists no longer have, leaves its items as they are.
func moves(ctx context.Context, s Store, opts Options, written []attest.Person) ([]attest.ChecklistRedated, error) {
	byID := make(map[int64]*attest.Person, len(written))
	for i := range written {
		if written[i].ID != 0 {
			byID[written[i].ID] = &written[i]
		}
	}
	if len(byID) == 0 {
		return nil, nil
	}
	items, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	cl := opts.checklists()
	var out []attest.ChecklistRedated
	for _, it := range items {
		p := byID[it.PersonID]
		if p == nil || it.DoneEntry != 0 {
			continue
		}
		date, which := p.Start, "start"
		if it.Checklist == attest.Offboarding {
			date, which = p.End, "end"
		}
		if date == "" {
			continue
		}
		for _, st := range cl.Steps(it.Role, it.Checklist) {
			if st.Key != it.Key {
				continue
			}
			if due, err := st.Due.On(date); err == nil && due != it.Due {
				out = append(out, attest.ChecklistRedated{Item: it.ID, From: it.Due, To: due, Because: fmt.Sprintf("%s's %s date is now %s (%s)", p.Email, which, date, st.Due.Rule())})
			}
			break
		}
	}
	return out, nil
}

// redate records the moves the people just written call for, each by its
// own entry, and returns the items moved.
func redate(ctx context.Context, s Store, ch attest.Change, opts Options, written []attest.Person) ([]attest.ChecklistItem, error) {
	ms, err := moves(ctx, s, opts, written)
	if err != nil {
		return nil, err
	}
	var moved []attest.ChecklistItem
	for _, m := range ms {
		out, err := s.RedateChecklistItem(ctx, ch, m)
		if err != nil {
			return moved, fmt.Errorf("move checklist item %d's due date: %w", m.Item, err)
		}
		moved = append(moved, *out)
	}
	return moved, nil
}
