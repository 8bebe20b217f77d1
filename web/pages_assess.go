package web

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
)

func (s *Server) today() time.Time {
	t := s.cfg.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// engagementView is the dashboard's view of one engagement
// (dashboard.Engagement) with the first of its long lists, for the page.
type engagementView struct {
	*dashboard.View
	TopGaps    []readiness.Gap        `json:"-"`
	MoreGaps   int                    `json:"-"`
	TopMissed  []dashboard.Occurrence `json:"-"`
	MoreMissed int                    `json:"-"`
}

// assess is the dashboard's view of e as of today, with the latest check
// run and the period options read once by the caller and shared.
func (s *Server) assess(ctx context.Context, e *attest.Engagement, today time.Time, sh readiness.Shared) (*engagementView, error) {
	d, err := dashboard.Engagement(ctx, s.cfg.Store, s.cfg.Blobs, e, today, sh)
	if err != nil {
		return nil, err
	}
	v := &engagementView{View: d}
	v.TopGaps, v.MoreGaps = firstOf(d.Readiness.Gaps, 15)
	v.TopMissed, v.MoreMissed = firstOf(d.Missed, 15)
	return v, nil
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
