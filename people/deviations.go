package people

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
)

// DeviationStore is what the checklists' deviations are read from.
type DeviationStore interface {
	People(ctx context.Context) ([]attest.Person, error)
	ChecklistItems(ctx context.Context, person int64) ([]attest.ChecklistItem, error)
}

// Deviations is the register's source for checklist items of in-scope
// people that were done late or are overdue, due within the span, whose
// item serves a control of the engagement: each is a known deviation of
// that control (an item serving a preventive control done after the
// event is one whatever its lateness: the access it guards was there).
// It plugs into deviation.Inputs.More. With a nil c, acknowledgements and
// training items are left out: nothing here can tell whether they were
// done.
func Deviations(s DeviationStore, c Completions) deviation.Source {
	return deviation.SourceFunc(func(ctx context.Context, q deviation.Query) ([]deviation.Deviation, error) {
		controls := map[string]attest.Control{}
		for _, ctl := range q.Controls {
			controls[ctl.ID] = ctl
		}
		people, err := s.People(ctx)
		if err != nil {
			return nil, err
		}
		inScope := map[int64]attest.Person{}
		for _, p := range people {
			if p.InScope {
				inScope[p.ID] = p
			}
		}
		items, err := s.ChecklistItems(ctx, 0)
		if err != nil {
			return nil, err
		}
		today := q.Span.When.UTC().Format(time.DateOnly)
		var out []deviation.Deviation
		for _, it := range items {
			p, ok := inScope[it.PersonID]
			if !ok || !q.Span.Holds(it.Due) {
				continue
			}
			var ids []string
			for _, id := range it.Controls {
				if _, held := controls[id]; held {
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 || c == nil && it.Kind != attest.ItemTask {
				continue // without the records of acknowledgements and training, their items cannot be judged
			}
			st, err := Judge(ctx, c, it, today)
			if err != nil {
				return nil, err
			}
			if d, ok := itemDeviation(st, p, ids, controls[ids[0]]); ok {
				out = append(out, d)
			}
		}
		slices.SortStableFunc(out, func(a, b deviation.Deviation) int { return strings.Compare(a.Date, b.Date) })
		return out, nil
	})
}

func itemDeviation(st ItemStatus, p attest.Person, ids []string, first attest.Control) (deviation.Deviation, bool) {
	who := p.Email
	if p.Name != "" {
		who = p.Name + " (" + p.Email + ")"
	}
	d := deviation.Deviation{ID: fmt.Sprintf("checklist:%d", st.ID), Control: ids[0], Controls: ids, Date: st.Due, Source: "checklist"}
	switch st.Status {
	case Overdue:
		d.Kind = deviation.Missed
		d.Text = fmt.Sprintf("%s checklist of %s: %q, due %s (%s), not done (%s overdue)", st.Checklist, who, st.Title, st.Due, st.Rule, attest.Count(st.DaysLate, "day", "days"))
	case DoneLate:
		d.Kind = deviation.Late
		if first.Type == attest.Preventive {
			d.Kind = deviation.AfterEvent
		}
		d.Text = fmt.Sprintf("%s checklist of %s: %q, due %s (%s), done %s, %s late", st.Checklist, who, st.Title, st.Due, st.Rule, st.DoneOn, attest.Count(st.DaysLate, "day", "days"))
	default:
		return d, false
	}
	return d, true
}

// DeviationSources are the register's sources this package adds, for
// deviation.Inputs.More: the checklists' (Deviations), when s keeps them
// (a store without the roster adds none).
func DeviationSources(s any, c Completions) []deviation.Source {
	ds, ok := s.(DeviationStore)
	if !ok {
		return nil
	}
	return []deviation.Source{Deviations(ds, c)}
}
