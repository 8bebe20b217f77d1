// Package jobs runs background work (scheduled check runs, collections,
// report builds) on any number of server processes that share one
// database. A Runner claims one job at a time under a lease, extends the
// lease while the handler works, and completes or fails the job; when a
// process dies, its lease runs out and another runner takes the job again.
// Handlers make their effects idempotent on the job (attest.JobStore's
// AddJobEvidence), so a retry is exactly once in effect.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/attest-dev/attest"
)

// Handler does one job. It returns the job's result (JSON, may be nil).
// ctx is cancelled when the lease is lost, so the handler should stop.
type Handler func(ctx context.Context, j *attest.Job) (json.RawMessage, error)

// Runner claims and runs jobs.
type Runner struct {
	Store    attest.JobStore
	Worker   string
	Handlers map[string]Handler
	// Poll is how long to wait when no job is due.
	Poll time.Duration
	// Lease is how long a claim lasts without being extended; the runner
	// extends it every third of it.
	Lease time.Duration
	// Schedule enqueues periodic jobs.
	Schedule []Entry
	Now      func() time.Time
	Log      *slog.Logger

	enqueued map[string]string // the last slot key enqueued per schedule entry
}

func (r *Runner) defaults() {
	if r.Poll <= 0 {
		r.Poll = time.Second
	}
	if r.Lease <= 0 {
		r.Lease = time.Minute
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
}

// Backoff is the wait before attempt n+1 after attempt n failed: 5 s,
// 10 s, 20 s, ... at most an hour.
func Backoff(n int) time.Duration {
	d := 5 * time.Second << min(max(n-1, 0), 10)
	return min(d, time.Hour)
}

// Run claims and runs jobs until ctx is done. Errors reaching the database
// are logged and retried after Poll: a database outage pauses the runner,
// it does not stop it.
func (r *Runner) Run(ctx context.Context) error {
	r.defaults()
	for {
		if err := r.enqueueDue(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("jobs: schedule", "worker", r.Worker, "err", err)
		}
		ran, err := r.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.Log.Warn("jobs: claim", "worker", r.Worker, "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(r.Poll):
		}
	}
}

// RunOnce claims one due job and runs it; false when none was due.
func (r *Runner) RunOnce(ctx context.Context) (bool, error) {
	r.defaults()
	kinds := slices.Sorted(maps.Keys(r.Handlers))
	j, err := r.Store.ClaimJob(ctx, r.Worker, kinds, r.Now(), r.Lease)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.run(ctx, j)
	return true, nil
}

func (r *Runner) run(ctx context.Context, j *attest.Job) {
	l := j.Lease()
	log := r.Log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "worker", r.Worker)
	log.Info("job started")
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		r.heartbeat(hctx, cancel, l, log)
	}()
	result, err := r.call(hctx, j)
	lost := hctx.Err() != nil && ctx.Err() == nil
	cancel()
	<-beat
	if ctx.Err() != nil {
		// Shutting down: the lease runs out and another runner retries.
		log.Info("job interrupted by shutdown")
		return
	}
	if lost {
		log.Warn("job abandoned: the lease was lost")
		return
	}
	now := r.Now()
	if err != nil {
		retry := now.Add(Backoff(j.Attempts))
		if attest.ErrorCode(err) == attest.EINVALID {
			// Bad input (a payload, a missing folder): a retry would fail
			// the same way.
			retry = time.Time{}
		}
		if ferr := r.Store.FailJob(ctx, l, now, attest.ErrorMessage(err), retry); ferr != nil {
			log.Error("job failed, and recording the failure failed", "err", err, "record_err", ferr)
			return
		}
		log.Warn("job failed", "err", err, "retry_at", retry)
		return
	}
	if err := r.Store.CompleteJob(ctx, l, now, result); err != nil {
		log.Error("job finished, but completing it failed", "err", err)
		return
	}
	log.Info("job done")
}

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j *attest.Job) (res json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job handler panicked: %v", p)
		}
	}()
	h, ok := r.Handlers[j.Kind]
	if !ok {
		return nil, attest.Errorf(attest.EINVALID, "no handler for job kind %q", j.Kind)
	}
	return h(ctx, j)
}

// heartbeat extends the lease every third of it until ctx is done, and
// cancels the job when the lease is lost to another worker.
func (r *Runner) heartbeat(ctx context.Context, cancel func(), l attest.Lease, log *slog.Logger) {
	t := time.NewTicker(r.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.Store.ExtendJob(ctx, l, r.Now(), r.Lease)
		if attest.ErrorCode(err) == attest.ECONFLICT {
			cancel()
			return
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("jobs: extending the lease", "err", err)
		}
	}
}
