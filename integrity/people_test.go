package integrity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// A roster row changed, added or removed by SQL, in the current table or
// in the rows an import kept, is reported by verify.
func TestVerifyRoster(t *testing.T) {
	ctx := context.Background()
	ch := attest.Change{Actor: "tester", At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	cases := []struct {
		name, sql, want string
	}{
		{"untouched", "", ""},
		{"end date moved", `UPDATE people SET end_date = '2026-12-31' WHERE email = 'bo@example.com'`, "differs from what entry"},
		{"person added", `INSERT INTO people SELECT 9, employee_id, 'x@example.com', name, kind, status, start_date, end_date, manager, department, title, role, in_scope, account, source, updated_at, entry FROM people WHERE id = 1`, "in no roster entry"},
		{"person removed", `DELETE FROM people WHERE id = 2`, "missing from the roster"},
		{"kept row edited", `UPDATE person_changes SET record = replace(record, 'Bo', 'Bob') WHERE person_id = 2`, "do not match"},
		{"kept rows gone", `DELETE FROM person_changes`, "missing from the database"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sqlitetest.Create(t)
			_, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, []attest.Person{
				{Email: "ada@example.com", Name: "Ada", Kind: attest.PersonEmployee, Status: attest.PersonActive},
				{Email: "bo@example.com", Name: "Bo", Kind: attest.PersonEmployee, Status: attest.PersonTerminated, End: "2026-02-27"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.sql != "" {
				if _, err := s.SQL().ExecContext(ctx, c.sql); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := integrity.Check(ctx, integrity.Input{Store: s})
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			for _, p := range rep.Problems {
				if strings.Contains(p.Detail, "roster") || strings.Contains(p.Detail, "person") {
					found = append(found, p.Detail)
				}
			}
			if c.want == "" && len(found) > 0 {
				t.Fatalf("untouched roster reported: %v", found)
			}
			if c.want != "" && (len(found) == 0 || !strings.Contains(strings.Join(found, "\n"), c.want)) {
				t.Fatalf("want a problem saying %q, got %v", c.want, found)
			}
		})
	}
}

// A checklist item created, changed or marked done by SQL rather than by
// its entries is reported by verify.
func TestVerifyChecklists(t *testing.T) {
	ctx := context.Background()
	ch := attest.Change{Actor: "tester", At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	cases := []struct {
		name, sql, want string
	}{
		{"untouched", "", ""},
		{"due date moved", `UPDATE checklist_items SET due = '2026-12-31' WHERE item_key = 'equipment-returned'`, "do not match"},
		{"moved again by SQL", `UPDATE checklist_items SET due = '2026-12-31' WHERE item_key = 'access-removed'`, "is due 2026-12-31, not 2026-03-06 as its last move recorded"},
		{"item removed", `DELETE FROM checklist_items WHERE item_key = 'access-removed'`, "do not match"},
		{"every item removed", `DELETE FROM checklist_items`, "missing from the database"},
		{"marked done by SQL", `UPDATE checklist_items SET done_on = '2026-03-02', done_entry = 99 WHERE item_key = 'access-removed'`, "no entry records it"},
		{"done date moved", `UPDATE checklist_items SET done_on = '2026-02-01' WHERE item_key = 'equipment-returned'`, "differs from what entry"},
		{"reassigned by SQL", `UPDATE checklist_items SET assignee = 'mallory@example.com', assignee_id = 9 WHERE item_key = 'access-removed'`, "not to it@example.com as its last assignment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sqlitetest.Create(t)
			w, err := s.RecordRoster(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, attest.RosterWrite{People: []attest.Person{
				{Email: "bo@example.com", Name: "Bo", Kind: attest.PersonEmployee, Status: attest.PersonTerminated, End: "2026-02-27"},
			}, Items: []attest.ChecklistItem{
				{Person: "bo@example.com", Checklist: attest.Offboarding, Key: "access-removed", Kind: attest.ItemTask, Due: "2026-03-02"},
				{Person: "bo@example.com", Checklist: attest.Offboarding, Key: "equipment-returned", Kind: attest.ItemTask, Due: "2026-03-04"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			items := w.Items
			if _, err := s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: items[1].ID, On: "2026-03-03", By: 1, ByName: "Ops"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.AssignChecklistItem(ctx, ch, attest.ChecklistAssigned{Item: items[0].ID, To: "it@example.com", ToID: 2}); err != nil {
				t.Fatal(err)
			}
			// Bo's end date moved, and the open item with it, twice.
			bo := w.People[0]
			for _, end := range []string{"2026-03-06", "2026-03-03"} {
				bo.End = end
				to := map[string]string{"2026-03-06": "2026-03-09", "2026-03-03": "2026-03-06"}[end]
				if _, err := s.RecordRoster(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, attest.RosterWrite{People: []attest.Person{bo},
					Moves: []attest.ChecklistRedated{{Item: items[0].ID, To: to, Because: "the end date moved"}}}); err != nil {
					t.Fatal(err)
				}
			}
			if c.sql != "" {
				if _, err := s.SQL().ExecContext(ctx, c.sql); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := integrity.Check(ctx, integrity.Input{Store: s})
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			for _, p := range rep.Problems {
				if strings.Contains(p.Detail, "checklist") {
					found = append(found, p.Detail)
				}
			}
			if c.want == "" && len(found) > 0 {
				t.Fatalf("untouched checklists reported: %v", found)
			}
			if c.want != "" && (len(found) == 0 || !strings.Contains(strings.Join(found, "\n"), c.want)) {
				t.Fatalf("want a problem saying %q, got %v", c.want, found)
			}
		})
	}
}

// CheckFor gives management every problem's detail; an auditor each
// problem without it (it names a person on the roster); a viewer nothing.
func TestCheckForAuditor(t *testing.T) {
	ctx := context.Background()
	ch := attest.Change{Actor: "tester", At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := sqlitetest.Create(t)
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, []attest.Person{
		{Email: "bo@example.com", Name: "Bo", Kind: attest.PersonEmployee, Status: attest.PersonActive}}); err != nil {
		t.Fatal(err)
	}
	aud, err := s.SaveUser(ctx, ch, attest.User{Email: "a@firm.example", Name: "A", Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "A", UserID: aud.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SQL().ExecContext(ctx, `UPDATE people SET end_date = '2026-12-31' WHERE email = 'bo@example.com'`); err != nil {
		t.Fatal(err)
	}
	scope := func(u *attest.User) *auth.Scope {
		sc, err := auth.ScopeAt(ctx, s, nil, ch.At, u)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	all, err := integrity.CheckFor(ctx, auth.Everything, integrity.Input{Store: s})
	if err != nil || all.OK || !strings.Contains(all.Problems[0].Detail, "bo@example.com") {
		t.Fatalf("management: %+v %v", all, err)
	}
	theirs, err := integrity.CheckFor(ctx, scope(aud), integrity.Input{Store: s})
	if err != nil || theirs.OK || len(theirs.Problems) != len(all.Problems) || theirs.Problems[0].Entry != all.Problems[0].Entry || strings.Contains(theirs.Problems[0].Detail, "bo@") {
		t.Errorf("the auditor: %+v %v", theirs, err)
	}
	if _, err := integrity.CheckFor(ctx, scope(&attest.User{ID: 99, Role: attest.RoleViewer}), integrity.Input{Store: s}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a viewer: %v", err)
	}
}
