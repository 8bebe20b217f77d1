package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// AddAuditor names an auditor of an engagement.
func (s *Store) AddAuditor(ctx context.Context, ch attest.Change, a attest.Auditor) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM engagements WHERE id = ?`, a.EngagementID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return &attest.Error{Code: attest.ENOTFOUND, Message: "no such engagement: " + a.EngagementID}
	}
	a.AddedBy, a.AddedAt = ch.Actor, ch.Stamp()
	_, err = tx.ExecContext(ctx, `INSERT INTO auditors (engagement_id, name, user_id, firm, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)`, a.EngagementID, a.Name, a.UserID, a.Firm, a.AddedBy, a.AddedAt)
	if s.d.IsUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "%s is already an auditor of %s", a.Name, a.EngagementID)
	}
	if err != nil {
		return err
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorAdded, a); err != nil {
		return err
	}
	return tx.Commit()
}

// RemoveAuditor takes an auditor off an engagement; what they recorded stays.
func (s *Store) RemoveAuditor(ctx context.Context, ch attest.Change, engagementID, name string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM auditors WHERE engagement_id = ? AND name = ?`, engagementID, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("auditor", name+" on engagement "+engagementID)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorRemoved, attest.Auditor{EngagementID: engagementID, Name: name}); err != nil {
		return err
	}
	return tx.Commit()
}

// LinkAuditor links a named auditor to their account and records the
// whole auditor again in the ledger.
func (s *Store) LinkAuditor(ctx context.Context, ch attest.Change, engagementID, name string, userID int64) (*attest.Auditor, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var a attest.Auditor
	err = tx.QueryRowContext(ctx, `SELECT engagement_id, name, user_id, firm, added_by, added_at FROM auditors WHERE engagement_id = ? AND name = ?`, engagementID, name).
		Scan(&a.EngagementID, &a.Name, &a.UserID, &a.Firm, &a.AddedBy, &a.AddedAt)
	if isNoRows(err) {
		return nil, notFound("auditor", name+" on engagement "+engagementID)
	}
	if err != nil {
		return nil, err
	}
	a.UserID = userID
	if _, err := tx.ExecContext(ctx, `UPDATE auditors SET user_id = ? WHERE engagement_id = ? AND name = ?`, userID, engagementID, name); err != nil {
		return nil, err
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorLinked, a); err != nil {
		return nil, err
	}
	return &a, tx.Commit()
}

// Auditors lists an engagement's auditors by name.
func (s *Store) Auditors(ctx context.Context, engagementID string) ([]attest.Auditor, error) {
	return queryAll(ctx, s, `SELECT engagement_id, name, user_id, firm, added_by, added_at FROM auditors WHERE engagement_id = ? ORDER BY name`, []any{engagementID}, func(rows *sql.Rows, a *attest.Auditor) error {
		return rows.Scan(&a.EngagementID, &a.Name, &a.UserID, &a.Firm, &a.AddedBy, &a.AddedAt)
	})
}

const populationCols = `id, control_id, ref, name, format, rows, key_column, date_column, first_date, last_date, source, query, extracted_by, extracted_at, imported_by, imported_at, entry`

func scanPopulation(row interface{ Scan(...any) error }) (*attest.Population, error) {
	var p attest.Population
	err := row.Scan(&p.ID, &p.ControlID, &p.Ref, &p.Name, &p.Format, &p.Rows, &p.KeyColumn, &p.DateColumn, &p.FirstDate, &p.LastDate,
		&p.Source, &p.Query, &p.ExtractedBy, &p.ExtractedAt, &p.ImportedBy, &p.ImportedAt, &p.Entry)
	return &p, err
}

// AddPopulation records an imported population.
func (s *Store) AddPopulation(ctx context.Context, ch attest.Change, p attest.Population) (*attest.Population, error) {
	saved, _, err := s.AddCheckedPopulation(ctx, ch, p, nil)
	return saved, err
}

// AddCheckedPopulation records a population and, when c is not nil, its
// completeness check, in one transaction: the population's entry, then
// the check's.
func (s *Store) AddCheckedPopulation(ctx context.Context, ch attest.Change, p attest.Population, c *attest.Completeness) (*attest.Population, *attest.Completeness, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	if p.ID, err = nextID(ctx, tx, "populations"); err != nil {
		return nil, nil, err
	}
	p.ImportedBy, p.ImportedAt = ch.Actor, ch.Stamp()
	if p.Entry, err = appendEntry(ctx, tx, ch, attest.EntryPopulationAdded, populationRecord(p)); err != nil {
		return nil, nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO populations (`+populationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ControlID, p.Ref, p.Name, p.Format, p.Rows, p.KeyColumn, p.DateColumn, p.FirstDate, p.LastDate, p.Source, p.Query,
		p.ExtractedBy, p.ExtractedAt, p.ImportedBy, p.ImportedAt, p.Entry)
	if err != nil {
		return nil, nil, fmt.Errorf("insert population: %w", err)
	}
	if c != nil {
		check := *c
		check.PopulationID = p.ID
		if c, err = addCompleteness(ctx, tx, ch, check); err != nil {
			return nil, nil, err
		}
	}
	return &p, c, tx.Commit()
}

// populationRecord is what the ledger keeps of a population: all but its
// ledger position.
func populationRecord(p attest.Population) attest.Population {
	p.Entry = 0
	return p
}

// Population returns one population.
func (s *Store) Population(ctx context.Context, id int64) (*attest.Population, error) {
	p, err := scanPopulation(s.db.QueryRowContext(ctx, `SELECT `+populationCols+` FROM populations WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such population: %d", id)}
	}
	return p, err
}

// Populations lists a control's populations, oldest first (all when
// controlID is empty).
func (s *Store) Populations(ctx context.Context, controlID string) ([]attest.Population, error) {
	return queryAll(ctx, s, `SELECT `+populationCols+` FROM populations WHERE ? = '' OR control_id = ? ORDER BY id`, []any{controlID, controlID}, scanInto(scanPopulation))
}

const drawCols = `id, engagement_id, control_id, population_id, seed, size, rule, stratify, items, binding, redraw_reason, drawn_by, drawn_at, entry, extends`

func scanDraw(row interface{ Scan(...any) error }) (*attest.Draw, error) {
	var d attest.Draw
	var items string
	if err := row.Scan(&d.ID, &d.EngagementID, &d.ControlID, &d.PopulationID, &d.Seed, &d.Size, &d.Rule, &d.Stratify, &items, &d.Binding,
		&d.Redraw, &d.DrawnBy, &d.DrawnAt, &d.Entry, &d.Extends); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &d.Items); err != nil {
		return nil, fmt.Errorf("draw %d items: %w", d.ID, err)
	}
	return &d, nil
}

// AddDraw records a draw; the first for a population is binding.
func (s *Store) AddDraw(ctx context.Context, ch attest.Change, d attest.Draw) (*attest.Draw, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var earlier int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM draws WHERE engagement_id = ? AND population_id = ?`, d.EngagementID, d.PopulationID).Scan(&earlier); err != nil {
		return nil, err
	}
	d.Redraw = strings.TrimSpace(d.Redraw)
	if d.Extends > 0 {
		base, err := scanDraw(tx.QueryRowContext(ctx, `SELECT `+drawCols+` FROM draws WHERE id = ? AND engagement_id = ? AND population_id = ?`, d.Extends, d.EngagementID, d.PopulationID))
		if isNoRows(err) {
			return nil, attest.Errorf(attest.ENOTFOUND, "no draw %d of population %d in %s to extend", d.Extends, d.PopulationID, d.EngagementID)
		}
		if err != nil {
			return nil, err
		}
		d.Binding = base.Binding
	} else if earlier > 0 && d.Redraw == "" {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("population %d already has its binding draw for %s: the first draw stands", d.PopulationID, d.EngagementID),
			Hint: "another draw is a redraw, with its reason; both draws stay visible"}
	}
	if earlier == 0 && d.Redraw != "" {
		return nil, attest.Errorf(attest.EINVALID, "there is no earlier draw of population %d to redo", d.PopulationID)
	}
	if d.Extends == 0 {
		d.Binding = earlier == 0
	}
	if d.ID, err = nextID(ctx, tx, "draws"); err != nil {
		return nil, err
	}
	d.DrawnBy, d.DrawnAt = ch.Actor, ch.Stamp()
	if d.Items == nil {
		d.Items = []string{}
	}
	rec := d
	rec.Entry = 0
	if d.Entry, err = appendEntry(ctx, tx, ch, attest.EntrySampleDrawn, rec); err != nil {
		return nil, err
	}
	items, _ := json.Marshal(d.Items)
	_, err = tx.ExecContext(ctx, `INSERT INTO draws (`+drawCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.EngagementID, d.ControlID, d.PopulationID, d.Seed, d.Size, d.Rule, d.Stratify, string(items), d.Binding, d.Redraw, d.DrawnBy, d.DrawnAt, d.Entry, d.Extends)
	if err != nil {
		return nil, fmt.Errorf("insert draw: %w", err)
	}
	return &d, tx.Commit()
}

// Draws lists an engagement's draws, for one control when controlID is set.
func (s *Store) Draws(ctx context.Context, engagementID, controlID string) ([]attest.Draw, error) {
	return queryAll(ctx, s, `SELECT `+drawCols+` FROM draws WHERE engagement_id = ? AND (? = '' OR control_id = ?) ORDER BY id`, []any{engagementID, controlID, controlID}, scanInto(scanDraw))
}
