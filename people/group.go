package people

import (
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// Groupings of checklist items.
const (
	ByPerson  = "person"
	ByControl = "control"
)

// Group is the items of one person or of one control.
type Group struct {
	// Key is the person's ID or the control's.
	Key string `json:"key"`
	// Label is the person's name or the control's ID.
	Label string `json:"label"`
	// PersonID is the person's, when grouped by person.
	PersonID int64        `json:"person_id,omitempty"`
	Items    []ItemStatus `json:"items"`
}

// CheckGrouping refuses a grouping GroupItems does not know, naming the
// field "by" (empty is ByPerson).
func CheckGrouping(by string) error {
	if by != "" && by != ByPerson && by != ByControl {
		return attest.Errorf(attest.EINVALID, "by: %q: person or control", by)
	}
	return nil
}

// GroupItems groups items by person (ByPerson, also when by is empty) or
// by each control they serve (ByControl, so an item serving two controls
// is in both), the groups in the order first met, each group's overdue
// items before those done late.
func GroupItems(its []ItemStatus, by string) ([]Group, error) {
	if err := CheckGrouping(by); err != nil {
		return nil, err
	}
	out := []Group{}
	at := map[string]int{}
	add := func(key, label string, person int64, it ItemStatus) {
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, Group{Key: key, Label: label, PersonID: person})
		}
		out[i].Items = append(out[i].Items, it)
	}
	for _, it := range its {
		if by == ByControl {
			for _, c := range it.Controls {
				add(c, c, 0, it)
			}
			continue
		}
		add(strconv.FormatInt(it.PersonID, 10), it.Person, it.PersonID, it)
	}
	for i := range out {
		slices.SortStableFunc(out[i].Items, func(a, b ItemStatus) int {
			return strings.Compare(b.Status, a.Status) // overdue before done-late
		})
	}
	return out, nil
}

// ToDo is what is left of a person's items for actor: open, the items
// not done yet (management's assign form offers them), and mine, those
// of them actor may mark done by hand (MayMarkDone).
func (p *Profile) ToDo(actor *attest.User) (open, mine []ItemStatus) {
	for _, it := range p.Items {
		if it.Done() {
			continue
		}
		open = append(open, it)
		if MayMarkDone(actor, &it.ChecklistItem) {
			mine = append(mine, it)
		}
	}
	return open, mine
}
