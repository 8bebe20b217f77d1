package storetest

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testDisclosures: disclosures are recorded all or none, each with its
// ledger entry; a deviation is disclosed once; listing is by engagement.
func testDisclosures(t *testing.T, s attest.Store) {
	for _, id := range []string{"e1", "e2"} {
		if err := s.CreateEngagement(ctx, ch, Engagement(id), nil); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.LedgerSize(ctx)
	a := attest.Disclosure{EngagementID: "e1", Deviation: "missed-AX-01-2026-03-31", Summary: "AX-01: no evidence", To: "Ana Lima", On: "2026-04-02", Note: "by e-mail"}
	b := attest.Disclosure{EngagementID: "e1", Deviation: "check-aws-mfa-2026-04-01", Summary: "check failed", To: "Ana Lima", On: "2026-04-02"}
	got, err := s.AddDisclosures(ctx, ch, []attest.Disclosure{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Entry != before || got[1].Entry != before+1 || got[0].By != "tester" || got[0].At != ch.Stamp() {
		t.Fatalf("added: %+v (ledger was %d)", got, before)
	}
	// A batch with one deviation already disclosed writes nothing.
	c := attest.Disclosure{EngagementID: "e1", Deviation: "late-AX-01-2026-06-30", Summary: "late", To: "Ana Lima", On: "2026-07-10"}
	_, err = s.AddDisclosures(ctx, ch, []attest.Disclosure{c, a})
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.AddDisclosures(ctx, ch, []attest.Disclosure{{EngagementID: "nope", Deviation: "x", To: "y", On: "2026-01-01"}})
	mustCode(t, err, attest.ENOTFOUND)
	if n, _ := s.LedgerSize(ctx); n != before+2 {
		t.Errorf("ledger size %d after refused batches, want %d", n, before+2)
	}
	// The same identifier in another engagement is another deviation.
	other := a
	other.EngagementID = "e2"
	if _, err := s.AddDisclosures(ctx, ch, []attest.Disclosure{other}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Disclosures(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, list); diff != "" {
		t.Errorf("disclosures of e1 (-want +got):\n%s", diff)
	}
	all, _ := s.Disclosures(ctx, "")
	if len(all) != 3 {
		t.Errorf("all disclosures: %d, want 3", len(all))
	}
}
