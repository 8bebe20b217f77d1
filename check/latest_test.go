package check

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// keepRun stores run as a check run's evidence, as attest check run does.
func keepRun(t *testing.T, s *sqlite.DB, bs blob.Store, run Run) int64 {
	t.Helper()
	ctx := context.Background()
	b, _ := json.Marshal(run)
	ref, size, err := bs.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := s.AddEvidence(ctx, storeChange, []attest.Evidence{{Ref: string(ref), Size: size, Name: "check-run.json", MediaType: "application/json",
		Controls: []string{"AX-01"}, Date: "2026-03-02", Method: attest.MethodCheck, Source: "attest check run"}})
	if err != nil {
		t.Fatal(err)
	}
	return ev[0].ID
}

var storeChange = attest.Change{Actor: "tester", At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}

func TestLatestRun(t *testing.T) {
	ctx := context.Background()
	s, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
	if err := s.CreateEngagement(ctx, storeChange, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := Latest(ctx, s, bs); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Fatalf("before any run: %v", err)
	}
	results := []Result{{Check: "mfa", Status: StatusFail, Controls: []string{"AX-01"}, Failing: []Finding{{Resource: "u1"}}}}
	first := keepRun(t, s, bs, Run{RunAt: "2026-03-01T08:00:00Z", By: "ci", Results: results, Summary: Summarize(results)})
	second := keepRun(t, s, bs, Run{RunAt: "2026-03-02T08:00:00Z", By: "ci"})
	for _, id := range []int64{first, second} {
		if err := RecordLatest(ctx, s, id); err != nil {
			t.Fatal(err)
		}
	}
	run, err := Latest(ctx, s, bs)
	if err != nil || run.RunAt != "2026-03-02T08:00:00Z" || run.Evidence == nil || *run.Evidence != second {
		t.Fatalf("latest: %+v %v", run, err)
	}
	// A retracted latest run reports nothing; the one before does not
	// stand in for it.
	if _, err := s.RetractEvidence(ctx, storeChange, second, "wrong account"); err != nil {
		t.Fatal(err)
	}
	if _, err := Latest(ctx, s, bs); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("retracted: %v", err)
	}
	if id, err := LatestEvidence(ctx, s); err != nil || id != second {
		t.Errorf("the latest evidence is still recorded: %d %v", id, err)
	}
	ev, _ := s.Evidence(ctx, first)
	got, err := ReadRun(bs, ev)
	if err != nil || len(got.Results) != 1 || got.Results[0].Failing[0].Resource != "u1" || *got.Evidence != first {
		t.Errorf("read run %d: %+v %v", first, got, err)
	}
	if _, err := ReadRun(nil, ev); attest.ErrorCode(err) != attest.EUNAVAILABLE {
		t.Errorf("without an evidence store: %v", err)
	}
	// Nor does one whose bytes were purged.
	if err := RecordLatest(ctx, s, first); err != nil {
		t.Fatal(err)
	}
	if _, err := Latest(ctx, s, bs); err != nil {
		t.Fatal(err)
	}
	s.RetractEvidence(ctx, storeChange, first, "personal data")
	if _, err := s.PurgeEvidence(ctx, storeChange, first); err != nil {
		t.Fatal(err)
	}
	if _, err := Latest(ctx, s, bs); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("purged: %v", err)
	}
}
