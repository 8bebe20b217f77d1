package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

const finalPDF = "%PDF-1.4\n% the CPA firm's final report\n%%EOF\n"

func issuedRequest() IssuedRequest {
	return IssuedRequest{Engagement: "e1", Kind: "SOC 2", Type: "2", Period: "2025-01-01..2025-12-31", Firm: "Example CPA LLP", ReportDate: "2026-02-20",
		Name: "exports/final.pdf", Bytes: []byte(finalPDF)}
}

func TestAddIssued(t *testing.T) {
	ctx := context.Background()
	s, bs, _ := loadFixture(t)
	admin := &attest.User{ID: 3, Email: "admin@example.com", Role: attest.RoleAdmin}
	got, err := AddIssued(ctx, s, bs, change, admin, issuedRequest())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(finalPDF))
	want := map[string]string{"kind": "SOC 2", "type": "Type 2", "period": "2025-01-01..2025-12-31", "firm": "Example CPA LLP", "report_date": "2026-02-20",
		"sha256": hex.EncodeToString(sum[:]), "distribution_confirmed": "false", "original_name": "final.pdf"}
	if diff := cmp.Diff(want, got.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if got.Kind != attest.DocIssued || got.Name != "final.pdf" || got.MediaType != "application/pdf" || got.Size != int64(len(finalPDF)) || got.Entry == 0 {
		t.Errorf("document %+v", got)
	}
	if b, err := blob.ReadAll(bs, blob.Ref(got.Ref)); err != nil || string(b) != finalPDF {
		t.Errorf("kept %q, %v; want the file byte for byte", b, err)
	}
	// Its record is one a bridge letter reads.
	if r, err := IssuedFrom(*got); err != nil || r.Kind != attest.SOC2 || r.End != "2025-12-31" || r.Date != "2026-02-20" {
		t.Errorf("IssuedFrom: %+v, %v", r, err)
	}
	// A SOC 3 has no type; the local operator is management.
	soc3 := issuedRequest()
	soc3.Kind, soc3.Type, soc3.DistributionConfirmed = "SOC 3", "", true
	if d, err := AddIssued(ctx, s, bs, change, nil, soc3); err != nil || d.Meta["type"] != "" || d.Meta["distribution_confirmed"] != "true" {
		t.Errorf("SOC 3: %+v, %v", d, err)
	}
}

// TestAddIssuedRefused: an actor who is not management is refused naming
// the rule, bad input naming its field, and neither keeps any bytes or
// writes any record.
func TestAddIssuedRefused(t *testing.T) {
	edit := func(f func(*IssuedRequest)) IssuedRequest {
		r := issuedRequest()
		f(&r)
		return r
	}
	tests := []struct {
		name  string
		actor *attest.User
		req   IssuedRequest
		code  string
		want  string
	}{
		{"auditor", &attest.User{ID: 7, Role: attest.RoleAuditor}, issuedRequest(), attest.EFORBIDDEN, "only an administrator or a compliance manager keeps issued reports"},
		{"viewer", &attest.User{ID: 8, Role: attest.RoleViewer}, issuedRequest(), attest.EFORBIDDEN, "only an administrator or a compliance manager"},
		{"control owner", &attest.User{ID: 9, Role: attest.RoleOwner}, issuedRequest(), attest.EFORBIDDEN, "only an administrator or a compliance manager"},
		{"kind", nil, edit(func(r *IssuedRequest) { r.Kind = "SOC 4" }), attest.EINVALID, `unknown report kind "SOC 4"`},
		{"type", nil, edit(func(r *IssuedRequest) { r.Type = "" }), attest.EINVALID, "unknown report type"},
		{"SOC 3 with a type", nil, edit(func(r *IssuedRequest) { r.Kind = "SOC 3" }), attest.EINVALID, "type: a SOC 3 has no type"},
		{"period", nil, edit(func(r *IssuedRequest) { r.Period = " " }), attest.EINVALID, "period: say what the report covers"},
		{"period not dates", nil, edit(func(r *IssuedRequest) { r.Period = "calendar 2026" }), attest.EINVALID, `period: "calendar 2026": want START..END or the as-of date`},
		{"period backwards", nil, edit(func(r *IssuedRequest) { r.Period = "2026-12-31..2026-01-01" }), attest.EINVALID, "START before END"},
		{"firm", nil, edit(func(r *IssuedRequest) { r.Firm = "" }), attest.EINVALID, "firm: say which CPA firm issued the report"},
		{"report date", nil, edit(func(r *IssuedRequest) { r.ReportDate = "Feb 20" }), attest.EINVALID, `report date: date "Feb 20": want YYYY-MM-DD`},
		// The clock of the change is 2026-04-02.
		{"period not over", nil, edit(func(r *IssuedRequest) { r.Period, r.ReportDate = "2026-01-01..2026-12-31", "" }), attest.EINVALID, "period: it ends 2026-12-31, after today (2026-04-02)"},
		{"report date to come", nil, edit(func(r *IssuedRequest) { r.ReportDate = "2026-05-01" }), attest.EINVALID, "report date: 2026-05-01 is after today (2026-04-02)"},
		{"report date before the period ends", nil, edit(func(r *IssuedRequest) { r.ReportDate = "2025-12-30" }), attest.EINVALID, "report date: 2025-12-30 is before 2025-12-31"},
		{"not a PDF", nil, edit(func(r *IssuedRequest) { r.Name, r.Bytes = "final.txt", []byte("not a pdf") }), attest.EINVALID, "final.txt: not a PDF file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
			if err := s.CreateEngagement(ctx, change, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
				t.Fatal(err)
			}
			size, _ := s.LedgerSize(ctx)
			_, err := AddIssued(ctx, s, bs, change, tt.actor, tt.req)
			if attest.ErrorCode(err) != tt.code || !strings.Contains(attest.ErrorMessage(err), tt.want) {
				t.Fatalf("got %s %v, want %s %q", attest.ErrorCode(err), err, tt.code, tt.want)
			}
			if docs, err := s.Documents(ctx, "", ""); err != nil || len(docs) != 0 {
				t.Errorf("recorded %+v, %v", docs, err)
			}
			if n, _ := s.LedgerSize(ctx); n != size {
				t.Errorf("ledger grew from %d to %d entries", size, n)
			}
			var blobs []blob.Ref
			bs.List(func(i blob.Info) error { blobs = append(blobs, i.Ref); return nil })
			if len(blobs) != 0 {
				t.Errorf("kept bytes %v", blobs)
			}
		})
	}
}
