package storetest

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testChecklists: the items a roster change creates are written in its
// transaction and named by its entry (count and SHA-256), found by the
// address of a person added in the same change; an item names someone in
// the change or nothing is written; an item is done once, by its own
// entry.
func testChecklists(t *testing.T, s attest.Store) {
	before, _ := s.LedgerSize(ctx)
	people := []attest.Person{{Email: "dee@example.com", Name: "Dee", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-04-01", Role: "engineering"}}
	items := []attest.ChecklistItem{
		{Person: "Dee@example.com", Checklist: attest.Onboarding, Role: "engineering", Key: "background-check", Title: "Background check cleared", Kind: attest.ItemTask,
			Controls: []string{"HR-01"}, Owner: "people-ops", Assignee: "ops@example.com", AssigneeID: 3, Due: "2026-03-31", Rule: "1 day before the start date"},
		{Person: "dee@example.com", Checklist: attest.Onboarding, Role: "engineering", Key: "security-training", Title: "Security awareness training", Kind: attest.ItemTraining,
			Course: "security-awareness", Controls: []string{"HR-02"}, Owner: "person", Due: "2026-05-01", Rule: "30 days after the start date"},
	}
	w, err := s.RecordRoster(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, attest.RosterWrite{People: people, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	got, made := w.People, w.Items
	if w.Moved == nil || len(w.Moved) != 0 {
		t.Fatalf("moved: %#v", w.Moved)
	}
	if items[0].ID != 0 {
		t.Fatal("RecordRoster changed the caller's items")
	}
	if len(made) != 2 || made[0].PersonID != got[0].ID || made[1].ID != made[0].ID+1 || made[0].Entry != before || made[0].Person != "dee@example.com" {
		t.Fatalf("items: %+v", made)
	}
	var rc attest.RosterChange
	readEntry(t, s, before, attest.EntryRosterImported, &rc)
	if rc.Items != 2 || rc.ItemsDigest != attest.ChecklistDigest(made) || rc.Rows != 1 {
		t.Fatalf("entry: %+v", rc)
	}
	stored, err := s.ChecklistItems(ctx, got[0].ID)
	if err != nil || len(stored) != 2 || attest.ChecklistDigest(stored) != rc.ItemsDigest || stored[0].Controls[0] != "HR-01" || stored[0].AssigneeID != 3 {
		t.Fatalf("stored: %+v, %v", stored, err)
	}

	// An item for someone outside the change: nothing written.
	size, _ := s.LedgerSize(ctx)
	_, err = s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{
		People: []attest.Person{{Email: "eve@example.com", Kind: attest.PersonEmployee, Status: attest.PersonActive}}, Items: []attest.ChecklistItem{{Person: "zed@example.com", Key: "x"}}})
	mustCode(t, err, attest.EINVALID)
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatalf("a refused change wrote %d entries", n-size)
	}
	if _, err := s.PersonByEmail(ctx, "eve@example.com"); err == nil {
		t.Fatal("a refused change wrote its person")
	}

	// Reassigned, then done: the assignment names who had it.
	size, _ = s.LedgerSize(ctx)
	moved, err := s.AssignChecklistItem(ctx, ch, attest.ChecklistAssigned{Item: made[0].ID, To: "other@example.com", ToID: 4})
	if err != nil || moved.Assignee != "other@example.com" || moved.AssigneeID != 4 {
		t.Fatalf("assigned: %+v, %v", moved, err)
	}
	var as attest.ChecklistAssigned
	readEntry(t, s, size, attest.EntryChecklistItemAssigned, &as)
	if as.From != "ops@example.com" || as.FromID != 3 || as.ToID != 4 {
		t.Fatalf("assignment entry: %+v", as)
	}
	_, err = s.AssignChecklistItem(ctx, ch, attest.ChecklistAssigned{Item: 9999, To: "x@example.com"})
	mustCode(t, err, attest.ENOTFOUND)

	testMoveKeepsAssignment(t, s, got, moved)
	size, _ = s.LedgerSize(ctx)
	done, err := s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: made[0].ID, On: "2026-03-30", By: 3, ByName: "Ops", Evidence: 0, Note: "cleared"})
	if err != nil {
		t.Fatal(err)
	}
	if done.DoneOn != "2026-03-30" || done.DoneBy != 3 || done.DoneEntry != size || done.Note != "cleared" {
		t.Fatalf("done: %+v", done)
	}
	var d attest.ChecklistDone
	readEntry(t, s, size, attest.EntryChecklistItemDone, &d)
	if d.Item != made[0].ID || d.Person != got[0].ID || d.By != 3 {
		t.Fatalf("done entry: %+v", d)
	}
	_, err = s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: made[0].ID, On: "2026-03-31", By: 3})
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: 9999, On: "2026-03-31", By: 3})
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.ChecklistItem(ctx, 9999)
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.AssignChecklistItem(ctx, ch, attest.ChecklistAssigned{Item: made[0].ID, To: "x@example.com"})
	mustCode(t, err, attest.ECONFLICT)
	if all, _ := s.ChecklistItems(ctx, 0); len(all) != 2 || all[0].AssigneeID != 4 {
		t.Fatalf("every item: %+v", all)
	}

	testRosterMoves(t, s, got[0], made)
}

// testRosterMoves: a roster change moves its open items in its own
// transaction, each move's entry after the change's; a move refused (the
// item done) writes nothing of the change. made[0] is done, made[1]
// open, both dee's.
func testRosterMoves(t *testing.T, s attest.Store, dee attest.Person, made []attest.ChecklistItem) {
	var rc attest.RosterChange
	var rd attest.ChecklistRedated
	// Dee's start moves: the open item moves in the change's
	// transaction, its entry after the change's.
	dee.Start = "2026-04-08"
	size, _ := s.LedgerSize(ctx)
	w, err := s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: []attest.Person{dee},
		Moves: []attest.ChecklistRedated{{Item: made[1].ID, To: "2026-05-08", Because: "dee@example.com's start date is now 2026-04-08"}}})
	if err != nil || len(w.Moved) != 1 || w.Moved[0].ID != made[1].ID || w.Moved[0].Due != "2026-05-08" {
		t.Fatalf("moved with the change: %+v, %v", w, err)
	}
	readEntry(t, s, size, attest.EntryPersonSaved, &rc)
	readEntry(t, s, size+1, attest.EntryChecklistItemRedated, &rd)
	if rd.Item != made[1].ID || rd.From != "2026-05-01" || rd.To != "2026-05-08" {
		t.Fatalf("redate entry: %+v", rd)
	}

	// A change whose moves name an item already done writes nothing:
	// not the person, not the other move.
	dee = w.People[0]
	dee.Start = "2026-04-15"
	size, _ = s.LedgerSize(ctx)
	_, err = s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: []attest.Person{dee},
		Moves: []attest.ChecklistRedated{{Item: made[1].ID, To: "2026-05-15"}, {Item: made[0].ID, To: "2026-04-14"}}})
	mustCode(t, err, attest.ECONFLICT)
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatalf("a refused change wrote %d entries", n-size)
	}
	if p, _ := s.Person(ctx, dee.ID); p.Start != "2026-04-08" {
		t.Fatalf("a refused change wrote its person: start %s", p.Start)
	}
	if it, _ := s.ChecklistItem(ctx, made[1].ID); it.Due != "2026-05-08" {
		t.Fatalf("a refused change moved an item: due %s", it.Due)
	}
}

// testMoveKeepsAssignment: an assigned item moved with its person's date
// keeps its assignee, and the move's entry names the date it had; a move
// of no item writes nothing.
func testMoveKeepsAssignment(t *testing.T, s attest.Store, people []attest.Person, moved *attest.ChecklistItem) {
	// Its due date moved with its person's date: the move keeps the
	// assignment, and its entry names the date it had.
	size, _ := s.LedgerSize(ctx)
	was := moved.Due
	w, err := s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: people,
		Moves: []attest.ChecklistRedated{{Item: moved.ID, To: "2026-04-15", Because: "the end date is now 2026-04-14"}}})
	if err != nil || len(w.Moved) != 1 {
		t.Fatalf("redated: %+v, %v", w, err)
	}
	if redated := w.Moved[0]; redated.Due != "2026-04-15" || redated.AssigneeID != 4 || redated.Entry != moved.Entry {
		t.Fatalf("redated: %+v", redated)
	}
	var rd attest.ChecklistRedated
	readEntry(t, s, size+1, attest.EntryChecklistItemRedated, &rd)
	if rd.Item != moved.ID || rd.From != was || rd.To != "2026-04-15" || rd.Because == "" {
		t.Fatalf("redate entry: %+v (was due %s)", rd, was)
	}
	size, _ = s.LedgerSize(ctx)
	_, err = s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: people,
		Moves: []attest.ChecklistRedated{{Item: 9999, To: "2026-04-15"}}})
	mustCode(t, err, attest.ENOTFOUND)
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatalf("a move of no item wrote %d entries", n-size)
	}
}

// testItemsNotDoneOnTime: the items recorded done by their due day (on
// it included) are left out; those done late, open, and those of another
// person stay as the person filter says.
func testItemsNotDoneOnTime(t *testing.T, s attest.Store) {
	item := func(key string) attest.ChecklistItem {
		return attest.ChecklistItem{Person: "fay@example.com", Checklist: attest.Onboarding, Role: "engineering", Key: key, Title: key, Kind: attest.ItemTask,
			Controls: []string{"HR-01"}, Owner: "people-ops", Due: "2026-04-10", Rule: "by the start date"}
	}
	w, err := s.RecordRoster(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, attest.RosterWrite{
		People: []attest.Person{{Email: "fay@example.com", Name: "Fay", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-04-10", Role: "engineering"}},
		Items:  []attest.ChecklistItem{item("early"), item("on-the-day"), item("late"), item("open")}})
	if err != nil {
		t.Fatal(err)
	}
	for i, on := range []string{"2026-04-09", "2026-04-10", "2026-04-11"} {
		if _, err := s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: w.Items[i].ID, On: on, By: 3}); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(its []attest.ChecklistItem, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, it := range its {
			out = append(out, it.Key)
		}
		return out
	}
	if got := keys(s.ChecklistItemsNotDoneOnTime(ctx, w.People[0].ID)); !cmp.Equal(got, []string{"late", "open"}) {
		t.Errorf("Fay's items not done on time: %v", got)
	}
	if got := keys(s.ChecklistItemsNotDoneOnTime(ctx, 0)); !cmp.Equal(got, []string{"late", "open"}) {
		t.Errorf("everyone's items not done on time: %v", got)
	}
	if got := keys(s.ChecklistItemsNotDoneOnTime(ctx, w.People[0].ID+100)); len(got) != 0 {
		t.Errorf("no one's: %v", got)
	}
	if got := keys(s.ChecklistItems(ctx, w.People[0].ID)); len(got) != 4 {
		t.Errorf("every item of Fay's: %v", got)
	}
}
