package attest

import (
	"context"
	"encoding/json"
	"time"
)

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is background work (a scheduled check run, a collection, a report
// build) that exactly one server process claims at a time. A claim is a
// lease: the worker extends it while it works, and when a process dies its
// lease runs out and another worker takes the job again. A job's effects
// are made idempotent on the job (see JobStore.AddJobEvidence), so a retry
// never records them twice.
type Job struct {
	ID      int64           `json:"id"`
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
	// Key, when set, is unique: enqueueing a job with the key of an
	// existing one returns that job (two servers scheduling the same slot
	// make one job).
	Key         string    `json:"key,omitempty"`
	RunAt       time.Time `json:"run_at"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	MaxAttempts int       `json:"max_attempts"`
	LockedBy    string    `json:"locked_by,omitempty"`
	LeaseUntil  time.Time `json:"lease_until,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	// Result is what the handler returned on completion.
	Result json.RawMessage `json:"result,omitempty"`
	// Effects names what the job recorded so far, each by its evidence or
	// document ID.
	Effects   map[string]int64 `json:"effects,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
}

// Lease identifies one claim of a job: the worker and the attempt number.
// Only the holder of the current lease may extend, complete or fail the
// job, or record its effects.
type Lease struct {
	Job     int64
	Worker  string
	Attempt int
}

// Lease returns the job's current lease.
func (j *Job) Lease() Lease { return Lease{Job: j.ID, Worker: j.LockedBy, Attempt: j.Attempts} }

// JobStore keeps the job queue. Stores take the time from the caller, so
// every worker judges leases by one clock in tests.
type JobStore interface {
	// EnqueueJob adds a job, or returns the existing one with the same Key
	// (created false).
	EnqueueJob(ctx context.Context, j Job, now time.Time) (job *Job, created bool, err error)
	// ClaimJob takes the oldest due job of one of kinds: queued and due, or
	// running with an expired lease (its worker died). It returns ENOTFOUND
	// when there is none. Jobs that used up their attempts are marked
	// failed instead.
	ClaimJob(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration) (*Job, error)
	// ExtendJob renews a lease; ECONFLICT when the lease is no longer held.
	ExtendJob(ctx context.Context, l Lease, now time.Time, lease time.Duration) error
	// CompleteJob marks the job done with its result; ECONFLICT when the
	// lease is no longer held.
	CompleteJob(ctx context.Context, l Lease, now time.Time, result json.RawMessage) error
	// FailJob records an error: the job runs again at retryAt, or is marked
	// failed when it used up its attempts or retryAt is zero. ECONFLICT when the lease is no
	// longer held.
	FailJob(ctx context.Context, l Lease, now time.Time, msg string, retryAt time.Time) error
	Job(ctx context.Context, id int64) (*Job, error)
	// Jobs lists jobs, newest first, in one state when state is not empty.
	Jobs(ctx context.Context, state string, limit int) ([]Job, error)
	// AddJobEvidence records evidence as the effect named effect of the
	// job, in one transaction that first checks the lease is still held
	// and that the effect was not recorded yet (ECONFLICT otherwise).
	AddJobEvidence(ctx context.Context, ch Change, l Lease, effect string, items []Evidence) ([]Evidence, error)
	// AddJobDocument records a document as a job's effect, as
	// AddJobEvidence does evidence.
	AddJobDocument(ctx context.Context, ch Change, l Lease, effect string, d Document) (*Document, error)
}

// SessionStore keeps web sessions in the database, so a user signed in on
// one server is signed in on every server that shares it.
type SessionStore interface {
	// FindSession returns a session's data; ENOTFOUND when there is none
	// or it expired before now.
	FindSession(ctx context.Context, token string, now time.Time) ([]byte, error)
	// SaveSession creates or replaces a session.
	SaveSession(ctx context.Context, token string, data []byte, expiry time.Time) error
	// DeleteSession removes a session (no error when there is none).
	DeleteSession(ctx context.Context, token string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}
