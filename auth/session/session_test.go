package session_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth/session"
	"github.com/attest-dev/attest/internal/testkit"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// counting counts the session writes that reach the database.
type counting struct {
	attest.Store
	saves int
}

func (c *counting) SaveSession(ctx context.Context, token string, b []byte, expiry time.Time) error {
	c.saves++
	return c.Store.SaveSession(ctx, token, b, expiry)
}

// TestStoreSkipsCommitsThatOnlyMoveTheExpiry: scs commits a session on
// every request to move its idle expiry; a commit of the same data whose
// expiry moves forward by less than the slack (a thirtieth of the idle
// timeout, at most a minute) is not written, and anything else is.
func TestStoreSkipsCommitsThatOnlyMoveTheExpiry(t *testing.T) {
	ctx := t.Context()
	db := &counting{Store: sqlitetest.Create(t)}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := session.NewStore(db, func() time.Time { return now }, 30*time.Minute) // slack: one minute
	expiry := now.Add(30 * time.Minute)
	steps := []struct {
		name   string
		data   string
		expiry time.Time
		writes bool
	}{
		{"the first commit", "a", expiry, true},
		{"the same, 30 s later", "a", expiry.Add(30 * time.Second), false},
		{"the same, 59 s later", "a", expiry.Add(59 * time.Second), false},
		{"other data", "b", expiry.Add(59 * time.Second), true},
		{"the same, a minute after the last write", "b", expiry.Add(119 * time.Second), true},
		{"the same, an earlier expiry", "b", expiry, true},
	}
	for _, st := range steps {
		before := db.saves
		if err := s.CommitCtx(ctx, "tok", []byte(st.data), st.expiry); err != nil {
			t.Fatal(err)
		}
		if wrote := db.saves > before; wrote != st.writes {
			t.Errorf("%s: written %v, want %v", st.name, wrote, st.writes)
		}
	}
	b, found, err := s.FindCtx(ctx, "tok")
	if err != nil || !found || string(b) != "b" {
		t.Errorf("find: %q %v %v", b, found, err)
	}
	// Deleting forgets the last write: the same data is written again.
	if err := s.DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, found, err := s.FindCtx(ctx, "tok"); found || err != nil {
		t.Errorf("after delete: found %v, %v", found, err)
	}
	before := db.saves
	if err := s.Commit("tok", []byte("b"), expiry); err != nil || db.saves != before+1 {
		t.Errorf("the same data after a delete: %d writes, %v", db.saves-before, err)
	}
}

// TestStoreFindsByItsClock: a session is found until its expiry by the
// store's clock, and not after; an unknown token is not found, without
// an error.
func TestStoreFindsByItsClock(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := session.NewStore(sqlitetest.Create(t), func() time.Time { return now }, time.Hour)
	if err := s.CommitCtx(ctx, "tok", []byte("data"), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := s.Find("tok"); !found || err != nil {
		t.Errorf("before its expiry: found %v, %v", found, err)
	}
	now = now.Add(2 * time.Minute)
	if _, found, err := s.Find("tok"); found || err != nil {
		t.Errorf("after its expiry: found %v, %v", found, err)
	}
	if b, found, err := s.Find("nobody's"); found || err != nil || b != nil {
		t.Errorf("an unknown token: %q %v %v", b, found, err)
	}
}

// TestSweep removes the sessions expired by its clock, keeps the others,
// logs what it removed, and returns when its context ends.
func TestSweep(t *testing.T) {
	db := sqlitetest.Create(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ctx := t.Context()
	if err := db.SaveSession(ctx, "old", []byte("x"), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSession(ctx, "live", []byte("y"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	logs := &testkit.SyncBuffer{}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		session.Sweep(sctx, db, func() time.Time { return now }, 5*time.Millisecond, slog.New(slog.NewTextHandler(logs, nil)))
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "removed expired sessions") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Sweep did not return when its context ended")
	}
	if !strings.Contains(logs.String(), "count=1") {
		t.Errorf("log: %s", logs.String())
	}
	if _, err := db.FindSession(ctx, "old", now.Add(-time.Hour)); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("the expired session: %v, want it removed", err)
	}
	if _, err := db.FindSession(ctx, "live", now); err != nil {
		t.Errorf("the live session: %v", err)
	}
}
