package storetest

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testPolicies: a policy's changes are written with their ledger entries;
// a change made on a policy read before another change is refused and
// writes nothing; versions and acts are kept in order, with the version's
// text in the database and only its hash in the ledger.
func testPolicies(t *testing.T, s attest.Store) {
	before, _ := s.LedgerSize(ctx)
	p := attest.Policy{ID: "access-control", Template: "access-control", Title: "Access Control Policy", OwnerRole: "Security Officer", Owner: 3,
		Review: attest.Annual, Approvers: []int64{4, 5}, Controls: []string{"AC-01"}, Criteria: []string{"CC6.1"},
		Status: attest.PolicyDraft, Version: 1, CreatedAt: ch.Stamp(), UpdatedAt: ch.Stamp()}
	v1 := attest.PolicyVersion{PolicyID: p.ID, Version: 1, Body: "# Access\n\nLeast privilege.\n", SHA256: "abc", Note: "adopted", By: "tester", At: ch.Stamp()}
	got, err := s.RecordPolicy(ctx, ch, attest.EntryPolicyCreated, -1, attest.PolicyChange{Policy: p, Version: &v1})
	if err != nil {
		t.Fatal(err)
	}
	if got.Policy.Entry != before || got.Version.Entry != before || got.Version.Body != v1.Body {
		t.Fatalf("created: %+v %+v (ledger was %d)", got.Policy, got.Version, before)
	}
	_, err = s.RecordPolicy(ctx, ch, attest.EntryPolicyCreated, -1, attest.PolicyChange{Policy: p, Version: &v1})
	mustCode(t, err, attest.ECONFLICT)

	// A second version, then an act on the state read before it: refused.
	p2 := got.Policy
	p2.Version = 2
	v2 := attest.PolicyVersion{PolicyID: p.ID, Version: 2, Body: "# Access\n\nLeast privilege, always.\n", SHA256: "def", By: "tester", At: ch.Stamp()}
	edited, err := s.RecordPolicy(ctx, ch, attest.EntryPolicyEdited, got.Policy.Entry, attest.PolicyChange{Policy: p2, Version: &v2})
	if err != nil {
		t.Fatal(err)
	}
	stale := got.Policy
	stale.Status = attest.PolicyInReview
	_, err = s.RecordPolicy(ctx, ch, attest.EntryPolicySubmitted, got.Policy.Entry, attest.PolicyChange{Policy: stale, Event: &attest.PolicyEvent{PolicyID: p.ID, Version: 1, Action: attest.PolicySubmitted}})
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.RecordPolicy(ctx, ch, attest.EntryPolicyEdited, 0, attest.PolicyChange{Policy: attest.Policy{ID: "nope"}})
	mustCode(t, err, attest.ENOTFOUND)

	sub := edited.Policy
	sub.Status = attest.PolicyInReview
	ev := attest.PolicyEvent{PolicyID: p.ID, Version: 2, Action: attest.PolicySubmitted, By: "tester", At: ch.Stamp()}
	submitted, err := s.RecordPolicy(ctx, ch, attest.EntryPolicySubmitted, edited.Policy.Entry, attest.PolicyChange{Policy: sub, Event: &ev})
	if err != nil {
		t.Fatal(err)
	}
	app := submitted.Policy
	ap := attest.PolicyEvent{PolicyID: p.ID, Version: 2, Action: attest.PolicyApproval, Account: 4, Name: "Dana", By: "tester", At: ch.Stamp()}
	approved, err := s.RecordPolicy(ctx, ch, attest.EntryPolicyApproved, submitted.Policy.Entry, attest.PolicyChange{Policy: app, Event: &ap})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LedgerSize(ctx); n != before+4 {
		t.Errorf("ledger size %d, want %d: refused changes must write nothing", n, before+4)
	}

	read, err := s.Policy(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&approved.Policy, read); diff != "" {
		t.Errorf("policy read back (-want +got):\n%s", diff)
	}
	_, err = s.Policy(ctx, "nope")
	mustCode(t, err, attest.ENOTFOUND)
	vs, err := s.PolicyVersions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]attest.PolicyVersion{*got.Version, *edited.Version}, vs); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	es, err := s.PolicyEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]attest.PolicyEvent{*submitted.Event, *approved.Event}, es); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	all, _ := s.Policies(ctx)
	if len(all) != 1 || all[0].ID != p.ID {
		t.Errorf("policies: %+v", all)
	}
	// The ledger holds the version's hash, never its text.
	if err := s.ScanLedger(ctx, before, before+1, func(_ int64, rec []byte) error {
		if !strings.Contains(string(rec), `"sha256":"abc"`) || strings.Contains(string(rec), "Least privilege") {
			t.Errorf("ledger entry of the first version: %s", rec)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
