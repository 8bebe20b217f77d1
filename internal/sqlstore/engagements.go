package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
)

func list(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func unlist(s string) ([]string, error) {
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode list %q: %w", s, err)
	}
	if v == nil {
		v = []string{}
	}
	return v, nil
}

// CreateEngagement stores an engagement and its controls in one transaction.
func (s *Store) CreateEngagement(ctx context.Context, ch attest.Change, e *attest.Engagement, controls []attest.Control) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO engagements
		(id, name, kind, type, also_soc3, categories, templates, as_of, period_start, period_end, report_date, firm, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Name, string(e.Kind), string(e.Type), e.AlsoSOC3, list(e.Categories), list(e.Templates),
		e.AsOf, e.PeriodStart, e.PeriodEnd, e.ReportDate, e.Firm, e.CreatedAt)
	if s.d.IsUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "an engagement with id %s already exists", e.ID)
	}
	if err != nil {
		return fmt.Errorf("insert engagement: %w", err)
	}
	for i, c := range controls {
		_, err := tx.ExecContext(ctx, `INSERT INTO controls
			(engagement_id, id, title, description, type, nature, frequency, due_days, owner, owner_id, owner_role,
			 status, status_reason, criteria, objectives, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, c.ID, c.Title, c.Description, string(c.Type), string(c.Nature), string(c.Frequency), c.DueDays,
			c.Owner, c.OwnerID, c.OwnerRole, string(c.Status), c.StatusReason, list(c.Criteria), list(c.Objectives), i, c.UpdatedAt)
		if s.d.IsUnique(err) {
			return attest.Errorf(attest.ECONFLICT, "control %s given twice", c.ID)
		}
		if err != nil {
			return fmt.Errorf("insert control %s: %w", c.ID, err)
		}
	}
	for i := range controls {
		controls[i].EngagementID = e.ID
	}
	if controls == nil {
		controls = []attest.Control{}
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryEngagementCreated, attest.EngagementCreated{Engagement: e, Controls: controls}); err != nil {
		return err
	}
	return tx.Commit()
}

const engagementCols = `id, name, kind, type, also_soc3, categories, templates, as_of, period_start, period_end, report_date, firm, created_at`

func scanEngagement(row interface{ Scan(...any) error }) (*attest.Engagement, error) {
	var e attest.Engagement
	var kind, typ, cats, tmpls string
	if err := row.Scan(&e.ID, &e.Name, &kind, &typ, &e.AlsoSOC3, &cats, &tmpls, &e.AsOf, &e.PeriodStart, &e.PeriodEnd, &e.ReportDate, &e.Firm, &e.CreatedAt); err != nil {
		return nil, err
	}
	e.Kind, e.Type = attest.Kind(kind), attest.ReportType(typ)
	var err error
	if e.Categories, err = unlist(cats); err != nil {
		return nil, err
	}
	if e.Templates, err = unlist(tmpls); err != nil {
		return nil, err
	}
	return &e, nil
}

// Engagement returns one engagement.
func (s *Store) Engagement(ctx context.Context, id string) (*attest.Engagement, error) {
	e, err := scanEngagement(s.db.QueryRowContext(ctx, `SELECT `+engagementCols+` FROM engagements WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such engagement: " + id}
	}
	return e, err
}

// Engagements returns every engagement, oldest first.
func (s *Store) Engagements(ctx context.Context) ([]attest.Engagement, error) {
	return queryAll(ctx, s, `SELECT `+engagementCols+` FROM engagements ORDER BY created_at, `+s.d.InsertionOrder, nil, scanInto(scanEngagement))
}

const controlCols = `engagement_id, id, title, description, type, nature, frequency, due_days, owner, owner_id, owner_role, status, status_reason, criteria, objectives, updated_at`

func scanControl(row interface{ Scan(...any) error }) (*attest.Control, error) {
	var c attest.Control
	var typ, nature, freq, status, crit, objs string
	if err := row.Scan(&c.EngagementID, &c.ID, &c.Title, &c.Description, &typ, &nature, &freq, &c.DueDays, &c.Owner, &c.OwnerID, &c.OwnerRole, &status, &c.StatusReason, &crit, &objs, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Type, c.Nature, c.Frequency, c.Status = attest.ControlType(typ), attest.Nature(nature), attest.Frequency(freq), attest.Status(status)
	var err error
	if c.Criteria, err = unlist(crit); err != nil {
		return nil, err
	}
	if c.Objectives, err = unlist(objs); err != nil {
		return nil, err
	}
	return &c, nil
}

// Controls returns an engagement's controls in library order.
func (s *Store) Controls(ctx context.Context, engagementID string) ([]attest.Control, error) {
	if _, err := s.Engagement(ctx, engagementID); err != nil {
		return nil, err
	}
	return queryAll(ctx, s, `SELECT `+controlCols+` FROM controls WHERE engagement_id = ? ORDER BY position`, []any{engagementID}, scanInto(scanControl))
}

// Control returns one control of an engagement.
func (s *Store) Control(ctx context.Context, engagementID, controlID string) (*attest.Control, error) {
	return s.control(ctx, s.db, engagementID, controlID)
}

func (s *Store) control(ctx context.Context, q querier, engagementID, controlID string) (*attest.Control, error) {
	c, err := scanControl(q.QueryRowContext(ctx, `SELECT `+controlCols+` FROM controls WHERE engagement_id = ? AND id = ?`, engagementID, controlID))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such control: %s in engagement %s", controlID, engagementID)}
	}
	return c, err
}

// UpdateControl changes the given fields of a control and returns it.
func (s *Store) UpdateControl(ctx context.Context, ch attest.Change, engagementID, controlID string, u attest.ControlUpdate) (*attest.Control, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := s.control(ctx, tx, engagementID, controlID)
	if err != nil {
		return nil, err
	}
	if err := attest.ApplyControlUpdate(c, u); err != nil {
		return nil, err
	}
	c.UpdatedAt = ch.At.UTC().Format(time.RFC3339)
	_, err = tx.ExecContext(ctx, `UPDATE controls SET owner = ?, owner_id = ?, frequency = ?, due_days = ?, status = ?, status_reason = ?, description = ?, updated_at = ?
		WHERE engagement_id = ? AND id = ?`,
		c.Owner, c.OwnerID, string(c.Frequency), c.DueDays, string(c.Status), c.StatusReason, c.Description, c.UpdatedAt, engagementID, controlID)
	if err != nil {
		return nil, fmt.Errorf("update control %s: %w", controlID, err)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryControlUpdated, attest.ControlUpdated{Control: c}); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// PutExclusion records or replaces a criterion's exclusion.
func (s *Store) PutExclusion(ctx context.Context, ch attest.Change, x attest.Exclusion) error {
	if _, err := s.Engagement(ctx, x.EngagementID); err != nil {
		return err
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO exclusions (engagement_id, criterion_id, reason, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (engagement_id, criterion_id) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at`,
		x.EngagementID, x.CriterionID, x.Reason, x.CreatedAt)
	if err != nil {
		return err
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryExclusionPut, x); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteExclusion brings an excluded criterion back into scope.
func (s *Store) DeleteExclusion(ctx context.Context, ch attest.Change, engagementID, criterionID string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM exclusions WHERE engagement_id = ? AND criterion_id = ?`, engagementID, criterionID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("exclusion", criterionID+" in engagement "+engagementID)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryExclusionDeleted, attest.ExclusionDeleted{EngagementID: engagementID, CriterionID: criterionID}); err != nil {
		return err
	}
	return tx.Commit()
}

// Exclusions lists an engagement's exclusions by criterion ID.
func (s *Store) Exclusions(ctx context.Context, engagementID string) ([]attest.Exclusion, error) {
	return queryAll(ctx, s, `SELECT engagement_id, criterion_id, reason, created_at FROM exclusions WHERE engagement_id = ? ORDER BY criterion_id`, []any{engagementID}, func(rows *sql.Rows, x *attest.Exclusion) error {
		return rows.Scan(&x.EngagementID, &x.CriterionID, &x.Reason, &x.CreatedAt)
	})
}

// Setting returns a stored setting, or ENOTFOUND.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if isNoRows(err) {
		return "", notFound("setting", key)
	}
	return v, err
}

// RecordSetting stores a setting with its ledger entry, in one
// transaction.
func (s *Store) RecordSetting(ctx context.Context, ch attest.Change, key, value string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("record setting %s: %w", key, err)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntrySettingSaved, attest.SettingSaved{Key: key, Value: value}); err != nil {
		return err
	}
	return tx.Commit()
}

// SwapSetting stores value under key only if the setting holds old (nil:
// only if there is none), in one statement, and says whether it did.
func (s *Store) SwapSetting(ctx context.Context, key string, old *string, value string) (bool, error) {
	var res sql.Result
	var err error
	if old == nil {
		res, err = s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	} else {
		res, err = s.db.ExecContext(ctx, `UPDATE settings SET value = ? WHERE key = ? AND value = ?`, value, key, *old)
	}
	if err != nil {
		return false, fmt.Errorf("swap setting %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
