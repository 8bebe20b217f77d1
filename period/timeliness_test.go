package period

import (
	"testing"

	"github.com/attest-dev/attest"
)

// performedEv is evidence covering a date, performed on another, added on
// a third.
func performedEv(covers, performedOn, added string) attest.Evidence {
	e := ev(covers, added)
	e.PerformedOn = performedOn
	if performedOn != "" {
		e.PerformedFrom = attest.PerformedEntered
	}
	return e
}

// Timeliness is judged on the date the control was performed, not the
// date the evidence was added or the one it covers; only when performed-on
// is unknown does it fall back, and the occurrence says to what.
func TestTimelinessJudgedOnPerformedOn(t *testing.T) {
	in := Input{Control: quarterly(), Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22"),
		Evidence: []attest.Evidence{
			performedEv("2026-03-31", "2026-04-12", "2026-08-25"),           // Q1: reviewed in time, uploaded late: present
			performedEv("2026-06-30", "2026-08-15T16:20:00Z", "2026-08-16"), // Q2: reviewed after its due date 07-30: late
			performedEv("2026-09-30", "", "2026-10-20"),                     // Q3: performed-on unknown, added in time: present
		}}
	st := Evaluate(in)
	if got := states(st); got != "present late present upcoming" {
		t.Fatalf("states %q", got)
	}
	want := []struct{ performed, from string }{{"2026-04-12", PerformedOn}, {"2026-08-15", PerformedOn}, {"2026-10-20", FromAdded}}
	for i, w := range want {
		if o := st.Occurrences[i]; o.Performed != w.performed || o.PerformedFrom != w.from {
			t.Errorf("occurrence %d: performed %s from %s, want %s from %s", i, o.Performed, o.PerformedFrom, w.performed, w.from)
		}
	}
	// The quarterly review is detective: late is late, not a deviation.
	if st.LateCount != 1 || st.Deviations != 0 {
		t.Errorf("counts %+v", st)
	}
	// Of two items for one window, the one performed first speaks for it.
	in.Evidence = append(in.Evidence, performedEv("2026-06-30", "2026-07-20", "2026-09-01"))
	if got := states(Evaluate(in)); got != "present present present upcoming" {
		t.Errorf("with an earlier performance of Q2: %q", got)
	}
}

// A preventive control performed after the event it was to prevent is a
// deviation, not "late": an approval given after the merge, a leaver's
// access removed after the day allowed.
func TestPreventiveAfterTheEventIsADeviation(t *testing.T) {
	approval := attest.Control{ID: "CHG-02", Type: attest.Preventive, Frequency: attest.EventDriven, DueDays: 0}
	events := []attest.Event{{Key: "PR-1", Date: "2026-03-04"}, {Key: "PR-2", Date: "2026-03-10"}, {Key: "PR-3", Date: "2026-03-20"}, {Key: "PR-4", Date: "2026-03-25"}}
	in := Input{Control: approval, Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22"), Events: events,
		Evidence: []attest.Evidence{
			performedEv("2026-03-04", "2026-03-04T09:15:00Z", "2026-03-04"), // approved the day of the merge: present
			performedEv("2026-03-10", "2026-03-11T10:00:00Z", "2026-03-11"), // approved the day after the merge: a deviation
			performedEv("2026-03-20", "", "2026-04-30"),                     // performed-on unknown: judged on the date covered
			performedEv("2026-03-25", "2026-03-24", "2026-03-26"),           // approved the day before: present
		}}
	st := Evaluate(in)
	if got := states(st); got != "present deviation present present" {
		t.Fatalf("states %q", got)
	}
	if st.Deviations != 1 || st.LateCount != 0 || st.Present != 3 || st.Coverage != 0.75 {
		t.Errorf("counts %+v", st)
	}
	if o := st.Occurrences[1]; o.Performed != "2026-03-11" || o.Due != "2026-03-10" || o.PerformedFrom != PerformedOn {
		t.Errorf("the deviation: %+v", o)
	}
	if o := st.Occurrences[2]; o.PerformedFrom != FromCovers {
		t.Errorf("performed-on unknown: %+v", o)
	}

	// A collection or a check run supporting the control is a snapshot of
	// a configuration: it never stands for an event's approval.
	snap := performedEv("2026-04-01", "2026-04-01T07:00:00Z", "2026-04-01")
	snap.Method = attest.MethodCollector
	run := performedEv("2026-04-02", "2026-04-02T07:00:00Z", "2026-04-02")
	run.Method = attest.MethodCheck
	withSnaps := in
	withSnaps.Evidence = append([]attest.Evidence{snap, run}, in.Evidence[:2]...) // PR-3 and PR-4 have none of their own
	if got := states(Evaluate(withSnaps)); got != "present deviation missed missed" {
		t.Errorf("with snapshots: %q", got)
	}

	// The same late performance of a detective or corrective control is
	// late, not a deviation.
	in.Control.Type = attest.Corrective
	if got := states(Evaluate(in)); got != "present late present present" {
		t.Errorf("corrective: %q", got)
	}

	// Removal of access within one day: preventive, due the day after.
	leavers := attest.Control{ID: "AC-04", Type: attest.Preventive, Frequency: attest.EventDriven, DueDays: 1}
	in = Input{Control: leavers, Start: d("2026-01-01"), End: d("2026-12-31"), AsOf: d("2026-11-22"),
		Events: []attest.Event{{Key: "T-1", Date: "2026-05-08"}, {Key: "T-2", Date: "2026-06-12"}},
		Evidence: []attest.Evidence{
			performedEv("2026-05-08", "2026-05-09", "2026-05-09"), // the next day: in time
			performedEv("2026-06-12", "2026-06-17", "2026-06-17"), // five days on: a deviation
		}}
	if got := states(Evaluate(in)); got != "present deviation" {
		t.Errorf("leavers: %q", got)
	}
}

// A periodic preventive control (a review before the payroll is released)
// performed after its due date is a deviation too.
func TestPreventivePeriodic(t *testing.T) {
	c := attest.Control{ID: "PAY-03", Type: attest.Preventive, Frequency: attest.Monthly, DueDays: 0}
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-03-31"), AsOf: d("2026-06-01"),
		Evidence: []attest.Evidence{performedEv("2026-01-28", "2026-01-28", "2026-01-28"), performedEv("2026-02-27", "2026-03-02", "2026-03-02")}}
	if got := states(Evaluate(in)); got != "present deviation missed" {
		t.Errorf("%q", got)
	}
	// A continuous control (encryption at rest, say) has no event to come
	// after: a snapshot of it captured after the due date is late.
	in.Control = attest.Control{ID: "CRY-01", Type: attest.Preventive, Frequency: attest.Continuous, DueDays: 0}
	if got := states(Evaluate(in)); got != "present late missed" {
		t.Errorf("continuous: %q", got)
	}
}

// A system's record covering a span shows the control performed
// throughout it: each window as it closed, whenever the record was added
// or exported.
func TestSpanTimeliness(t *testing.T) {
	c := attest.Control{ID: "OPS-07", Type: attest.Detective, Frequency: attest.Monthly, DueDays: 5}
	span := ev("", "2026-06-20")
	span.CoversStart, span.CoversEnd, span.PerformedOn = "2026-01-01", "2026-03-31", "2026-06-19"
	in := Input{Control: c, Start: d("2026-01-01"), End: d("2026-03-31"), AsOf: d("2026-12-01"), Evidence: []attest.Evidence{span}}
	st := Evaluate(in)
	if got := states(st); got != "present present present" || st.Occurrences[0].Performed != "2026-01-31" || st.Occurrences[0].PerformedFrom != FromCovers {
		t.Errorf("span: %q %+v", got, st.Occurrences[0])
	}
}
