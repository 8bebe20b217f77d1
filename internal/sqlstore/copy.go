package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// copyTables lists every table in the order foreign keys need, with the
// columns to copy and the order that keeps rows as they were inserted.
// Engine-generated columns (an identity, SQLite's rowid) are left for the
// target to assign in the same order.
var copyTables = []struct {
	name, cols, order string
}{
	{"settings", "key, value", "key"},
	{"engagements", "id, name, kind, type, also_soc3, categories, templates, as_of, period_start, period_end, report_date, firm, created_at", "created_at, " + insertionOrder},
	{"controls", "engagement_id, id, title, description, type, nature, frequency, due_days, owner, owner_id, owner_role, status, status_reason, criteria, objectives, position, updated_at", "engagement_id, position"},
	{"exclusions", "engagement_id, criterion_id, reason, created_at", "engagement_id, criterion_id"},
	{"ledger_entries", "seq, type, record, created_at", "seq"},
	{"ledger_hashes", "idx, hash", "idx"},
	{"ledger_checkpoints", "size, note, created_at", "id"},
	{"evidence", "id, ref, size, media_type, name, date, covers_start, covers_end, performed_on, performed_from, added_by, added_at, method, source, note, entry, retracted_by, retracted_at, retract_reason, retract_entry, purged_at", "id"},
	{"evidence_controls", "evidence_id, control_id", "evidence_id, control_id"},
	{"events", "control_id, key, date, description, source, entry", "control_id, key"},
	{"not_required", "id, control_id, start_date, end_date, reason, evidence_id, added_by, added_at, entry", "id"},
	{"auditors", "engagement_id, name, user_id, firm, added_by, added_at", "engagement_id, name"},
	{"populations", "id, control_id, ref, name, format, rows, key_column, date_column, first_date, last_date, source, query, extracted_by, extracted_at, imported_by, imported_at, entry", "id"},
	{"draws", "id, engagement_id, control_id, population_id, seed, size, rule, stratify, items, binding, redraw_reason, drawn_by, drawn_at, entry, extends", "id"},
	{"completeness", "id, population_id, method, against_id, control_total, matched, missing, extra, missing_count, extra_count, note, by_name, at, entry", "id"},
	{"tests", testCols, "id"},
	{"responses", "test_id, text, by_name, at, entry", "entry"},
	{"disclosures", "engagement_id, deviation, summary, to_name, on_date, note, by_name, at, entry", "entry"},
	{"review_campaigns", campaignCols, "id"},
	{"review_items", itemCols, "campaign_id, seq"},
	{"review_signoffs", "campaign_id, reviewer_id, reviewer, note, by_name, at, entry", "entry"},
	{"users", "id, email, name, role, password_hash, disabled, service, created_at, updated_at", "id"},
	{"tokens", "id, user_id, name, hash, created_at, revoked_at", "id"},
	{"documents", "id, engagement_id, kind, name, ref, size, media_type, meta, added_by, added_at, entry", "id"},
	{"requests", "id, engagement_id, control_id, text, items, due, status, evidence, created_by, created_at, updated_by, updated_at", "id"},
	{"request_comments", "id, request_id, text, by_name, at, entry", "id"},
	{"auditor_keys", keyCols, "engagement_id, fingerprint"},
	{"auditor_statements", statementCols, "id"},
	{"trust_ndas", "version, text, sha256, created_at, entry", "version"},
	{"trust_requests", accessCols, "id"},
	{"trust_downloads", downloadCols, "id"},
	{"public_downloads", "document_id, day, count", "day, document_id"},
	{"policies", policyColumns, "id"},
	{"policy_versions", "policy_id, version, body, sha256, note, by_name, at, entry", "entry"},
	{"policy_events", "entry, policy_id, version, action, account, name, note, by_name, at", "entry"},
	{"people", personCols, "id"},
	{"person_changes", "entry, seq, person_id, record", "entry, seq"},
	{"checklist_items", checklistCols, "id"},
	{"policy_audiences", "policy_id, departments, roles, by_name, at, entry", "policy_id"},
	{"acknowledgements", "id, person_id, policy_id, version, sha256, at, via, note, by_name, entry", "id"},
	{"training_completions", completionCols, "id"},
	{"reminders", "entry, seq, person_id, email, items, at", "entry, seq"},
}

// The jobs, sessions and portal_links tables are not copied: they are a running
// server's state, not the organization's records.

// insertionOrder is replaced by the source dialect's column.
const insertionOrder = "<insertion order>"

// CopyTo copies every row into dst, which must be empty, in one
// transaction of dst: the target ends up with all of it or none. The
// ledger's records and tree hashes are copied byte for byte, so its root is
// the same on both sides. progress, when set, is told each table's rows.
func (s *Store) CopyTo(ctx context.Context, dst *Store, progress func(table string, rows int)) error {
	n, err := dst.LedgerSize(ctx)
	if err != nil {
		return err
	}
	if engs, err := dst.Engagements(ctx); err != nil {
		return err
	} else if n > 0 || len(engs) > 0 {
		return attest.Errorf(attest.ECONFLICT, "the target already holds data: copy into an empty database")
	}
	tx, err := dst.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range copyTables {
		order := strings.ReplaceAll(t.order, insertionOrder, s.d.InsertionOrder)
		rows, err := s.db.QueryContext(ctx, `SELECT `+t.cols+` FROM `+t.name+` ORDER BY `+order)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		cols := strings.Split(strings.Join(strings.Fields(t.cols), " "), ", ")
		insert := `INSERT INTO ` + t.name + ` (` + t.cols + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
		count := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			for i, c := range cols {
				vals[i] = portable(c, vals[i])
			}
			if _, err := tx.ExecContext(ctx, insert, vals...); err != nil {
				rows.Close()
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			count++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if progress != nil {
			progress(t.name, count)
		}
	}
	return tx.Commit()
}

// portable turns a value read from one engine into one every engine takes.
func portable(col string, v any) any {
	switch x := v.(type) {
	case int64:
		if col == "also_soc3" || col == "binding" || col == "internal" || col == "disabled" || col == "service" || col == "override" || col == "watermark" {
			return x != 0
		}
	}
	return v
}
