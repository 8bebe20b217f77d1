package storetest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
)

var (
	t0    = time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	kinds = []string{"check-run", "collect"}
)

func testJobs(t *testing.T, s attest.Store) {
	_, _, err := s.EnqueueJob(ctx, attest.Job{Kind: ""}, t0)
	mustCode(t, err, attest.EINVALID)
	_, _, err = s.EnqueueJob(ctx, attest.Job{Kind: "collect", Payload: json.RawMessage(`{nope`)}, t0)
	mustCode(t, err, attest.EINVALID)
	j, created, err := s.EnqueueJob(ctx, attest.Job{Kind: "check-run", Key: "daily-2026-03-04", MaxAttempts: 3}, t0)
	if err != nil || !created || j.State != attest.JobQueued || j.ID == 0 || !j.RunAt.Equal(t0) {
		t.Fatalf("enqueue: %+v %v %v", j, created, err)
	}
	// The same key (another server scheduling the same slot) gives the same job.
	again, created, err := s.EnqueueJob(ctx, attest.Job{Kind: "check-run", Key: "daily-2026-03-04"}, t0)
	if err != nil || created || again.ID != j.ID {
		t.Fatalf("enqueue with the same key: %+v %v %v", again, created, err)
	}
	if _, err := s.ClaimJob(ctx, "w1", []string{"report-build"}, t0, time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("claim of another kind: %v", err)
	}
	c1, err := s.ClaimJob(ctx, "w1", kinds, t0, time.Minute)
	if err != nil || c1.ID != j.ID || c1.LockedBy != "w1" || c1.Attempts != 1 || c1.State != attest.JobRunning {
		t.Fatalf("claim: %+v %v", c1, err)
	}
	if _, err := s.ClaimJob(ctx, "w2", kinds, t0.Add(30*time.Second), time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("claim while leased: %v", err)
	}
	l1 := c1.Lease()
	if err := s.ExtendJob(ctx, l1, t0.Add(50*time.Second), time.Minute); err != nil {
		t.Fatal(err)
	}
	// The extended lease runs to 1:50; at 1:30 it still holds.
	if _, err := s.ClaimJob(ctx, "w2", kinds, t0.Add(90*time.Second), time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("claim before the extended lease ran out: %v", err)
	}
	ev := []attest.Evidence{{Ref: "sha256:" + fmt.Sprintf("%064d", 1), Size: 1, MediaType: "application/json", Name: "run.json", Method: attest.MethodCheck}}
	// w1 dies; after the lease, w2 takes the job over.
	c2, err := s.ClaimJob(ctx, "w2", kinds, t0.Add(2*time.Minute), time.Minute)
	if err != nil || c2.ID != j.ID || c2.LockedBy != "w2" || c2.Attempts != 2 {
		t.Fatalf("re-claim after the lease ran out: %+v %v", c2, err)
	}
	// The stale worker can no longer touch it.
	mustCode(t, s.ExtendJob(ctx, l1, t0.Add(2*time.Minute), time.Minute), attest.ECONFLICT)
	mustCode(t, s.CompleteJob(ctx, l1, t0.Add(2*time.Minute), nil), attest.ECONFLICT)
	mustCode(t, s.FailJob(ctx, l1, t0.Add(2*time.Minute), "x", t0), attest.ECONFLICT)
	_, err = s.AddJobEvidence(ctx, ch, l1, "run", ev)
	mustCode(t, err, attest.ECONFLICT)
	// The holder records its effect once; a second time is refused.
	l2 := c2.Lease()
	got, err := s.AddJobEvidence(ctx, ch, l2, "run", ev)
	if err != nil || len(got) != 1 {
		t.Fatalf("job evidence: %+v %v", got, err)
	}
	_, err = s.AddJobEvidence(ctx, ch, l2, "run", ev)
	mustCode(t, err, attest.ECONFLICT)
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	doc := attest.Document{EngagementID: "e1", Kind: attest.DocRender, Name: "draft.html", Ref: ev[0].Ref, Size: 1, MediaType: "text/html"}
	if _, err := s.AddJobDocument(ctx, ch, l1, "render:html", doc); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("stale worker's document: %v", err)
	}
	if d, err := s.AddJobDocument(ctx, ch, l2, "render:html", doc); err != nil || d.ID != 1 {
		t.Fatalf("job document: %+v %v", d, err)
	}
	_, err = s.AddJobDocument(ctx, ch, l2, "render:html", doc)
	mustCode(t, err, attest.ECONFLICT)
	if docs, _ := s.Documents(ctx, "e1", ""); len(docs) != 1 {
		t.Errorf("%d documents, want 1", len(docs))
	}
	if all, _ := s.EvidenceList(ctx, "", true); len(all) != 1 {
		t.Errorf("%d evidence records, want 1", len(all))
	}
	if err := s.CompleteJob(ctx, l2, t0.Add(3*time.Minute), json.RawMessage(`{"evidence":1}`)); err != nil {
		t.Fatal(err)
	}
	done, err := s.Job(ctx, j.ID)
	if err != nil || done.State != attest.JobDone || done.Effects["run"] != got[0].ID || done.Effects["render:html"] != 1 || string(done.Result) != `{"evidence":1}` || !done.DoneAt.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("done job: %+v %v", done, err)
	}
	mustCode(t, s.CompleteJob(ctx, l2, t0.Add(3*time.Minute), nil), attest.ECONFLICT)
	if _, err := s.ClaimJob(ctx, "w3", kinds, t0.Add(time.Hour), time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("a done job was claimed again: %v", err)
	}
	_, err = s.Job(ctx, 999)
	mustCode(t, err, attest.ENOTFOUND)
}

func testJobRetries(t *testing.T, s attest.Store) {
	j, _, err := s.EnqueueJob(ctx, attest.Job{Kind: "collect", Payload: json.RawMessage(`{"dir":"x"}`), MaxAttempts: 2}, t0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimJob(ctx, "w1", kinds, t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Backoff: not due again before retryAt.
	if err := s.FailJob(ctx, c.Lease(), t0, "source unreachable", t0.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Job(ctx, j.ID); q.State != attest.JobQueued || q.LastError != "source unreachable" || q.LockedBy != "" {
		t.Errorf("after a failure: %+v", q)
	}
	if _, err := s.ClaimJob(ctx, "w1", kinds, t0.Add(5*time.Second), time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("claimed before its retry time: %v", err)
	}
	c, err = s.ClaimJob(ctx, "w2", kinds, t0.Add(10*time.Second), time.Minute)
	if err != nil || c.Attempts != 2 {
		t.Fatalf("retry: %+v %v", c, err)
	}
	// The last attempt fails: the job is failed for good.
	if err := s.FailJob(ctx, c.Lease(), t0.Add(11*time.Second), "still unreachable", t0.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.Job(ctx, j.ID); f.State != attest.JobFailed || f.LastError != "still unreachable" || f.DoneAt.IsZero() {
		t.Errorf("after the last attempt: %+v", f)
	}
	// A worker that dies on the last attempt leaves the job failed, not running.
	j2, _, _ := s.EnqueueJob(ctx, attest.Job{Kind: "collect", MaxAttempts: 1}, t0)
	if _, err := s.ClaimJob(ctx, "w1", kinds, t0.Add(time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimJob(ctx, "w2", kinds, t0.Add(2*time.Hour), time.Minute); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("an exhausted job was claimed again: %v", err)
	}
	if f, _ := s.Job(ctx, j2.ID); f.State != attest.JobFailed || f.LastError == "" {
		t.Errorf("exhausted job: %+v", f)
	}
	// No retry time: failed at once, attempts left or not.
	j3, _, _ := s.EnqueueJob(ctx, attest.Job{Kind: "collect", MaxAttempts: 5}, t0)
	c3, err := s.ClaimJob(ctx, "w1", kinds, t0.Add(3*time.Hour), time.Minute)
	if err != nil || c3.ID != j3.ID {
		t.Fatalf("claim j3: %+v %v", c3, err)
	}
	if err := s.FailJob(ctx, c3.Lease(), t0.Add(3*time.Hour), "payload: unknown field", time.Time{}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Jobs(ctx, attest.JobFailed, 10)
	if err != nil || len(l) != 3 || l[0].ID != j3.ID || l[1].ID != j2.ID {
		t.Errorf("failed jobs, newest first: %+v %v", l, err)
	}
}

// testJobsConcurrentClaims claims from many goroutines at once: every job
// is claimed exactly once.
func testJobsConcurrentClaims(t *testing.T, s attest.Store) {
	const n, workers = 60, 8
	for i := 0; i < n; i++ {
		if _, _, err := s.EnqueueJob(ctx, attest.Job{Kind: "check-run", Key: fmt.Sprint("slot-", i)}, t0); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claims := map[int64][]string{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for {
				j, err := s.ClaimJob(ctx, name, kinds, t0, time.Hour)
				if attest.ErrorCode(err) == attest.ENOTFOUND {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				claims[j.ID] = append(claims[j.ID], name)
				mu.Unlock()
				if err := s.CompleteJob(ctx, j.Lease(), t0, nil); err != nil {
					t.Error(err)
					return
				}
			}
		}(fmt.Sprint("w", w))
	}
	wg.Wait()
	if len(claims) != n {
		t.Errorf("%d jobs claimed, want %d", len(claims), n)
	}
	for id, by := range claims {
		if len(by) != 1 {
			t.Errorf("job %d claimed %d times: %v", id, len(by), by)
		}
	}
	if l, _ := s.Jobs(ctx, attest.JobDone, 1000); len(l) != n {
		t.Errorf("%d jobs done, want %d", len(l), n)
	}
}

func testSessions(t *testing.T, s attest.Store) {
	_, err := s.FindSession(ctx, "tok", t0)
	mustCode(t, err, attest.ENOTFOUND)
	if err := s.SaveSession(ctx, "tok", []byte("one"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, "tok", []byte("two"), t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, "old", []byte("x"), t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if b, err := s.FindSession(ctx, "tok", t0.Add(90*time.Minute)); err != nil || string(b) != "two" {
		t.Errorf("find: %q %v", b, err)
	}
	_, err = s.FindSession(ctx, "old", t0.Add(time.Hour))
	mustCode(t, err, attest.ENOTFOUND)
	if n, err := s.DeleteExpiredSessions(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("expired sessions removed: %d %v", n, err)
	}
	if err := s.DeleteSession(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "tok"); err != nil {
		t.Errorf("deleting a missing session: %v", err)
	}
	_, err = s.FindSession(ctx, "tok", t0)
	mustCode(t, err, attest.ENOTFOUND)
}
