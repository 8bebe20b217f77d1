package people

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
)

// Completions are the facts of the program that decide acknowledgements
// and training items: whether a person acknowledged every policy assigned
// to them, and completed a training course, and on which day
// (YYYY-MM-DD). The acknowledgements and training package provides them;
// ok is false while not done.
type Completions interface {
	AcknowledgedAll(ctx context.Context, personID int64) (doneOn string, ok bool, err error)
	TrainingDone(ctx context.Context, personID int64, course string) (doneOn string, ok bool, err error)
}

// Item statuses.
const (
	DoneOnTime = "done"
	DoneLate   = "done-late"
	Open       = "open"
	Overdue    = "overdue"
)

// ItemStatus is an item with its status on a day.
type ItemStatus struct {
	attest.ChecklistItem
	Status string `json:"status"`
	// DoneOn is when it was done: the recorded day for a task, the day
	// the acknowledgement or training was completed for the others.
	DoneOn string `json:"done_on,omitempty"`
	// DaysLate counts the days past due (done late, or overdue today).
	DaysLate int `json:"days_late,omitempty"`
}

// Judge is the item's status on today: a task by the day it was marked
// done, acknowledgements and training by c (open while c is nil or has no
// record of them).
func Judge(ctx context.Context, c Completions, it attest.ChecklistItem, today string) (ItemStatus, error) {
	st := ItemStatus{ChecklistItem: it, DoneOn: it.DoneOn}
	if st.DoneOn == "" && c != nil {
		var ok bool
		var err error
		switch it.Kind {
		case attest.ItemAcknowledgements:
			st.DoneOn, ok, err = c.AcknowledgedAll(ctx, it.PersonID)
		case attest.ItemTraining:
			st.DoneOn, ok, err = c.TrainingDone(ctx, it.PersonID, it.Course)
		}
		if err != nil {
			return st, err
		}
		if !ok {
			st.DoneOn = ""
		}
	}
	switch {
	case st.DoneOn != "" && st.DoneOn <= it.Due:
		st.Status = DoneOnTime
	case st.DoneOn != "":
		st.Status, st.DaysLate = DoneLate, daysBetween(it.Due, st.DoneOn)
	case today > it.Due:
		st.Status, st.DaysLate = Overdue, daysBetween(it.Due, today)
	default:
		st.Status = Open
	}
	return st, nil
}

func daysBetween(a, b string) int {
	ta, err1 := attest.ParseDate(a)
	tb, err2 := attest.ParseDate(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta) / (24 * time.Hour))
}

// Done reports whether a status is one of the done ones.
func (s ItemStatus) Done() bool { return s.Status == DoneOnTime || s.Status == DoneLate }
