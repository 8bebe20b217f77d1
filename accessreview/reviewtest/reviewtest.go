// Package reviewtest is the access reviews under attack: someone with the
// database's rows (by SQL) but not the ledger edits a decision, a
// reviewer, a reason, a revoke's closing, a sign-off or a campaign's
// status; each edit must end reported by attest verify (integrity.Check),
// which recomputes the SHA-256 of the rows each bulk entry names. Each
// engine's tests run it (sqlite, postgres), over the engine's own SQL.
package reviewtest

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/integrity"
)

// Open gives a fresh store and a raw connection to the same database.
type Open func(t *testing.T) (attest.Store, *sql.DB)

var (
	ctx = context.Background()
	ch  = attest.Change{Actor: "operator", At: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
)

// setup runs three campaigns through the workflows: 1 completed (with a
// revoke closed by a ticket), 2 open with decisions and a sign-off, 3
// open with its accounts assigned and none decided.
func setup(t *testing.T, s attest.Store) {
	t.Helper()
	users := map[string]*attest.User{}
	for _, e := range []string{"mia@example.com", "olu@example.com"} {
		u, err := s.SaveUser(ctx, ch, attest.User{Email: e, Name: e, Role: attest.RoleOwner})
		if err != nil {
			t.Fatal(err)
		}
		users[e] = u
	}
	accts := []accessreview.Account{{Account: "ana", Person: "ana@example.com", Roles: []string{"member"}},
		{Account: "bo", Person: "bo@example.com", Roles: []string{"admin"}, Privileged: true},
		{Account: "cy", Person: "cy@example.com", Roles: []string{"member"}}}
	for i, sys := range []string{"GitHub", "Okta", "AWS"} {
		c, _, err := accessreview.Start(ctx, s, ch, nil, accessreview.StartRequest{System: sys, Accounts: accts,
			Listing: attest.Listing{Source: "file " + sys + ".csv", ExtractedAt: "2026-04-01"}})
		if err != nil {
			t.Fatal(err)
		}
		must(t, assign(s, c.ID))
		if i == 2 {
			break
		}
		mia := users["mia@example.com"]
		if _, err := accessreview.Decide(ctx, s, ch, mia, nil, c.ID, []accessreview.DecisionInput{
			{Account: "cy", Decision: "revoke", Reason: "left in March"}, {Account: "ana", Decision: "keep"}, {Account: "bo", Decision: "change", Reason: "no admin"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := accessreview.SignOff(ctx, s, ch, mia, nil, c.ID, "done"); err != nil {
			t.Fatal(err)
		}
		must(t, accessreview.LinkTicket(ctx, s, ch, nil, c.ID, "cy", "OPS-1"))
		if i == 0 {
			if _, err := accessreview.Complete(ctx, s, nil, ch, nil, c.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func assign(s attest.Store, id int64) error {
	_, err := accessreview.Assign(ctx, s, ch, nil, id, accessreview.AssignRequest{Owner: "mia@example.com"})
	return err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, s attest.Store) []string {
	t.Helper()
	r, err := integrity.Check(ctx, integrity.Input{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range r.Problems {
		if strings.Contains(p.Detail, "access review") {
			out = append(out, p.Detail)
		}
	}
	return out
}

// Run edits the rows of each kind by SQL, one world each, and wants a
// problem from verify naming the access review.
func Run(t *testing.T, open Open) {
	t.Run("untouched", func(t *testing.T) {
		s, _ := open(t)
		setup(t, s)
		if ps := verify(t, s); len(ps) != 0 {
			t.Errorf("untouched reviews reported: %q", ps)
		}
	})
	t.Run("a wholesale edit", func(t *testing.T) {
		s, db := open(t)
		setup(t, s)
		if _, err := db.Exec(`UPDATE review_items SET assign_entry = 0 WHERE campaign_id = 3`); err != nil {
			t.Fatal(err)
		}
		ps := verify(t, s)
		if len(ps) != 1 || !strings.Contains(ps[0], "was not assigned by entry 0 (and 2 more rows alike)") {
			t.Errorf("want one problem naming the first row and the count: %q", ps)
		}
	})
	for name, stmt := range map[string]string{
		"decision of a completed campaign": `UPDATE review_items SET decision = 'keep' WHERE campaign_id = 1 AND account = 'cy'`,
		"decision of an open campaign":     `UPDATE review_items SET decision = 'revoke' WHERE campaign_id = 2 AND account = 'ana'`,
		"reason":                           `UPDATE review_items SET reason = 'still needed' WHERE campaign_id = 2 AND account = 'bo'`,
		"reviewer of a decided account":    `UPDATE review_items SET reviewer_id = 2, reviewer = 'olu@example.com' WHERE campaign_id = 2 AND account = 'ana'`,
		"reviewer of a completed campaign": `UPDATE review_items SET reviewer = 'olu@example.com' WHERE campaign_id = 1 AND account = 'ana'`,
		"decision without an entry":        `UPDATE review_items SET decision_entry = 0 WHERE campaign_id = 2 AND account = 'ana'`,
		"reviewer of an undecided account": `UPDATE review_items SET reviewer_id = 2, reviewer = 'olu@example.com' WHERE campaign_id = 3 AND account = 'cy'`,
		"assignment without an entry":      `UPDATE review_items SET assign_entry = 0 WHERE campaign_id = 3 AND account = 'cy'`,
		"ticket":                           `UPDATE review_items SET ticket = 'OPS-2' WHERE campaign_id = 2 AND account = 'cy'`,
		"revoke closed by SQL":             `UPDATE review_items SET removed = 'file later.csv' WHERE campaign_id = 2 AND account = 'bo'`,
		"revoke reopened":                  `UPDATE review_items SET ticket = '', resolved_entry = 0, resolved_at = '' WHERE campaign_id = 2 AND account = 'cy'`,
		"account renamed":                  `UPDATE review_items SET account = 'dan' WHERE campaign_id = 2 AND account = 'ana'`,
		"privilege hidden":                 `UPDATE review_items SET privileged = 0 WHERE campaign_id = 2 AND account = 'bo'`,
		"item deleted":                     `DELETE FROM review_items WHERE campaign_id = 2 AND account = 'ana'`,
		"sign-off note":                    `UPDATE review_signoffs SET note = 'all fine' WHERE campaign_id = 2`,
		"sign-off deleted":                 `DELETE FROM review_signoffs WHERE campaign_id = 2`,
		"sign-off forged":                  `INSERT INTO review_signoffs (campaign_id, reviewer_id, reviewer, note, by_name, at, entry) VALUES (2, 2, 'olu@example.com', '', 'olu', '2026-04-01T09:00:00Z', 99)`,
		"campaign completed by SQL":        `UPDATE review_campaigns SET status = 'completed' WHERE id = 2`,
		"campaign reopened":                `UPDATE review_campaigns SET status = 'open' WHERE id = 1`,
		"due date":                         `UPDATE review_campaigns SET due = '2027-01-01' WHERE id = 2`,
	} {
		t.Run(name, func(t *testing.T) {
			s, db := open(t)
			setup(t, s)
			if _, err := db.Exec(stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			if ps := verify(t, s); len(ps) == 0 {
				t.Errorf("verify did not report: %s", stmt)
			}
		})
	}
}
