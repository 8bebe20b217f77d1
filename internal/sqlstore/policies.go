package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/attest-dev/attest"
)

// RecordPolicy writes one change of a policy (the policy as it leaves it,
// with a new version or an act) and its ledger entry, in one transaction.
// prev is the entry the caller read the policy at, -1 for a new one; a
// policy changed since is ECONFLICT, so two people acting at once never
// both succeed on the same state. The ledger records the version's hash,
// not its text.
func (s *Store) RecordPolicy(ctx context.Context, ch attest.Change, typ string, prev int64, c attest.PolicyChange) (*attest.PolicyChange, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT entry FROM policies WHERE id = ?`, c.Policy.ID).Scan(&at)
	switch {
	case err == nil && prev == -1:
		return nil, attest.Errorf(attest.ECONFLICT, "a policy %s already exists", c.Policy.ID)
	case err == nil && at != prev:
		return nil, attest.Errorf(attest.ECONFLICT, "policy %s changed since it was read (ledger entry %d): read it again", c.Policy.ID, at)
	case isNoRows(err) && prev != -1:
		return nil, notFound("policy", c.Policy.ID)
	case err != nil && !isNoRows(err):
		return nil, err
	}
	rec := attest.PolicyChange{Policy: c.Policy}
	rec.Policy.Entry = 0
	if c.Version != nil {
		v := *c.Version
		v.Body, v.Entry = "", 0
		rec.Version = &v
	}
	if c.Event != nil {
		e := *c.Event
		e.Entry = 0
		rec.Event = &e
	}
	n, err := appendEntry(ctx, tx, ch, typ, rec)
	if err != nil {
		return nil, err
	}
	p := c.Policy
	p.Entry = n
	approvers, _ := json.Marshal(attest.OrEmpty(p.Approvers))
	if prev == -1 {
		_, err = tx.ExecContext(ctx, `INSERT INTO policies (id, template, title, owner_role, owner, review, approvers, controls, criteria, status, version, published, published_at, created_at, updated_at, entry)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Template, p.Title, p.OwnerRole, p.Owner, string(p.Review), string(approvers), list(p.Controls), list(p.Criteria), p.Status, p.Version, p.Published, p.PublishedAt, p.CreatedAt, p.UpdatedAt, n)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE policies SET template = ?, title = ?, owner_role = ?, owner = ?, review = ?, approvers = ?, controls = ?, criteria = ?, status = ?, version = ?, published = ?, published_at = ?, created_at = ?, updated_at = ?, entry = ? WHERE id = ?`,
			p.Template, p.Title, p.OwnerRole, p.Owner, string(p.Review), string(approvers), list(p.Controls), list(p.Criteria), p.Status, p.Version, p.Published, p.PublishedAt, p.CreatedAt, p.UpdatedAt, n, p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("record policy %s: %w", p.ID, err)
	}
	out := &attest.PolicyChange{Policy: p}
	if c.Version != nil {
		v := *c.Version
		v.Entry = n
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_id, version, body, sha256, note, by_name, at, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.PolicyID, v.Version, v.Body, v.SHA256, v.Note, v.By, v.At, n); err != nil {
			return nil, fmt.Errorf("record version %d of policy %s: %w", v.Version, v.PolicyID, err)
		}
		out.Version = &v
	}
	if c.Event != nil {
		e := *c.Event
		e.Entry = n
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_events (entry, policy_id, version, action, account, name, note, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n, e.PolicyID, e.Version, e.Action, e.Account, e.Name, e.Note, e.By, e.At); err != nil {
			return nil, fmt.Errorf("record %s of policy %s: %w", e.Action, e.PolicyID, err)
		}
		out.Event = &e
	}
	return out, tx.Commit()
}

const policyColumns = `id, template, title, owner_role, owner, review, approvers, controls, criteria, status, version, published, published_at, created_at, updated_at, entry`

func scanPolicy(sc interface{ Scan(...any) error }) (*attest.Policy, error) {
	var p attest.Policy
	var review, approvers, controls, criteria string
	if err := sc.Scan(&p.ID, &p.Template, &p.Title, &p.OwnerRole, &p.Owner, &review, &approvers, &controls, &criteria, &p.Status, &p.Version, &p.Published, &p.PublishedAt, &p.CreatedAt, &p.UpdatedAt, &p.Entry); err != nil {
		return nil, err
	}
	p.Review = attest.Frequency(review)
	if err := json.Unmarshal([]byte(approvers), &p.Approvers); err != nil {
		return nil, fmt.Errorf("policy %s: approvers: %w", p.ID, err)
	}
	p.Approvers = attest.OrEmpty(p.Approvers)
	var err error
	if p.Controls, err = unlist(controls); err != nil {
		return nil, err
	}
	if p.Criteria, err = unlist(criteria); err != nil {
		return nil, err
	}
	return &p, nil
}

// Policy reads one policy; ENOTFOUND when there is none.
func (s *Store) Policy(ctx context.Context, id string) (*attest.Policy, error) {
	p, err := scanPolicy(s.db.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM policies WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such policy: " + id}
	}
	return p, err
}

// Policies lists every policy by ID.
func (s *Store) Policies(ctx context.Context) ([]attest.Policy, error) {
	return queryAll(ctx, s, `SELECT `+policyColumns+` FROM policies ORDER BY id`, nil, scanInto(scanPolicy))
}

// PolicyVersions lists a policy's versions with their text (every
// policy's when id is empty), oldest first.
func (s *Store) PolicyVersions(ctx context.Context, id string) ([]attest.PolicyVersion, error) {
	return queryAll(ctx, s, `SELECT policy_id, version, body, sha256, note, by_name, at, entry FROM policy_versions
		WHERE ? = '' OR policy_id = ? ORDER BY entry`, []any{id, id}, func(rows *sql.Rows, v *attest.PolicyVersion) error {
		return rows.Scan(&v.PolicyID, &v.Version, &v.Body, &v.SHA256, &v.Note, &v.By, &v.At, &v.Entry)
	})
}

// PolicyEvents lists the acts on a policy (every policy's when id is
// empty) in the order recorded.
func (s *Store) PolicyEvents(ctx context.Context, id string) ([]attest.PolicyEvent, error) {
	return queryAll(ctx, s, `SELECT entry, policy_id, version, action, account, name, note, by_name, at FROM policy_events
		WHERE ? = '' OR policy_id = ? ORDER BY entry`, []any{id, id}, func(rows *sql.Rows, e *attest.PolicyEvent) error {
		return rows.Scan(&e.Entry, &e.PolicyID, &e.Version, &e.Action, &e.Account, &e.Name, &e.Note, &e.By, &e.At)
	})
}
