package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// Access reviews. Each bulk act is one transaction and one ledger entry
// (attest.ReviewBatch, or the campaign itself for a start); rows are
// written many to a statement, so a campaign of tens of thousands of
// accounts starts, is assigned and is decided in well under a second.

const campaignCols = `id, system, due, status, source, source_file, collection_id, extracted_at, extracted_by, completeness, left_out, roster,
	listing_digest, accounts, created_by, created_at, entry, completed_by, completed_at, completed_entry, evidence_id`

const itemCols = `campaign_id, seq, account, person, name, manager, roles, entitlements, privileged, flags, reviewer_id, reviewer,
	decision, reason, decided_by, decided_at, decision_entry, ticket, removed, resolved_at, resolved_entry, assign_entry`

// rowsPerInsert keeps a multi-row insert under every engine's limit on
// parameters (SQLite's 32766, PostgreSQL's 65535).
const rowsPerInsert = 500

// StartCampaign records a campaign and its items with one ledger entry.
func (s *Store) StartCampaign(ctx context.Context, ch attest.Change, c attest.Campaign, items []attest.ReviewItem) (*attest.Campaign, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if c.ID, err = nextID(ctx, tx, "review_campaigns"); err != nil {
		return nil, err
	}
	c.Status, c.Accounts, c.CreatedBy, c.CreatedAt = attest.CampaignOpen, len(items), ch.Actor, ch.Stamp()
	if c.Entry, err = appendEntry(ctx, tx, ch, attest.EntryReviewStarted, campaignRecord(c)); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if seen[it.Account] {
			return nil, attest.Errorf(attest.EINVALID, "the listing names account %q twice", it.Account)
		}
		seen[it.Account] = true
	}
	l := c.Listing
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_campaigns (`+campaignCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 0, 0)`,
		c.ID, c.System, c.Due, c.Status, l.Source, l.File, l.Collection, l.ExtractedAt, l.ExtractedBy, l.Completeness, l.LeftOut, l.Roster,
		l.Digest, c.Accounts, c.CreatedBy, c.CreatedAt, c.Entry); err != nil {
		return nil, fmt.Errorf("record campaign: %w", err)
	}
	stmts := tx.prepared()
	defer stmts.close()
	// The ten columns a new item leaves empty are literals, not parameters:
	// binding is most of a bulk insert's cost.
	const width = 12
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ", '', '', '', '', 0, '', '', '', 0, 0)"
	for start := 0; start < len(items); start += rowsPerInsert {
		chunk := items[start:min(start+rowsPerInsert, len(items))]
		args := make([]any, 0, len(chunk)*width)
		for _, it := range chunk {
			args = append(args, c.ID, it.Seq, it.Account, it.Person, it.Name, it.Manager, fastList(it.Roles), fastList(it.Entitlements), boolInt(it.Privileged), fastList(it.Flags),
				it.ReviewerID, it.Reviewer)
		}
		q := `INSERT INTO review_items (` + itemCols + `) VALUES ` + one + strings.Repeat(", "+one, len(chunk)-1)
		if _, err := stmts.exec(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("record review items: %w", err)
		}
	}
	return &c, tx.Commit()
}

// campaignRecord is what the start's ledger entry keeps: the campaign
// with its listing's provenance and the digest of its rows.
func campaignRecord(c attest.Campaign) attest.Campaign {
	c.Entry = 0
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// openCampaign fails unless campaign id exists and is open.
func openCampaign(ctx context.Context, tx querier, id int64) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM review_campaigns WHERE id = ?`, id).Scan(&status)
	if isNoRows(err) {
		return notFound("access review", fmt.Sprint(id))
	}
	if err != nil {
		return err
	}
	if status != attest.CampaignOpen {
		return attest.Errorf(attest.ECONFLICT, "access review %d is %s: it takes no more changes", id, status)
	}
	return nil
}

// updateIn runs set (with args) over the items named by seqs and the
// condition cond (with tail), rowsPerInsert at a time, and fails with
// conflict unless every one was changed.
func updateIn(ctx context.Context, tx *preparedSet, set string, args []any, cond string, tail []any, campaign int64, seqs []int, conflict func() error) error {
	for start := 0; start < len(seqs); start += rowsPerInsert {
		chunk := seqs[start:min(start+rowsPerInsert, len(seqs))]
		a := append(append([]any{}, args...), campaign)
		for _, q := range chunk {
			a = append(a, q)
		}
		a = append(a, tail...)
		res, err := tx.exec(ctx, `UPDATE review_items SET `+set+` WHERE campaign_id = ? AND seq IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`+cond, a...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if int(n) != len(chunk) {
			return conflict()
		}
	}
	return nil
}

// AssignReviewers sets the reviewers of undecided items, one entry.
func (s *Store) AssignReviewers(ctx context.Context, ch attest.Change, campaign int64, as []attest.Assignment, digest string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := openCampaign(ctx, tx, campaign); err != nil {
		return err
	}
	entry, err := appendEntry(ctx, tx, ch, attest.EntryReviewAssigned, attest.ReviewBatch{Campaign: campaign, Rows: len(as), Digest: digest})
	if err != nil {
		return err
	}
	type who struct {
		id   int64
		name string
	}
	by := map[who][]int{}
	var order []who
	for _, a := range as {
		w := who{a.ReviewerID, a.Reviewer}
		if by[w] == nil {
			order = append(order, w)
		}
		by[w] = append(by[w], a.Seq)
	}
	stmts := tx.prepared()
	defer stmts.close()
	for _, w := range order {
		err := updateIn(ctx, stmts, `reviewer_id = ?, reviewer = ?, assign_entry = ?`, []any{w.id, w.name, entry}, ` AND decision = ''`, nil, campaign, by[w], func() error {
			return attest.Errorf(attest.ECONFLICT, "an account named is not in access review %d or is already decided: a decided account keeps its reviewer", campaign)
		})
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// RecordDecisions records one reviewer's batch of decisions, one entry.
func (s *Store) RecordDecisions(ctx context.Context, ch attest.Change, campaign, reviewer int64, ds []attest.Decision, digest string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := openCampaign(ctx, tx, campaign); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_signoffs WHERE campaign_id = ? AND reviewer_id = ?`, campaign, reviewer).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return attest.Errorf(attest.ECONFLICT, "the reviewer has signed off access review %d: their decisions stand as signed", campaign)
	}
	entry, err := appendEntry(ctx, tx, ch, attest.EntryReviewDecided, attest.ReviewBatch{Campaign: campaign, Reviewer: reviewer, Rows: len(ds), Digest: digest})
	if err != nil {
		return err
	}
	type what struct{ decision, reason string }
	by := map[what][]int{}
	var order []what
	for _, d := range ds {
		w := what{d.Decision, d.Reason}
		if by[w] == nil {
			order = append(order, w)
		}
		by[w] = append(by[w], d.Seq)
	}
	stmts := tx.prepared()
	defer stmts.close()
	for _, w := range order {
		err := updateIn(ctx, stmts, `decision = ?, reason = ?, decided_by = ?, decided_at = ?, decision_entry = ?`,
			[]any{w.decision, w.reason, ch.Actor, ch.Stamp(), entry}, ` AND reviewer_id = ? AND resolved_entry = 0`, []any{reviewer}, campaign, by[w], func() error {
				return attest.Errorf(attest.ECONFLICT, "an account decided is not assigned to this reviewer in access review %d, or its revoke is already closed", campaign)
			})
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ResolveRevokes closes open revokes, one entry.
func (s *Store) ResolveRevokes(ctx context.Context, ch attest.Change, campaign int64, rs []attest.Resolution, digest string) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := openCampaign(ctx, tx, campaign); err != nil {
		return err
	}
	entry, err := appendEntry(ctx, tx, ch, attest.EntryReviewResolved, attest.ReviewBatch{Campaign: campaign, Rows: len(rs), Digest: digest})
	if err != nil {
		return err
	}
	// A later listing closes its revokes with one text, so the rows go
	// many to a statement, grouped by what closes them.
	type how struct{ ticket, removed string }
	by := map[how][]int{}
	var order []how
	for _, r := range rs {
		h := how{r.Ticket, r.Removed}
		if by[h] == nil {
			order = append(order, h)
		}
		by[h] = append(by[h], r.Seq)
	}
	stmts := tx.prepared()
	defer stmts.close()
	for _, h := range order {
		err := updateIn(ctx, stmts, `ticket = ?, removed = ?, resolved_at = ?, resolved_entry = ?`, []any{h.ticket, h.removed, ch.Stamp(), entry},
			` AND decision = 'revoke' AND resolved_entry = 0`, nil, campaign, by[h], func() error {
				return attest.Errorf(attest.ECONFLICT, "an item of access review %d is not an open revoke", campaign)
			})
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SignOff records a reviewer's sign-off with its entry.
func (s *Store) SignOff(ctx context.Context, ch attest.Change, so attest.Signoff) (*attest.Signoff, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := openCampaign(ctx, tx, so.Campaign); err != nil {
		return nil, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM review_signoffs WHERE campaign_id = ? AND reviewer_id = ?`, so.Campaign, so.ReviewerID).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "%s has already signed off access review %d", so.Reviewer, so.Campaign)
	}
	so.By, so.At, so.Entry = ch.Actor, ch.Stamp(), 0
	if so.Entry, err = appendEntry(ctx, tx, ch, attest.EntryReviewSignedOff, so); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO review_signoffs (campaign_id, reviewer_id, reviewer, note, by_name, at, entry) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		so.Campaign, so.ReviewerID, so.Reviewer, so.Note, so.By, so.At, so.Entry); err != nil {
		return nil, err
	}
	return &so, tx.Commit()
}

// CompleteCampaign records the decisions' evidence, if any, and the
// campaign's completion naming it, in one transaction, after checking the
// items are still those the workflow digested.
func (s *Store) CompleteCampaign(ctx context.Context, ch attest.Change, done attest.ReviewCompletion, evidence []attest.Evidence) (*attest.Campaign, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := openCampaign(ctx, tx, done.Campaign); err != nil {
		return nil, err
	}
	items, err := readItems(ctx, tx, done.Campaign)
	if err != nil {
		return nil, err
	}
	if len(items) != done.Rows || attest.ItemsDigest(items) != done.Digest {
		return nil, attest.Errorf(attest.ECONFLICT, "access review %d changed while it was being completed: try again", done.Campaign)
	}
	if len(evidence) > 1 {
		return nil, attest.Errorf(attest.EINVALID, "a campaign becomes one evidence record, not %d", len(evidence))
	}
	evs, err := s.addEvidence(ctx, tx, ch, evidence)
	if err != nil {
		return nil, err
	}
	done.Evidence = 0
	if len(evs) == 1 {
		done.Evidence = evs[0].ID
	}
	entry, err := appendEntry(ctx, tx, ch, attest.EntryReviewCompleted, done)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE review_campaigns SET status = ?, completed_by = ?, completed_at = ?, completed_entry = ?, evidence_id = ? WHERE id = ?`,
		attest.CampaignCompleted, ch.Actor, ch.Stamp(), entry, done.Evidence, done.Campaign); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.Campaign(ctx, done.Campaign)
}

func scanCampaign(sc interface{ Scan(...any) error }) (*attest.Campaign, error) {
	var c attest.Campaign
	l := &c.Listing
	err := sc.Scan(&c.ID, &c.System, &c.Due, &c.Status, &l.Source, &l.File, &l.Collection, &l.ExtractedAt, &l.ExtractedBy, &l.Completeness, &l.LeftOut, &l.Roster,
		&l.Digest, &c.Accounts, &c.CreatedBy, &c.CreatedAt, &c.Entry, &c.CompletedBy, &c.CompletedAt, &c.CompletedEntry, &c.EvidenceID)
	return &c, err
}

// Campaign reads one campaign.
func (s *Store) Campaign(ctx context.Context, id int64) (*attest.Campaign, error) {
	c, err := scanCampaign(s.db.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM review_campaigns WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("access review", fmt.Sprint(id))
	}
	return c, err
}

// Campaigns lists every campaign, oldest first.
func (s *Store) Campaigns(ctx context.Context) ([]attest.Campaign, error) {
	return queryAll(ctx, s, `SELECT `+campaignCols+` FROM review_campaigns ORDER BY id`, nil, scanInto(scanCampaign))
}

// ReviewItems lists a campaign's items, privileged first.
func (s *Store) ReviewItems(ctx context.Context, campaign int64) ([]attest.ReviewItem, error) {
	out, err := readItems(ctx, s.db, campaign)
	if err != nil {
		return nil, err
	}
	// Privileged first, sorted here: the key's order needs no sorter.
	slices.SortStableFunc(out, func(a, b attest.ReviewItem) int { return boolInt(b.Privileged) - boolInt(a.Privileged) })
	return out, nil
}

// readItems reads a campaign's items in seq order.
func readItems(ctx context.Context, q querier, campaign int64) ([]attest.ReviewItem, error) {
	return appendRows(ctx, q, []attest.ReviewItem{}, `SELECT seq, account, person, name, manager, roles, entitlements, privileged, flags, reviewer_id, reviewer,
		decision, reason, decided_by, decided_at, decision_entry, ticket, removed, resolved_at, resolved_entry, assign_entry FROM review_items WHERE campaign_id = ? ORDER BY campaign_id, seq`, []any{campaign}, func(rows *sql.Rows, it *attest.ReviewItem) error {
		var roles, ents, flags string
		var priv int
		if err := rows.Scan(&it.Seq, &it.Account, &it.Person, &it.Name, &it.Manager, &roles, &ents, &priv, &flags, &it.ReviewerID, &it.Reviewer,
			&it.Decision, &it.Reason, &it.DecidedBy, &it.DecidedAt, &it.DecisionEntry, &it.Ticket, &it.Removed, &it.ResolvedAt, &it.ResolvedEntry, &it.AssignEntry); err != nil {
			return err
		}
		it.Privileged = priv != 0
		if err := decodeLists(&it.Roles, roles, &it.Entitlements, ents, &it.Flags, flags); err != nil {
			return fmt.Errorf("review item %d: %w", it.Seq, err)
		}
		return nil
	})
}

// ReviewKeys lists a campaign's items by seq, narrowly: what assigning
// and deciding check, without the lists.
func (s *Store) ReviewKeys(ctx context.Context, campaign int64) ([]attest.ReviewItem, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT accounts FROM review_campaigns WHERE id = ?`, campaign).Scan(&n); err != nil && !isNoRows(err) {
		return nil, err
	}
	return appendRows(ctx, s.db, make([]attest.ReviewItem, 0, n), `SELECT seq, account, person, manager, reviewer_id, reviewer, decision, ticket, removed
		FROM review_items WHERE campaign_id = ? ORDER BY campaign_id, seq`, []any{campaign}, func(rows *sql.Rows, it *attest.ReviewItem) error {
		return rows.Scan(&it.Seq, &it.Account, &it.Person, &it.Manager, &it.ReviewerID, &it.Reviewer, &it.Decision, &it.Ticket, &it.Removed)
	})
}

func decodeLists(pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		dst, src := pairs[i].(*[]string), pairs[i+1].(string)
		if *dst = plainList(src); *dst != nil {
			continue
		}
		*dst = []string{}
		if err := json.Unmarshal([]byte(src), dst); err != nil {
			return err
		}
	}
	return nil
}

// plain is a string JSON writes between quotes as it is.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// fastList is list for the bulk paths: the JSON array written by hand
// when every value is plain (as json.Marshal would write it), else list.
func fastList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	n := 2
	for _, x := range xs {
		if !plain(x) {
			return list(xs)
		}
		n += len(x) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), x...), '"')
	}
	return string(append(b, ']'))
}

// plainList reads an array fastList wrote by hand; nil when it is not
// one (the caller then decodes it as JSON).
func plainList(s string) []string {
	if s == "[]" || s == "" {
		return []string{}
	}
	if len(s) < 4 || s[0] != '[' || s[1] != '"' || s[len(s)-2] != '"' || s[len(s)-1] != ']' || strings.ContainsRune(s, '\\') {
		return nil
	}
	parts := strings.Split(s[2:len(s)-2], `","`)
	for _, p := range parts {
		if strings.Contains(p, `"`) {
			return nil
		}
	}
	return parts
}

// ReviewSummary counts a campaign's items per reviewer.
func (s *Store) ReviewSummary(ctx context.Context, campaign int64) ([]attest.ReviewerSummary, error) {
	return queryAll(ctx, s, `SELECT reviewer_id, reviewer, count(*),
		SUM(CASE WHEN decision <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN decision = 'revoke' THEN 1 ELSE 0 END),
		SUM(CASE WHEN decision = 'revoke' AND resolved_entry = 0 THEN 1 ELSE 0 END),
		SUM(privileged),
		SUM(CASE WHEN flags <> '[]' THEN 1 ELSE 0 END)
		FROM review_items WHERE campaign_id = ? GROUP BY reviewer_id, reviewer ORDER BY reviewer_id, reviewer`, []any{campaign}, func(rows *sql.Rows, r *attest.ReviewerSummary) error {
		return rows.Scan(&r.ReviewerID, &r.Reviewer, &r.Items, &r.Decided, &r.Revoke, &r.OpenRevokes, &r.Privileged, &r.Flagged)
	})
}

// Signoffs lists a campaign's sign-offs in the order recorded.
func (s *Store) Signoffs(ctx context.Context, campaign int64) ([]attest.Signoff, error) {
	return queryAll(ctx, s, `SELECT campaign_id, reviewer_id, reviewer, note, by_name, at, entry FROM review_signoffs WHERE campaign_id = ? ORDER BY entry`, []any{campaign}, func(rows *sql.Rows, so *attest.Signoff) error {
		return rows.Scan(&so.Campaign, &so.ReviewerID, &so.Reviewer, &so.Note, &so.By, &so.At, &so.Entry)
	})
}

// preparedSet prepares each statement text once within a transaction: a
// bulk act runs the same multi-row statement hundreds of times, and
// parsing thousands of placeholders each time would cost more than the
// writes.
type preparedSet struct {
	t *tx
	m map[string]*sql.Stmt
}

func (t *tx) prepared() *preparedSet { return &preparedSet{t: t, m: map[string]*sql.Stmt{}} }

func (p *preparedSet) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = p.t.rebind(q)
	st := p.m[q]
	if st == nil {
		var err error
		if st, err = p.t.t.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		p.m[q] = st
	}
	return st.ExecContext(ctx, args...)
}

func (p *preparedSet) close() {
	for _, st := range p.m {
		st.Close()
	}
}
