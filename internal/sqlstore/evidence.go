package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// AddEvidence stores evidence records, one ledger entry each, in one
// transaction: either all are recorded or none.
func (s *Store) AddEvidence(ctx context.Context, ch attest.Change, items []attest.Evidence) ([]attest.Evidence, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out, err := s.addEvidence(ctx, tx, ch, items)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

func (s *Store) addEvidence(ctx context.Context, tx *tx, ch attest.Change, items []attest.Evidence) ([]attest.Evidence, error) {
	out := make([]attest.Evidence, 0, len(items))
	for _, e := range items {
		id, err := nextID(ctx, tx, "evidence")
		if err != nil {
			return nil, err
		}
		e.ID, e.AddedBy, e.AddedAt, e.Retraction = id, ch.Actor, ch.Stamp(), nil
		if e.Controls == nil {
			e.Controls = []string{}
		}
		if e.Entry, err = appendEntry(ctx, tx, ch, attest.EntryEvidenceAdded, e.Record()); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO evidence (id, ref, size, media_type, name, date, covers_start, covers_end, performed_on, performed_from,
			added_by, added_at, method, source, note, entry)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Ref, e.Size, e.MediaType, e.Name, e.Date, e.CoversStart, e.CoversEnd, e.PerformedOn, e.PerformedFrom,
			e.AddedBy, e.AddedAt, e.Method, e.Source, e.Note, e.Entry)
		if err != nil {
			return nil, fmt.Errorf("insert evidence: %w", err)
		}
		for _, c := range e.Controls {
			if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_controls (evidence_id, control_id) VALUES (?, ?)`, e.ID, c); err != nil {
				if s.d.IsUnique(err) {
					return nil, attest.Errorf(attest.EINVALID, "control %s given twice", c)
				}
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Store) evidenceCols() string {
	return `id, ref, size, media_type, name, date, covers_start, covers_end, performed_on, performed_from, added_by, added_at, method, source, note, entry,
	retracted_by, retracted_at, retract_reason, retract_entry, purged_at,
	(SELECT COALESCE(` + s.d.AggControls + `, '') FROM (SELECT control_id FROM evidence_controls WHERE evidence_id = evidence.id ORDER BY control_id) ec)`
}

func scanEvidence(row interface{ Scan(...any) error }) (*attest.Evidence, error) {
	var e attest.Evidence
	var by, at, reason, controls string
	var rentry int64
	if err := row.Scan(&e.ID, &e.Ref, &e.Size, &e.MediaType, &e.Name, &e.Date, &e.CoversStart, &e.CoversEnd, &e.PerformedOn, &e.PerformedFrom, &e.AddedBy, &e.AddedAt,
		&e.Method, &e.Source, &e.Note, &e.Entry, &by, &at, &reason, &rentry, &e.PurgedAt, &controls); err != nil {
		return nil, err
	}
	e.Controls = strings.Fields(controls)
	if e.Controls == nil {
		e.Controls = []string{}
	}
	if at != "" {
		e.Retraction = &attest.Retraction{By: by, At: at, Reason: reason, Entry: rentry}
	}
	return &e, nil
}

// Evidence returns one evidence record.
func (s *Store) Evidence(ctx context.Context, id int64) (*attest.Evidence, error) {
	e, err := scanEvidence(s.db.QueryRowContext(ctx, `SELECT `+s.evidenceCols()+` FROM evidence WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such evidence: %d", id)}
	}
	return e, err
}

// EvidenceList returns evidence, for one control when control is not empty,
// by id.
func (s *Store) EvidenceList(ctx context.Context, control string, withRetracted bool) ([]attest.Evidence, error) {
	q := `SELECT ` + s.evidenceCols() + ` FROM evidence WHERE 1 = 1`
	var args []any
	if control != "" {
		q += ` AND id IN (SELECT evidence_id FROM evidence_controls WHERE control_id = ?)`
		args = append(args, control)
	}
	if !withRetracted {
		q += ` AND retracted_at = ''`
	}
	return queryAll(ctx, s, q+` ORDER BY id`, args, scanInto(scanEvidence))
}

// RetractEvidence records a retraction; the record and the bytes stay.
func (s *Store) RetractEvidence(ctx context.Context, ch attest.Change, id int64, reason string) (*attest.Evidence, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, attest.Errorf(attest.EINVALID, "a retraction needs a reason")
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := scanEvidence(tx.QueryRowContext(ctx, `SELECT `+s.evidenceCols()+` FROM evidence WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such evidence: %d", id)}
	}
	if err != nil {
		return nil, err
	}
	if e.Retraction != nil {
		return nil, attest.Errorf(attest.ECONFLICT, "evidence %d was already retracted on %s by %s", id, e.Retraction.At, e.Retraction.By)
	}
	entry, err := appendEntry(ctx, tx, ch, attest.EntryEvidenceRetracted, attest.EvidenceRetracted{ID: id, Reason: reason})
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE evidence SET retracted_by = ?, retracted_at = ?, retract_reason = ?, retract_entry = ? WHERE id = ?`,
		ch.Actor, ch.Stamp(), reason, entry, id); err != nil {
		return nil, err
	}
	e.Retraction = &attest.Retraction{By: ch.Actor, At: ch.Stamp(), Reason: reason, Entry: entry}
	return e, tx.Commit()
}

// PurgeEvidence records that the bytes of retracted evidence are removed.
// The caller removes them after this returns, and only when no other
// unpurged evidence shares them.
func (s *Store) PurgeEvidence(ctx context.Context, ch attest.Change, id int64) (*attest.Evidence, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := scanEvidence(tx.QueryRowContext(ctx, `SELECT `+s.evidenceCols()+` FROM evidence WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such evidence: %d", id)}
	}
	if err != nil {
		return nil, err
	}
	if e.Retraction == nil {
		return nil, attest.Errorf(attest.EINVALID, "evidence %d is not retracted: only retracted evidence can be purged", id)
	}
	if e.PurgedAt != "" {
		return nil, attest.Errorf(attest.ECONFLICT, "evidence %d was already purged on %s", id, e.PurgedAt)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryEvidencePurged, attest.EvidencePurged{ID: id, Ref: e.Ref}); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE evidence SET purged_at = ? WHERE id = ?`, ch.Stamp(), id); err != nil {
		return nil, err
	}
	e.PurgedAt = ch.Stamp()
	return e, tx.Commit()
}

// ImportEvents adds events to a control's population; events whose key is
// already there are skipped. It returns how many were added. Engines with
// a bulk path (PostgreSQL's COPY) write the rows with it.
func (s *Store) ImportEvents(ctx context.Context, ch attest.Change, controlID string, events []attest.Event) (int, error) {
	var t writeTx
	var err error
	if s.d.CopyFrom != nil {
		t, err = s.beginConn(ctx)
	} else {
		t, err = s.begin(ctx)
	}
	if err != nil {
		return 0, err
	}
	defer t.Rollback()
	have := map[string]bool{}
	err = queryEach(ctx, t, `SELECT key FROM events WHERE control_id = ?`, []any{controlID}, func(rows *sql.Rows) error {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		have[k] = true
		return nil
	})
	if err != nil {
		return 0, s.wrap(err)
	}
	var added []attest.Event
	seen := map[string]bool{}
	for _, ev := range events {
		if seen[ev.Key] {
			return 0, attest.Errorf(attest.EINVALID, "event %q appears twice", ev.Key)
		}
		seen[ev.Key] = true
		if !have[ev.Key] {
			ev.ControlID = controlID
			added = append(added, ev)
		}
	}
	if len(added) == 0 {
		return 0, nil
	}
	entry, err := appendEntry(ctx, t, ch, attest.EntryEventsImported, attest.EventsImported{ControlID: controlID, Events: added})
	if err != nil {
		return 0, err
	}
	cols := []string{"control_id", "key", "date", "description", "source", "entry"}
	vals := make([][]any, len(added))
	for i, ev := range added {
		vals[i] = []any{controlID, ev.Key, ev.Date, ev.Description, ev.Source, entry}
	}
	if ct, ok := t.(*connTx); ok {
		if _, err := s.d.CopyFrom(ctx, ct.c, "events", cols, vals); err != nil {
			return 0, fmt.Errorf("copy events: %w", s.wrap(err))
		}
	} else {
		for _, v := range vals {
			if _, err := t.ExecContext(ctx, `INSERT INTO events (control_id, key, date, description, source, entry) VALUES (?, ?, ?, ?, ?, ?)`, v...); err != nil {
				return 0, err
			}
		}
	}
	return len(added), t.Commit()
}

// Events returns a control's events by date.
func (s *Store) Events(ctx context.Context, controlID string) ([]attest.Event, error) {
	return queryAll(ctx, s, `SELECT control_id, key, date, description, source FROM events WHERE control_id = ? ORDER BY date, key`, []any{controlID}, func(rows *sql.Rows, ev *attest.Event) error {
		return rows.Scan(&ev.ControlID, &ev.Key, &ev.Date, &ev.Description, &ev.Source)
	})
}

// AddNotRequired records that a control's trigger did not arise in a window.
func (s *Store) AddNotRequired(ctx context.Context, ch attest.Change, nr attest.NotRequired) (*attest.NotRequired, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if nr.EvidenceID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence WHERE id = ? AND retracted_at = ''`, nr.EvidenceID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such evidence: %d", nr.EvidenceID)
		}
	}
	if nr.ID, err = nextID(ctx, tx, "not_required"); err != nil {
		return nil, err
	}
	nr.AddedBy, nr.AddedAt = ch.Actor, ch.Stamp()
	entry, err := appendEntry(ctx, tx, ch, attest.EntryNotRequiredAdded, nr)
	if err != nil {
		return nil, err
	}
	var evid any
	if nr.EvidenceID != 0 {
		evid = nr.EvidenceID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO not_required (id, control_id, start_date, end_date, reason, evidence_id, added_by, added_at, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nr.ID, nr.ControlID, nr.Start, nr.End, nr.Reason, evid, nr.AddedBy, nr.AddedAt, entry); err != nil {
		return nil, err
	}
	return &nr, tx.Commit()
}

// NotRequiredList returns a control's not-required records (all controls
// when controlID is empty).
func (s *Store) NotRequiredList(ctx context.Context, controlID string) ([]attest.NotRequired, error) {
	return queryAll(ctx, s, `SELECT id, control_id, start_date, end_date, reason, COALESCE(evidence_id, 0), added_by, added_at FROM not_required
		WHERE ? = '' OR control_id = ? ORDER BY id`, []any{controlID, controlID}, func(rows *sql.Rows, nr *attest.NotRequired) error {
		return rows.Scan(&nr.ID, &nr.ControlID, &nr.Start, &nr.End, &nr.Reason, &nr.EvidenceID, &nr.AddedBy, &nr.AddedAt)
	})
}
