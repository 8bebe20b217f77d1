package storetest

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func testTrust(t *testing.T, s attest.Store) {
	_, err := s.SaveNDA(ctx, ch, "  \n")
	mustCode(t, err, attest.EINVALID)
	n1, err := s.SaveNDA(ctx, ch, "Keep the report confidential.")
	if err != nil || n1.Version != 1 || len(n1.SHA256) != 64 {
		t.Fatalf("nda %+v %v", n1, err)
	}
	n2, err := s.SaveNDA(ctx, ch, "Keep the report confidential, version two.")
	if err != nil || n2.Version != 2 || n2.SHA256 == n1.SHA256 {
		t.Fatalf("nda 2 %+v %v", n2, err)
	}
	if l, err := s.NDAs(ctx); err != nil || len(l) != 2 || !cmp.Equal(l[1], *n2) {
		t.Errorf("ndas %+v %v", l, err)
	}

	req := attest.AccessRequest{DocumentID: 1, Name: "Ana", Email: "Ana@Customer.example", Company: "Customer Inc",
		Requester: attest.RequesterCustomer, Reason: "vendor review", Status: attest.AccessUnconfirmed, EmailHash: "e1"}
	_, err = s.SaveAccessRequest(ctx, ch, attest.EntryAccessRequested, req)
	mustCode(t, err, attest.ENOTFOUND) // no document 1 yet
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDocument(ctx, ch, attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: "r.pdf", Ref: "sha256:ab", MediaType: "application/pdf", Meta: map[string]string{"kind": "SOC 2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAccessRequest(ctx, ch, "trust.made_up", req); err == nil {
		t.Error("an unknown entry type was accepted")
	}
	noMail := req
	noMail.Email = "nobody"
	_, err = s.SaveAccessRequest(ctx, ch, attest.EntryAccessRequested, noMail)
	mustCode(t, err, attest.EINVALID)
	got, err := s.SaveAccessRequest(ctx, ch, attest.EntryAccessRequested, req)
	if err != nil || got.ID != 1 || got.Email != "ana@customer.example" || got.CreatedAt == "" || got.Domain() != "customer.example" {
		t.Fatalf("request %+v %v", got, err)
	}
	dup := req
	_, err = s.SaveAccessRequest(ctx, ch, attest.EntryAccessRequested, dup)
	mustCode(t, err, attest.ECONFLICT) // the same e-mail token twice

	got.Status, got.NDAVersion, got.NDASHA256, got.NDAIP = attest.AccessPending, 2, n2.SHA256, "192.0.2.1"
	got.Company = "changed" // submitted facts never change
	upd, err := s.SaveAccessRequest(ctx, ch, attest.EntryNDAAccepted, *got)
	if err != nil || upd.Status != attest.AccessPending || upd.NDAVersion != 2 || upd.Company != "Customer Inc" {
		t.Fatalf("update %+v %v", upd, err)
	}
	upd.Status, upd.LinkHash, upd.ExpiresAt = attest.AccessApproved, "l1", "2026-03-18T05:06:07Z"
	if _, err := s.SaveAccessRequest(ctx, ch, attest.EntryAccessApproved, *upd); err != nil {
		t.Fatal(err)
	}
	byLink, err := s.AccessRequestByHash(ctx, "link", "l1")
	if err != nil || byLink.ID != 1 || byLink.Status != attest.AccessApproved {
		t.Errorf("by link %+v %v", byLink, err)
	}
	if byMail, err := s.AccessRequestByHash(ctx, "email", "e1"); err != nil || byMail.ID != 1 {
		t.Errorf("by e-mail %+v %v", byMail, err)
	}
	_, err = s.AccessRequestByHash(ctx, "link", "")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.AccessRequestByHash(ctx, "link", "nope")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.AccessRequest(ctx, 5)
	mustCode(t, err, attest.ENOTFOUND)
	ghost := *upd
	ghost.ID = 7
	_, err = s.SaveAccessRequest(ctx, ch, attest.EntryAccessRevoked, ghost)
	mustCode(t, err, attest.ENOTFOUND)

	d, err := s.AddDownload(ctx, ch, attest.Download{DocumentID: 1, RequestID: 1, Name: "Ana", Email: "ana@customer.example", IP: "192.0.2.1", UserAgent: "test", SHA256: "cafe", Watermark: true})
	if err != nil || d.ID != 1 || d.Entry == 0 || d.At == "" {
		t.Fatalf("download %+v %v", d, err)
	}
	if l, err := s.Downloads(ctx); err != nil || len(l) != 1 || !cmp.Equal(l[0], *d) {
		t.Errorf("downloads %+v %v", l, err)
	}
	if l, err := s.AccessRequests(ctx); err != nil || len(l) != 1 || l[0].LinkHash != "l1" {
		t.Errorf("requests %+v %v", l, err)
	}
}

func testPublicDownloads(t *testing.T, s attest.Store) {
	before, _ := s.LedgerSize(ctx)
	for _, day := range []string{"2026-11-30", "2026-11-30", "2026-12-01", "2026-11-30"} {
		if err := s.CountPublicDownload(ctx, 7, day); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CountPublicDownload(ctx, 3, "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	got, err := s.PublicDownloads(ctx)
	want := []attest.PublicDownloads{{DocumentID: 7, Day: "2026-11-30", Count: 3}, {DocumentID: 3, Day: "2026-12-01", Count: 1}, {DocumentID: 7, Day: "2026-12-01", Count: 1}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("counts %+v %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("count %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if after, _ := s.LedgerSize(ctx); after != before {
		t.Errorf("counting grew the ledger from %d to %d", before, after)
	}
}
