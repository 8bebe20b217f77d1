// Package statecache keeps what is computed from the data for one state
// of the data, so that a server answers many requests with one
// computation: a State is the state as last looked up (the ledger's size,
// say), looked up again after an interval or a change; a Value is kept
// for one state and computed again when the state changes; a Map keeps a
// value per ID (one person's page), each for its own state.
//
// The interval is measured on the clock the caller passes, normally
// time.Now, whose monotonic reading makes it an age and not a date: a
// domain clock that a test holds still would keep a stale state for ever.
package statecache

import (
	"sync"
	"sync/atomic"
	"time"
)

// State is the state of the data as last looked up, kept for an interval
// so that a request need not look it up again, and forgotten as soon as
// Changed announces a change.
type State[K comparable] struct {
	recheck time.Duration
	now     func() time.Time
	changes atomic.Int64 // Changed's count

	mu    sync.Mutex
	key   K
	known bool
	at    time.Time // when key was looked up (the lookup's start)
	seen  int64     // changes when key was looked up
}

// NewState returns a State that looks the state up again once recheck
// has passed on now's clock; a zero recheck looks it up on every Get
// (and needs no clock).
func NewState[K comparable](recheck time.Duration, now func() time.Time) *State[K] {
	return &State[K]{recheck: recheck, now: now}
}

// Get returns the state: as last looked up, when that was less than the
// recheck interval ago and no change was announced since; else as lookup
// returns it now. An error is returned and not kept. Lookups run outside
// the lock, so concurrent requests never queue behind one; a lookup that
// started before the one kept does not replace it.
func (s *State[K]) Get(lookup func() (K, error)) (K, error) {
	if s.recheck <= 0 {
		return lookup()
	}
	if k, ok := s.fresh(); ok {
		return k, nil
	}
	changes, at := s.changes.Load(), s.now()
	k, err := lookup()
	if err != nil {
		return k, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.known || !at.Before(s.at) {
		s.key, s.known, s.at, s.seen = k, true, at, changes
	}
	return k, nil
}

// fresh is the state kept, when it may still be used.
func (s *State[K]) fresh() (K, bool) {
	var zero K
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.known || s.seen != s.changes.Load() {
		return zero, false
	}
	if age := s.now().Sub(s.at); age < 0 || age >= s.recheck {
		return zero, false
	}
	return s.key, true
}

// Changed announces a change to the data, so that the next Get looks the
// state up whatever the interval says. A writer calls it before and after
// its change: a lookup that ran while the change was under way is not
// trusted either.
func (s *State[K]) Changed() { s.changes.Add(1) }

// Value is a value computed for one state of the data, kept until the
// state changes. The zero Value is empty and ready to use.
type Value[K comparable, V any] struct {
	mu  sync.Mutex
	key K
	val V
	ok  bool
}

// Get returns the value kept for key, else computes it with compute and
// keeps it for key. One computation runs at a time, so a change that many
// requests see at once is computed once; compute must not use v. An error
// is returned and nothing is kept.
func (v *Value[K, V]) Get(key K, compute func() (V, error)) (V, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ok && v.key == key {
		return v.val, nil
	}
	val, err := compute()
	if err != nil {
		return val, err
	}
	v.key, v.val, v.ok = key, val, true
	return val, nil
}

// Kept is the value kept for key, without computing it.
func (v *Value[K, V]) Kept(key K) (V, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ok && v.key == key {
		return v.val, true
	}
	var zero V
	return zero, false
}

// Map keeps a value per ID, each for the state of the data it was
// computed for. Past its bound on IDs it forgets them all and starts over,
// so its memory stays bounded whoever asks.
type Map[I, K comparable, V any] struct {
	max int
	mu  sync.Mutex
	m   map[I]entry[K, V]
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// NewMap returns an empty Map that keeps at most max IDs.
func NewMap[I, K comparable, V any](max int) *Map[I, K, V] {
	return &Map[I, K, V]{max: max, m: map[I]entry[K, V]{}}
}

// Get is the value kept for id at the state key names.
func (m *Map[I, K, V]) Get(id I, key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[id]; ok && e.key == key {
		return e.val, true
	}
	var zero V
	return zero, false
}

// Put keeps val for id at the state key names, in place of what id had.
func (m *Map[I, K, V]) Put(id I, key K, val V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[id]; !ok && len(m.m) >= m.max {
		m.m = map[I]entry[K, V]{}
	}
	m.m[id] = entry[K, V]{key: key, val: val}
}
