package portal

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

// TasksStore is what PeopleTasks reads: the roster's checklists and the
// records that close their acknowledgement and training items.
type TasksStore interface {
	people.ReadStore
	people.RecordsStore
}

// PeopleTasks is the Checklist the roster's checklists give: the items a
// person does themselves (the checklist names "person" as who does
// them), not yet done, with their due dates. Items other people do for
// them (their manager's, IT's) are not asked of them and not shown.
type PeopleTasks struct {
	Store TasksStore
}

// Tasks lists person's own open checklist items on day.
func (t PeopleTasks) Tasks(ctx context.Context, person int64, day string) ([]Task, error) {
	its, err := t.Store.ChecklistItems(ctx, person)
	if err != nil {
		return nil, err
	}
	at, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return nil, err
	}
	c := people.Records{Store: t.Store, Now: func() time.Time { return at }}
	out := []Task{}
	for _, it := range its {
		if it.PersonID != person || it.Owner != "person" {
			continue
		}
		st, err := people.Judge(ctx, c, it, day)
		if err != nil {
			return nil, err
		}
		if st.Done() {
			continue
		}
		out = append(out, Task{Title: it.Title, Due: it.Due, Overdue: st.Status == people.Overdue})
	}
	return out, nil
}
