package people_test

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

func TestJudge(t *testing.T) {
	task := attest.ChecklistItem{PersonID: 1, Kind: attest.ItemTask, Due: "2026-03-10"}
	ack := attest.ChecklistItem{PersonID: 1, Kind: attest.ItemAcknowledgements, Due: "2026-03-10"}
	training := attest.ChecklistItem{PersonID: 2, Kind: attest.ItemTraining, Course: "security-awareness", Due: "2026-03-10"}
	done := func(it attest.ChecklistItem, on string) attest.ChecklistItem { it.DoneOn = on; return it }
	for _, c := range []struct {
		name   string
		item   attest.ChecklistItem
		c      people.Completions
		today  string
		status string
		late   int
	}{
		{"task done on the due day", done(task, "2026-03-10"), nil, "2026-04-01", people.DoneOnTime, 0},
		{"task done three days late", done(task, "2026-03-13"), nil, "2026-04-01", people.DoneLate, 3},
		{"task open on the due day", task, nil, "2026-03-10", people.Open, 0},
		{"task overdue", task, nil, "2026-03-12", people.Overdue, 2},
		{"acknowledgements with no records", ack, nil, "2026-03-12", people.Overdue, 2},
		{"acknowledgements recorded in time", ack, completions{1: "2026-03-01"}, "2026-03-12", people.DoneOnTime, 0},
		{"training recorded late", training, completions{2: "2026-03-11"}, "2026-03-12", people.DoneLate, 1},
		{"training not recorded, not yet due", training, completions{}, "2026-03-09", people.Open, 0},
	} {
		st, err := people.Judge(ctx, c.c, c.item, c.today)
		if err != nil || st.Status != c.status || st.DaysLate != c.late {
			t.Errorf("%s: %s, %d days late (%v); want %s, %d", c.name, st.Status, st.DaysLate, err, c.status, c.late)
		}
	}
}
