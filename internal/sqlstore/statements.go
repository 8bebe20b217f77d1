package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-dev/attest"
)

const keyCols = `engagement_id, fingerprint, public_key, user_id, name, holder, enrolled_by, enrolled_at, confirmed_at, retired_at, entry`
const statementCols = `id, engagement_id, key_fp, seq, kind, hash, body, signature, entry, added_at`

// insertStatement stores ch.Statement with ledger entry n, refusing one
// that does not continue its key's chain on the engagement: the writer
// holds the write lock, so two statements cannot both take the next place.
func insertStatement(ctx context.Context, tx querier, ch attest.Change, n int64) error {
	st := ch.Statement
	var seq int64
	var hash string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM auditor_statements WHERE engagement_id = ? AND key_fp = ? ORDER BY seq DESC LIMIT 1`, st.EngagementID, st.Key).Scan(&seq, &hash)
	if err != nil && !isNoRows(err) {
		return err
	}
	if st.Seq != seq+1 || st.Prev != hash {
		return attest.Errorf(attest.ECONFLICT, "statement %d of key %s does not follow the chain's last (%d): another act was recorded meanwhile; sign again", st.Seq, st.Key, seq)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id) + 1, 1) FROM auditor_statements`).Scan(&id); err != nil {
		return err
	}
	st.ID, st.Entry, st.AddedAt = id, n, ch.Stamp()
	_, err = tx.ExecContext(ctx, `INSERT INTO auditor_statements (`+statementCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.EngagementID, st.Key, st.Seq, st.Kind, st.Hash, st.Body, st.Signature, st.Entry, st.AddedAt)
	if err != nil {
		return fmt.Errorf("insert statement: %w", err)
	}
	return nil
}

// EnrollKey records an auditor's public key on an engagement.
func (s *Store) EnrollKey(ctx context.Context, ch attest.Change, k attest.AuditorKey) (*attest.AuditorKey, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM auditor_keys WHERE engagement_id = ? AND fingerprint = ?`, k.EngagementID, k.Fingerprint).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "key %s is already enrolled on %s", k.Fingerprint, k.EngagementID)
	}
	k.EnrolledBy, k.EnrolledAt, k.Confirmed, k.Retired = ch.Actor, ch.Stamp(), "", ""
	rec := k
	rec.Entry = 0
	if k.Entry, err = appendEntry(ctx, tx, ch, attest.EntryAuditorKeyEnrolled, rec); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO auditor_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.EngagementID, k.Fingerprint, k.PublicKey, k.UserID, k.Name, k.Holder, k.EnrolledBy, k.EnrolledAt, k.Confirmed, k.Retired, k.Entry); err != nil {
		return nil, fmt.Errorf("insert key: %w", err)
	}
	return &k, tx.Commit()
}

func scanKey(r interface{ Scan(...any) error }) (attest.AuditorKey, error) {
	var k attest.AuditorKey
	err := r.Scan(&k.EngagementID, &k.Fingerprint, &k.PublicKey, &k.UserID, &k.Name, &k.Holder, &k.EnrolledBy, &k.EnrolledAt, &k.Confirmed, &k.Retired, &k.Entry)
	return k, err
}

func (s *Store) keyIn(ctx context.Context, q querier, engagementID, fp string) (*attest.AuditorKey, error) {
	k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyCols+` FROM auditor_keys WHERE engagement_id = ? AND fingerprint = ?`, engagementID, fp))
	if isNoRows(err) {
		return nil, attest.Errorf(attest.ENOTFOUND, "no key %s is enrolled on %s", fp, engagementID)
	}
	return &k, err
}

// ConfirmKey records the key's confirming statement and marks it confirmed.
func (s *Store) ConfirmKey(ctx context.Context, ch attest.Change, st attest.Statement) (*attest.AuditorKey, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	k, err := s.keyIn(ctx, tx, st.EngagementID, st.Key)
	if err != nil {
		return nil, err
	}
	if k.Confirmed != "" {
		return nil, attest.Errorf(attest.ECONFLICT, "key %s is already confirmed on %s", k.Fingerprint, k.EngagementID)
	}
	ch.Statement = &st
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorStatement, map[string]any{"engagement": st.EngagementID, "key": st.Key, "seq": st.Seq, "kind": st.Kind}); err != nil {
		return nil, err
	}
	k.Confirmed = ch.Stamp()
	if _, err := tx.ExecContext(ctx, `UPDATE auditor_keys SET confirmed_at = ? WHERE engagement_id = ? AND fingerprint = ?`, k.Confirmed, k.EngagementID, k.Fingerprint); err != nil {
		return nil, err
	}
	return k, tx.Commit()
}

// RetireKey marks a key retired: it signs nothing new.
func (s *Store) RetireKey(ctx context.Context, ch attest.Change, engagementID, fp string) (*attest.AuditorKey, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	k, err := s.keyIn(ctx, tx, engagementID, fp)
	if err != nil {
		return nil, err
	}
	if k.Retired != "" {
		return k, nil
	}
	k.Retired = ch.Stamp()
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorKeyRetired, map[string]string{"engagement": engagementID, "fingerprint": fp}); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE auditor_keys SET retired_at = ? WHERE engagement_id = ? AND fingerprint = ?`, k.Retired, engagementID, fp); err != nil {
		return nil, err
	}
	return k, tx.Commit()
}

// AuditorKeys lists an engagement's enrolled keys, oldest first.
func (s *Store) AuditorKeys(ctx context.Context, engagementID string) ([]attest.AuditorKey, error) {
	return queryAll(ctx, s, `SELECT `+keyCols+` FROM auditor_keys WHERE engagement_id = ? ORDER BY entry`, []any{engagementID}, func(rows *sql.Rows, k *attest.AuditorKey) (err error) {
		*k, err = scanKey(rows)
		return err
	})
}

// AddStatement records a statement that is its own record.
func (s *Store) AddStatement(ctx context.Context, ch attest.Change, st attest.Statement) (*attest.Statement, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := s.keyIn(ctx, tx, st.EngagementID, st.Key); err != nil {
		return nil, err
	}
	ch.Statement = &st
	if _, err := appendEntry(ctx, tx, ch, attest.EntryAuditorStatement, map[string]any{"engagement": st.EngagementID, "key": st.Key, "seq": st.Seq, "kind": st.Kind}); err != nil {
		return nil, err
	}
	return &st, tx.Commit()
}

// Statements lists statements by engagement, key and sequence.
func (s *Store) Statements(ctx context.Context, engagementID string) ([]attest.Statement, error) {
	return queryAll(ctx, s, `SELECT `+statementCols+` FROM auditor_statements WHERE ? = '' OR engagement_id = ? ORDER BY engagement_id, key_fp, seq`, []any{engagementID, engagementID}, func(rows *sql.Rows, st *attest.Statement) error {
		return rows.Scan(&st.ID, &st.EngagementID, &st.Key, &st.Seq, &st.Kind, &st.Hash, &st.Body, &st.Signature, &st.Entry, &st.AddedAt)
	})
}
