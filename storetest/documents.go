package storetest

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func testDocuments(t *testing.T, s attest.Store) {
	d := attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: "final.pdf", Ref: "sha256:ab", Size: 10, MediaType: "application/pdf",
		Meta: map[string]string{"firm": "Example CPA LLP", "kind": "SOC 2"}}
	_, err := s.AddDocument(ctx, ch, d)
	mustCode(t, err, attest.ENOTFOUND)
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	bad := d
	bad.Kind = "memo"
	_, err = s.AddDocument(ctx, ch, bad)
	mustCode(t, err, attest.EINVALID)
	got, err := s.AddDocument(ctx, ch, d)
	if err != nil || got.ID != 1 || got.AddedBy != "tester" || got.Entry == 0 {
		t.Fatalf("add %+v %v", got, err)
	}
	desc := attest.Document{EngagementID: "e1", Kind: attest.DocDescription, Name: "description.yaml", Ref: "sha256:cd", Size: 3, MediaType: "application/yaml"}
	second, err := s.AddDocument(ctx, ch, desc)
	if err != nil || second.ID != 2 || second.Meta == nil {
		t.Fatalf("add %+v %v", second, err)
	}
	one, err := s.Document(ctx, 1)
	if err != nil || !cmp.Equal(*one, *got) {
		t.Errorf("document %+v %v, want %+v", one, err, got)
	}
	_, err = s.Document(ctx, 9)
	mustCode(t, err, attest.ENOTFOUND)
	if l, err := s.Documents(ctx, "e1", attest.DocIssued); err != nil || len(l) != 1 || l[0].ID != 1 {
		t.Errorf("issued %+v %v", l, err)
	}
	if l, err := s.Documents(ctx, "", ""); err != nil || len(l) != 2 {
		t.Errorf("all %+v %v", l, err)
	}
}
