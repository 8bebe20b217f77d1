package period

import (
	"fmt"
	"testing"

	"github.com/attest-dev/attest"
)

// The periods of the hand-worked table, with the weekdays the working
// needs. 2026-01-01 is a Thursday; 2026 has 365 days and 2028 is a leap
// year.
var alignments = []struct {
	name, start, end string
}{
	{"the 1st", "2026-01-01", "2026-12-31"},     // Thu to Thu, 365 days
	{"mid-month", "2026-01-15", "2027-01-14"},   // Thu to Thu, 365 days
	{"February", "2026-02-01", "2027-01-31"},    // Sun to Sun, 365 days
	{"leap year", "2027-03-01", "2028-02-29"},   // Mon to Tue, 366 days
	{"six months", "2026-04-01", "2026-09-30"},  // Wed to Wed, 183 days
	{"Type 1 date", "2025-06-16", "2026-06-15"}, // Mon to Mon: the year to an as-of date of 2026-06-15
}

// A cell of the table: how many occurrences belong to the period, and the
// first and last windows (MM-DD, or YYYY-MM-DD where the year differs
// from the period start's).
type cell struct {
	n           int
	first, last string
}

// occurrenceTable was worked by hand, not by running the code. The rule:
// an occurrence belongs to the period when its window closes within it; a
// calendar window that opened before the period starts, for it, on the
// period's first day; bi-weekly, semi-annual and annual windows are laid
// from the period start, whole ones only (the period itself when none
// fits).
//
// Daily (and multiple-daily): one window a day, so the count is the days:
// 365, 365 (Jan 15 to Jan 14), 365 (Feb 1 to Jan 31), 366 (Feb 29 2028
// inside), 183 (30+31+30+31+31+30), 365.
//
// Weekly: one window per Sunday inside the period (ISO weeks close on
// Sunday).
//   - the 1st: Sundays Jan 4 (day 4) to Dec 27 (day 361): (361-4)/7+1 = 52;
//     the first week opened Mon Dec 29, so it starts Jan 1 for the period;
//     the week of Thu Dec 31 closes Jan 3 2027, outside.
//   - mid-month: Sun Jan 18 (day 18) to Sun Jan 10 2027 (day 375):
//     (375-18)/7+1 = 52; the first week starts Thu Jan 15 for the period.
//   - February: the period starts and ends on a Sunday, so 365 days hold 53
//     Sundays: Feb 1 (day 32) to Jan 31 2027 (day 396), (396-32)/7+1 = 53;
//     the first window is the one day Feb 1 (the week of Mon Jan 26).
//   - leap year: Mon Mar 1 2027 to Sun Feb 27 2028 is 52 whole weeks; the
//     week of Mon Feb 28 closes Mar 5 2028, outside.
//   - six months: Sun Apr 5 (day 95) to Sun Sep 27 (day 270):
//     (270-95)/7+1 = 26; the first week starts Wed Apr 1 for the period.
//   - Type 1: Mon Jun 16 2025 to Sun Jun 14 2026 is 52 whole weeks; Mon
//     Jun 15 alone closes Jun 21, outside.
//
// Bi-weekly: whole 14-day windows from the start: 365 and 366 days hold 26
// (364 days), 183 days hold 13 (182 days); the last starts on day 1+350
// (1+168 for six months): Dec 17, Dec 31, Jan 17 2027, Feb 14 2028, Sep 16
// and Jun 1 2026.
//
// Semi-monthly: two windows a month (1st-15th, 16th-end): 24 over twelve
// months, 12 over six. Mid-month: Jan 1-15 closes on the period's first
// day, so it belongs as the one day Jan 15; Jan 1-15 2027 closes Jan 15,
// after Jan 14. Type 1: Jun 1-15 2025 closed before Jun 16 (out); Jun
// 16-30 2025 to Jun 1-15 2026: 1 + 12 (Jul-Dec) + 10 (Jan-May) + 1 = 24.
//
// Monthly and continuous: calendar months closing inside: 12 over twelve
// months (mid-month: Jan 2026, starting Jan 15, to Dec 2026, since Jan 2027
// closes Jan 31; Type 1: Jun 2025 from Jun 16 to May 2026, since Jun 2026
// closes Jun 30), 6 over six.
//
// Quarterly: calendar quarters closing inside: four over twelve months,
// whatever the alignment (February: Q1 from Feb 1, Q2, Q3, Q4; Q1 2027
// closes Mar 31 2027, after Jan 31: the fifth window the period used to
// count); two over six months (Q2, Q3); Type 1: Q2 2025 from Jun 16, Q3,
// Q4, Q1 2026 (Q2 2026 closes Jun 30, after Jun 15).
//
// Semi-annual: two six-month windows over twelve months (Jan 31 plus six
// months is Jul 31, so February's are Feb 1-Jul 31 and Aug 1-Jan 31), one
// over six. Annual: the year from the start; over six months no whole year
// fits, so the period itself is the one window.
var occurrenceTable = map[attest.Frequency][6]cell{
	attest.Daily: {
		{365, "01-01..01-01", "12-31..12-31"}, {365, "01-15..01-15", "2027-01-14..2027-01-14"}, {365, "02-01..02-01", "2027-01-31..2027-01-31"},
		{366, "03-01..03-01", "2028-02-29..2028-02-29"}, {183, "04-01..04-01", "09-30..09-30"}, {365, "06-16..06-16", "2026-06-15..2026-06-15"},
	},
	attest.Weekly: {
		{52, "01-01..01-04", "12-21..12-27"}, {52, "01-15..01-18", "2027-01-04..2027-01-10"}, {53, "02-01..02-01", "2027-01-25..2027-01-31"},
		{52, "03-01..03-07", "2028-02-21..2028-02-27"}, {26, "04-01..04-05", "09-21..09-27"}, {52, "06-16..06-22", "2026-06-08..2026-06-14"},
	},
	attest.BiWeekly: {
		{26, "01-01..01-14", "12-17..12-30"}, {26, "01-15..01-28", "12-31..2027-01-13"}, {26, "02-01..02-14", "2027-01-17..2027-01-30"},
		{26, "03-01..03-14", "2028-02-14..2028-02-27"}, {13, "04-01..04-14", "09-16..09-29"}, {26, "06-16..06-29", "2026-06-01..2026-06-14"},
	},
	attest.SemiMonthly: {
		{24, "01-01..01-15", "12-16..12-31"}, {24, "01-15..01-15", "12-16..12-31"}, {24, "02-01..02-15", "2027-01-16..2027-01-31"},
		{24, "03-01..03-15", "2028-02-16..2028-02-29"}, {12, "04-01..04-15", "09-16..09-30"}, {24, "06-16..06-30", "2026-06-01..2026-06-15"},
	},
	attest.Monthly: {
		{12, "01-01..01-31", "12-01..12-31"}, {12, "01-15..01-31", "12-01..12-31"}, {12, "02-01..02-28", "2027-01-01..2027-01-31"},
		{12, "03-01..03-31", "2028-02-01..2028-02-29"}, {6, "04-01..04-30", "09-01..09-30"}, {12, "06-16..06-30", "2026-05-01..2026-05-31"},
	},
	attest.Quarterly: {
		{4, "01-01..03-31", "10-01..12-31"}, {4, "01-15..03-31", "10-01..12-31"}, {4, "02-01..03-31", "10-01..12-31"},
		{4, "03-01..03-31", "10-01..12-31"}, {2, "04-01..06-30", "07-01..09-30"}, {4, "06-16..06-30", "2026-01-01..2026-03-31"},
	},
	attest.SemiAnnual: {
		{2, "01-01..06-30", "07-01..12-31"}, {2, "01-15..07-14", "07-15..2027-01-14"}, {2, "02-01..07-31", "08-01..2027-01-31"},
		{2, "03-01..08-31", "09-01..2028-02-29"}, {1, "04-01..09-30", "04-01..09-30"}, {2, "06-16..12-15", "12-16..2026-06-15"},
	},
	attest.Annual: {
		{1, "01-01..12-31", "01-01..12-31"}, {1, "01-15..2027-01-14", "01-15..2027-01-14"}, {1, "02-01..2027-01-31", "02-01..2027-01-31"},
		{1, "03-01..2028-02-29", "03-01..2028-02-29"}, {1, "04-01..09-30", "04-01..09-30"}, {1, "06-16..2026-06-15", "06-16..2026-06-15"},
	},
}

func init() {
	// Multiple-daily controls are laid like daily ones, continuous ones
	// like monthly ones.
	occurrenceTable[attest.MultipleDaily] = occurrenceTable[attest.Daily]
	occurrenceTable[attest.Continuous] = occurrenceTable[attest.Monthly]
}

// short writes a window as the table does: MM-DD, with the year where it
// differs from the period start's.
func short(w Window, year int) string {
	s := func(d string, y int) string {
		if y != year {
			return d
		}
		return d[5:]
	}
	return s(w.Start.Format(attest.DateLayout), w.Start.Year()) + ".." + s(w.End.Format(attest.DateLayout), w.End.Year())
}

func TestOccurrenceTable(t *testing.T) {
	for _, f := range attest.Frequencies {
		if f == attest.EventDriven {
			continue
		}
		row, ok := occurrenceTable[f]
		if !ok {
			t.Errorf("the table has no row for %s", f)
			continue
		}
		for i, a := range alignments {
			t.Run(fmt.Sprintf("%s/%s", f, a.name), func(t *testing.T) {
				start := d(a.start)
				ws := Windows(f, start, d(a.end), Options{})
				want := row[i]
				if len(ws) != want.n {
					t.Fatalf("%d occurrences, want %d", len(ws), want.n)
				}
				if got := short(ws[0], start.Year()); got != want.first {
					t.Errorf("first window %s, want %s", got, want.first)
				}
				if got := short(ws[len(ws)-1], start.Year()); got != want.last {
					t.Errorf("last window %s, want %s", got, want.last)
				}
				for j := 1; j < len(ws); j++ {
					if !ws[j].Start.Equal(ws[j-1].End.Add(day)) {
						t.Errorf("gap or overlap between %v and %v", ws[j-1], ws[j])
					}
				}
			})
		}
	}
}
