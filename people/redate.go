package people

import (
	"fmt"

	"github.com/attest-dev/attest"
)

// An item's due date is counted from its person's start date (onboarding)
// or end date (offboarding) when the item is created. When a later roster
// change moves that date, the person's open items move with it, in the
// change's transaction, each by its own ledger entry saying from what to
// what and why; an item already done keeps the due date it was done
// against.

// moves are the moves of the open items of the people in written (as
// the change will record them) whose due dates their start or end date no
// longer gives. The items the change creates get the new dates as they
// are made. A date now empty (an end date withdrawn), or a step the
// checklists no longer have, leaves its items as they are.
func (pl *planner) moves(written []attest.Person) []attest.ChecklistRedated {
	byID := make(map[int64]*attest.Person, len(written))
	for i := range written {
		if written[i].ID != 0 {
			byID[written[i].ID] = &written[i]
		}
	}
	cl := pl.opts.checklists()
	out := []attest.ChecklistRedated{}
	for _, it := range pl.all {
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
	return out
}
