package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/sqlite"
)

func store(t *testing.T) *sqlite.DB {
	db, err := sqlite.Create(context.Background(), filepath.Join(t.TempDir(), "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// record is a handler whose effect is one evidence record per job.
func record(s attest.Store, calls *atomic.Int64) jobs.Handler {
	return func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
		calls.Add(1)
		ev := attest.Evidence{Ref: fmt.Sprintf("sha256:%064d", j.ID), Size: 1, MediaType: "text/plain", Name: "x", Method: attest.MethodCheck}
		got, err := s.AddJobEvidence(ctx, attest.Change{Actor: "job", At: time.Now()}, j.Lease(), "out", []attest.Evidence{ev})
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]int64{"evidence": got[0].ID})
	}
}

func TestTwoRunnersShareTheQueue(t *testing.T) {
	s := store(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 30
	for i := 0; i < n; i++ {
		if _, _, err := s.EnqueueJob(ctx, attest.Job{Kind: "check-run"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var calls atomic.Int64
	var wg sync.WaitGroup
	for _, w := range []string{"a", "b"} {
		r := &jobs.Runner{Store: s, Worker: w, Handlers: map[string]jobs.Handler{"check-run": record(s, &calls)}, Poll: 10 * time.Millisecond, Lease: time.Second}
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		done, _ := s.Jobs(ctx, attest.JobDone, 1000)
		if len(done) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs done", len(done), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if ev, _ := s.EvidenceList(context.Background(), "", true); len(ev) != n || calls.Load() != n {
		t.Errorf("%d evidence records and %d handler calls, want %d", len(ev), calls.Load(), n)
	}
}

func TestFailureIsRetriedWithBackoff(t *testing.T) {
	s := store(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	j, _, _ := s.EnqueueJob(ctx, attest.Job{Kind: "collect", MaxAttempts: 3}, now)
	tries := 0
	r := &jobs.Runner{Store: s, Worker: "a", Now: func() time.Time { return now }, Lease: time.Minute,
		Handlers: map[string]jobs.Handler{"collect": func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
			tries++
			if tries == 1 {
				return nil, errors.New("source timed out")
			}
			if tries == 2 {
				panic("bad record")
			}
			return json.RawMessage(`{"ok":true}`), nil
		}}}
	for i, wantRan := range []bool{true, false} {
		if ran, err := r.RunOnce(ctx); ran != wantRan || err != nil {
			t.Fatalf("step %d: ran %v, %v", i, ran, err)
		}
	}
	got, _ := s.Job(ctx, j.ID)
	if got.State != attest.JobQueued || got.LastError == "" || !got.RunAt.Equal(now.Add(jobs.Backoff(1))) {
		t.Fatalf("after a failure: %+v", got)
	}
	now = now.Add(jobs.Backoff(1))
	r.RunOnce(ctx) // the handler panics: recorded as a failure
	if got, _ := s.Job(ctx, j.ID); got.State != attest.JobQueued || got.Attempts != 2 {
		t.Fatalf("after a panic: %+v", got)
	}
	now = now.Add(jobs.Backoff(2))
	r.RunOnce(ctx)
	if got, _ := s.Job(ctx, j.ID); got.State != attest.JobDone || string(got.Result) != `{"ok":true}` {
		t.Fatalf("third attempt: %+v", got)
	}
}

// TestLostLeaseStopsTheHandler: a runner whose lease is taken over stops
// its handler and records nothing.
func TestLostLeaseStopsTheHandler(t *testing.T) {
	s := store(t)
	ctx := context.Background()
	s.EnqueueJob(ctx, attest.Job{Kind: "check-run"}, time.Now())
	started, stopped := make(chan struct{}), make(chan error, 1)
	slow := &jobs.Runner{Store: s, Worker: "slow", Lease: 300 * time.Millisecond,
		Handlers: map[string]jobs.Handler{"check-run": func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
			close(started)
			<-ctx.Done()
			stopped <- ctx.Err()
			return nil, ctx.Err()
		}}}
	go slow.RunOnce(ctx)
	<-started
	// Another worker, an hour later by its clock (as if the slow one hung
	// past its lease), takes the job over.
	now := func() time.Time { return time.Now().Add(time.Hour) }
	var calls atomic.Int64
	fast := &jobs.Runner{Store: s, Worker: "fast", Now: now, Lease: time.Minute, Handlers: map[string]jobs.Handler{"check-run": record(s, &calls)}}
	if ran, err := fast.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("take over: %v %v", ran, err)
	}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler that lost its lease was not stopped")
	}
	l, _ := s.Jobs(ctx, "", 10)
	if len(l) != 1 || l[0].State != attest.JobDone || l[0].LockedBy != "fast" || l[0].Attempts != 2 {
		t.Errorf("job: %+v", l)
	}
}

func TestScheduleEnqueuesEachSlotOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "schedule.yaml")
	os.WriteFile(path, []byte("- name: nightly\n  kind: check-run\n  every: 24h\n  payload: {input: exports}\n"), 0o644)
	sched, err := jobs.LoadSchedule(path, []string{"check-run", "collect"})
	if err != nil || len(sched) != 1 || string(sched[0].Payload) != `{"input":"exports"}` {
		t.Fatalf("load: %+v %v", sched, err)
	}
	for _, bad := range []string{"- name: x\n  kind: mail\n  every: 1h\n", "- name: x\n  kind: collect\n  every: 1s\n", "- kind: collect\n  every: 1h\n", "{"} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := jobs.LoadSchedule(path, []string{"collect"}); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
	s := store(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 13, 0, 0, 0, time.UTC)
	var calls atomic.Int64
	for _, w := range []string{"a", "b"} {
		r := &jobs.Runner{Store: s, Worker: w, Schedule: sched, Now: func() time.Time { return now }, Poll: time.Millisecond,
			Handlers: map[string]jobs.Handler{"check-run": record(s, &calls)}}
		rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		r.Run(rctx)
		cancel()
	}
	l, _ := s.Jobs(ctx, "", 10)
	if len(l) != 1 || l[0].Key != "schedule:nightly:2026-05-01T00:00:00Z" || l[0].State != attest.JobDone || calls.Load() != 1 {
		t.Errorf("jobs: %+v (calls %d)", l, calls.Load())
	}
}
