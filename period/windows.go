package period

import (
	"time"

	"github.com/attest-dev/attest"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// monday is the Monday of t's week (weeks start on Monday).
func monday(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) }

func monthEnd(t time.Time) time.Time { return date(t.Year(), t.Month()+1, 1).AddDate(0, 0, -1) }

// Windows lays out the occurrence windows of a periodic frequency that
// belong to the period [start, end]: only occurrences that fall due within
// the period belong to it, and an occurrence falls due when its window
// closes (its due rule then gives the evidence a grace of some days, which
// may run past the period end: the review of the last quarter is the
// period's). So a quarterly control over any twelve months has four
// occurrences, never a fifth for a quarter that closes after the period.
//
// Frequencies with a calendar of their own are laid on it:
//   - daily and multiple-daily: every day (business days with the option);
//   - continuous and monthly: calendar months (an automated control shows
//     it ran each month);
//   - weekly: ISO weeks, Monday to Sunday;
//   - semi-monthly: the 1st to the 15th and the 16th to the month's end;
//   - quarterly: calendar quarters.
//
// A calendar window that opened before the period and closes within it
// belongs to the period and starts, for it, on the period's first day (a
// period from February has its first quarter from February 1 to March 31).
// A window that closes after the period end does not belong to it.
//
// Bi-weekly, semi-annual and annual controls have no calendar of their
// own: their windows are laid from the period start, 14 days, six months
// and twelve months long, and each whole window inside the period is one
// occurrence. A period shorter than one such window is one window: an
// annual control over a six-month period is performed once within it.
//
// Event-driven controls have no windows: their occurrences are their
// events within the period.
func Windows(f attest.Frequency, start, end time.Time, opts Options) []Window {
	switch f {
	case attest.BiWeekly:
		return anchored(start, end, func(i int) time.Time { return start.AddDate(0, 0, 14*i) })
	case attest.SemiAnnual:
		return anchored(start, end, func(i int) time.Time { return attest.AddMonths(start, 6*i) })
	case attest.Annual:
		return anchored(start, end, func(i int) time.Time { return attest.AddMonths(start, 12*i) })
	}
	var out []Window
	add := func(s, e time.Time) {
		if e.Before(start) || e.After(end) {
			return // closes before the period, or after it: not the period's
		}
		out = append(out, Window{maxTime(s, start), e})
	}
	switch f {
	case attest.Daily, attest.MultipleDaily:
		for d := start; !d.After(end); d = d.Add(day) {
			if opts.BusinessDays && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
				continue
			}
			add(d, d)
		}
	case attest.Weekly:
		for d := monday(start); !d.After(end); d = d.AddDate(0, 0, 7) {
			add(d, d.AddDate(0, 0, 6))
		}
	case attest.SemiMonthly:
		for m := date(start.Year(), start.Month(), 1); !m.After(end); m = m.AddDate(0, 1, 0) {
			add(m, m.AddDate(0, 0, 14))
			add(m.AddDate(0, 0, 15), monthEnd(m))
		}
	case attest.Monthly, attest.Continuous:
		for m := date(start.Year(), start.Month(), 1); !m.After(end); m = m.AddDate(0, 1, 0) {
			add(m, monthEnd(m))
		}
	case attest.Quarterly:
		for q := date(start.Year(), start.Month()-(start.Month()-1)%3, 1); !q.After(end); q = q.AddDate(0, 3, 0) {
			add(q, q.AddDate(0, 3, -1))
		}
	}
	return out
}

// anchored lays windows from the period start, the i-th starting at
// from(i): every whole window inside [start, end], or the period itself
// when not even one fits.
func anchored(start, end time.Time, from func(i int) time.Time) []Window {
	var out []Window
	for i := 0; ; i++ {
		e := from(i+1).AddDate(0, 0, -1)
		if e.After(end) {
			break
		}
		out = append(out, Window{from(i), e})
	}
	if len(out) == 0 && !end.Before(start) {
		out = append(out, Window{start, end})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
