package testkit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	c := NewClock(at)
	c.Add(90 * time.Second)
	if got := c.Now(); !got.Equal(at.Add(90 * time.Second)) {
		t.Errorf("now %v", got)
	}
}

func TestSyncBuffer(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); fmt.Fprintf(&b, "%02d;", i) }()
	}
	wg.Wait()
	if len(b.String()) != 150 {
		t.Errorf("%d bytes: %q", len(b.String()), b.String())
	}
}
