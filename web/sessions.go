package web

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
)

// dbSessions keeps sessions in the attest store (scs's CtxStore), so a
// user signed in on one server is signed in on every server that shares
// the database.
type dbSessions struct {
	store attest.SessionStore
	now   func() time.Time
}

func (s dbSessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, err := s.store.FindSession(ctx, token, s.now())
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

func (s dbSessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.store.SaveSession(ctx, token, b, expiry)
}

func (s dbSessions) DeleteCtx(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, token)
}

func (s dbSessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s dbSessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s dbSessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

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
		n, err := s.cfg.Store.DeleteExpiredSessions(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			s.cfg.Log.Info("removed expired sessions", "count", n)
		}
	}
}
