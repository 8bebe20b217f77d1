package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/report"
)

func (s *Server) today() time.Time {
	t := s.cfg.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// occurrenceRow is one occurrence named with its control, for the lists
// of missed and upcoming ones.
type occurrenceRow struct {
	Control string `json:"control"`
	period.Occurrence
}

// controlView is one control with its occurrences over the window.
type controlView struct {
	attest.Control
	Period      period.Status       `json:"period"`
	Occurrences []period.Occurrence `json:"occurrences"`
	// Cells is the dashboard's calendar row.
	Cells []cell `json:"-"`
}

// engagementView is everything the dashboard shows of one engagement.
type engagementView struct {
	Engagement attest.Engagement `json:"engagement"`
	Label      string            `json:"label"`
	Start      string            `json:"window_start"`
	End        string            `json:"window_end"`
	AsOf       string            `json:"as_of"`
	TargetName string            `json:"target_name"`
	Readiness  *readiness.Report `json:"readiness"`
	Controls   []controlView     `json:"controls"`
	Counts     map[string]int    `json:"status_counts"`
	Failing    []failingCheck    `json:"failing_checks"`
	Missed     []occurrenceRow   `json:"missed"`
	// Deviations are preventive controls' occurrences performed after
	// the event they were to prevent.
	Deviations []occurrenceRow  `json:"deviations"`
	Upcoming   []occurrenceRow  `json:"upcoming"`
	Overdue    []attest.Request `json:"overdue_requests"`
	// The first of the long lists, for the page.
	TopGaps    []readiness.Gap `json:"-"`
	MoreGaps   int             `json:"-"`
	TopMissed  []occurrenceRow `json:"-"`
	MoreMissed int             `json:"-"`
}

// failingCheck is a check that failed in the latest run, for the
// engagement's controls.
type failingCheck struct {
	Check    string   `json:"check"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Controls []string `json:"controls"`
	Failing  int      `json:"failing"`
	RunAt    string   `json:"run_at"`
	Evidence int64    `json:"evidence"`
}

// upcomingDays is how far ahead the dashboard lists occurrences coming due.
const upcomingDays = 30

// assess evaluates one engagement as of today: every control's
// occurrences, the readiness scores and gaps, failing checks, missed and
// upcoming occurrences, overdue requests. The latest check run and the
// period options are read once by the caller and shared.
func (s *Server) assess(ctx context.Context, e *attest.Engagement, today time.Time, sh readiness.Shared) (*engagementView, error) {
	in, rep, err := report.Readiness(ctx, s.cfg.Store, s.cfg.Blobs, e, today, sh)
	if err != nil {
		return nil, err
	}
	start, end, when := readiness.Window(e, today)
	v := &engagementView{Engagement: *e, Label: e.Label(), Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout),
		AsOf: when.Format(attest.DateLayout), TargetName: "Criterion", Counts: map[string]int{}, Readiness: rep,
		Controls: []controlView{}, Failing: failing(sh.Run, in.Status), Missed: []occurrenceRow{}, Deviations: []occurrenceRow{}, Upcoming: []occurrenceRow{},
		Overdue: []attest.Request{}}
	if e.Kind == attest.SOC1 {
		v.TargetName = "Control objective"
	}
	horizon := today.AddDate(0, 0, upcomingDays).Format(attest.DateLayout)
	for _, c := range in.Controls {
		v.Counts[string(c.Status)]++
		ps := in.Status[c.ID]
		v.Controls = append(v.Controls, controlView{Control: c, Period: ps, Occurrences: ps.Occurrences, Cells: cells(ps.Occurrences, true)})
		if c.Status == attest.NotApplicable {
			continue
		}
		for _, o := range ps.Occurrences {
			switch {
			case o.State == period.Missed:
				v.Missed = append(v.Missed, occurrenceRow{c.ID, o})
			case o.State == period.Deviation:
				v.Deviations = append(v.Deviations, occurrenceRow{c.ID, o})
			case o.State == period.Upcoming && o.Due <= horizon:
				v.Upcoming = append(v.Upcoming, occurrenceRow{c.ID, o})
			}
		}
	}
	// The most recent misses first; the soonest due first.
	sort.SliceStable(v.Missed, func(i, j int) bool { return v.Missed[i].Due > v.Missed[j].Due })
	sort.SliceStable(v.Upcoming, func(i, j int) bool { return v.Upcoming[i].Due < v.Upcoming[j].Due })
	v.TopGaps, v.MoreGaps = firstOf(v.Readiness.Gaps, 15)
	v.TopMissed, v.MoreMissed = firstOf(v.Missed, 15)
	reqs, err := s.cfg.Store.Requests(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if fieldwork.Overdue(&r, today.Format(attest.DateLayout)) {
			v.Overdue = append(v.Overdue, r)
		}
	}
	return v, nil
}

// failing is the checks that failed in run for the engagement's controls
// (those with a period status).
func failing(run *check.Run, controls map[string]period.Status) []failingCheck {
	out := []failingCheck{}
	if run == nil {
		return out
	}
	for _, r := range run.Results {
		if r.Status != check.StatusFail {
			continue
		}
		f := failingCheck{Check: r.Check, Title: r.Title, Severity: r.Severity, Failing: len(r.Failing), RunAt: run.RunAt}
		if run.Evidence != nil {
			f.Evidence = *run.Evidence
		}
		for _, c := range r.Controls {
			if _, ok := controls[c]; ok {
				f.Controls = append(f.Controls, c)
			}
		}
		if len(f.Controls) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// firstOf is the first n of l and how many more there are.
func firstOf[T any](l []T, n int) ([]T, int) {
	if len(l) <= n {
		return l, 0
	}
	return l[:n], len(l) - n
}

// cell is one square of the coverage calendar: one occurrence, or on the
// dashboard a week of a daily control's occurrences.
type cell struct {
	State period.State `json:"state"`
	Label string       `json:"label"`
}

// maxCells is how many squares a control gets on the dashboard; a control
// with more occurrences (daily ones) is shown by week there, and day by
// day on its own page.
const maxCells = 60

// worst orders states for a week's square: the one that needs attention
// shows.
var worst = map[period.State]int{period.Missed: 0, period.Deviation: 0, period.Late: 1, period.Present: 2, period.Upcoming: 3, period.NotRequired: 4}

// cells lays occurrences out as calendar squares.
func cells(occs []period.Occurrence, group bool) []cell {
	out := make([]cell, 0, min(len(occs), maxCells))
	if !group || len(occs) <= maxCells {
		for _, o := range occs {
			l := o.Start + " to " + o.End
			if o.Event != "" {
				l = "event " + o.Event + " on " + o.Start
			} else if o.Start == o.End {
				l = o.Start
			}
			l += ", due " + o.Due + ": " + stateWords[o.State]
			if o.Reason != "" {
				l += " (" + o.Reason + ")"
			}
			out = append(out, cell{o.State, l})
		}
		return out
	}
	var week string
	var counts map[period.State]int
	var st period.State
	flush := func() {
		if week == "" {
			return
		}
		var parts []string
		for _, s := range []period.State{period.Present, period.Late, period.Deviation, period.Missed, period.NotRequired, period.Upcoming} {
			if counts[s] > 0 {
				parts = append(parts, itoa(int64(counts[s]))+" "+stateWords[s])
			}
		}
		out = append(out, cell{st, "week of " + week + ": " + strings.Join(parts, ", ")})
	}
	for _, o := range occs {
		d, _ := attest.ParseDate(o.Start)
		monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(attest.DateLayout)
		if monday != week {
			flush()
			week, counts, st = monday, map[period.State]int{}, o.State
		}
		counts[o.State]++
		if worst[o.State] < worst[st] {
			st = o.State
		}
	}
	flush()
	return out
}

var stateWords = map[period.State]string{period.Present: "evidence present", period.Late: "late",
	period.Deviation: "deviation (a preventive control performed after the event)", period.Missed: "missed",
	period.NotRequired: "not required", period.Upcoming: "upcoming"}
