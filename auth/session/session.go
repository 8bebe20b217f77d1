// Package session keeps signed-in sessions in the attest store, for the
// scs session manager (github.com/alexedwards/scs): Store is its store
// and Codec its codec, and Sweep removes expired sessions in the
// background. A user signed in on one server is signed in on every
// server that shares the database. The cookie and the middleware are the
// web server's.
//
// scs dates a session's deadline with the wall clock, so the clock given
// to Store and Sweep must be the wall clock too, whatever clock the
// program runs its domain logic on.
package session

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/attest-dev/attest"
)

var _ scs.CtxStore = (*Store)(nil)

// Store keeps sessions in the attest store (scs's CtxStore).
//
// scs re-commits a session on every request to push its idle expiry
// forward. Writing that to the database each time would make every page
// view a write transaction, so a commit that changes nothing but moves the
// expiry by less than slack (a thirtieth of the idle timeout, at most a
// minute) is skipped: the stored expiry may then lag by up to that much,
// and a session idle for 30 minutes may end up to a minute early.
type Store struct {
	store attest.SessionStore
	now   func() time.Time
	slack time.Duration

	mu      sync.Mutex
	written map[string]write // by (hashed) token: the last commit this server made
}

type write struct {
	sum    [32]byte
	expiry time.Time
}

// NewStore keeps sessions in s, judging expiry by now, for sessions that
// end after idle without a request.
func NewStore(s attest.SessionStore, now func() time.Time, idle time.Duration) *Store {
	return &Store{store: s, now: now, slack: min(idle/30, time.Minute)}
}

// FindCtx returns a session's data; found is false when there is none or
// it expired.
func (s *Store) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	b, err = s.store.FindSession(ctx, token, s.now())
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx saves a session, unless this server last saved the same data
// with an expiry less than the slack earlier.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	sum := sha256.Sum256(b)
	s.mu.Lock()
	last, ok := s.written[token]
	s.mu.Unlock()
	if ok && last.sum == sum && !expiry.Before(last.expiry) && expiry.Sub(last.expiry) < s.slack {
		return nil
	}
	if err := s.store.SaveSession(ctx, token, b, expiry); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written == nil || len(s.written) > 100000 {
		s.written = map[string]write{}
	}
	s.written[token] = write{sum, expiry}
	return nil
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	s.mu.Lock()
	delete(s.written, token)
	s.mu.Unlock()
	return s.store.DeleteSession(ctx, token)
}

// Find is FindCtx without a context (scs's Store).
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context (scs's Store).
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context (scs's Store).
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// Sweeper removes the sessions that expired before now.
type Sweeper interface {
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// Sweep removes expired sessions every interval until ctx is done,
// logging what it removed and what failed. Every server may run it; the
// deletes do not conflict.
func Sweep(ctx context.Context, s Sweeper, now func() time.Time, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.DeleteExpiredSessions(ctx, now())
		if err != nil && ctx.Err() == nil {
			log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			log.Info("removed expired sessions", "count", n)
		}
	}
}
