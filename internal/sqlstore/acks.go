package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// RecordAudience replaces a policy's audience with its ledger entry.
func (s *Store) RecordAudience(ctx context.Context, ch attest.Change, a attest.PolicyAudience) (*attest.PolicyAudience, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if a.Departments == nil {
		a.Departments = []string{}
	}
	if a.Roles == nil {
		a.Roles = []string{}
	}
	a.By, a.At, a.Entry = ch.Actor, ch.Stamp(), 0
	n, err := appendEntry(ctx, tx, ch, attest.EntryAudienceSet, a)
	if err != nil {
		return nil, err
	}
	a.Entry = n
	deps, _ := json.Marshal(a.Departments)
	roles, _ := json.Marshal(a.Roles)
	if _, err := tx.ExecContext(ctx, `DELETE FROM policy_audiences WHERE policy_id = ?`, a.PolicyID); err != nil {
		return nil, fmt.Errorf("record audience of %s: %w", a.PolicyID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO policy_audiences (policy_id, departments, roles, by_name, at, entry) VALUES (?, ?, ?, ?, ?, ?)`,
		a.PolicyID, string(deps), string(roles), a.By, a.At, n); err != nil {
		return nil, fmt.Errorf("record audience of %s: %w", a.PolicyID, err)
	}
	return &a, tx.Commit()
}

// Audiences lists every recorded audience by policy.
func (s *Store) Audiences(ctx context.Context) ([]attest.PolicyAudience, error) {
	return queryAll(ctx, s, `SELECT policy_id, departments, roles, by_name, at, entry FROM policy_audiences ORDER BY policy_id`, nil, func(rows *sql.Rows, a *attest.PolicyAudience) error {
		var deps, roles string
		if err := rows.Scan(&a.PolicyID, &deps, &roles, &a.By, &a.At, &a.Entry); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(deps), &a.Departments); err != nil {
			return fmt.Errorf("audience of %s: %w", a.PolicyID, err)
		}
		if err := json.Unmarshal([]byte(roles), &a.Roles); err != nil {
			return fmt.Errorf("audience of %s: %w", a.PolicyID, err)
		}
		return nil
	})
}

// RecordAcknowledgement writes one acknowledgement with its ledger entry.
func (s *Store) RecordAcknowledgement(ctx context.Context, ch attest.Change, a attest.Acknowledgement) (*attest.Acknowledgement, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var dup int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM acknowledgements WHERE person_id = ? AND policy_id = ? AND version = ?`, a.PersonID, a.PolicyID, a.Version).Scan(&dup); err != nil {
		return nil, err
	}
	if dup > 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "person %d already acknowledged %s version %d", a.PersonID, a.PolicyID, a.Version)
	}
	if a.ID, err = nextID(ctx, tx, "acknowledgements"); err != nil {
		return nil, err
	}
	a.By, a.Entry = ch.Actor, 0
	if a.At == "" {
		a.At = ch.Stamp()
	}
	n, err := appendEntry(ctx, tx, ch, attest.EntryAcknowledged, a)
	if err != nil {
		return nil, err
	}
	a.Entry = n
	_, err = tx.ExecContext(ctx, `INSERT INTO acknowledgements (id, person_id, policy_id, version, sha256, at, via, note, by_name, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.PersonID, a.PolicyID, a.Version, a.SHA256, a.At, a.Via, a.Note, a.By, n)
	if s.d.IsUnique(err) {
		return nil, attest.Errorf(attest.ECONFLICT, "person %d already acknowledged %s version %d", a.PersonID, a.PolicyID, a.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("record acknowledgement: %w", err)
	}
	return &a, tx.Commit()
}

// Acknowledgements lists one person's acknowledgements, or everyone's.
func (s *Store) Acknowledgements(ctx context.Context, person int64) ([]attest.Acknowledgement, error) {
	q := `SELECT id, person_id, policy_id, version, sha256, at, via, note, by_name, entry FROM acknowledgements`
	var args []any
	if person != 0 {
		q += ` WHERE person_id = ?`
		args = append(args, person)
	}
	return queryAll(ctx, s, q+` ORDER BY id`, args, func(rows *sql.Rows, a *attest.Acknowledgement) error {
		return rows.Scan(&a.ID, &a.PersonID, &a.PolicyID, &a.Version, &a.SHA256, &a.At, &a.Via, &a.Note, &a.By, &a.Entry)
	})
}

// LatestAcknowledgements is, per person and policy, the latest version
// acknowledged, read from the unique index alone.
func (s *Store) LatestAcknowledgements(ctx context.Context) ([]attest.AckLatest, error) {
	// Policy IDs repeat on every row: each is allocated once.
	ids := map[string]string{}
	out, err := appendRows(ctx, s.db, make([]attest.AckLatest, 0, 1024), `SELECT person_id, policy_id, MAX(version) FROM acknowledgements GROUP BY person_id, policy_id`, nil, func(rows *sql.Rows, a *attest.AckLatest) error {
		var id sql.RawBytes
		if err := rows.Scan(&a.PersonID, &id, &a.Version); err != nil {
			return err
		}
		p, ok := ids[string(id)]
		if !ok {
			p = string(id)
			ids[p] = p
		}
		a.PolicyID = p
		return nil
	})
	return out, s.wrap(err)
}

// FirstAcknowledgements is, per person and policy, the time of the first
// acknowledgement of any version.
func (s *Store) FirstAcknowledgements(ctx context.Context) ([]attest.AckFirst, error) {
	ids := map[string]string{}
	out, err := appendRows(ctx, s.db, make([]attest.AckFirst, 0, 1024), `SELECT person_id, policy_id, MIN(at) FROM acknowledgements GROUP BY person_id, policy_id`, nil, func(rows *sql.Rows, a *attest.AckFirst) error {
		var id sql.RawBytes
		if err := rows.Scan(&a.PersonID, &id, &a.At); err != nil {
			return err
		}
		p, ok := ids[string(id)]
		if !ok {
			p = string(id)
			ids[p] = p
		}
		a.PolicyID = p
		return nil
	})
	return out, s.wrap(err)
}

const completionCols = `id, person_id, email, course, completed, score, certificate, evidence_id, source, entry`

// RecordCompletions writes completions with one ledger entry naming the
// SHA-256 of the rows, in one transaction.
func (s *Store) RecordCompletions(ctx context.Context, ch attest.Change, typ string, tc attest.TrainingChange, cs []attest.Completion) ([]attest.Completion, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	next, err := nextID(ctx, tx, "training_completions")
	if err != nil {
		return nil, err
	}
	out := make([]attest.Completion, len(cs))
	for i, c := range cs {
		c.ID, c.Entry = 0, 0
		c.Email = strings.ToLower(strings.TrimSpace(c.Email))
		out[i] = c
	}
	tc.Rows, tc.Digest = len(out), attest.CompletionsDigest(out)
	n, err := appendEntry(ctx, tx, ch, typ, tc)
	if err != nil {
		return nil, err
	}
	const width = 10
	one := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	stmts := tx.prepared()
	defer stmts.close()
	for start := 0; start < len(out); start += rowsPerInsert {
		chunk := out[start:min(start+rowsPerInsert, len(out))]
		args := make([]any, 0, len(chunk)*width)
		for k := range chunk {
			c := &chunk[k]
			c.ID, c.Entry = next, n
			next++
			args = append(args, c.ID, c.PersonID, c.Email, c.Course, c.Completed, c.Score, c.Certificate, c.Evidence, c.Source, n)
		}
		q := `INSERT INTO training_completions (` + completionCols + `) VALUES ` + one + strings.Repeat(", "+one, len(chunk)-1)
		if _, err := stmts.exec(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("record training completions: %w", err)
		}
	}
	return out, tx.Commit()
}

// Completions lists one person's completions, or everyone's, by entry and
// then in the order written.
func (s *Store) Completions(ctx context.Context, person int64) ([]attest.Completion, error) {
	q := `SELECT ` + completionCols + ` FROM training_completions`
	var args []any
	if person != 0 {
		q += ` WHERE person_id = ?`
		args = append(args, person)
	}
	return queryAll(ctx, s, q+` ORDER BY id`, args, func(rows *sql.Rows, c *attest.Completion) error {
		return rows.Scan(&c.ID, &c.PersonID, &c.Email, &c.Course, &c.Completed, &c.Score, &c.Certificate, &c.Evidence, &c.Source, &c.Entry)
	})
}

// SavePortalLink keeps a new sign-in link.
func (s *Store) SavePortalLink(ctx context.Context, l attest.PortalLink) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO portal_links (hash, person_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, '')`,
		l.Hash, l.PersonID, l.CreatedAt, l.ExpiresAt)
	if s.d.IsUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "a portal link with that secret exists")
	}
	return s.wrap(err)
}

// UsePortalLink marks a link used, once.
func (s *Store) UsePortalLink(ctx context.Context, hash, at string) (*attest.PortalLink, error) {
	var l attest.PortalLink
	err := s.db.QueryRowContext(ctx, `SELECT hash, person_id, created_at, expires_at, used_at FROM portal_links WHERE hash = ?`, hash).
		Scan(&l.Hash, &l.PersonID, &l.CreatedAt, &l.ExpiresAt, &l.UsedAt)
	if isNoRows(err) {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such sign-in link")
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE portal_links SET used_at = ? WHERE hash = ? AND used_at = ''`, at, hash)
	if err != nil {
		return nil, s.wrap(err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "this sign-in link was used already")
	}
	return &l, nil
}

// RecordReminders keeps a round of reminders with one ledger entry.
func (s *Store) RecordReminders(ctx context.Context, ch attest.Change, rs []attest.Reminder) ([]attest.Reminder, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([]attest.Reminder, len(rs))
	for i, r := range rs {
		r.At, r.Entry = ch.Stamp(), 0
		if r.Items == nil {
			r.Items = []string{}
		}
		out[i] = r
	}
	n, err := appendEntry(ctx, tx, ch, attest.EntryRemindersSent, attest.RemindersSent{Reminders: out})
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		r.Entry = n
		items, _ := json.Marshal(r.Items)
		if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (entry, seq, person_id, email, items, at) VALUES (?, ?, ?, ?, ?, ?)`,
			n, i, r.PersonID, r.Email, string(items), r.At); err != nil {
			return nil, fmt.Errorf("record reminder: %w", err)
		}
	}
	return out, tx.Commit()
}

// Reminders lists every reminder sent, in the order sent.
func (s *Store) Reminders(ctx context.Context) ([]attest.Reminder, error) {
	return queryAll(ctx, s, `SELECT entry, person_id, email, items, at FROM reminders ORDER BY entry, seq`, nil, func(rows *sql.Rows, r *attest.Reminder) error {
		var items string
		if err := rows.Scan(&r.Entry, &r.PersonID, &r.Email, &items, &r.At); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(items), &r.Items); err != nil {
			return fmt.Errorf("reminder of entry %d: %w", r.Entry, err)
		}
		return nil
	})
}
