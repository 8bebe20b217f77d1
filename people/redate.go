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

// redate moves the open items of the people just written whose due dates
// their start or end date no longer gives, and returns the items moved.
// The items the same change created already have the new dates. A date
// now empty (an end date withdrawn), or a step the checklists no longer
// have, leaves its items as they are.
func redate(ctx context.Context, s Store, ch attest.Change, opts Options, written []attest.Person) ([]attest.ChecklistItem, error) {
	byID := make(map[int64]*attest.Person, len(written))
	for i := range written {
		byID[written[i].ID] = &written[i]
	}
	items, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	cl := opts.checklists()
	var moved []attest.ChecklistItem
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
			due, err := st.Due.On(date)
			if err != nil || due == it.Due {
				break
			}
			out, err := s.RedateChecklistItem(ctx, ch, attest.ChecklistRedated{Item: it.ID, To: due, Because: fmt.Sprintf("%s's %s date is now %s (%s)", p.Email, which, date, st.Due.Rule())})
			if err != nil {
				return moved, fmt.Errorf("move checklist item %d's due date: %w", it.ID, err)
			}
			moved = append(moved, *out)
			break
		}
	}
	return moved, nil
}
