package auth

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/attest-dev/attest"
)

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second},
		{8, 8 * time.Second}, {9, 10 * time.Second}, {100, 10 * time.Second},
	} {
		if got := backoff(tc.failures); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	ctx := context.Background()
	if err := th.Wait(ctx, "pat@example.com"); err != nil {
		t.Fatalf("a first sign-in waited: %v", err)
	}
	for i := range 5 {
		if err := th.Failed("pat@example.com", "203.0.113.9"); err != nil {
			t.Fatalf("failure %d refused: %v", i+1, err)
		}
	}
	// Five failures: the next sign-in waits a second, or until the
	// request ends.
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := th.Wait(done, "pat@example.com"); err != context.Canceled {
		t.Errorf("a wait past the request's end: %v", err)
	}
	if err := th.Wait(done, "someone@example.com"); err != nil {
		t.Errorf("another account waited: %v", err)
	}
	th.Succeeded("pat@example.com")
	if err := th.Wait(done, "pat@example.com"); err != nil {
		t.Errorf("the right password did not end the backoff: %v", err)
	}
	// An address refuses wrong passwords past 30, over any e-mails.
	var err error
	for i := 5; i < 30 && err == nil; i++ {
		err = th.Failed("x"+strconv.Itoa(i)+"@example.com", "203.0.113.9")
	}
	if attest.ErrorCode(err) != attest.ETOOMANY || attest.ErrorMessage(err) != "too many failed sign-ins from this address: wait a few minutes and try again" {
		t.Errorf("the 30th failure from one address: %v", err)
	}
	if err := th.Failed("pat@example.com", "198.51.100.1"); err != nil {
		t.Errorf("another address was refused: %v", err)
	}
}
