package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/server"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// TestEnqueue: a job is queued only with a kind the server runs, a
// payload that kind takes and 1 to 100 attempts; with a key, once; the
// list refuses a state that does not exist.
func TestEnqueue(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		job  attest.Job
		code string
	}{
		{"not JSON", attest.Job{Kind: "check-run", Payload: json.RawMessage(`{nope`), MaxAttempts: 5}, attest.EINVALID},
		{"an unknown kind", attest.Job{Kind: "nokind", Payload: json.RawMessage(`{}`), MaxAttempts: 5}, attest.EINVALID},
		{"a bad payload", attest.Job{Kind: "review-reminders", Payload: json.RawMessage(`{"unassigned_to": "x"}`), MaxAttempts: 5}, attest.EINVALID},
		{"no attempt", attest.Job{Kind: "review-reminders", Payload: json.RawMessage(`{}`)}, attest.EINVALID},
		{"too many attempts", attest.Job{Kind: "review-reminders", Payload: json.RawMessage(`{}`), MaxAttempts: 101}, attest.EINVALID},
		{"a good job", attest.Job{Kind: "review-reminders", Payload: json.RawMessage(`{}`), MaxAttempts: 3, Key: "k"}, ""},
	} {
		if _, _, err := server.Enqueue(ctx, s, c.job, now); attest.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
	}
	j, created, err := server.Enqueue(ctx, s, attest.Job{Kind: "review-reminders", Payload: json.RawMessage(`{}`), MaxAttempts: 3, Key: "k"}, now)
	if err != nil || created || j.MaxAttempts != 3 {
		t.Errorf("again under its key: %+v, created %v, %v", j, created, err)
	}
	if l, err := server.ListJobs(ctx, s, attest.JobQueued, 10); err != nil || len(l) != 1 {
		t.Errorf("queued: %d, %v", len(l), err)
	}
	if _, err := server.ListJobs(ctx, s, "stuck", 10); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a state that does not exist: %v", err)
	}
}
