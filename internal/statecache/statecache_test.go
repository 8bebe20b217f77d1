package statecache

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-dev/attest/internal/testkit"
)

func newClock() *testkit.Clock {
	return testkit.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
}

// source is the data's state as a lookup reads it, counting lookups.
type source struct {
	state   atomic.Int64
	lookups atomic.Int64
}

func (s *source) lookup() (int64, error) {
	s.lookups.Add(1)
	return s.state.Load(), nil
}

func TestStateKeptForTheInterval(t *testing.T) {
	clk, src := newClock(), &source{}
	s := NewState[int64](500*time.Millisecond, clk.Now)
	get := func() int64 {
		t.Helper()
		k, err := s.Get(src.lookup)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if got := get(); got != 0 || src.lookups.Load() != 1 {
		t.Fatalf("first: %d after %d lookups", got, src.lookups.Load())
	}
	src.state.Store(1) // the data changes elsewhere
	clk.Add(499 * time.Millisecond)
	if got := get(); got != 0 || src.lookups.Load() != 1 {
		t.Errorf("within the interval: %d after %d lookups, want 0 after 1", got, src.lookups.Load())
	}
	clk.Add(time.Millisecond)
	if got := get(); got != 1 || src.lookups.Load() != 2 {
		t.Errorf("once it passed: %d after %d lookups, want 1 after 2", got, src.lookups.Load())
	}
	clk.Add(-time.Second) // a clock that went back: the age is unknown
	if get(); src.lookups.Load() != 3 {
		t.Errorf("a negative age was trusted: %d lookups", src.lookups.Load())
	}
}

func TestStateChanged(t *testing.T) {
	clk, src := newClock(), &source{}
	s := NewState[int64](time.Hour, clk.Now)
	s.Get(src.lookup)
	src.state.Store(1)
	s.Changed()
	if k, _ := s.Get(src.lookup); k != 1 {
		t.Errorf("after Changed: %d, want 1", k)
	}
	// A lookup under way while a change is made is not trusted after it.
	src.state.Store(2)
	s.Get(func() (int64, error) {
		s.Changed() // the change begins
		return 2, nil
	})
	src.state.Store(3)
	s.Changed() // and ends
	if k, _ := s.Get(src.lookup); k != 3 {
		t.Errorf("a lookup made during a change was kept: %d, want 3", k)
	}
}

func TestStateWithoutInterval(t *testing.T) {
	src := &source{}
	s := NewState[int64](0, nil) // no interval: no clock needed
	for i := range int64(3) {
		src.state.Store(i)
		if k, _ := s.Get(src.lookup); k != i {
			t.Errorf("lookup %d: %d", i, k)
		}
	}
	if n := src.lookups.Load(); n != 3 {
		t.Errorf("%d lookups, want 3", n)
	}
}

func TestStateErrorNotKept(t *testing.T) {
	clk, src := newClock(), &source{}
	s := NewState[int64](time.Hour, clk.Now)
	boom := errors.New("database away")
	if _, err := s.Get(func() (int64, error) { return 7, boom }); err != boom {
		t.Fatalf("error: %v", err)
	}
	src.state.Store(1)
	if k, _ := s.Get(src.lookup); k != 1 {
		t.Errorf("after an error: %d, want 1", k)
	}
}

func TestValue(t *testing.T) {
	var v Value[string, string]
	computed := 0
	get := func(key string) string {
		t.Helper()
		got, err := v.Get(key, func() (string, error) { computed++; return "page " + key, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if _, ok := v.Kept("1"); ok {
		t.Error("an empty Value keeps something")
	}
	if get("1") != "page 1" || get("1") != "page 1" || computed != 1 {
		t.Errorf("unchanged state computed %d times, want 1", computed)
	}
	if get("2") != "page 2" || computed != 2 {
		t.Errorf("changed state: computed %d times, want 2", computed)
	}
	if got, ok := v.Kept("2"); !ok || got != "page 2" {
		t.Errorf("Kept: %q %v", got, ok)
	}
	if _, ok := v.Kept("1"); ok {
		t.Error("Kept answers for a state it was not computed for")
	}
	boom := errors.New("render")
	if _, err := v.Get("3", func() (string, error) { return "", boom }); err != boom {
		t.Errorf("error: %v", err)
	}
	if got, ok := v.Kept("2"); !ok || got != "page 2" {
		t.Errorf("a failed computation replaced the value: %q %v", got, ok)
	}
}

func TestMap(t *testing.T) {
	m := NewMap[int, string, string](2)
	m.Put(1, "a", "one at a")
	if got, ok := m.Get(1, "a"); !ok || got != "one at a" {
		t.Errorf("Get: %q %v", got, ok)
	}
	if _, ok := m.Get(1, "b"); ok {
		t.Error("a value answered for another state")
	}
	m.Put(1, "b", "one at b")
	m.Put(2, "b", "two at b")
	m.Put(2, "b", "two again") // an ID already kept: no start over
	if _, ok := m.Get(1, "b"); !ok {
		t.Error("replacing a kept ID started over")
	}
	m.Put(3, "b", "three") // past the bound: the others are forgotten
	if _, ok := m.Get(1, "b"); ok {
		t.Error("past its bound the map kept everything")
	}
	if got, _ := m.Get(3, "b"); got != "three" {
		t.Errorf("after starting over: %q", got)
	}
}

// TestConcurrent runs every kind from many goroutines while the state
// changes, for the race detector; each value must match its state.
func TestConcurrent(t *testing.T) {
	clk, src := newClock(), &source{}
	s := NewState[int64](time.Millisecond, clk.Now)
	var v Value[int64, string]
	m := NewMap[int, int64, string](4)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if g == 0 && i%10 == 0 {
					src.state.Add(1)
					s.Changed()
					clk.Add(time.Millisecond)
				}
				k, err := s.Get(src.lookup)
				if err != nil {
					t.Error(err)
					return
				}
				want := strconv.FormatInt(k, 10)
				got, _ := v.Get(k, func() (string, error) { return want, nil })
				if got != want {
					t.Errorf("value %q for state %d", got, k)
				}
				if got, ok := m.Get(g, k); ok && got != want {
					t.Errorf("map value %q for state %d", got, k)
				}
				m.Put(g, k, want)
			}
		})
	}
	wg.Wait()
}
