package check

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// The checks page's runs: staff read every run and the latest in full;
// the auditor of e1 reads only the runs that support e1's controls, does
// not see the latest when it supports none of them, and is refused it by
// number; evidence that is not a run, and a purged run, are said so.
func TestReadRuns(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	ch := attest.Change{Actor: "t", At: now}
	e1ctl, e2ctl := storetest.Controls(1), storetest.Controls(2)[1:]
	for id, ctls := range map[string][]attest.Control{"e1": e1ctl, "e2": e2ctl} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), ctls); err != nil {
			t.Fatal(err)
		}
	}
	auditor, err := s.SaveUser(ctx, ch, attest.User{Email: "ana@cpa.example", Name: "Ana", Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "Ana", UserID: auditor.ID}); err != nil {
		t.Fatal(err)
	}
	add := func(e attest.Evidence, b []byte) int64 {
		ref, size, err := bs.Put(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		e.Ref, e.Size, e.Date, e.MediaType = string(ref), size, "2026-06-01", "application/json"
		added, err := s.AddEvidence(ctx, ch, []attest.Evidence{e})
		if err != nil {
			t.Fatal(err)
		}
		return added[0].ID
	}
	run := func(control string) int64 {
		b, _ := json.Marshal(Run{RunAt: "2026-06-01T09:00:00Z", Results: []Result{{Check: "c", Status: StatusFail, Controls: []string{control}}, {Check: "d", Status: StatusPass, Controls: []string{control}}}})
		id := add(attest.Evidence{Name: "run.json", Controls: []string{control}, Method: attest.MethodCheck}, b)
		if err := RecordLatest(ctx, s, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ours := run(e1ctl[0].ID)
	theirs := run(e2ctl[0].ID)
	upload := add(attest.Evidence{Name: "review.json", Controls: []string{e1ctl[0].ID}, Method: attest.MethodUpload}, []byte("{}"))

	staff, err := ReadRuns(ctx, s, bs, auth.Everything, 0)
	if err != nil || len(staff.Runs) != 2 || staff.Runs[0].ID != theirs || staff.Run == nil || *staff.Run.Evidence != theirs || len(staff.Failed) != 1 || len(staff.Other) != 1 {
		t.Fatalf("staff: %+v %v", staff, err)
	}
	sc, err := auth.Policy{Dir: s, Grace: 30 * 24 * time.Hour, Now: now}.Scope(ctx, auditor)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ReadRuns(ctx, s, bs, sc, 0)
	if err != nil || len(v.Runs) != 1 || v.Runs[0].ID != ours || v.Run != nil {
		t.Fatalf("the auditor, latest: %+v %v", v, err)
	}
	if v, err = ReadRuns(ctx, s, bs, sc, ours); err != nil || v.Run == nil || *v.Run.Evidence != ours {
		t.Fatalf("the auditor, their run: %+v %v", v, err)
	}
	if _, err := ReadRuns(ctx, s, bs, sc, theirs); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("the auditor, another engagement's run: %v", err)
	}
	if _, err := ReadRuns(ctx, s, bs, auth.Everything, upload); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("an upload as a run: %v", err)
	}
	if _, err := s.RetractEvidence(ctx, ch, ours, "wrong input"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeEvidence(ctx, ch, ours); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRuns(ctx, s, bs, auth.Everything, ours); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("a purged run: %v", err)
	}
}
