package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/attest-dev/attest"
)

// dbSessions keeps sessions in the attest store (scs's CtxStore), so a
// user signed in on one server is signed in on every server that shares
// the database.
//
// scs re-commits a session on every request to push its idle expiry
// forward. Writing that to the database each time would make every page
// view a write transaction, so a commit that changes nothing but moves the
// expiry by less than slack (a thirtieth of the idle timeout, at most a
// minute) is skipped: the stored expiry may then lag by up to that much,
// and a session idle for 30 minutes may end up to a minute early.
type dbSessions struct {
	store attest.SessionStore
	now   func() time.Time
	slack time.Duration

	mu      sync.Mutex
	written map[string]sessionWrite // by (hashed) token: the last commit this server made
}

type sessionWrite struct {
	sum    [32]byte
	expiry time.Time
}

func (s *dbSessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, err := s.store.FindSession(ctx, token, s.now())
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

func (s *dbSessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
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
		s.written = map[string]sessionWrite{}
	}
	s.written[token] = sessionWrite{sum, expiry}
	return nil
}

func (s *dbSessions) DeleteCtx(ctx context.Context, token string) error {
	s.mu.Lock()
	delete(s.written, token)
	s.mu.Unlock()
	return s.store.DeleteSession(ctx, token)
}

func (s *dbSessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *dbSessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *dbSessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// SweepSessions removes expired sessions every interval until ctx is done.
// Every server may run it; the deletes do not conflict.
func (s *Server) SweepSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.cfg.Store.DeleteExpiredSessions(ctx, time.Now()) // the sessions' own clock (see New)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("removed expired sessions", "count", n)
		}
	}
}

// sessionCodec is scs's gob codec with the decoding of each distinct
// session kept: gob compiles its decoder anew for every message, which
// cost a sixth of a busy server's time, and a signed-in user sends the
// same session bytes with every request. Each caller gets its own copy of
// the values, which scs may change. The encoding is kept too: scs encodes
// the session again at the end of every request (to move its idle
// expiry), almost always with the same values, and gob's encoder cost a
// third of the dashboard's time. It is kept by the values as %#v prints
// them (with their types, and a map's keys in order), so the same bytes
// come back only for the same values.
type sessionCodec struct {
	gob scs.GobCodec
	mu  sync.Mutex
	m   map[string]decodedSession
	enc map[string][]byte
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

func (c *sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	key := fmt.Sprintf("%d|%#v", deadline.UnixNano(), values)
	c.mu.Lock()
	b, ok := c.enc[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := c.gob.Encode(deadline, values)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.enc == nil || len(c.enc) > 10000 {
		c.enc = map[string][]byte{}
	}
	c.enc[key] = b
	c.mu.Unlock()
	return b, nil
}

func (c *sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.m[string(b)]
	c.mu.Unlock()
	if !ok {
		deadline, values, err := c.gob.Decode(b)
		if err != nil {
			return deadline, values, err
		}
		d = decodedSession{deadline, values}
		c.mu.Lock()
		if c.m == nil || len(c.m) > 10000 {
			c.m = map[string]decodedSession{}
		}
		c.m[string(b)] = d
		c.mu.Unlock()
	}
	return d.deadline, maps.Clone(d.values), nil
}
