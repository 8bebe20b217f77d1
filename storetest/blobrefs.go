package storetest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func testBlobRefs(t *testing.T, s attest.Store) {
	ref := func(i int) string { return fmt.Sprintf("sha256:%064d", i) }
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	var evs []attest.Evidence
	for i := 1; i <= 3; i++ {
		e := Evidence(fmt.Sprintf("e%d.txt", i), "AC-06")
		e.Ref = ref(i)
		evs = append(evs, e)
	}
	if _, err := s.AddEvidence(ctx, ch, evs); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{2, 3} {
		if _, err := s.RetractEvidence(ctx, ch, id, "superseded"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PurgeEvidence(ctx, ch, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "CHG-02", Ref: ref(4), Name: "changes.csv", Format: "csv", Rows: 2, KeyColumn: "id"}); err != nil {
		t.Fatal(err)
	}
	for i, kind := range []string{attest.DocDescription, attest.DocRender, attest.DocIssued, attest.DocShared} {
		if _, err := s.AddDocument(ctx, ch, attest.Document{EngagementID: "e1", Kind: kind, Name: kind, Ref: ref(5 + i), MediaType: "application/pdf"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []attest.BlobHolder
	if err := s.ScanBlobRefs(ctx, func(h attest.BlobHolder) error { got = append(got, h); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Ref < got[j].Ref })
	want := []attest.BlobHolder{
		{Kind: attest.HolderEvidence, ID: 1, Ref: ref(1)},
		{Kind: attest.HolderEvidence, ID: 2, Ref: ref(2)},
		{Kind: attest.HolderEvidence, ID: 3, Ref: ref(3), Purged: true},
		{Kind: attest.HolderPopulation, ID: 1, Ref: ref(4)},
		{Kind: attest.HolderDocument, ID: 1, Ref: ref(5)},
		{Kind: attest.HolderDocument, ID: 2, Ref: ref(6)},
		{Kind: attest.HolderDocument, ID: 3, Ref: ref(7)},
		{Kind: attest.HolderDocument, ID: 4, Ref: ref(8)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blob holders (-want +got):\n%s", diff)
	}
}
