package storetest

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testAccessReviews walks one campaign of 1,200 accounts through the
// store in the order the workflow writes it (start, assign, decide, sign
// off, close a revoke, complete), each step checked against the rows
// and the ledger before the next: one scenario, long because each step
// reads the state the one before left.
func testAccessReviews(t *testing.T, s attest.Store) {
	items := make([]attest.ReviewItem, 1200) // more than one multi-row insert
	for i := range items {
		items[i] = attest.ReviewItem{Seq: i + 1, Account: "u" + string(rune('a'+i%26)) + itoa(i), Roles: []string{"member"}, Entitlements: []string{}, Flags: []string{}}
	}
	items[5].Privileged, items[5].Flags, items[5].Manager = true, []string{attest.FlagLeft}, "m@example.com"
	l := attest.Listing{Source: "file a.csv", File: "f00d", ExtractedAt: "2026-03-04", ExtractedBy: "tester", Completeness: "1200 read", Digest: "d1"}
	size0, _ := s.LedgerSize(ctx)
	c, err := s.StartCampaign(ctx, ch, attest.Campaign{System: "GitHub", Due: "2026-04-01", Listing: l}, items)
	if err != nil {
		t.Fatal(err)
	}
	if size1, _ := s.LedgerSize(ctx); size1 != size0+1 {
		t.Errorf("starting 1200 items added %d entries, want 1", size1-size0)
	}
	got, err := s.Campaign(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" || got.Accounts != 1200 || got.Status != attest.CampaignOpen {
		t.Errorf("campaign (-started +read):\n%s", diff)
	}
	read, err := s.ReviewItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(read) != 1200 || read[0].Seq != 6 || !read[0].Privileged || read[0].Manager != "m@example.com" || read[0].Flags[0] != attest.FlagLeft || read[1].Seq != 1 {
		t.Errorf("items: %d, first %+v, second %+v (privileged first)", len(read), read[0], read[1])
	}
	// A listing naming an account twice is refused whole.
	if _, err := s.StartCampaign(ctx, ch, attest.Campaign{System: "x", Listing: l}, []attest.ReviewItem{{Seq: 1, Account: "a"}, {Seq: 2, Account: "a"}}); err == nil {
		t.Error("a duplicate account was stored")
	}
	if cs, _ := s.Campaigns(ctx); len(cs) != 1 {
		t.Errorf("%d campaigns after a refused start, want 1", len(cs))
	}

	var as []attest.Assignment
	for i := range items {
		as = append(as, attest.Assignment{Seq: i + 1, ReviewerID: int64(1 + i%2), Reviewer: []string{"a@x", "b@x"}[i%2]})
	}
	if err := s.AssignReviewers(ctx, ch, c.ID, as, "d2"); err != nil {
		t.Fatal(err)
	}
	ds := []attest.Decision{{Seq: 1, Decision: attest.DecisionRevoke, Reason: "left"}, {Seq: 3, Decision: attest.DecisionKeep}}
	if err := s.RecordDecisions(ctx, ch, c.ID, 2, ds, "d3"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("reviewer 2 decided reviewer 1's items: %v", err)
	}
	if err := s.RecordDecisions(ctx, ch, c.ID, 1, ds, "d3"); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignReviewers(ctx, ch, c.ID, as[:1], "d4"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a decided item was reassigned: %v", err)
	}
	sum, err := s.ReviewSummary(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []attest.ReviewerSummary{
		{ReviewerID: 1, Reviewer: "a@x", Items: 600, Decided: 2, Revoke: 1, OpenRevokes: 1, Privileged: 0, Flagged: 0},
		{ReviewerID: 2, Reviewer: "b@x", Items: 600, Privileged: 1, Flagged: 1},
	}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if err := s.ResolveRevokes(ctx, ch, c.ID, []attest.Resolution{{Seq: 3, Ticket: "T"}}, "d5"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a keep was resolved: %v", err)
	}
	if err := s.ResolveRevokes(ctx, ch, c.ID, []attest.Resolution{{Seq: 1, Removed: "file b.csv"}}, "d5"); err != nil {
		t.Fatal(err)
	}
	so, err := s.SignOff(ctx, ch, attest.Signoff{Campaign: c.ID, ReviewerID: 1, Reviewer: "a@x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignOff(ctx, ch, attest.Signoff{Campaign: c.ID, ReviewerID: 1, Reviewer: "a@x"}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("signed off twice: %v", err)
	}
	if err := s.RecordDecisions(ctx, ch, c.ID, 1, ds[1:], "d6"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("decided after signing off: %v", err)
	}
	sos, _ := s.Signoffs(ctx, c.ID)
	if diff := cmp.Diff([]attest.Signoff{*so}, sos); diff != "" {
		t.Errorf("sign-offs (-want +got):\n%s", diff)
	}
	// Completing: the items must be those digested, the evidence and the
	// completion are one transaction, and a failed evidence record leaves
	// the campaign open.
	final, err := s.ReviewItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final[0].Seq != 6 || final[1].DecisionEntry == 0 || final[1].ResolvedEntry == 0 {
		t.Errorf("the revoked item does not name its entries: %+v", final[1])
	}
	rec := attest.ReviewCompletion{Campaign: c.ID, Rows: len(final), Digest: attest.ItemsDigest(final)}
	stale := rec
	stale.Digest = "0"
	if _, err := s.CompleteCampaign(ctx, ch, stale, nil); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("completed over a stale digest: %v", err)
	}
	ev := attest.Evidence{Ref: "sha256:" + strings.Repeat("ab", 32), Size: 3, MediaType: "text/csv", Name: "d.csv", Date: "2026-04-01", Method: attest.MethodUpload}
	twice := ev
	twice.Controls = []string{"C-1", "C-1"}
	size2, _ := s.LedgerSize(ctx)
	if _, err := s.CompleteCampaign(ctx, ch, rec, []attest.Evidence{twice}); err == nil {
		t.Error("completed with evidence that cannot be recorded")
	}
	if got, _ := s.Campaign(ctx, c.ID); got.Status != attest.CampaignOpen {
		t.Errorf("a failed completion left the campaign %s", got.Status)
	}
	done, err := s.CompleteCampaign(ctx, ch, rec, []attest.Evidence{ev})
	if err != nil || done.Status != attest.CampaignCompleted || done.CompletedEntry == 0 || done.EvidenceID == 0 {
		t.Fatalf("complete: %+v, %v", done, err)
	}
	if size3, _ := s.LedgerSize(ctx); size3 != size2+2 {
		t.Errorf("completing added %d entries, want 2 (the evidence, the completion)", size3-size2)
	}
	if e, err := s.Evidence(ctx, done.EvidenceID); err != nil || e.Name != "d.csv" {
		t.Errorf("the campaign's evidence: %+v, %v", e, err)
	}
	if err := s.AssignReviewers(ctx, ch, c.ID, as[1:2], "d7"); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a completed campaign was changed: %v", err)
	}
	if _, err := s.Campaign(ctx, 999); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("unknown campaign: %v", err)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
