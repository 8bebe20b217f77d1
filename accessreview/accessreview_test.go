package accessreview_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var (
	ctx = context.Background()
	ch  = attest.Change{Actor: "operator", At: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
)

const listing = `system,account,email,name,roles,entitlements,privileged
github,ana,ana@example.com,Ana Lima,member,,
github,bo,bo@example.com,Bo Chen,admin,,
github,cy,cy@example.com,Cy Diaz,member;billing,,
github,ghost,ghost@example.com,,member,,
okta,ana,ana@example.com,Ana Lima,user,,
`

func roster() accessreview.Roster {
	return accessreview.Roster{
		"ana@example.com": {Email: "ana@example.com", Manager: "mia@example.com", Status: "active"},
		"bo@example.com":  {Email: "bo@example.com", Manager: "mia@example.com", Status: "active"},
		"cy@example.com":  {Email: "cy@example.com", Manager: "ana@example.com", Status: "terminated", EndDate: "2026-03-15"},
	}
}

type fixture struct {
	db    *sqlite.DB
	users map[string]*attest.User
	c     *attest.Campaign
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := sqlitetest.Create(t)
	f := &fixture{db: db, users: map[string]*attest.User{}}
	for _, u := range []attest.User{
		{Email: "mia@example.com", Name: "Mia", Role: attest.RoleOwner},
		{Email: "ana@example.com", Name: "Ana Lima", Role: attest.RoleOwner},
		{Email: "olu@example.com", Name: "Olu (owner)", Role: attest.RoleCompliance},
		{Email: "aud@example.com", Name: "Auditor", Role: attest.RoleAuditor},
	} {
		got, err := db.SaveUser(ctx, ch, u)
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.Email] = got
	}
	accts, left, err := accessreview.ReadCSV("accounts.csv", strings.NewReader(listing), "GitHub")
	if err != nil {
		t.Fatal(err)
	}
	if left != 1 {
		t.Errorf("left out %d rows, want 1 (okta)", left)
	}
	c, items, err := accessreview.Start(ctx, db, ch, nil, accessreview.StartRequest{System: "GitHub", Due: "2026-04-30", Accounts: accts, Roster: roster(),
		Listing: attest.Listing{Source: "file accounts.csv", File: "abc", ExtractedAt: "2026-04-01", ExtractedBy: "operator", LeftOut: left}})
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Account != "bo" || !items[0].Privileged {
		t.Errorf("first item %+v, want the admin bo first", items[0])
	}
	f.c = c
	return f
}

func flags(t *testing.T, db *sqlite.DB, id int64) map[string][]string {
	items, err := db.ReviewItems(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, it := range items {
		out[it.Account] = it.Flags
	}
	return out
}

func TestCampaignToCompletion(t *testing.T) {
	f := setup(t)
	db, id := f.db, f.c.ID
	if f.c.Accounts != 4 || !strings.Contains(f.c.Listing.Completeness, "4 accounts read") || !strings.Contains(f.c.Listing.Completeness, "1 rows of other systems") {
		t.Errorf("campaign %+v", f.c)
	}
	want := map[string][]string{"ana": {}, "bo": {}, "cy": {attest.FlagLeft}, "ghost": {attest.FlagNotOnRoster}}
	if diff := cmp.Diff(want, flags(t, db, id)); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}

	// A control owner may not assign; management assigns by manager, with
	// the owner for the rest. cy's manager is ana; ghost has no manager.
	if _, err := accessreview.Assign(ctx, db, ch, f.users["ana@example.com"], id, accessreview.AssignRequest{Owner: "olu@example.com"}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("a control owner assigned: %v", err)
	}
	size0, _ := db.LedgerSize(ctx)
	got, err := accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Owner: "olu@example.com", ByManager: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"mia@example.com": 2, "ana@example.com": 1, "olu@example.com": 1}, got.By); diff != "" {
		t.Errorf("assigned (-want +got):\n%s", diff)
	}
	if size1, _ := db.LedgerSize(ctx); size1 != size0+1 {
		t.Errorf("assigning 4 accounts added %d ledger entries, want 1", size1-size0)
	}

	// Nobody reviews their own access: ana's account cannot go to ana.
	_, err = accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Accounts: []string{"ana"}, Reviewer: "ana@example.com"})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "own access") {
		t.Errorf("own access assigned: %v", err)
	}
	// Nor the service auditor.
	_, err = accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Accounts: []string{"ghost"}, Reviewer: "aud@example.com"})
	if attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("the auditor was assigned: %v", err)
	}

	mia, ana, olu := f.users["mia@example.com"], f.users["ana@example.com"], f.users["olu@example.com"]
	// A reviewer decides only their own accounts, revoke needs a reason.
	if _, err := accessreview.Decide(ctx, db, ch, ana, nil, id, []accessreview.DecisionInput{{Account: "bo", Decision: "keep"}}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("ana decided mia's account: %v", err)
	}
	if _, err := accessreview.Decide(ctx, db, ch, ana, mia, id, []accessreview.DecisionInput{{Account: "ana", Decision: "keep"}}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("ana acted as mia: %v", err)
	}
	_, err = accessreview.Decide(ctx, db, ch, mia, nil, id, []accessreview.DecisionInput{{Account: "bo", Decision: "keep"}, {Account: "ana", Decision: "revoke", File: "d.csv", Line: 3}})
	if attest.ErrorCode(err) != attest.EINVALID || err.Error() != "d.csv: line 3: reason: a decision to revoke needs its reason" {
		t.Errorf("revoke without reason: %v", err)
	}
	if items, _ := db.ReviewItems(ctx, id); items[0].Decision != "" {
		t.Errorf("a refused batch wrote %+v", items[0])
	}
	size0, _ = db.LedgerSize(ctx)
	n, err := accessreview.Decide(ctx, db, ch, mia, nil, id, []accessreview.DecisionInput{{Account: "bo", Decision: "Change", Reason: "drop admin"}, {Account: "ana", Decision: "keep"}})
	if err != nil || n != 2 {
		t.Fatalf("decide: %d, %v", n, err)
	}
	if size1, _ := db.LedgerSize(ctx); size1 != size0+1 {
		t.Errorf("a batch of 2 decisions added %d entries, want 1", size1-size0)
	}
	if _, err := accessreview.Decide(ctx, db, ch, ana, nil, id, []accessreview.DecisionInput{{Account: "cy", Decision: "revoke", Reason: "left the company"}}); err != nil {
		t.Fatal(err)
	}
	// The CLI's operator records the owner's decision, naming the owner.
	if _, err := accessreview.Decide(ctx, db, ch, nil, olu, id, []accessreview.DecisionInput{{Account: "ghost", Decision: "revoke", Reason: "nobody's"}}); err != nil {
		t.Fatal(err)
	}

	// Sign-offs; then two open revokes still block completion.
	for _, u := range []*attest.User{mia, ana, olu} {
		if _, err := accessreview.SignOff(ctx, db, ch, u, nil, id, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := accessreview.Decide(ctx, db, ch, mia, nil, id, []accessreview.DecisionInput{{Account: "bo", Decision: "keep"}}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("decided after sign-off: %v", err)
	}
	blobs := sqlitetest.Blobs(t)
	_, err = accessreview.Complete(ctx, db, blobs, ch, nil, id, nil)
	if attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "2 revokes are not yet shown done") {
		t.Fatalf("completed with open revokes: %v", err)
	}

	// A listing from before the start shows nothing; a later one without
	// cy closes cy's revoke; a ticket closes ghost's.
	later := attest.Listing{Source: "file accounts-may.csv", ExtractedAt: "2026-03-01"}
	if _, err := accessreview.Confirm(ctx, db, ch, nil, id, later, nil); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("an earlier listing was taken: %v", err)
	}
	later.ExtractedAt = "2026-05-02"
	fu, err := accessreview.Confirm(ctx, db, ch, nil, id, later, []accessreview.Account{{Account: "ana"}, {Account: "bo"}, {Account: "ghost"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&accessreview.FollowUp{Closed: []string{"cy"}, Open: []string{"ghost"}}, fu); diff != "" {
		t.Errorf("follow-up (-want +got):\n%s", diff)
	}
	if err := accessreview.LinkTicket(ctx, db, ch, nil, id, "ghost", "OPS-12"); err != nil {
		t.Fatal(err)
	}
	st, err := accessreview.LoadStatus(ctx, db, id, ch.At)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Blockers) != 0 || st.Decided != 4 || st.Revokes != 2 || st.Open != 0 || st.Flagged != 2 {
		t.Errorf("status %+v", st)
	}

	// Completion makes the decisions evidence for the control.
	if err := db.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	// A control no engagement holds is refused, whoever names it, and
	// nothing is completed.
	if _, err := accessreview.Complete(ctx, db, blobs, ch, nil, id, []string{"AX-01", "ZZ-99"}); attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "ZZ-99") {
		t.Fatalf("an unknown control: %v", err)
	}
	c, err := accessreview.Complete(ctx, db, blobs, ch, nil, id, []string{" ax-01"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != attest.CampaignCompleted || c.EvidenceID == 0 {
		t.Fatalf("completed %+v", c)
	}
	ev, err := db.Evidence(ctx, c.EvidenceID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ev.Controls, []string{"AX-01"}) {
		t.Errorf("the evidence is for %q, want the control as stored", ev.Controls)
	}
	rc, err := blobs.Open(blob.Ref(ev.Ref))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(rc).ReadAll()
	rc.Close()
	if err != nil || len(rows) != 5 || rows[1][3] != "bo" || rows[1][11] != "change" {
		t.Errorf("evidence rows %q, %v", rows, err)
	}
	if err := accessreview.LinkTicket(ctx, db, ch, nil, id, "ghost", "X"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a completed campaign took a change: %v", err)
	}

	// Each bulk act's entry names the SHA-256 of its rows.
	var types []string
	db.ScanLedger(ctx, 0, 1<<40, func(seq int64, rec []byte) error {
		e, err := ledger.Decode(rec)
		if err != nil {
			return err
		}
		if strings.HasPrefix(e.Type, "review.") {
			types = append(types, e.Type)
			if e.Type == attest.EntryReviewDecided {
				var b attest.ReviewBatch
				json.Unmarshal(e.Data, &b)
				if len(b.Digest) != 64 || b.Rows == 0 {
					t.Errorf("decided entry %s", e.Data)
				}
			}
		}
		return nil
	})
	wantTypes := []string{"review.started", "review.assigned", "review.decided", "review.decided", "review.decided",
		"review.signed_off", "review.signed_off", "review.signed_off", "review.resolved", "review.resolved", "review.completed"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("ledger (-want +got):\n%s", diff)
	}
}

func TestExportXLSX(t *testing.T) {
	f := setup(t)
	items, _ := f.db.ReviewItems(ctx, f.c.ID)
	items[0].Account = "=HYPERLINK(\"x\")"
	var buf bytes.Buffer
	if err := accessreview.WriteXLSX(&buf, f.c, items); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Decisions")
	if err != nil || len(rows) != 5 || rows[1][3] != `=HYPERLINK("x")` {
		t.Fatalf("rows %q, %v", rows, err)
	}
	if fm, _ := x.GetCellFormula("Decisions", "D2"); fm != "" {
		t.Errorf("an account name became a formula: %q", fm)
	}
	var csvBuf bytes.Buffer
	accessreview.WriteCSV(&csvBuf, f.c, items)
	if !strings.Contains(csvBuf.String(), `'=HYPERLINK`) {
		t.Errorf("CSV cell not defused:\n%s", csvBuf.String())
	}
}

func TestStartRules(t *testing.T) {
	db := sqlitetest.Create(t)
	accts := []accessreview.Account{{Account: "a"}}
	l := attest.Listing{Source: "file x.csv", ExtractedAt: "2026-04-01"}
	for name, tc := range map[string]struct {
		actor *attest.User
		req   accessreview.StartRequest
		code  string
	}{
		"owner":      {&attest.User{ID: 9, Role: attest.RoleOwner}, accessreview.StartRequest{System: "s", Accounts: accts, Listing: l}, attest.EFORBIDDEN},
		"no system":  {nil, accessreview.StartRequest{Accounts: accts, Listing: l}, attest.EINVALID},
		"empty":      {nil, accessreview.StartRequest{System: "s", Listing: l}, attest.EINVALID},
		"past due":   {nil, accessreview.StartRequest{System: "s", Accounts: accts, Listing: l, Due: "2026-01-01"}, attest.EINVALID},
		"bad due":    {nil, accessreview.StartRequest{System: "s", Accounts: accts, Listing: l, Due: "soon"}, attest.EINVALID},
		"no source":  {nil, accessreview.StartRequest{System: "s", Accounts: accts}, attest.EINVALID},
		"twice":      {nil, accessreview.StartRequest{System: "s", Accounts: append(accts, accts...), Listing: l}, attest.EINVALID},
		"compliance": {&attest.User{ID: 9, Role: attest.RoleCompliance}, accessreview.StartRequest{System: "s", Accounts: accts, Listing: l}, ""},
	} {
		_, _, err := accessreview.Start(ctx, db, ch, tc.actor, tc.req)
		if attest.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}
	cs, _ := db.Campaigns(ctx)
	if len(cs) != 1 || cs[0].Due != "2026-05-01" {
		t.Errorf("campaigns %+v, want one due in 30 days", cs)
	}
}
