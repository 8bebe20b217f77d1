package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

const personCols = `id, employee_id, email, name, kind, status, start_date, end_date, manager, department, title, role, in_scope, account, source, updated_at, entry`

// RecordPeople writes people (ID 0: added under the next free ID) and
// every row as written, with one ledger entry holding rc and the rows'
// SHA-256, in one transaction.
func (s *Store) RecordPeople(ctx context.Context, ch attest.Change, typ string, rc attest.RosterChange, people []attest.Person) ([]attest.Person, error) {
	w, err := s.RecordRoster(ctx, ch, typ, rc, attest.RosterWrite{People: people})
	if err != nil {
		return nil, err
	}
	return w.People, nil
}

// RecordRoster is RecordPeople with the checklist items the change
// creates, written in the same transaction and named by the same entry,
// and the moves of open items it calls for, each by its own entry, in
// that transaction too.
func (s *Store) RecordRoster(ctx context.Context, ch attest.Change, typ string, rc attest.RosterChange, w attest.RosterWrite) (*attest.RosterWritten, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &attest.RosterWritten{Items: slices.Clone(w.Items), Moved: []attest.ChecklistItem{}}
	if out.People, err = s.recordPeople(ctx, tx, ch, typ, &rc, w.People, out.Items); err != nil {
		return nil, err
	}
	for _, m := range w.Moves {
		if err := redateItem(ctx, tx, ch, m); err != nil {
			return nil, err
		}
		// Read back inside the transaction: once it commits, the change
		// is reported as made.
		its, err := itemsOn(ctx, tx, 1, `WHERE id = ?`, m.Item)
		if err != nil {
			return nil, s.wrap(err)
		}
		out.Moved = append(out.Moved, its...)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// recordPeople writes the people, the items (given their IDs and
// people's IDs here) and the entry, on tx.
func (s *Store) recordPeople(ctx context.Context, tx *tx, ch attest.Change, typ string, rc *attest.RosterChange, people []attest.Person, items []attest.ChecklistItem) ([]attest.Person, error) {
	next, err := nextID(ctx, tx, "people")
	if err != nil {
		return nil, err
	}
	out := make([]attest.Person, len(people))
	emails := make(map[string]int, len(people))
	rc.Added, rc.Changed, rc.Rows = 0, 0, len(people)
	for i, p := range people {
		p.Email = strings.ToLower(strings.TrimSpace(p.Email))
		if j, dup := emails[p.Email]; dup {
			return nil, attest.Errorf(attest.ECONFLICT, "people %d and %d both have the e-mail address %s", j+1, i+1, p.Email)
		}
		emails[p.Email] = i
		if p.ID == 0 {
			p.ID = next
			next++
			rc.Added++
		} else {
			rc.Changed++
		}
		p.UpdatedAt, p.Entry = ch.Stamp(), 0
		out[i] = p
	}
	rc.Digest = attest.PeopleDigest(out)
	if err := itemsOf(ctx, tx, out, items); err != nil {
		return nil, err
	}
	rc.Items, rc.ItemsDigest = 0, ""
	if len(items) > 0 {
		rc.Items, rc.ItemsDigest = len(items), attest.ChecklistDigest(items)
	}
	n, err := appendEntry(ctx, tx, ch, typ, *rc)
	if err != nil {
		return nil, err
	}
	stmts := tx.prepared()
	defer stmts.close()
	for i := range out {
		p := &out[i]
		p.Entry = n
		args := []any{p.EmployeeID, p.Email, p.Name, p.Kind, p.Status, p.Start, p.End, p.Manager, p.Department, p.Title, p.Role, boolInt(p.InScope), p.Account, p.Source, p.UpdatedAt, n, p.ID}
		if i < len(people) && people[i].ID == 0 {
			_, err = stmts.exec(ctx, `INSERT INTO people (employee_id, email, name, kind, status, start_date, end_date, manager, department, title, role, in_scope, account, source, updated_at, entry, id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = stmts.exec(ctx, `UPDATE people SET employee_id = ?, email = ?, name = ?, kind = ?, status = ?, start_date = ?, end_date = ?, manager = ?, department = ?, title = ?, role = ?, in_scope = ?, account = ?, source = ?, updated_at = ?, entry = ? WHERE id = ?`, args...)
			if err == nil {
				if k, _ := res.RowsAffected(); k == 0 {
					return nil, notFound("person", strconv.FormatInt(p.ID, 10))
				}
			}
		}
		if s.d.IsUnique(err) {
			return nil, attest.Errorf(attest.ECONFLICT, "another person on the roster has the e-mail address %s", p.Email)
		}
		if err != nil {
			return nil, fmt.Errorf("record person %s: %w", p.Email, err)
		}
	}
	const width = 4
	one := "(?, ?, ?, ?)"
	for start := 0; start < len(out); start += rowsPerInsert {
		chunk := out[start:min(start+rowsPerInsert, len(out))]
		args := make([]any, 0, len(chunk)*width)
		for k, p := range chunk {
			p.Entry, p.UpdatedAt = 0, ""
			b, err := json.Marshal(p)
			if err != nil {
				return nil, err
			}
			args = append(args, n, start+k, p.ID, string(b))
		}
		q := `INSERT INTO person_changes (entry, seq, person_id, record) VALUES ` + one + strings.Repeat(", "+one, len(chunk)-1)
		if _, err := stmts.exec(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("record roster rows: %w", err)
		}
	}
	if err := insertItems(ctx, stmts, n, items); err != nil {
		return nil, err
	}
	return out, nil
}

// Person reads one person.
func (s *Store) Person(ctx context.Context, id int64) (*attest.Person, error) {
	ps, err := s.people(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, notFound("person", strconv.FormatInt(id, 10))
	}
	return &ps[0], nil
}

// PersonByEmail finds a person by e-mail address, ignoring case.
func (s *Store) PersonByEmail(ctx context.Context, email string) (*attest.Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	ps, err := s.people(ctx, `WHERE email = ?`, email)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no one on the roster has the e-mail address %s", email)
	}
	return &ps[0], nil
}

// People lists the roster by ID.
func (s *Store) People(ctx context.Context) ([]attest.Person, error) {
	return s.people(ctx, ``)
}

func (s *Store) people(ctx context.Context, where string, args ...any) ([]attest.Person, error) {
	return queryAll(ctx, s, `SELECT `+personCols+` FROM people `+where+` ORDER BY id`, args, func(rows *sql.Rows, p *attest.Person) error {
		var inScope int
		err := rows.Scan(&p.ID, &p.EmployeeID, &p.Email, &p.Name, &p.Kind, &p.Status, &p.Start, &p.End, &p.Manager, &p.Department, &p.Title, &p.Role, &inScope, &p.Account, &p.Source, &p.UpdatedAt, &p.Entry)
		p.InScope = inScope != 0
		return err
	})
}

// PersonChanges lists every person as each entry wrote them, by entry and
// then in the order written, each with its entry.
func (s *Store) PersonChanges(ctx context.Context) ([]attest.Person, error) {
	return queryAll(ctx, s, `SELECT entry, record FROM person_changes ORDER BY entry, seq`, nil, func(rows *sql.Rows, p *attest.Person) error {
		var n int64
		var rec string
		if err := rows.Scan(&n, &rec); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), p); err != nil {
			return fmt.Errorf("roster row of ledger entry %d: %w", n, err)
		}
		p.Entry = n
		return nil
	})
}
