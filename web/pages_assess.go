package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/report"
)

// latestRunKey is the setting `attest check run` keeps the latest run's
// evidence ID in.
const latestRunKey = "check.latest_run"

// checkRun is what the pages read of a check run kept as evidence (the
// document `attest check run` writes; see docs/checks.md).
type checkRun struct {
	RunAt    string         `json:"run_at"`
	By       string         `json:"by"`
	Summary  check.Summary  `json:"summary"`
	Results  []check.Result `json:"results"`
	Evidence int64          `json:"evidence"`
}

func (s *Server) today() time.Time {
	t := s.cfg.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// readRun reads one check run from its evidence.
func (s *Server) readRun(ev *attest.Evidence) (*checkRun, error) {
	if s.cfg.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"}
	}
	b, err := blob.ReadAll(s.cfg.Blobs, blob.Ref(ev.Ref))
	if err != nil {
		return nil, fmt.Errorf("check run evidence %d: %w", ev.ID, err)
	}
	var run checkRun
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("check run evidence %d: %w", ev.ID, err)
	}
	run.Evidence = ev.ID
	return &run, nil
}

// latestRun is the latest recorded check run, or nil when there is none
// (or it was retracted).
func (s *Server) latestRun(ctx context.Context) (*checkRun, error) {
	v, err := s.cfg.Store.Setting(ctx, latestRunKey)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("setting %s: %w", latestRunKey, err)
	}
	ev, err := s.cfg.Store.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Retraction != nil || ev.PurgedAt != "" {
		return nil, nil
	}
	return s.readRun(ev)
}

// failedChecks is, per control, the checks that failed in run.
func failedChecks(run *checkRun) map[string][]readiness.FailedCheck {
	out := map[string][]readiness.FailedCheck{}
	if run == nil {
		return out
	}
	for _, r := range run.Results {
		if r.Status != check.StatusFail {
			continue
		}
		for _, c := range r.Controls {
			out[c] = append(out[c], readiness.FailedCheck{ID: r.Check, Title: r.Title, Severity: r.Severity, Failing: len(r.Failing), RunAt: run.RunAt[:min(10, len(run.RunAt))]})
		}
	}
	return out
}

// window is the span a control's occurrences are laid over: the period
// (Type 2, SOC 3), or the year up to the as-of date (Type 1), with the
// date to assess as of (never after a Type 1's as-of date).
func window(e *attest.Engagement, today time.Time) (start, end, when time.Time) {
	when = today
	if e.PeriodStart != "" {
		start, _ = attest.ParseDate(e.PeriodStart)
		end, _ = attest.ParseDate(e.PeriodEnd)
		return start, end, when
	}
	end, _ = attest.ParseDate(e.AsOf)
	if when.After(end) {
		when = end
	}
	return end.AddDate(-1, 0, 1), end, when
}

// description is the engagement's latest description inputs, empty when
// none are recorded.
func (s *Server) description(ctx context.Context, e *attest.Engagement) (*report.Description, error) {
	docs, err := s.cfg.Store.Documents(ctx, e.ID, attest.DocDescription)
	if err != nil || len(docs) == 0 || s.cfg.Blobs == nil {
		return &report.Description{}, err
	}
	doc := docs[len(docs)-1]
	b, err := blob.ReadAll(s.cfg.Blobs, blob.Ref(doc.Ref))
	if err != nil {
		return nil, err
	}
	return report.ParseDescription("description inputs (document "+strconv.FormatInt(doc.ID, 10)+")", b)
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
	Upcoming   []occurrenceRow   `json:"upcoming"`
	Overdue    []attest.Request  `json:"overdue_requests"`
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
func (s *Server) assess(ctx context.Context, e *attest.Engagement, today time.Time, run *checkRun, opts period.Options) (*engagementView, error) {
	st := s.cfg.Store
	start, end, when := window(e, today)
	v := &engagementView{Engagement: *e, Label: e.Label(), Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout),
		AsOf: when.Format(attest.DateLayout), TargetName: "Criterion", Counts: map[string]int{},
		Controls: []controlView{}, Failing: []failingCheck{}, Missed: []occurrenceRow{}, Upcoming: []occurrenceRow{}, Overdue: []attest.Request{}}
	if e.Kind == attest.SOC1 {
		v.TargetName = "Control objective"
	}
	ctls, err := st.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	in, err := s.readinessInput(ctx, e, ctls, run)
	if err != nil {
		return nil, err
	}
	horizon := today.AddDate(0, 0, upcomingDays).Format(attest.DateLayout)
	for _, c := range ctls {
		v.Counts[string(c.Status)]++
		ps, err := period.ControlStatus(ctx, st, c, start, end, when, opts)
		if err != nil {
			return nil, err
		}
		in.Status[c.ID] = ps
		v.Controls = append(v.Controls, controlView{Control: c, Period: ps, Occurrences: ps.Occurrences, Cells: cells(ps.Occurrences, true)})
		if c.Status == attest.NotApplicable {
			continue
		}
		for _, o := range ps.Occurrences {
			switch {
			case o.State == period.Missed:
				v.Missed = append(v.Missed, occurrenceRow{c.ID, o})
			case o.State == period.Upcoming && o.Due <= horizon:
				v.Upcoming = append(v.Upcoming, occurrenceRow{c.ID, o})
			}
		}
	}
	v.Readiness = readiness.Assess(*in)
	// The most recent misses first; the soonest due first.
	sort.SliceStable(v.Missed, func(i, j int) bool { return v.Missed[i].Due > v.Missed[j].Due })
	sort.SliceStable(v.Upcoming, func(i, j int) bool { return v.Upcoming[i].Due < v.Upcoming[j].Due })
	if run != nil {
		for _, r := range run.Results {
			if r.Status != check.StatusFail {
				continue
			}
			f := failingCheck{Check: r.Check, Title: r.Title, Severity: r.Severity, Failing: len(r.Failing), RunAt: run.RunAt, Evidence: run.Evidence}
			for _, c := range r.Controls {
				if _, ok := in.Status[c]; ok {
					f.Controls = append(f.Controls, c)
				}
			}
			if len(f.Controls) > 0 {
				v.Failing = append(v.Failing, f)
			}
		}
	}
	v.TopGaps, v.MoreGaps = firstOf(v.Readiness.Gaps, 15)
	v.TopMissed, v.MoreMissed = firstOf(v.Missed, 15)
	reqs, err := st.Requests(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if r.Status == "open" && r.Due != "" && r.Due < today.Format(attest.DateLayout) {
			v.Overdue = append(v.Overdue, r)
		}
	}
	return v, nil
}

// readinessInput gathers what readiness.Assess needs besides the controls'
// period status: the criteria or objectives in scope with exclusions, the
// library's controls for hints, failing checks and description gaps.
func (s *Server) readinessInput(ctx context.Context, e *attest.Engagement, ctls []attest.Control, run *checkRun) (*readiness.Input, error) {
	st := s.cfg.Store
	cat := catalog.MustLoad()
	xs, err := st.Exclusions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	in := readiness.Input{Engagement: e, Controls: ctls, Status: map[string]period.Status{}, Library: map[string][]string{}, Checks: failedChecks(run)}
	desc, err := s.description(ctx, e)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range ctls {
		known[c.ID] = true
	}
	for _, g := range desc.Check(e, known) {
		in.Description = append(in.Description, [2]string{g.Part, g.Detail})
	}
	in.Scope(cat, xs)
	return &in, nil
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
var worst = map[period.State]int{period.Missed: 0, period.Late: 1, period.Present: 2, period.Upcoming: 3, period.NotRequired: 4}

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
		for _, s := range []period.State{period.Present, period.Late, period.Missed, period.NotRequired, period.Upcoming} {
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

var stateWords = map[period.State]string{period.Present: "evidence present", period.Late: "late", period.Missed: "missed",
	period.NotRequired: "not required", period.Upcoming: "upcoming"}
