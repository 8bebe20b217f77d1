package period

import (
	"fmt"
	"testing"
	"time"
)

func TestDaysLabels(t *testing.T) {
	got := Days([]Occurrence{
		{Start: "2026-01-05", End: "2026-01-05", Due: "2026-01-05", State: Present},
		{Start: "2026-01-01", End: "2026-03-31", Due: "2026-04-15", State: Late},
		{Start: "2026-02-02", End: "2026-02-03", Due: "2026-02-03", Event: "CHG-7", State: Deviation},
		{Start: "2026-04-01", End: "2026-06-30", Due: "2026-07-15", State: NotRequired, Reason: "no leavers"},
	})
	want := []Square{
		{Present, "2026-01-05, due 2026-01-05: evidence present"},
		{Late, "2026-01-01 to 2026-03-31, due 2026-04-15: late"},
		{Deviation, "event CHG-7 on 2026-02-02, due 2026-02-03: deviation (a preventive control performed after the event)"},
		{NotRequired, "2026-04-01 to 2026-06-30, due 2026-07-15: not required (no leavers)"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Days:\n got %v\nwant %v", got, want)
	}
}

// daily is n daily occurrences from start, each in the state states
// gives it.
func daily(start string, n int, states func(i int) State) []Occurrence {
	d, _ := time.Parse("2006-01-02", start)
	var out []Occurrence
	for i := 0; i < n; i++ {
		s := d.AddDate(0, 0, i).Format("2006-01-02")
		out = append(out, Occurrence{Start: s, End: s, Due: s, State: states(i)})
	}
	return out
}

func TestWeeks(t *testing.T) {
	// Up to MaxSquares, one square each.
	if got := Weeks(daily("2026-01-05", MaxSquares, func(int) State { return Present })); len(got) != MaxSquares {
		t.Fatalf("%d occurrences: %d squares, want one each", MaxSquares, len(got))
	}
	// A year of a daily control starting on a Thursday: the first square
	// is the part week from Monday 2025-12-29, and a week with one missed
	// day among late and present ones shows as missed.
	occs := daily("2026-01-01", 365, func(i int) State {
		switch i {
		case 5:
			return Late
		case 6:
			return Missed
		case 12:
			return Late
		}
		if i > 300 {
			return Upcoming
		}
		return Present
	})
	got := Weeks(occs)
	if len(got) != 53 {
		t.Fatalf("a year by week: %d squares, want 53", len(got))
	}
	cases := []struct {
		i    int
		want Square
	}{
		{0, Square{Present, "week of 2025-12-29: 4 evidence present"}},
		{1, Square{Missed, "week of 2026-01-05: 5 evidence present, 1 late, 1 missed"}},
		{2, Square{Late, "week of 2026-01-12: 6 evidence present, 1 late"}},
		{52, Square{Upcoming, "week of 2026-12-28: 4 upcoming"}},
	}
	for _, c := range cases {
		if got[c.i] != c.want {
			t.Errorf("square %d: got %v, want %v", c.i, got[c.i], c.want)
		}
	}
}
