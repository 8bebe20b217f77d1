package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/attest-dev/attest"
)

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// AddTest records a test of a control.
func (s *Store) AddTest(ctx context.Context, ch attest.Change, t attest.Test) (*attest.Test, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if t.ID, err = nextID(ctx, tx, "tests"); err != nil {
		return nil, err
	}
	t.TestedBy, t.TestedAt = ch.Actor, ch.Stamp()
	if t.Items == nil {
		t.Items = []attest.ItemResult{}
	}
	rec := t
	rec.Entry = 0
	if t.Entry, err = appendEntry(ctx, tx, ch, attest.EntryTestRecorded, rec); err != nil {
		return nil, err
	}
	applies := t.AppliesTo
	if applies == nil {
		applies = []string{}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tests (`+testCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EngagementID, t.ControlID, t.Internal, jsonText(t.Procedures), t.DrawID, jsonText(t.Items), t.Conclusion, t.Deviations, t.Wording, t.TestedBy, t.TestedAt, t.Entry,
		t.From, t.To, jsonText(applies))
	if err != nil {
		return nil, fmt.Errorf("insert test: %w", err)
	}
	return &t, tx.Commit()
}

const testCols = `id, engagement_id, control_id, internal, procedures, draw_id, items, conclusion, deviations, wording, tested_by, tested_at, entry, covers_from, covers_to, applies_to`

func scanTest(row interface{ Scan(...any) error }) (*attest.Test, error) {
	var t attest.Test
	var procs, items, applies string
	if err := row.Scan(&t.ID, &t.EngagementID, &t.ControlID, &t.Internal, &procs, &t.DrawID, &items, &t.Conclusion, &t.Deviations, &t.Wording, &t.TestedBy, &t.TestedAt, &t.Entry, &t.From, &t.To, &applies); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(applies), &t.AppliesTo); err != nil {
		return nil, err
	}
	if len(t.AppliesTo) == 0 {
		t.AppliesTo = nil
	}
	if err := json.Unmarshal([]byte(procs), &t.Procedures); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &t.Items); err != nil {
		return nil, err
	}
	return &t, nil
}

// Test returns one test.
func (s *Store) Test(ctx context.Context, id int64) (*attest.Test, error) {
	t, err := scanTest(s.db.QueryRowContext(ctx, `SELECT `+testCols+` FROM tests WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such test: %d", id)}
	}
	return t, err
}

// Tests lists an engagement's tests, for one control when controlID is set.
func (s *Store) Tests(ctx context.Context, engagementID, controlID string) ([]attest.Test, error) {
	return queryAll(ctx, s, `SELECT `+testCols+` FROM tests WHERE engagement_id = ? AND (? = '' OR control_id = ?) ORDER BY id`, []any{engagementID, controlID, controlID}, scanInto(scanTest))
}

// AddResponse attaches management's response to a test.
func (s *Store) AddResponse(ctx context.Context, ch attest.Change, r attest.Response) (*attest.Response, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tests WHERE id = ?`, r.TestID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such test: %d", r.TestID)}
	}
	r.By, r.At = ch.Actor, ch.Stamp()
	rec := r
	rec.Entry = 0
	if r.Entry, err = appendEntry(ctx, tx, ch, attest.EntryResponseAdded, rec); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO responses (test_id, text, by_name, at, entry) VALUES (?, ?, ?, ?, ?)`, r.TestID, r.Text, r.By, r.At, r.Entry); err != nil {
		return nil, err
	}
	return &r, tx.Commit()
}

// Responses lists a test's responses (every test's when testID is 0).
func (s *Store) Responses(ctx context.Context, testID int64) ([]attest.Response, error) {
	return queryAll(ctx, s, `SELECT test_id, text, by_name, at, entry FROM responses WHERE ? = 0 OR test_id = ? ORDER BY entry`, []any{testID, testID}, func(rows *sql.Rows, r *attest.Response) error {
		return rows.Scan(&r.TestID, &r.Text, &r.By, &r.At, &r.Entry)
	})
}

// SaveRequest creates a request (ID 0) or replaces one.
func (s *Store) SaveRequest(ctx context.Context, ch attest.Change, r attest.Request) (*attest.Request, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if r.Items == nil {
		r.Items = []string{}
	}
	if r.Evidence == nil {
		r.Evidence = []int64{}
	}
	// The update applies only to the request as the caller read it (its
	// updated_at): a save from a stale copy would undo what was saved
	// since, such as evidence linked or a close.
	read := r.UpdatedAt
	r.UpdatedBy, r.UpdatedAt = ch.Actor, ch.Stamp()
	if r.ID == 0 {
		if r.ID, err = nextID(ctx, tx, "requests"); err != nil {
			return nil, err
		}
		r.CreatedBy, r.CreatedAt = ch.Actor, ch.Stamp()
		_, err = tx.ExecContext(ctx, `INSERT INTO requests (id, engagement_id, control_id, text, items, due, status, evidence, created_by, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.EngagementID, r.ControlID, r.Text, jsonText(r.Items), r.Due, r.Status, jsonText(r.Evidence), r.CreatedBy, r.CreatedAt, r.UpdatedBy, r.UpdatedAt)
	} else {
		var res interface{ RowsAffected() (int64, error) }
		res, err = tx.ExecContext(ctx, `UPDATE requests SET text = ?, items = ?, due = ?, status = ?, evidence = ?, updated_by = ?, updated_at = ? WHERE id = ? AND updated_at = ?`,
			r.Text, jsonText(r.Items), r.Due, r.Status, jsonText(r.Evidence), r.UpdatedBy, r.UpdatedAt, r.ID, read)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				var one int
				if tx.QueryRowContext(ctx, `SELECT 1 FROM requests WHERE id = ?`, r.ID).Scan(&one) != nil {
					return nil, notFound("request", fmt.Sprint(r.ID))
				}
				return nil, &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("request %d changed since it was read: read it again", r.ID)}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("save request: %w", err)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryRequestSaved, r); err != nil {
		return nil, err
	}
	return &r, tx.Commit()
}

const requestCols = `id, engagement_id, control_id, text, items, due, status, evidence, created_by, created_at, updated_by, updated_at`

func scanRequest(row interface{ Scan(...any) error }) (*attest.Request, error) {
	var r attest.Request
	var items, ev string
	if err := row.Scan(&r.ID, &r.EngagementID, &r.ControlID, &r.Text, &items, &r.Due, &r.Status, &ev, &r.CreatedBy, &r.CreatedAt, &r.UpdatedBy, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &r.Items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ev), &r.Evidence); err != nil {
		return nil, err
	}
	return &r, nil
}

// Request returns one request.
func (s *Store) Request(ctx context.Context, id int64) (*attest.Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such request: %d", id)}
	}
	return r, err
}

// Requests lists an engagement's requests.
func (s *Store) Requests(ctx context.Context, engagementID string) ([]attest.Request, error) {
	return queryAll(ctx, s, `SELECT `+requestCols+` FROM requests WHERE engagement_id = ? ORDER BY id`, []any{engagementID}, scanInto(scanRequest))
}

// AddComment adds a comment to a request's thread.
func (s *Store) AddComment(ctx context.Context, ch attest.Change, c attest.Comment) (*attest.Comment, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM requests WHERE id = ?`, c.RequestID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such request: %d", c.RequestID)}
	}
	if c.ID, err = nextID(ctx, tx, "request_comments"); err != nil {
		return nil, err
	}
	c.By, c.At = ch.Actor, ch.Stamp()
	rec := c
	rec.Entry = 0
	if c.Entry, err = appendEntry(ctx, tx, ch, attest.EntryRequestComment, rec); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO request_comments (id, request_id, text, by_name, at, entry) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.RequestID, c.Text, c.By, c.At, c.Entry); err != nil {
		return nil, fmt.Errorf("insert comment: %w", err)
	}
	return &c, tx.Commit()
}

// Comments lists a request's comments, oldest first.
func (s *Store) Comments(ctx context.Context, requestID int64) ([]attest.Comment, error) {
	return queryAll(ctx, s, `SELECT id, request_id, text, by_name, at, entry FROM request_comments WHERE request_id = ? ORDER BY id`, []any{requestID}, func(rows *sql.Rows, c *attest.Comment) error {
		return rows.Scan(&c.ID, &c.RequestID, &c.Text, &c.By, &c.At, &c.Entry)
	})
}
