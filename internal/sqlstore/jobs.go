package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Jobs and sessions hold no ledger state: their writes take row locks
// (beginLocal), never the ledger's write lock, except where a job records
// evidence.

const jobCols = `id, kind, payload, COALESCE(dedupe_key, ''), run_at, state, attempts, max_attempts, locked_by, lease_until, last_error, done_at, result, effects, created_at`

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func scanJob(row interface{ Scan(...any) error }) (*attest.Job, error) {
	var j attest.Job
	var payload, result, effects string
	var runAt, lease, done, created int64
	if err := row.Scan(&j.ID, &j.Kind, &payload, &j.Key, &runAt, &j.State, &j.Attempts, &j.MaxAttempts, &j.LockedBy, &lease, &j.LastError, &done, &result, &effects, &created); err != nil {
		return nil, err
	}
	j.Payload = json.RawMessage(payload)
	if result != "" {
		j.Result = json.RawMessage(result)
	}
	if err := json.Unmarshal([]byte(effects), &j.Effects); err != nil {
		return nil, fmt.Errorf("job %d effects: %w", j.ID, err)
	}
	j.RunAt, j.LeaseUntil, j.DoneAt, j.CreatedAt = fromMS(runAt), fromMS(lease), fromMS(done), fromMS(created)
	return &j, nil
}

// EnqueueJob adds a job, or returns the one that already has its key.
func (s *Store) EnqueueJob(ctx context.Context, j attest.Job, now time.Time) (*attest.Job, bool, error) {
	if strings.TrimSpace(j.Kind) == "" {
		return nil, false, attest.Errorf(attest.EINVALID, "job kind: empty")
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage(`{}`)
	}
	if !json.Valid(j.Payload) {
		return nil, false, attest.Errorf(attest.EINVALID, "job payload: not valid JSON")
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 5
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	var key any
	if j.Key != "" {
		key = j.Key
	}
	if j.Key != "" {
		// Most calls (every server's scheduler) find the job there already.
		if old, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE dedupe_key = ?`, j.Key)); err == nil {
			return old, false, nil
		}
	}
	// IDs come from nextID, which needs the write lock; enqueueing is rare
	// next to claiming.
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	if j.Key != "" {
		old, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE dedupe_key = ?`, j.Key))
		if err == nil {
			return old, false, nil
		}
		if !isNoRows(err) {
			return nil, false, s.wrap(err)
		}
	}
	id, err := nextID(ctx, tx, "jobs")
	if err != nil {
		return nil, false, s.wrap(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, dedupe_key, run_at, max_attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, j.Kind, string(j.Payload), key, ms(j.RunAt), j.MaxAttempts, ms(now))
	if err != nil {
		return nil, false, fmt.Errorf("enqueue job: %w", s.wrap(err))
	}
	got, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return nil, false, err
	}
	return got, true, tx.Commit()
}

// ClaimJob takes the oldest due job of one of kinds.
func (s *Store) ClaimJob(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration) (*attest.Job, error) {
	if worker == "" || len(kinds) == 0 || lease <= 0 {
		return nil, attest.Errorf(attest.EINVALID, "claim: want a worker, kinds and a lease")
	}
	var j *attest.Job
	err := s.retryBusy(ctx, func() error {
		var err error
		j, err = s.claimJob(ctx, worker, kinds, now, lease)
		return err
	})
	return j, err
}

func (s *Store) claimJob(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration) (*attest.Job, error) {
	tx, err := s.beginLocal(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t := ms(now)
	// A job whose last worker died on its last attempt is not tried again.
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', locked_by = '', lease_until = 0,
		last_error = 'the worker stopped before finishing (lease expired) on the last attempt'
		WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts`, t); err != nil {
		return nil, s.wrap(err)
	}
	// Two indexed looks instead of one OR: a job whose worker died (its
	// lease ran out), then the oldest due job.
	in := `kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)`
	kindArgs := make([]any, len(kinds))
	for i, k := range kinds {
		kindArgs[i] = k
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE state = 'running' AND lease_until < ? AND `+in+`
		ORDER BY lease_until, id LIMIT 1 `+s.d.SkipLocked, append([]any{t}, kindArgs...)...).Scan(&id)
	if isNoRows(err) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ? AND `+in+`
			ORDER BY run_at, id LIMIT 1 `+s.d.SkipLocked, append([]any{t}, kindArgs...)...).Scan(&id)
	}
	if isNoRows(err) {
		if err := tx.Commit(); err != nil {
			return nil, s.wrap(err)
		}
		return nil, attest.Errorf(attest.ENOTFOUND, "no job is due")
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', locked_by = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?`,
		worker, ms(now.Add(lease)), id); err != nil {
		return nil, s.wrap(err)
	}
	j, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return nil, s.wrap(err)
	}
	return j, s.wrap(tx.Commit())
}

// leaseHeld is the condition that l is the job's current lease.
const leaseHeld = `id = ? AND state = 'running' AND locked_by = ? AND attempts = ?`

func (s *Store) updateLeased(ctx context.Context, l attest.Lease, set string, args ...any) error {
	return s.retryBusy(ctx, func() error { return s.updateLeasedOnce(ctx, l, set, args...) })
}

func (s *Store) updateLeasedOnce(ctx context.Context, l attest.Lease, set string, args ...any) error {
	tx, err := s.beginLocal(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+` WHERE `+leaseHeld, append(args, l.Job, l.Worker, l.Attempt)...)
	if err != nil {
		return s.wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return attest.Errorf(attest.ECONFLICT, "job %d: %s no longer holds its lease (attempt %d)", l.Job, l.Worker, l.Attempt)
	}
	return s.wrap(tx.Commit())
}

// ExtendJob renews a lease.
func (s *Store) ExtendJob(ctx context.Context, l attest.Lease, now time.Time, lease time.Duration) error {
	return s.updateLeased(ctx, l, `lease_until = ?`, ms(now.Add(lease)))
}

// CompleteJob marks a job done.
func (s *Store) CompleteJob(ctx context.Context, l attest.Lease, now time.Time, result json.RawMessage) error {
	if len(result) == 0 {
		result = json.RawMessage(`{}`)
	}
	if !json.Valid(result) {
		return attest.Errorf(attest.EINVALID, "job result: not valid JSON")
	}
	return s.updateLeased(ctx, l, `state = 'done', done_at = ?, result = ?, lease_until = 0, last_error = ''`, ms(now), string(result))
}

// FailJob schedules a retry, or marks the job failed after its last
// attempt or when retryAt is zero (an error a retry cannot mend).
func (s *Store) FailJob(ctx context.Context, l attest.Lease, now time.Time, msg string, retryAt time.Time) error {
	final := `(attempts >= max_attempts OR CAST(? AS BIGINT) = 0)`
	return s.updateLeased(ctx, l, `state = CASE WHEN `+final+` THEN 'failed' ELSE 'queued' END,
		done_at = CASE WHEN `+final+` THEN CAST(? AS BIGINT) ELSE 0 END,
		run_at = ?, last_error = ?, locked_by = '', lease_until = 0`, ms(retryAt), ms(retryAt), ms(now), ms(retryAt), msg)
}

// Job returns one job.
func (s *Store) Job(ctx context.Context, id int64) (*attest.Job, error) {
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such job: %d", id)}
	}
	return j, s.wrap(err)
}

// Jobs lists jobs, newest first.
func (s *Store) Jobs(ctx context.Context, state string, limit int) ([]attest.Job, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s, `SELECT `+jobCols+` FROM jobs WHERE ? = '' OR state = ? ORDER BY id DESC LIMIT ?`, []any{state, state, limit}, scanInto(scanJob))
}

// AddJobEvidence records evidence as one named effect of a job, only while
// the lease is held and only once: the check and the records are in one
// transaction under the write lock, so a retried job, or a worker that
// lost its lease, cannot record the effect a second time.
func (s *Store) AddJobEvidence(ctx context.Context, ch attest.Change, l attest.Lease, effect string, items []attest.Evidence) ([]attest.Evidence, error) {
	if len(items) == 0 {
		return nil, attest.Errorf(attest.EINVALID, "job evidence: want at least one item")
	}
	var out []attest.Evidence
	err := s.jobEffect(ctx, l, effect, func(tx *tx) (int64, error) {
		var err error
		if out, err = s.addEvidence(ctx, tx, ch, items); err != nil {
			return 0, err
		}
		return out[len(out)-1].ID, nil
	})
	return out, err
}

// AddJobDocument records a document as one named effect of a job, as
// AddJobEvidence does evidence.
func (s *Store) AddJobDocument(ctx context.Context, ch attest.Change, l attest.Lease, effect string, d attest.Document) (*attest.Document, error) {
	var out *attest.Document
	err := s.jobEffect(ctx, l, effect, func(tx *tx) (int64, error) {
		var err error
		if out, err = s.addDocument(ctx, tx, ch, d); err != nil {
			return 0, err
		}
		return out.ID, nil
	})
	return out, err
}

// jobEffect runs record in a writing transaction that first checks the
// job's lease is held and effect not yet recorded, then notes the ID
// record returns as the effect.
func (s *Store) jobEffect(ctx context.Context, l attest.Lease, effect string, record func(*tx) (int64, error)) error {
	if effect == "" {
		return attest.Errorf(attest.EINVALID, "job effect: empty name")
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var effects string
	err = tx.QueryRowContext(ctx, `SELECT effects FROM jobs WHERE `+leaseHeld+` `+s.d.ForUpdate, l.Job, l.Worker, l.Attempt).Scan(&effects)
	if isNoRows(err) {
		return attest.Errorf(attest.ECONFLICT, "job %d: %s no longer holds its lease (attempt %d)", l.Job, l.Worker, l.Attempt)
	}
	if err != nil {
		return s.wrap(err)
	}
	done := map[string]int64{}
	if err := json.Unmarshal([]byte(effects), &done); err != nil {
		return fmt.Errorf("job %d effects: %w", l.Job, err)
	}
	if id, ok := done[effect]; ok {
		return attest.Errorf(attest.ECONFLICT, "job %d already recorded %s (%d)", l.Job, effect, id)
	}
	id, err := record(tx)
	if err != nil {
		return err
	}
	done[effect] = id
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET effects = ? WHERE id = ?`, jsonText(done), l.Job); err != nil {
		return s.wrap(err)
	}
	return s.wrap(tx.Commit())
}

// FindSession returns a live session's data.
func (s *Store) FindSession(ctx context.Context, token string, now time.Time) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, ms(now)).Scan(&b)
	if isNoRows(err) {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such session")
	}
	return b, s.wrap(err)
}

// SaveSession creates or replaces a session.
func (s *Store) SaveSession(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return s.retryBusy(ctx, func() error { return s.saveSession(ctx, token, data, expiry) })
}

func (s *Store) saveSession(ctx context.Context, token string, data []byte, expiry time.Time) error {
	tx, err := s.beginLocal(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, ms(expiry)); err != nil {
		return s.wrap(err)
	}
	return s.wrap(tx.Commit())
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return s.wrap(err)
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, ms(now))
	if err != nil {
		return 0, s.wrap(err)
	}
	return res.RowsAffected()
}
