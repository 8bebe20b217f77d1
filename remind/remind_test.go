package remind_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-dev/attest/remind"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

func TestRounds(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	r, err := remind.Load(ctx, s, "test.last")
	if err != nil || !r.Due("a", now, 0) {
		t.Fatalf("never reminded is due: %v", err)
	}
	if err := r.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Setting(ctx, "test.last"); err == nil {
		t.Fatal("nothing marked, yet the setting was written")
	}
	r.Mark("a", now)
	if err := r.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	again, err := remind.Load(ctx, s, "test.last")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at    time.Time
		every time.Duration
		due   bool
	}{
		{now.Add(time.Hour), 0, false},
		{now.Add(remind.DefaultEvery - time.Second), 0, false},
		{now.Add(remind.DefaultEvery), 0, true},
		{now.Add(2 * time.Hour), time.Hour, true},
		{now.Add(30 * time.Minute), time.Hour, false},
	} {
		if got := again.Due("a", c.at, c.every); got != c.due {
			t.Errorf("due at %s every %s: %v, want %v", c.at, c.every, got, c.due)
		}
	}
	if !again.Due("b", now, 0) {
		t.Error("another recipient is due")
	}
	if err := s.SetSetting(ctx, "bad.last", "[1]"); err != nil {
		t.Fatal(err)
	}
	if _, err := remind.Load(ctx, s, "bad.last"); err == nil {
		t.Error("a setting that is not rounds was read")
	}
}
