package remind_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-dev/attest"
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

	// Two runs that read the same rounds: the first to save sends, the
	// second is refused and keeps nothing.
	one, _ := remind.Load(ctx, s, "test.last")
	two, _ := remind.Load(ctx, s, "test.last")
	later := now.Add(remind.DefaultEvery)
	one.Mark("a", later)
	two.Mark("b", later)
	if err := one.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := two.Save(ctx, s); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Fatalf("the second run's save: %v, want a conflict", err)
	}
	kept, _ := remind.Load(ctx, s, "test.last")
	if kept.Due("a", later, 0) || !kept.Due("b", later, 0) {
		t.Error("the rounds kept are not the first run's")
	}
	// The same run saves again after marking more.
	one.Mark("c", later)
	if err := one.Save(ctx, s); err != nil {
		t.Errorf("a second save by the run that saved: %v", err)
	}
}
