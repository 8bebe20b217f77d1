package storetest

import (
	"encoding/json"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// testEvidenceDates: what evidence covers, when it was performed (and
// where that came from) and when it was added are kept, read back alike
// by id and by list, and recorded in the ledger entry; evidence without a
// performed-on date reads back empty.
func testEvidenceDates(t *testing.T, s attest.Store) {
	approval := Evidence("pr-1042.json", "CHG-02")
	approval.PerformedOn, approval.PerformedFrom = "2026-02-09T15:04:05Z", "GitHub pull request: the latest approving review"
	entered := Evidence("q1-review.pdf", "AC-06")
	entered.Date, entered.PerformedOn, entered.PerformedFrom = "2026-03-31", "2026-04-12", attest.PerformedEntered
	span := Evidence("cloudtrail.csv", "OPS-07")
	span.Date, span.CoversStart, span.CoversEnd = "", "2026-01-01", "2026-03-31"
	added, err := s.AddEvidence(ctx, ch, []attest.Evidence{approval, entered, span})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range added {
		got, err := s.Evidence(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("evidence %d (-want +got):\n%s", i, diff)
		}
	}
	if added[0].PerformedOn != approval.PerformedOn || added[1].PerformedFrom != attest.PerformedEntered || added[2].PerformedOn != "" {
		t.Errorf("performed on: %+v", added)
	}
	list, err := s.EvidenceList(ctx, "CHG-02", false)
	if err != nil || len(list) != 1 || list[0].PerformedOn != approval.PerformedOn || list[0].PerformedFrom != approval.PerformedFrom {
		t.Errorf("list: %+v %v", list, err)
	}
	// The JSON names: covers (a date or a span), added, performed_on.
	var js []map[string]any
	b, _ := json.Marshal(added)
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if js[1]["covers"] != "2026-03-31" || js[2]["covers"] != "2026-01-01..2026-03-31" || js[1]["performed_on"] != "2026-04-12" ||
		js[0]["added"] != ch.Stamp() || js[0]["added_at"] != ch.Stamp() || js[1]["date"] != "2026-03-31" {
		t.Errorf("JSON: %s", b)
	}
	if _, ok := js[2]["performed_on"]; ok {
		t.Errorf("unknown performed_on is written: %s", b)
	}
	// The ledger entry records both.
	var rec attest.EvidenceRecord
	if err := s.ScanLedger(ctx, added[0].Entry, added[0].Entry+1, func(_ int64, r []byte) error {
		var e struct{ Data attest.EvidenceRecord }
		err := json.Unmarshal(r, &e)
		rec = e.Data
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rec.PerformedOn != approval.PerformedOn || rec.PerformedFrom != approval.PerformedFrom {
		t.Errorf("ledger entry: %+v", rec)
	}
}
