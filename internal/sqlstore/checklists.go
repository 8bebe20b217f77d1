package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

const checklistCols = `id, person_id, person, checklist, role, item_key, title, kind, course, controls, owner, assignee, assignee_id, due, rule, entry, done_on, done_by, done_name, evidence, note, done_entry`

// itemsOf gives each item its ID and, when it has none, the ID of the
// person of the batch it names by address.
func itemsOf(ctx context.Context, tx *tx, people []attest.Person, items []attest.ChecklistItem) error {
	if len(items) == 0 {
		return nil
	}
	next, err := nextID(ctx, tx, "checklist_items")
	if err != nil {
		return err
	}
	byEmail := make(map[string]int64, len(people))
	for _, p := range people {
		byEmail[p.Email] = p.ID
	}
	for i := range items {
		it := &items[i]
		it.Person = strings.ToLower(strings.TrimSpace(it.Person))
		if it.PersonID == 0 {
			if it.PersonID = byEmail[it.Person]; it.PersonID == 0 {
				return attest.Errorf(attest.EINVALID, "checklist item %q names %s, who is not in the roster change", it.Key, it.Person)
			}
		}
		if it.Controls == nil {
			it.Controls = []string{}
		}
		it.ID = next
		next++
	}
	return nil
}

func insertItems(ctx context.Context, stmts *preparedSet, entry int64, items []attest.ChecklistItem) error {
	for i := range items {
		it := &items[i]
		it.Entry = entry
		_, err := stmts.exec(ctx, `INSERT INTO checklist_items (`+checklistCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, '', 0, '', 0)`,
			it.ID, it.PersonID, it.Person, it.Checklist, it.Role, it.Key, it.Title, it.Kind, it.Course, jsonText(it.Controls), it.Owner, it.Assignee, it.AssigneeID, it.Due, it.Rule, entry)
		if err != nil {
			return fmt.Errorf("record checklist item %s of %s: %w", it.Key, it.Person, err)
		}
	}
	return nil
}

// ChecklistItems lists a person's items, or every item when person is 0.
func (s *Store) ChecklistItems(ctx context.Context, person int64) ([]attest.ChecklistItem, error) {
	if person == 0 {
		return s.everyItem(ctx, ``)
	}
	return s.items(ctx, `WHERE person_id = ?`, person)
}

// notDoneOnTime is the condition of the items not recorded done by their
// due day.
const notDoneOnTime = `(done_on = '' OR done_on > due)`

// ChecklistItemsNotDoneOnTime lists a person's items (every person's when
// person is 0) but those recorded done by their due day.
func (s *Store) ChecklistItemsNotDoneOnTime(ctx context.Context, person int64) ([]attest.ChecklistItem, error) {
	if person == 0 {
		return s.everyItem(ctx, `WHERE `+notDoneOnTime)
	}
	return s.items(ctx, `WHERE person_id = ? AND `+notDoneOnTime, person)
}

// ChecklistItem reads one item.
func (s *Store) ChecklistItem(ctx context.Context, id int64) (*attest.ChecklistItem, error) {
	its, err := s.items(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, notFound("checklist item", strconv.FormatInt(id, 10))
	}
	return &its[0], nil
}

func (s *Store) items(ctx context.Context, where string, args ...any) ([]attest.ChecklistItem, error) {
	out, err := itemsOn(ctx, s.db, 0, where, args...)
	return out, s.wrap(err)
}

// everyItem reads the items where says across the roster. The rows are
// counted first: a roster's items run to tens of thousands, and growing
// the slice as they came copied each item about twice more (a fifth of
// the roster page's time in a profile).
func (s *Store) everyItem(ctx context.Context, where string) ([]attest.ChecklistItem, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM checklist_items `+where).Scan(&n); err != nil {
		return nil, s.wrap(err)
	}
	out, err := itemsOn(ctx, s.db, n, where)
	return out, s.wrap(err)
}

// itemsOn reads the items where says on q (the store's handle or a
// transaction), into a slice with room for size.
func itemsOn(ctx context.Context, q querier, size int, where string, args ...any) ([]attest.ChecklistItem, error) {
	return appendRows(ctx, q, make([]attest.ChecklistItem, 0, size), `SELECT `+checklistCols+` FROM checklist_items `+where+` ORDER BY id`, args, func(rows *sql.Rows, it *attest.ChecklistItem) error {
		var controls string
		if err := rows.Scan(&it.ID, &it.PersonID, &it.Person, &it.Checklist, &it.Role, &it.Key, &it.Title, &it.Kind, &it.Course, &controls, &it.Owner, &it.Assignee, &it.AssigneeID,
			&it.Due, &it.Rule, &it.Entry, &it.DoneOn, &it.DoneBy, &it.DoneName, &it.Evidence, &it.Note, &it.DoneEntry); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(controls), &it.Controls); err != nil {
			return fmt.Errorf("checklist item %d: controls: %w", it.ID, err)
		}
		return nil
	})
}

// CompleteChecklistItem records an item done, with its ledger entry, in
// one transaction. An item already done is ECONFLICT.
func (s *Store) CompleteChecklistItem(ctx context.Context, ch attest.Change, d attest.ChecklistDone) (*attest.ChecklistItem, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var person, doneEntry int64
	err = tx.QueryRowContext(ctx, `SELECT person_id, done_entry FROM checklist_items WHERE id = ?`, d.Item).Scan(&person, &doneEntry)
	if isNoRows(err) {
		return nil, notFound("checklist item", strconv.FormatInt(d.Item, 10))
	}
	if err != nil {
		return nil, err
	}
	if doneEntry != 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "checklist item %d is already done (ledger entry %d)", d.Item, doneEntry)
	}
	d.Person = person
	n, err := appendEntry(ctx, tx, ch, attest.EntryChecklistItemDone, d)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE checklist_items SET done_on = ?, done_by = ?, done_name = ?, evidence = ?, note = ?, done_entry = ? WHERE id = ?`,
		d.On, d.By, d.ByName, d.Evidence, d.Note, n, d.Item); err != nil {
		return nil, fmt.Errorf("record checklist item %d done: %w", d.Item, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.ChecklistItem(ctx, d.Item)
}

// AssignChecklistItem gives an item not yet done to another account,
// with its ledger entry, in one transaction.
func (s *Store) AssignChecklistItem(ctx context.Context, ch attest.Change, a attest.ChecklistAssigned) (*attest.ChecklistItem, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var doneEntry int64
	err = tx.QueryRowContext(ctx, `SELECT assignee, assignee_id, done_entry FROM checklist_items WHERE id = ?`, a.Item).Scan(&a.From, &a.FromID, &doneEntry)
	if isNoRows(err) {
		return nil, notFound("checklist item", strconv.FormatInt(a.Item, 10))
	}
	if err != nil {
		return nil, err
	}
	if doneEntry != 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "checklist item %d is already done (ledger entry %d)", a.Item, doneEntry)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryChecklistItemAssigned, a); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE checklist_items SET assignee = ?, assignee_id = ? WHERE id = ?`, a.To, a.ToID, a.Item); err != nil {
		return nil, fmt.Errorf("assign checklist item %d: %w", a.Item, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.ChecklistItem(ctx, a.Item)
}

// redateItem moves an open item's due date with its entry (r.From
// filled in from the row), on tx.
func redateItem(ctx context.Context, tx *tx, ch attest.Change, r attest.ChecklistRedated) error {
	var doneEntry int64
	err := tx.QueryRowContext(ctx, `SELECT due, done_entry FROM checklist_items WHERE id = ?`, r.Item).Scan(&r.From, &doneEntry)
	if isNoRows(err) {
		return notFound("checklist item", strconv.FormatInt(r.Item, 10))
	}
	if err != nil {
		return err
	}
	if doneEntry != 0 {
		return attest.Errorf(attest.ECONFLICT, "checklist item %d is already done (ledger entry %d)", r.Item, doneEntry)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryChecklistItemRedated, r); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE checklist_items SET due = ? WHERE id = ?`, r.To, r.Item); err != nil {
		return fmt.Errorf("move checklist item %d's due date: %w", r.Item, err)
	}
	return nil
}
