package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/attest-dev/attest"
)

const completenessCols = `id, population_id, method, against_id, control_total, matched, missing, extra, missing_count, extra_count, note, by_name, at, entry`

// AddCompleteness records a completeness check of a population.
func (s *Store) AddCompleteness(ctx context.Context, ch attest.Change, c attest.Completeness) (*attest.Completeness, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM populations WHERE id = ?`, c.PopulationID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such population: %d", c.PopulationID)
	}
	saved, err := addCompleteness(ctx, tx, ch, c)
	if err != nil {
		return nil, err
	}
	return saved, tx.Commit()
}

// addCompleteness writes a check of a population that exists, with its
// entry, inside tx.
func addCompleteness(ctx context.Context, tx *tx, ch attest.Change, c attest.Completeness) (*attest.Completeness, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	var err error
	if c.ID, err = nextID(ctx, tx, "completeness"); err != nil {
		return nil, err
	}
	if c.Missing == nil {
		c.Missing = []string{}
	}
	if c.Extra == nil {
		c.Extra = []string{}
	}
	c.By, c.At = ch.Actor, ch.Stamp()
	rec := c
	rec.Entry = 0
	if c.Entry, err = appendEntry(ctx, tx, ch, attest.EntryCompleteness, rec); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO completeness (`+completenessCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.PopulationID, c.Method, c.AgainstID, c.ControlTotal, c.Matched, jsonText(c.Missing), jsonText(c.Extra), c.MissingCount, c.ExtraCount, c.Note, c.By, c.At, c.Entry)
	if err != nil {
		return nil, fmt.Errorf("insert completeness: %w", err)
	}
	return &c, nil
}

// CompletenessChecks lists a population's checks (all when populationID is 0).
func (s *Store) CompletenessChecks(ctx context.Context, populationID int64) ([]attest.Completeness, error) {
	return queryAll(ctx, s, `SELECT `+completenessCols+` FROM completeness WHERE ? = 0 OR population_id = ? ORDER BY id`, []any{populationID, populationID}, func(rows *sql.Rows, c *attest.Completeness) error {
		var missing, extra string
		if err := rows.Scan(&c.ID, &c.PopulationID, &c.Method, &c.AgainstID, &c.ControlTotal, &c.Matched, &missing, &extra, &c.MissingCount, &c.ExtraCount, &c.Note, &c.By, &c.At, &c.Entry); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(missing), &c.Missing); err != nil {
			return err
		}
		return json.Unmarshal([]byte(extra), &c.Extra)
	})
}
