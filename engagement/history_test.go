package engagement_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
)

// History reads from the ledger when each control was put in place,
// changed or retired; owner changes are not significant.
func TestHistoryFromTheLedger(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Create(ctx, filepath.Join(t.TempDir(), "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := func(d string) attest.Change {
		day, _ := attest.ParseDate(d)
		return attest.Change{Actor: "Priya", At: day.Add(9 * time.Hour)}
	}
	if err := s.CreateEngagement(ctx, at("2026-01-02"), storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	impl, na, owner, desc := attest.Implemented, attest.NotApplicable, "Sam", "Does it weekly."
	reason := "replaced"
	for _, u := range []struct {
		day string
		ctl string
		up  attest.ControlUpdate
	}{
		{"2026-07-14", "AX-01", attest.ControlUpdate{Status: &impl}},
		{"2026-08-01", "AX-01", attest.ControlUpdate{Owner: &owner}},
		{"2026-08-20", "AX-01", attest.ControlUpdate{Description: &desc}},
		{"2026-09-02", "AX-01", attest.ControlUpdate{Status: &na, StatusReason: &reason}},
	} {
		if _, err := s.UpdateControl(ctx, at(u.day), "e1", u.ctl, u.up); err != nil {
			t.Fatal(err)
		}
	}
	h, err := engagement.History(ctx, s, "e1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range h["AX-01"] {
		got = append(got, ev.Date+" "+ev.What)
	}
	want := "2026-01-02 recorded,2026-07-14 implemented,2026-08-20 changed,2026-09-02 retired"
	if g := join(got); g != want {
		t.Errorf("history %s, want %s", g, want)
	}
	if s, now := engagement.ImplementedSince(h["AX-01"][:2]); s != "2026-07-14" || !now {
		t.Errorf("implemented since %q", s)
	}
	if s, now := engagement.ImplementedSince(h["BX-01"]); len(h["BX-01"]) != 1 || s != "" || !now {
		t.Errorf("BX-01 %+v", h["BX-01"])
	}
}

func join(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// A control recorded as implemented, withdrawn and implemented again has
// been in place since the second time; one recorded as implemented and
// only changed since, since before the period; one whose history ends
// withdrawn or retired is not implemented now.
func TestImplementedSince(t *testing.T) {
	ev := func(day, what string) engagement.ControlEvent { return engagement.ControlEvent{Date: day, What: what} }
	cases := []struct {
		events []engagement.ControlEvent
		want   string
		now    bool
	}{
		{[]engagement.ControlEvent{ev("2026-01-02", engagement.Recorded), ev("2026-03-01", engagement.Changed)}, "", true},
		{[]engagement.ControlEvent{ev("2026-01-02", engagement.Recorded), ev("2026-04-01", engagement.Withdrawn), ev("2026-05-10", engagement.Implemented)}, "2026-05-10", true},
		{[]engagement.ControlEvent{ev("2026-01-02", engagement.Recorded), ev("2026-02-01", engagement.Implemented), ev("2026-04-01", engagement.Withdrawn), ev("2026-06-03", engagement.Implemented)}, "2026-06-03", true},
		{[]engagement.ControlEvent{ev("2026-01-02", engagement.Recorded), ev("2026-02-01", engagement.Implemented), ev("2026-04-01", engagement.Withdrawn)}, "", false},
		{[]engagement.ControlEvent{ev("2026-01-02", engagement.Recorded), ev("2026-04-01", engagement.Retired)}, "", false},
	}
	for i, c := range cases {
		if got, now := engagement.ImplementedSince(c.events); got != c.want || now != c.now {
			t.Errorf("case %d: %q %v, want %q %v", i, got, now, c.want, c.now)
		}
	}
}
