package policy

import (
	"slices"
	"time"

	"github.com/attest-dev/attest"
)

// The review rule, the one place it is written: the program's pages and
// `attest policy list` (NextReview) and the period's occurrences (`attest
// period status`, package period) both read it.
//
// A policy's reviews start when it is first published. Each review is
// due one interval of its frequency after the review before it (the
// first, after that publication). A review is a new version of the
// policy, changed or not, approved or published: it counts from the first
// of those acts. The review made on or
// before a due day meets it; one made after it but within the next
// interval meets it late; none by then, and the review is missed, and the
// next one is due one interval after the missed day. A review not yet
// due, and not yet made, is upcoming.

// Review is one review the policy's frequency asks for.
type Review struct {
	// Opens is the day the interval starts: the review before it, the
	// first publication, or the missed due day before it.
	Opens time.Time
	// Due is the day it is due by.
	Due time.Time
	// Performed is the day of the review that met it (zero: none).
	Performed time.Time
	// State is one of the Review states below.
	State string
}

// Review states.
const (
	ReviewMet      = "met"
	ReviewMetLate  = "late"
	ReviewMissed   = "missed"
	ReviewUpcoming = "upcoming"
)

// Periodic is whether a frequency asks for reviews at intervals (not
// event-driven, not continuous, not unsaid).
func Periodic(f attest.Frequency) bool {
	return f != "" && f != attest.EventDriven && f != attest.Continuous
}

// Reviews lays out the reviews a policy's frequency asks of it, from its
// first publication through the first upcoming one due after until,
// judged as of asOf (acts after asOf do not count yet). It returns the day the policy came
// into force (zero, and no reviews, if it never did or the frequency is
// not periodic).
func Reviews(f attest.Frequency, evs []attest.PolicyEvent, until, asOf time.Time) (time.Time, []Review) {
	days, inForce := reviewDays(evs, asOf)
	if inForce.IsZero() || !Periodic(f) {
		return inForce, nil
	}
	var out []Review
	last := inForce
	for {
		r := Review{Opens: last, Due: next(f, last)}
		var made time.Time // the first review after the interval opened
		if i := slices.IndexFunc(days, func(d time.Time) bool { return d.After(last) }); i >= 0 {
			made = days[i]
		}
		switch {
		case !made.IsZero() && !made.After(r.Due):
			r.State, r.Performed = ReviewMet, made
			last = made
		case !made.IsZero() && !made.After(next(f, r.Due)):
			r.State, r.Performed = ReviewMetLate, made
			last = made
		case r.Due.Before(asOf):
			r.State = ReviewMissed
			last = r.Due
		default:
			r.State = ReviewUpcoming
			last = r.Due
		}
		out = append(out, r)
		if r.State == ReviewUpcoming && r.Due.After(until) {
			return inForce, out
		}
	}
}

// reviewDays is the days, in order, on which the policy was reviewed by
// asOf, and the day it was first published. A review is one version's
// approvals and publication: it counts from the first of them, so the
// publication that follows a version's approval is not a second review.
func reviewDays(evs []attest.PolicyEvent, asOf time.Time) (days []time.Time, inForce time.Time) {
	first := map[int]time.Time{} // each version's first approval or publication
	for _, e := range evs {
		if e.Action != attest.PolicyApproval && e.Action != attest.PolicyPublish {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			continue
		}
		t = t.UTC()
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if d.After(asOf) {
			continue
		}
		if f, ok := first[e.Version]; !ok || d.Before(f) {
			first[e.Version] = d
		}
		if e.Action == attest.PolicyPublish && (inForce.IsZero() || d.Before(inForce)) {
			inForce = d
		}
	}
	for _, d := range first {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	return days, inForce
}

// next is one interval of f after day.
func next(f attest.Frequency, day time.Time) time.Time {
	if m := months(f); m > 0 {
		return day.AddDate(0, m, 0)
	}
	return day.AddDate(0, 0, days(f))
}

// NextReview is the review a policy in force is waiting for as of now:
// the first one not met (missed, or upcoming), its due day, and its state
// for the program's pages: ReviewOverdue once that day has passed,
// ReviewDue within DueSoonDays of it, else "". A policy never published,
// or without a periodic frequency, has none ("", "").
func NextReview(f attest.Frequency, evs []attest.PolicyEvent, now time.Time) (string, string) {
	today := now.UTC()
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	_, rs := Reviews(f, evs, today, today)
	for _, r := range rs {
		if r.State != ReviewMissed && r.State != ReviewUpcoming {
			continue
		}
		due := r.Due.Format(time.DateOnly)
		switch {
		case r.State == ReviewMissed:
			return due, ReviewOverdue
		case !r.Due.After(today.AddDate(0, 0, DueSoonDays)):
			return due, ReviewDue
		}
		return due, ""
	}
	return "", ""
}
