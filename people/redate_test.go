package people_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// A leaver's end date moves after their offboarding items were opened:
// the open items move with it, each by its own entry; the item already
// done keeps the due date it was done against; the hire's items, whose
// start date did not move, stay; and the ledger still verifies.
func TestRedate(t *testing.T) {
	s := sqlitetest.Create(t)
	if _, err := s.SaveUser(ctx, change("2026-01-01"), attest.User{Email: "it@example.com", Name: "Ito", Role: attest.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	opts := people.Options{Since: "2026-01-01", Owners: map[string]string{"it": "it@example.com"}}
	roster := "email,name,start,end\nada@example.com,Ada,2026-05-04,\nbo@example.com,Bo,2024-01-08,2026-03-06\n"
	first, err := people.Import(ctx, s, change("2026-03-01"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(roster), Options: opts})
	if err != nil || len(first.Redated) != 0 {
		t.Fatalf("first import: %+v %v", first.Redated, err)
	}
	before := map[int64]attest.ChecklistItem{}
	var bo int64
	for _, it := range first.Items {
		before[it.ID] = it
		if it.Person == "bo@example.com" {
			bo = it.PersonID
		}
	}
	boItems, _ := s.ChecklistItems(ctx, bo)
	if len(boItems) < 2 {
		t.Fatalf("Bo's items: %+v", boItems)
	}
	done := boItems[0]
	if _, err := people.Done(ctx, s, nil, nil, change("2026-03-05"), nil, people.DoneRequest{Item: done.ID, By: "it@example.com", On: "2026-03-05"}); err != nil {
		t.Fatal(err)
	}

	// Bo stays a week longer: the preview says which items would move,
	// and moves nothing.
	moved := strings.Replace(roster, "2026-03-06", "2026-03-13", 1)
	preview, err := people.Import(ctx, s, change("2026-03-04"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(moved), Options: opts})
	if err != nil || !preview.NeedsConfirm || len(preview.Diff.Moves) != len(boItems)-1 || preview.Diff.Moves[0].From == preview.Diff.Moves[0].To {
		t.Fatalf("preview: %+v %v", preview.Diff.Moves, err)
	}
	if still, _ := s.ChecklistItem(ctx, preview.Diff.Moves[0].Item); still.Due != preview.Diff.Moves[0].From {
		t.Fatalf("the preview moved item %d", still.ID)
	}
	again, err := people.Import(ctx, s, change("2026-03-04"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(moved), Options: opts, Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Redated) != len(boItems)-1 {
		t.Fatalf("moved %d items, want Bo's %d open ones: %+v", len(again.Redated), len(boItems)-1, again.Redated)
	}
	for _, it := range again.Redated {
		was := before[it.ID]
		if it.PersonID != bo || it.DoneEntry != 0 || it.Due <= was.Due {
			t.Errorf("item %d (%s): due %s, was %s", it.ID, it.Key, it.Due, was.Due)
		}
		// The step's own rule, counted from the new end date.
		if want, _ := offboardingDue(t, it, "2026-03-13"); it.Due != want {
			t.Errorf("item %d (%s): due %s, want %s", it.ID, it.Key, it.Due, want)
		}
	}
	kept, _ := s.ChecklistItem(ctx, done.ID)
	if kept.Due != done.Due {
		t.Errorf("the item done moved: %s, was %s", kept.Due, done.Due)
	}
	ada, _ := s.PersonByEmail(ctx, "ada@example.com")
	adaItems, _ := s.ChecklistItems(ctx, ada.ID)
	for _, it := range adaItems {
		if it.Due != before[it.ID].Due {
			t.Errorf("Ada's %s moved: %s, was %s", it.Key, it.Due, before[it.ID].Due)
		}
	}
	// Importing the same file again moves nothing.
	same, err := people.Import(ctx, s, change("2026-03-04"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(moved), Options: opts, Confirm: true})
	if err != nil || len(same.Redated) != 0 {
		t.Errorf("the same file again: %d moved, %v", len(same.Redated), err)
	}
	// One person entered by hand: Bo's end date back.
	p, _ := s.PersonByEmail(ctx, "bo@example.com")
	p.End = "2026-03-06"
	saved, err := people.Save(ctx, s, change("2026-03-04"), nil, *p, opts)
	if err != nil || len(saved.Redated) != len(boItems)-1 {
		t.Fatalf("saved: %d moved, %v", len(saved.Redated), err)
	}
	for _, it := range saved.Redated {
		if it.Due != before[it.ID].Due {
			t.Errorf("item %d back: due %s, was %s", it.ID, it.Due, before[it.ID].Due)
		}
	}
	rep, err := integrity.Check(ctx, integrity.Input{Store: s})
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}

// offboardingDue is when the default offboarding step of it is due after
// end.
func offboardingDue(t *testing.T, it attest.ChecklistItem, end string) (string, error) {
	t.Helper()
	for _, st := range people.Default().Steps(it.Role, attest.Offboarding) {
		if st.Key == it.Key {
			return st.Due.On(end)
		}
	}
	t.Fatalf("no step %s for role %s", it.Key, it.Role)
	return "", nil
}

// SaveGiven changes only the fields given: the others, in_scope among
// them, keep what the roster had; an end date given alone has the status
// worked out again.
func TestSaveGivenKeepsWhatIsNotGiven(t *testing.T) {
	s := sqlitetest.Create(t)
	opts := people.Options{Since: "2026-01-01"}
	first, err := people.Save(ctx, s, change("2026-02-01"), nil, attest.Person{Email: "cy@example.com", Name: "Cy", Department: "Ops", Title: "SRE", Start: "2025-01-06", InScope: false}, opts)
	if err != nil || !first.Added {
		t.Fatalf("first save: %+v %v", first, err)
	}
	given := func(fields ...string) func(string) bool {
		return func(f string) bool { return slices.Contains(fields, f) }
	}
	got, err := people.SaveGiven(ctx, s, change("2026-02-02"), nil, attest.Person{Email: "cy@example.com", Title: "Lead SRE", InScope: true}, given("title"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Person; p.Name != "Cy" || p.Department != "Ops" || p.Title != "Lead SRE" || p.InScope || p.Start != "2025-01-06" {
		t.Errorf("after a title change: %+v", p)
	}
	got, err = people.SaveGiven(ctx, s, change("2026-02-03"), nil, attest.Person{Email: "cy@example.com", End: "2026-02-02"}, given("end"), opts)
	if err != nil || got.Person.Status != "terminated" || got.Person.Title != "Lead SRE" {
		t.Errorf("after an end date: %+v %v", got.Person, err)
	}
	// A status given empty is worked out again from the end date, as
	// when an end date is given alone.
	if _, err := people.SaveGiven(ctx, s, change("2026-02-04"), nil, attest.Person{Email: "cy@example.com", Status: "active"}, given("status"), opts); err != nil {
		t.Fatal(err)
	}
	got, err = people.SaveGiven(ctx, s, change("2026-02-05"), nil, attest.Person{Email: "cy@example.com"}, given("status"), opts)
	if err != nil || got.Person.Status != "terminated" || got.Person.End != "2026-02-02" {
		t.Errorf("after a status given empty: %+v %v", got.Person, err)
	}
	// A new person is the fields as given.
	got, err = people.SaveGiven(ctx, s, change("2026-02-04"), nil, attest.Person{Email: "di@example.com", Name: "Di", InScope: true}, given("name"), opts)
	if err != nil || !got.Added || !got.Person.InScope || got.Person.Name != "Di" {
		t.Errorf("a new person: %+v %v", got, err)
	}
}
