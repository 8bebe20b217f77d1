package ratelimit

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/testkit"
)

func newClock() *testkit.Clock {
	return testkit.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
}

func TestAllowAndTheWindow(t *testing.T) {
	clk := newClock()
	l := New(3, time.Minute, clk.Now)
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("attempt %d refused", i+1)
		}
		clk.Add(10 * time.Second)
	}
	if l.Allow("a") || l.Count("a") != 3 {
		t.Errorf("the 4th attempt: allowed, or counted (%d)", l.Count("a"))
	}
	if !l.Allow("b") {
		t.Error("another key was refused")
	}
	clk.Add(31 * time.Second) // the first attempt, at 0s, leaves the window
	if l.Blocked("a") || l.Count("a") != 2 {
		t.Errorf("after the window slid: blocked %v, %d attempts", l.Blocked("a"), l.Count("a"))
	}
	if !l.Allow("a") || l.Allow("a") {
		t.Error("one attempt came back, not one")
	}
}

func TestTake(t *testing.T) {
	l := New(1, time.Minute, newClock().Now)
	if err := l.Take("a", "slow down"); err != nil {
		t.Fatal(err)
	}
	err := l.Take("a", "slow down")
	if attest.ErrorCode(err) != attest.ETOOMANY || attest.ErrorMessage(err) != "slow down" {
		t.Errorf("past the limit: %v", err)
	}
}

func TestAddBlockedReset(t *testing.T) {
	l := New(2, time.Minute, newClock().Now)
	l.Add("a")
	if l.Blocked("a") {
		t.Error("blocked after one of two")
	}
	l.Add("a")
	l.Add("a") // Add counts past the limit too
	if !l.Blocked("a") || l.Count("a") != 3 {
		t.Errorf("blocked %v with %d", l.Blocked("a"), l.Count("a"))
	}
	l.Reset("a")
	if l.Blocked("a") || l.Count("a") != 0 {
		t.Error("Reset kept attempts")
	}
}

func TestForgetsExpiredKeys(t *testing.T) {
	clk := newClock()
	l := New(1, time.Minute, clk.Now)
	for i := range forgetPast {
		l.Add(strconv.Itoa(i))
	}
	clk.Add(2 * time.Minute)
	l.Add("x")
	l.Add("y") // past forgetPast: the expired keys go
	l.mu.Lock()
	n := len(l.hits)
	l.mu.Unlock()
	if n != 2 {
		t.Errorf("%d keys kept, want 2", n)
	}
}

// TestConcurrent: attempts from many goroutines, for the race detector;
// exactly max of them are allowed.
func TestConcurrent(t *testing.T) {
	l := New(50, time.Hour, newClock().Now)
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if l.Allow("a") {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Count("a")
				l.Add("b")
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Errorf("%d allowed, want 50", allowed)
	}
	if n := l.Count("b"); n != 160 {
		t.Errorf("%d attempts of b, want 160", n)
	}
}
