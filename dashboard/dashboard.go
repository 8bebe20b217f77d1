// Package dashboard works out what the staff dashboard shows of one
// engagement as of a day: each control with its occurrences over the
// window, the readiness scores and gaps, the checks failing in the latest
// run, the occurrences missed, performed as deviations or coming due, and
// the auditor's requests that are overdue. The web server renders and
// caches it and answers it as JSON (/api/v1/engagements/{id}/dashboard);
// deciding it is here.
package dashboard

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/report"
)

// UpcomingDays is how far ahead the dashboard lists occurrences coming due.
const UpcomingDays = 30

// Occurrence is one occurrence named with its control, for the lists of
// missed, deviating and upcoming ones.
type Occurrence struct {
	Control string `json:"control"`
	period.Occurrence
}

// Control is one control with its occurrences over the window.
type Control struct {
	attest.Control
	Period      period.Status       `json:"period"`
	Occurrences []period.Occurrence `json:"occurrences"`
}

// FailingCheck is a check that failed in the latest run for some of the
// engagement's controls.
type FailingCheck struct {
	Check    string   `json:"check"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Controls []string `json:"controls"`
	Failing  int      `json:"failing"`
	RunAt    string   `json:"run_at"`
	Evidence int64    `json:"evidence"`
}

// View is everything the dashboard shows of one engagement.
type View struct {
	Engagement attest.Engagement `json:"engagement"`
	Label      string            `json:"label"`
	Start      string            `json:"window_start"`
	End        string            `json:"window_end"`
	AsOf       string            `json:"as_of"`
	TargetName string            `json:"target_name"`
	Readiness  *readiness.Report `json:"readiness"`
	Controls   []Control         `json:"controls"`
	Counts     map[string]int    `json:"status_counts"`
	Failing    []FailingCheck    `json:"failing_checks"`
	// Missed are the occurrences not performed by their due day, the
	// most recent first.
	Missed []Occurrence `json:"missed"`
	// Deviations are preventive controls' occurrences performed after
	// the event they were to prevent.
	Deviations []Occurrence `json:"deviations"`
	// Upcoming are the occurrences due within UpcomingDays, the soonest
	// first.
	Upcoming []Occurrence     `json:"upcoming"`
	Overdue  []attest.Request `json:"overdue_requests"`
}

// Store is what Engagement reads besides the readiness input.
type Store interface {
	report.ReadinessStore
	Requests(ctx context.Context, engagementID string) ([]attest.Request, error)
}

// Engagement is the dashboard's view of e as of today. sh, the latest
// check run and the period options, is read once by the caller and
// shared by every engagement. A control that does not apply is listed
// with its occurrences but none of them counts as missed, deviating or
// coming up, nor do its failing checks.
func Engagement(ctx context.Context, s Store, bs blob.Store, e *attest.Engagement, today time.Time, sh readiness.Shared) (*View, error) {
	in, rep, err := report.Readiness(ctx, s, bs, e, today, sh)
	if err != nil {
		return nil, err
	}
	start, end, when := readiness.Window(e, today)
	v := &View{Engagement: *e, Label: e.Label(), Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout),
		AsOf: when.Format(attest.DateLayout), TargetName: "Criterion", Counts: map[string]int{}, Readiness: rep,
		Controls: []Control{}, Missed: []Occurrence{}, Deviations: []Occurrence{}, Upcoming: []Occurrence{},
		Overdue: []attest.Request{}}
	if e.Kind == attest.SOC1 {
		v.TargetName = "Control objective"
	}
	horizon := today.AddDate(0, 0, UpcomingDays).Format(attest.DateLayout)
	applies := map[string]bool{}
	for _, c := range in.Controls {
		v.Counts[string(c.Status)]++
		ps := in.Status[c.ID]
		v.Controls = append(v.Controls, Control{Control: c, Period: ps, Occurrences: ps.Occurrences})
		if c.Status == attest.NotApplicable {
			continue
		}
		applies[c.ID] = true
		for _, o := range ps.Occurrences {
			switch {
			case o.State == period.Missed:
				v.Missed = append(v.Missed, Occurrence{c.ID, o})
			case o.State == period.Deviation:
				v.Deviations = append(v.Deviations, Occurrence{c.ID, o})
			case o.State == period.Upcoming && o.Due <= horizon:
				v.Upcoming = append(v.Upcoming, Occurrence{c.ID, o})
			}
		}
	}
	sort.SliceStable(v.Missed, func(i, j int) bool { return v.Missed[i].Due > v.Missed[j].Due })
	sort.SliceStable(v.Upcoming, func(i, j int) bool { return v.Upcoming[i].Due < v.Upcoming[j].Due })
	v.Failing = failing(sh.Run, applies)
	reqs, err := s.Requests(ctx, e.ID)
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

// All is the dashboard's view of each of engs as of today, the latest
// check run and the period options read once for all of them.
func All(ctx context.Context, s interface {
	Store
	check.LatestStore
}, bs blob.Store, engs []attest.Engagement, today time.Time) ([]*View, error) {
	sh, err := readiness.LoadShared(ctx, s, bs)
	if err != nil {
		return nil, err
	}
	out := make([]*View, 0, len(engs))
	for i := range engs {
		v, err := Engagement(ctx, s, bs, &engs[i], today, sh)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// failing is the checks that failed in run for the controls that apply,
// naming only those controls.
func failing(run *check.Run, applies map[string]bool) []FailingCheck {
	out := []FailingCheck{}
	for _, f := range run.Failures(func(c string) bool { return applies[c] }) {
		fc := FailingCheck{Check: f.Check, Title: f.Title, Severity: f.Severity, Failing: len(f.Failing), RunAt: run.RunAt, Controls: f.Controls}
		if run.Evidence != nil {
			fc.Evidence = *run.Evidence
		}
		out = append(out, fc)
	}
	return out
}

// ControlView is one control as its page shows it: its occurrences over
// the dashboard's window, whatever their state, and every evidence item
// linked to it the reader may see, retracted ones too, newest first.
type ControlView struct {
	Engagement  *attest.Engagement  `json:"engagement"`
	Control     *attest.Control     `json:"control"`
	Period      period.Status       `json:"period"`
	Start       string              `json:"window_start"`
	End         string              `json:"window_end"`
	AsOf        string              `json:"as_of"`
	Occurrences []period.Occurrence `json:"occurrences"`
	Evidence    []attest.Evidence   `json:"evidence"`
	Warnings    []string            `json:"warnings"`
}

// ControlStore is what ReadControl reads.
type ControlStore interface {
	period.Records
	period.Settings
	evidence.Reader
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Control(ctx context.Context, engagementID, controlID string) (*attest.Control, error)
}

// ReadControl is control id of engagement engID as of today, for a reader
// whose scope is sc: refused when sc does not read the engagement.
func ReadControl(ctx context.Context, s ControlStore, sc interface {
	evidence.Scope
	Engagement(id string) error
}, engID, id string, today time.Time) (*ControlView, error) {
	if err := sc.Engagement(engID); err != nil {
		return nil, err
	}
	e, err := s.Engagement(ctx, engID)
	if err != nil {
		return nil, err
	}
	c, err := s.Control(ctx, e.ID, strings.ToUpper(id))
	if err != nil {
		return nil, err
	}
	start, end, when := readiness.Window(e, today)
	ps, err := period.ControlStatus(ctx, s, *c, start, end, when, period.LoadOptions(ctx, s))
	if err != nil {
		return nil, err
	}
	evs, err := evidence.List(ctx, s, sc, c.ID, true)
	if err != nil {
		return nil, err
	}
	slices.Reverse(evs)
	return &ControlView{Engagement: e, Control: c, Period: ps, Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout), AsOf: when.Format(attest.DateLayout),
		Occurrences: attest.OrEmpty(ps.Occurrences), Evidence: attest.OrEmpty(evs), Warnings: attest.OrEmpty(ps.Warnings)}, nil
}

// StateStore is what naming the dashboard's state reads.
type StateStore interface {
	LedgerSize(ctx context.Context) (int64, error)
	Setting(ctx context.Context, key string) (string, error)
}

// State names the state of the data the dashboard is computed from on a
// day: the same name, the same dashboard. Every change to the records is
// a ledger entry, so the ledger's size stands for them; the business-days
// setting and the latest check run are settings, so they are read.
func State(ctx context.Context, s StateStore, today time.Time) (string, error) {
	n, err := s.LedgerSize(ctx)
	if err != nil {
		return "", err
	}
	bd := period.LoadOptions(ctx, s).BusinessDays
	run, _ := check.LatestEvidence(ctx, s)
	return today.Format(attest.DateLayout) + "|" + strconv.FormatBool(bd) + "|" + strconv.FormatInt(run, 10) + "|" + strconv.FormatInt(n, 10), nil
}

// EngagementID is the engagement the view is of.
func (v *View) EngagementID() string { return v.Engagement.ID }

// Readable keeps the views (each engagement's, computed once for every
// reader: the web keeps them per state of the data) of the engagements
// the reader's scope (auth.Scope) reads: all of them for the staff, an
// auditor's own inside their windows.
func Readable[V interface{ EngagementID() string }](sc interface{ Engagement(id string) error }, vs []V) []V {
	out := []V{}
	for _, v := range vs {
		if sc.Engagement(v.EngagementID()) == nil {
			out = append(out, v)
		}
	}
	return out
}

// Pick is engagement id's view of vs for the reader: refused outside the
// reader's scope, ENOTFOUND when vs holds none.
func Pick[V interface{ EngagementID() string }](sc interface{ Engagement(id string) error }, vs []V, id string) (V, error) {
	var none V
	if err := sc.Engagement(id); err != nil {
		return none, err
	}
	for _, v := range vs {
		if v.EngagementID() == id {
			return v, nil
		}
	}
	return none, attest.Errorf(attest.ENOTFOUND, "no such engagement: %s", id)
}
