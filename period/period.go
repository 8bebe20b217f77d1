// Package period turns an engagement's period and a control's frequency into
// expected occurrences, and matches evidence to them: each occurrence is
// present, late, missed, not required or upcoming (DOMAIN.md section 3).
// Everything here is a pure function of its inputs, except ControlStatus
// and LoadOptions, which read them through small interfaces.
package period

import (
	"fmt"
	"sort"
	"time"

	"github.com/attest-dev/attest"
)

// State is an occurrence's state.
type State string

// Occurrence states. Present means evidence is present in time; whether the
// control operated is the auditor's conclusion, not Attest's. Late means
// performed after the due date; for a preventive control (approval before
// a change, removal of access within a day) that is a Deviation instead:
// performed after the event it was to prevent, it did not operate as
// designed. Missed, late and deviating occurrences are all known
// deviations that management discloses to the service auditor.
const (
	Present     State = "present"
	Late        State = "late"
	Deviation   State = "deviation"
	Missed      State = "missed"
	NotRequired State = "not_required"
	Upcoming    State = "upcoming"
)

// Options change how windows are laid out.
type Options struct {
	// BusinessDays lays daily controls on Monday to Friday only.
	BusinessDays bool
}

// Window is one occurrence's span of days, inclusive.
type Window struct {
	Start, End time.Time
}

const day = 24 * time.Hour

// Occurrence is one expected performance of a control.
type Occurrence struct {
	Start    string  `json:"start"`
	End      string  `json:"end"`
	Due      string  `json:"due"`
	Event    string  `json:"event,omitempty"`
	State    State   `json:"state"`
	Evidence []int64 `json:"evidence,omitempty"`
	// Performed is when the control was performed, by the evidence that
	// made the occurrence present, late or a deviation: its performed-on
	// date, or, when that is unknown, the day it was added (periodic
	// controls) or the date it covers (event-driven controls).
	Performed string `json:"performed,omitempty"`
	// PerformedFrom says which: PerformedOn, FromAdded or FromCovers.
	PerformedFrom string `json:"performed_from,omitempty"`
	Reason        string `json:"reason,omitempty"` // for not required
}

// Where an occurrence's performed date comes from.
const (
	// PerformedOn: the evidence's own performed-on date.
	PerformedOn = "performed_on"
	// FromAdded: performed-on unknown, judged on the day the evidence was
	// added (Attest's own clock, which cannot be backdated).
	FromAdded = "added"
	// FromCovers: performed-on unknown, judged on the date the evidence
	// covers.
	FromCovers = "covers"
)

// Input is what Evaluate needs for one control.
type Input struct {
	Control     attest.Control
	Start, End  time.Time // the period
	AsOf        time.Time
	Evidence    []attest.Evidence // linked to the control, retracted ones included
	Events      []attest.Event
	NotRequired []attest.NotRequired
	Options     Options
}

// Status is one control's state over the period.
type Status struct {
	Control   string `json:"id"`
	Frequency string `json:"frequency"`
	Expected  int    `json:"expected"`
	Present   int    `json:"present"`
	LateCount int    `json:"-"`
	// Deviations counts a preventive control's occurrences performed
	// after the event.
	Deviations  int     `json:"-"`
	MissedCount int     `json:"-"`
	NotRequired int     `json:"not_required"`
	Upcoming    int     `json:"upcoming"`
	Coverage    float64 `json:"coverage"`
	// NothingDue says no occurrence has come due yet, so Coverage (1)
	// measures nothing.
	NothingDue  bool         `json:"nothing_due,omitempty"`
	Occurrences []Occurrence `json:"-"`
	Warnings    []string     `json:"-"`
}

type dated struct {
	ev   *attest.Evidence
	d    time.Time
	used bool
}

// performed is when e's control was performed, and from what: its
// performed-on date when known (a time counts by its day, as due dates
// do), else the day it was added for a periodic control or the date it
// covers for an event-driven one.
func performed(e *attest.Evidence, eventDriven bool) (time.Time, string) {
	if t, _, err := attest.ParseInstant(e.PerformedOn); err == nil {
		return date(t.Year(), t.Month(), t.Day()), PerformedOn
	}
	if eventDriven {
		d, _ := attest.ParseDate(e.Dated())
		return d, FromCovers
	}
	return addedDay(e), FromAdded
}

// judge sets an occurrence's state from when its control was performed,
// by evidence e: by the due date present, after it late, or, for a
// preventive control, a deviation. A continuous control (an automated
// configuration) has no event to come after: evidence of it that comes
// late is late.
func judge(o *occ, c attest.Control, e *attest.Evidence, when time.Time, from string) {
	o.State = Present
	if when.After(o.due) {
		o.State = Late
		if c.Type == attest.Preventive && c.Frequency != attest.Continuous {
			o.State = Deviation
		}
	}
	o.Performed, o.PerformedFrom = when.Format(attest.DateLayout), from
	o.Evidence = append(o.Evidence, e.ID)
}

// usable keeps the evidence that existed on asOf: added by then, dated by
// then, and not retracted by then.
func usable(evs []attest.Evidence, asOf time.Time) (points []*dated, spans []*attest.Evidence) {
	end := asOf.Add(day)
	for i := range evs {
		e := &evs[i]
		added, err := time.Parse(time.RFC3339Nano, e.AddedAt)
		if err == nil && !added.Before(end) {
			continue
		}
		if e.Retraction != nil {
			if at, err := time.Parse(time.RFC3339Nano, e.Retraction.At); err != nil || at.Before(end) {
				continue
			}
		}
		d, err := attest.ParseDate(e.Dated())
		if err != nil || d.After(asOf) {
			continue
		}
		if e.CoversStart != "" {
			spans = append(spans, e)
			continue
		}
		points = append(points, &dated{ev: e, d: d})
	}
	sort.SliceStable(points, func(i, j int) bool { return points[i].d.Before(points[j].d) })
	return points, spans
}

type occ struct {
	Occurrence
	start, end, due time.Time
}

// Evaluate computes the occurrences of one control and their states.
func Evaluate(in Input) Status {
	c := in.Control
	st := Status{Control: c.ID, Frequency: string(c.Frequency)}
	occs := expected(in, &st)
	points, spans := usable(in.Evidence, in.AsOf)
	if c.Frequency == attest.EventDriven {
		points = actions(points)
		matchEvents(c, occs, points)
	} else {
		matchWindows(c, occs, points, spans)
	}

	for _, o := range occs {
		switch {
		case o.State != "":
		case o.Reason != "":
			o.State = NotRequired
		case o.due.Before(in.AsOf):
			o.State = Missed
		default:
			o.State = Upcoming
		}
		st.Occurrences = append(st.Occurrences, o.Occurrence)
		st.Expected++
		switch o.State {
		case Present:
			st.Present++
		case Late:
			st.LateCount++
		case Deviation:
			st.Deviations++
		case Missed:
			st.MissedCount++
		case NotRequired:
			st.NotRequired++
		case Upcoming:
			st.Upcoming++
		}
	}
	if due := st.Expected - st.NotRequired - st.Upcoming; due > 0 {
		st.Coverage = float64(st.Present) / float64(due)
	} else {
		// Nothing has come due: no occurrence can be missing, which says
		// nothing of the evidence to come. People see "nothing due yet".
		st.Coverage, st.NothingDue = 1, true
	}
	st.Warnings = append(st.Warnings, strays(in, occs, points)...)
	return st
}

// matchWindows gives a periodic occurrence the evidence for its window:
// evidence that covers a date in the window, or a span the window lies in,
// the item performed earliest. Evidence covering a span is a record the
// system kept as it ran (a job history, a log export): it shows the
// control performed throughout the span, so it makes every window inside
// it present, whenever it was added or exported; its completeness and
// accuracy remain for the auditor to judge.
func matchWindows(c attest.Control, occs []*occ, points []*dated, spans []*attest.Evidence) {
	for _, o := range occs {
		var best *attest.Evidence
		var bestWhen time.Time
		var bestFrom string
		consider := func(e *attest.Evidence, when time.Time, from string) {
			if best == nil || when.Before(bestWhen) {
				best, bestWhen, bestFrom = e, when, from
			}
		}
		for _, p := range points {
			if !p.d.Before(o.start) && !p.d.After(o.end) {
				p.used = true
				when, from := performed(p.ev, false)
				consider(p.ev, when, from)
			}
		}
		for _, sp := range spans {
			s, _ := attest.ParseDate(sp.CoversStart)
			e, _ := attest.ParseDate(sp.CoversEnd)
			if !o.start.Before(s) && !o.end.After(e) {
				// A system's own record shows the control performed
				// throughout the span, so each window as it closed; when
				// the record was exported does not change that.
				consider(sp, o.end, FromCovers)
			}
		}
		if best != nil {
			judge(o, c, best, bestWhen, bestFrom)
		}
	}
}

// actions leaves out the system snapshots Attest recorded (collections,
// check runs): they show a configuration, not the action one event
// triggered, so they never stand for an event, nor are they strays.
func actions(points []*dated) []*dated {
	out := points[:0:0]
	for _, p := range points {
		if p.ev.Method != attest.MethodCollector && p.ev.Method != attest.MethodCheck {
			out = append(out, p)
		}
	}
	return out
}

// addedDay is the day evidence was added to Attest (its own timestamp).
func addedDay(e *attest.Evidence) time.Time {
	t, err := time.Parse(time.RFC3339Nano, e.AddedAt)
	if err != nil {
		d, _ := attest.ParseDate(e.Dated())
		return d
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// matchEvents gives each event the evidence of the action it triggered:
// taking events in order, the earliest unused item covering a date from
// the event to its due date, else the earliest covering a later date; the
// item's performed-on date (else the date it covers) then says whether the
// event's control was performed in time.
func matchEvents(c attest.Control, occs []*occ, points []*dated) {
	pass := func(fits func(*occ, *dated) bool) {
		for _, o := range occs {
			if o.State != "" || o.Reason != "" {
				continue
			}
			for _, p := range points {
				if !p.used && fits(o, p) {
					p.used = true
					when, from := performed(p.ev, true)
					judge(o, c, p.ev, when, from)
					break
				}
			}
		}
	}
	pass(func(o *occ, p *dated) bool { return !p.d.Before(o.start) && !p.d.After(o.due) })
	pass(func(o *occ, p *dated) bool { return p.d.After(o.due) })
}

// expected builds the occurrences before any evidence is matched.
func expected(in Input, st *Status) []*occ {
	c := in.Control
	mk := func(s, e time.Time, event string) *occ {
		due := e.AddDate(0, 0, c.DueDays)
		return &occ{Occurrence: Occurrence{Start: s.Format(attest.DateLayout), End: e.Format(attest.DateLayout), Due: due.Format(attest.DateLayout), Event: event}, start: s, end: e, due: due}
	}
	var occs []*occ
	if c.Frequency == attest.EventDriven {
		for _, ev := range in.Events {
			d, err := attest.ParseDate(ev.Date)
			if err != nil || d.Before(in.Start) || d.After(in.End) {
				continue
			}
			occs = append(occs, mk(d, d, ev.Key))
		}
		// A not-required record over a span without events stands for the
		// trigger that did not arise there.
		for _, nr := range in.NotRequired {
			s, e, ok := clip(nr, in.Start, in.End)
			if !ok {
				continue
			}
			empty := true
			for _, o := range occs {
				if o.Event != "" && !o.start.Before(s) && !o.start.After(e) {
					empty = false
				}
			}
			if empty {
				o := mk(s, e, "")
				o.Reason = nr.Reason
				occs = append(occs, o)
			}
		}
		if len(in.Events) == 0 && len(in.NotRequired) == 0 {
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s is event-driven but has no population of events: import one, or record that none occurred", c.ID))
		}
		sort.SliceStable(occs, func(i, j int) bool { return occs[i].start.Before(occs[j].start) })
		return occs
	}
	for _, w := range Windows(c.Frequency, in.Start, in.End, in.Options) {
		o := mk(w.Start, w.End, "")
		for _, nr := range in.NotRequired {
			if s, e, ok := clip(nr, in.Start, in.End); ok && !w.Start.Before(s) && !w.End.After(e) {
				o.Reason = nr.Reason
			}
		}
		occs = append(occs, o)
	}
	return occs
}

func clip(nr attest.NotRequired, start, end time.Time) (time.Time, time.Time, bool) {
	s, err1 := attest.ParseDate(nr.Start)
	e, err2 := attest.ParseDate(nr.End)
	if err1 != nil || err2 != nil {
		return s, e, false
	}
	if s.Before(start) {
		s = start
	}
	if e.After(end) {
		e = end
	}
	return s, e, !e.Before(s)
}

// strays warns about evidence that speaks for no occurrence: dated outside
// the period, or in no occurrence's window or grace time.
func strays(in Input, occs []*occ, points []*dated) []string {
	var out []string
	for _, p := range points {
		if p.used {
			continue
		}
		if p.d.Before(in.Start) || p.d.After(in.End.AddDate(0, 0, in.Control.DueDays)) {
			out = append(out, fmt.Sprintf("evidence %d for %s is dated %s, outside the period %s to %s", p.ev.ID, in.Control.ID, p.d.Format(attest.DateLayout), in.Start.Format(attest.DateLayout), in.End.Format(attest.DateLayout)))
			continue
		}
		inSome := false
		for _, o := range occs {
			inSome = inSome || (!p.d.Before(o.start) && !p.d.After(o.due))
		}
		if !inSome {
			out = append(out, fmt.Sprintf("evidence %d for %s is dated %s, which is in no occurrence's window", p.ev.ID, in.Control.ID, p.d.Format(attest.DateLayout)))
		}
	}
	return out
}
