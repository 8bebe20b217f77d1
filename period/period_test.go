package period

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func d(s string) time.Time {
	t, err := attest.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func spans(ws []Window) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Start.Format("01-02")+".."+w.End.Format("01-02"))
	}
	return out
}

func TestWindows(t *testing.T) {
	tests := []struct {
		f          attest.Frequency
		start, end string
		opts       Options
		count      int
		first      []string
	}{
		{attest.Daily, "2026-01-01", "2026-12-31", Options{}, 365, []string{"01-01..01-01", "01-02..01-02"}},
		{attest.Daily, "2026-01-01", "2026-01-11", Options{BusinessDays: true}, 7, []string{"01-01..01-01", "01-02..01-02", "01-05..01-05"}},
		{attest.MultipleDaily, "2028-02-27", "2028-03-01", Options{}, 4, []string{"02-27..02-27", "02-28..02-28", "02-29..02-29"}},
		// 2026-01-01 is a Thursday: the first ISO week is clipped.
		{attest.Weekly, "2026-01-01", "2026-01-31", Options{}, 4, []string{"01-01..01-04", "01-05..01-11"}},   // the week of Jan 26 closes Feb 1
		{attest.BiWeekly, "2026-01-01", "2026-02-28", Options{}, 4, []string{"01-01..01-14", "01-15..01-28"}}, // Feb 26-28 is no whole window
		{attest.SemiMonthly, "2026-02-01", "2026-03-31", Options{}, 4, []string{"02-01..02-15", "02-16..02-28", "03-01..03-15", "03-16..03-31"}},
		{attest.Monthly, "2026-01-15", "2026-04-14", Options{}, 3, []string{"01-15..01-31", "02-01..02-28", "03-01..03-31"}}, // April closes after the period
		{attest.Continuous, "2026-01-01", "2026-06-30", Options{}, 6, []string{"01-01..01-31"}},
		{attest.Quarterly, "2026-02-01", "2027-01-31", Options{}, 4, []string{"02-01..03-31", "04-01..06-30", "07-01..09-30", "10-01..12-31"}},
		{attest.SemiAnnual, "2026-04-01", "2027-03-31", Options{}, 2, []string{"04-01..09-30", "10-01..03-31"}},
		{attest.Annual, "2026-04-01", "2027-03-31", Options{}, 1, []string{"04-01..03-31"}},
		{attest.Annual, "2026-01-31", "2027-07-30", Options{}, 1, []string{"01-31..01-30"}}, // the second year does not end in the period
		{attest.EventDriven, "2026-01-01", "2026-12-31", Options{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s..%s", tt.f, tt.start, tt.end), func(t *testing.T) {
			ws := Windows(tt.f, d(tt.start), d(tt.end), tt.opts)
			if len(ws) != tt.count {
				t.Errorf("%d windows, want %d: %v", len(ws), tt.count, spans(ws))
			}
			got := spans(ws)
			if len(got) > len(tt.first) {
				got = got[:len(tt.first)]
			}
			if diff := cmp.Diff(tt.first, got); diff != "" {
				t.Errorf("windows (-want +got):\n%s", diff)
			}
			// Windows follow each other without gaps or overlaps (daily aside).
			for i := 1; i < len(ws) && !tt.opts.BusinessDays; i++ {
				if !ws[i].Start.Equal(ws[i-1].End.Add(day)) {
					t.Errorf("gap or overlap between %v and %v", ws[i-1], ws[i])
				}
			}
		})
	}
}

var seq int64

func ev(date string, added string) attest.Evidence {
	seq++
	return attest.Evidence{ID: seq, Date: date, AddedAt: added + "T12:00:00Z"}
}

func quarterly() attest.Control {
	return attest.Control{ID: "AC-06", Frequency: attest.Quarterly, DueDays: 30}
}

func states(st Status) string {
	var s []string
	for _, o := range st.Occurrences {
		s = append(s, string(o.State))
	}
	return strings.Join(s, " ")
}

func TestEvaluateQuarterly(t *testing.T) {
	in := Input{
		Control: quarterly(), Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22"),
		Evidence: []attest.Evidence{
			ev("2026-03-31", "2026-04-20"), // the Q1 review, added within 30 days after quarter end: present
			ev("2026-06-30", "2026-08-25"), // the Q2 review, added after its due date 07-30: late
			ev("2026-09-15", "2026-09-15"), // Q3, inside the window: present
			ev("2026-04-20", "2026-04-20"), // a second item for Q2, added in time: Q2 is present after all
		},
	}
	st := Evaluate(in)
	if got := states(st); got != "present present present upcoming" {
		t.Errorf("states %q", got)
	}
	if st.Coverage != 1 || st.Occurrences[1].Performed != "2026-04-20" {
		t.Errorf("coverage %v, Q2 %+v", st.Coverage, st.Occurrences[1])
	}
	in.Evidence = in.Evidence[:3]
	st = Evaluate(in)
	if got := states(st); got != "present late present upcoming" {
		t.Errorf("states %q", got)
	}
	if st.Expected != 4 || st.Present != 2 || st.LateCount != 1 || st.Upcoming != 1 {
		t.Errorf("counts %+v", st)
	}
	if want := 2.0 / 3.0; st.Coverage != want {
		t.Errorf("coverage %v, want %v", st.Coverage, want)
	}
	if o := st.Occurrences[1]; o.Due != "2026-07-30" || o.Performed != "2026-08-25" {
		t.Errorf("late occurrence %+v", o)
	}
	// As of a past date, later evidence does not exist yet.
	in.AsOf = d("2026-08-01")
	if got := states(Evaluate(in)); got != "present missed upcoming upcoming" {
		t.Errorf("as of 08-01: %q", got)
	}
}

func TestEvaluateRetractionAndAdded(t *testing.T) {
	e := ev("2026-02-10", "2026-02-10")
	e.Retraction = &attest.Retraction{At: "2026-05-01T00:00:00Z"}
	late := ev("2026-03-15", "2026-06-01") // dated in window, but added on 06-01
	in := Input{Control: attest.Control{ID: "X", Frequency: attest.Monthly}, Start: d("2026-01-01"), End: d("2026-03-31"),
		AsOf: d("2026-04-15"), Evidence: []attest.Evidence{e, late}}
	if got := states(Evaluate(in)); got != "missed present missed" {
		t.Errorf("as of 04-15: %q (evidence retracted later still counts; evidence added later does not)", got)
	}
	in.AsOf = d("2026-07-01")
	if got := states(Evaluate(in)); got != "missed missed late" {
		t.Errorf("as of 07-01: %q", got)
	}
}

func TestEvaluateDailyGreedy(t *testing.T) {
	// Evidence serves the window it is dated in: two items dated 01-02 make
	// day 2 present once; days 1 and 3 have none.
	c := attest.Control{ID: "D", Frequency: attest.Daily, DueDays: 1}
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-01-04"), AsOf: d("2026-01-10"),
		Evidence: []attest.Evidence{ev("2026-01-02", "2026-01-02"), ev("2026-01-02", "2026-01-02"), ev("2026-01-04", "2026-01-04")}}
	if got := states(Evaluate(in)); got != "missed present missed present" {
		t.Errorf("daily: %q", got)
	}
}

func TestEvaluateEventDriven(t *testing.T) {
	c := attest.Control{ID: "AC-04", Frequency: attest.EventDriven, DueDays: 1}
	events := []attest.Event{{Key: "T-1", Date: "2026-02-03"}, {Key: "T-2", Date: "2026-05-10"}, {Key: "T-3", Date: "2026-11-21"}, {Key: "T-0", Date: "2025-12-30"}}
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22"), Events: events,
		Evidence:    []attest.Evidence{ev("2026-02-04", "2026-02-04"), ev("2026-05-20", "2026-05-20")},
		NotRequired: []attest.NotRequired{{Start: "2026-07-01", End: "2026-09-30", Reason: "no terminations in Q3"}}}
	st := Evaluate(in)
	if got := states(st); got != "present late not_required upcoming" {
		t.Errorf("event-driven: %q", got)
	}
	if st.Occurrences[0].Event != "T-1" || st.NotRequired != 1 {
		t.Errorf("occurrences %+v", st.Occurrences)
	}
	if st.Coverage != 0.5 {
		t.Errorf("coverage %v, want 0.5 (present / (expected - not required - upcoming))", st.Coverage)
	}
	in.Events, in.NotRequired = nil, nil
	if st := Evaluate(in); st.Expected != 0 || len(st.Warnings) == 0 || !strings.Contains(st.Warnings[0], "no population") {
		t.Errorf("no population: %+v", st)
	}
}

func TestNotRequiredPeriodic(t *testing.T) {
	c := attest.Control{ID: "M", Frequency: attest.Monthly}
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-03-31"), AsOf: d("2026-12-01"),
		NotRequired: []attest.NotRequired{{Start: "2026-02-01", End: "2026-02-28", Reason: "no batch runs in February"}}}
	st := Evaluate(in)
	if got := states(st); got != "missed not_required missed" || st.Occurrences[1].Reason == "" {
		t.Errorf("%q %+v", got, st.Occurrences)
	}
}

func TestSpanEvidenceAndStrays(t *testing.T) {
	c := attest.Control{ID: "OPS-07", Frequency: attest.Monthly, DueDays: 5}
	span := ev("", "2026-04-02")
	span.CoversStart, span.CoversEnd = "2026-01-01", "2026-03-31"
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-06-30"), AsOf: d("2026-12-01"),
		Evidence: []attest.Evidence{span, ev("2025-11-02", "2026-01-02")}}
	st := Evaluate(in)
	// A system export covering Q1 makes each month inside it present.
	if got := states(st); got != "present present present missed missed missed" {
		t.Errorf("span: %q", got)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "outside the period") {
		t.Errorf("warnings %q", st.Warnings)
	}
}

func TestCoverageNothingDue(t *testing.T) {
	st := Evaluate(Input{Control: quarterly(), Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-01-05")})
	if st.Coverage != 1 || st.Upcoming != 4 {
		t.Errorf("nothing due yet: %+v", st)
	}
}

// Early in the period nothing is due: coverage measures nothing, and the
// status says so instead of passing for complete.
func TestNothingDueYet(t *testing.T) {
	st := Evaluate(Input{Control: quarterly(), Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-02-10")})
	if !st.NothingDue || st.Present != 0 {
		t.Errorf("before the first due date: %+v", st)
	}
	st = Evaluate(Input{Control: quarterly(), Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22")})
	if st.NothingDue {
		t.Errorf("three quarters have come due: %+v", st)
	}
}
