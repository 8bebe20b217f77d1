package engagement

import (
	"time"

	"github.com/attest-dev/attest"
)

// DaysOutside is how many days date lies outside the span an engagement
// examines (its period, or for a Type 1 the year up to its as-of date): 0
// inside it.
func DaysOutside(e *attest.Engagement, date time.Time) int {
	var start, end time.Time
	if e.PeriodStart != "" {
		start, _ = attest.ParseDate(e.PeriodStart)
		end, _ = attest.ParseDate(e.PeriodEnd)
	} else {
		end, _ = attest.ParseDate(e.AsOf)
		start = end.AddDate(-1, 0, 1)
	}
	switch {
	case date.Before(start):
		return int(start.Sub(date).Hours() / 24)
	case date.After(end):
		return int(date.Sub(end).Hours() / 24)
	}
	return 0
}

// EvidenceDate checks the date evidence speaks for against the engagements
// whose controls it supports: inside one of their spans is fine; outside
// all of them is a warning; more than a year outside the nearest is
// refused unless forced (a mistyped year, most often).
func EvidenceDate(engs []attest.Engagement, date time.Time, force bool) (warning string, err error) {
	if len(engs) == 0 {
		return "", nil
	}
	nearest := -1
	var near *attest.Engagement
	for i := range engs {
		if d := DaysOutside(&engs[i], date); nearest < 0 || d < nearest {
			nearest, near = d, &engs[i]
		}
	}
	if nearest == 0 {
		return "", nil
	}
	msg := date.Format(attest.DateLayout) + " is " + attest.Count(nearest, "day", "days") + " outside " + near.ID + "'s " + span(near)
	if nearest > 365 && !force {
		return "", &attest.Error{Code: attest.EINVALID, Message: msg + ": more than a year away, so it is refused", Hint: attest.HintForce}
	}
	return msg + ": it counts for no occurrence of that engagement", nil
}

func span(e *attest.Engagement) string {
	if e.PeriodStart != "" {
		return "period (" + e.PeriodStart + " to " + e.PeriodEnd + ")"
	}
	return "year up to its as-of date " + e.AsOf
}
