package attest

import "testing"

func TestUntested(t *testing.T) {
	for _, c := range []struct {
		spans    [][2]string
		from, to string
	}{
		{nil, "2026-01-01", "2026-12-31"},
		{[][2]string{{"", ""}}, "", ""},
		{[][2]string{{"", "2026-06-30"}}, "2026-07-01", "2026-12-31"},
		// A roll-forward from the next day chains; one in any order.
		{[][2]string{{"2026-07-01", ""}, {"2026-01-01", "2026-06-30"}}, "", ""},
		// A gap of a day is not covered.
		{[][2]string{{"", "2026-06-30"}, {"2026-07-02", ""}}, "2026-07-01", "2026-12-31"},
		// A part that does not start the period leaves its start open.
		{[][2]string{{"2026-03-01", ""}}, "2026-01-01", "2026-12-31"},
	} {
		if from, to := Untested("2026-01-01", "2026-12-31", c.spans); from != c.from || to != c.to {
			t.Errorf("%v: %s..%s, want %s..%s", c.spans, from, to, c.from, c.to)
		}
	}
	if NextDay("2026-02-28") != "2026-03-01" || NextDay("x") != "x" {
		t.Error("NextDay")
	}
}
