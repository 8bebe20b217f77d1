package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-dev/attest"
)

// AddDisclosures records disclosures of known deviations, all in one
// transaction, each with its ledger entry.
func (s *Store) AddDisclosures(ctx context.Context, ch attest.Change, ds []attest.Disclosure) ([]attest.Disclosure, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([]attest.Disclosure, 0, len(ds))
	for _, d := range ds {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM engagements WHERE id = ?`, d.EngagementID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, notFound("engagement", d.EngagementID)
		}
		var on, to string
		err := tx.QueryRowContext(ctx, `SELECT on_date, to_name FROM disclosures WHERE engagement_id = ? AND deviation = ?`, d.EngagementID, d.Deviation).Scan(&on, &to)
		switch {
		case err == nil:
			return nil, attest.Errorf(attest.ECONFLICT, "deviation %s was already disclosed to %s on %s", d.Deviation, to, on)
		case !isNoRows(err):
			return nil, err
		}
		d.By, d.At = ch.Actor, ch.Stamp()
		rec := d
		rec.Entry = 0
		if d.Entry, err = appendEntry(ctx, tx, ch, attest.EntryDeviationDisclosed, rec); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO disclosures (engagement_id, deviation, summary, to_name, on_date, note, by_name, at, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.EngagementID, d.Deviation, d.Summary, d.To, d.On, d.Note, d.By, d.At, d.Entry); err != nil {
			return nil, fmt.Errorf("record disclosure of %s: %w", d.Deviation, err)
		}
		out = append(out, d)
	}
	return out, tx.Commit()
}

// Disclosures lists an engagement's disclosures (all when engagementID is
// empty) in the order recorded.
func (s *Store) Disclosures(ctx context.Context, engagementID string) ([]attest.Disclosure, error) {
	return queryAll(ctx, s, `SELECT engagement_id, deviation, summary, to_name, on_date, note, by_name, at, entry FROM disclosures
		WHERE ? = '' OR engagement_id = ? ORDER BY entry`, []any{engagementID, engagementID}, func(rows *sql.Rows, d *attest.Disclosure) error {
		return rows.Scan(&d.EngagementID, &d.Deviation, &d.Summary, &d.To, &d.On, &d.Note, &d.By, &d.At, &d.Entry)
	})
}
