// Package ratelimit counts attempts per key (an address, an e-mail) in a
// sliding window, so that a server can refuse, or slow, whoever keeps
// trying. What counts as an attempt, and what to do once a key has used
// up its attempts, is the caller's.
package ratelimit

import (
	"sync"
	"time"

	"github.com/attest-dev/attest"
)

// forgetPast is how many keys a Limiter holds before it forgets those
// whose attempts have all left the window, so memory stays bounded.
const forgetPast = 10000

// Limiter counts attempts per key in a sliding window. It is safe for
// concurrent use.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // each key's attempts, oldest first
}

// New returns a Limiter that allows max attempts per key within window,
// dated by now.
func New(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{max: max, window: window, now: now, hits: map[string][]time.Time{}}
}

// Allow counts an attempt of key and reports true, or reports false,
// counting nothing, once key has used up its attempts.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.recent(key)) >= l.max {
		return false
	}
	l.add(key)
	return true
}

// Take is Allow as an error: an attempt past the limit is refused with
// message, as ETOOMANY.
func (l *Limiter) Take(key, message string) error {
	if !l.Allow(key) {
		return &attest.Error{Code: attest.ETOOMANY, Message: message}
	}
	return nil
}

// Add counts an attempt of key (a failure, say), whether or not key has
// attempts left.
func (l *Limiter) Add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.add(key)
}

// Blocked reports whether key has used up its attempts.
func (l *Limiter) Blocked(key string) bool {
	return l.Count(key) >= l.max
}

// Count is key's attempts within the window.
func (l *Limiter) Count(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key))
}

// Reset forgets key's attempts.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

// add counts an attempt; l.mu is held.
func (l *Limiter) add(key string) {
	l.hits[key] = append(l.recent(key), l.now())
	if len(l.hits) > forgetPast {
		for k := range l.hits {
			if len(l.recent(k)) == 0 {
				delete(l.hits, k)
			}
		}
	}
}

// recent is key's attempts within the window; l.mu is held.
func (l *Limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	return h[i:]
}
