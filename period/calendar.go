package period

import (
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// Square is one square of a coverage calendar: one occurrence, or, when a
// control's occurrences are rolled up by week, a week of them. Label says
// what it stands for in words, for a tooltip or a screen reader.
type Square struct {
	State State  `json:"state"`
	Label string `json:"label"`
}

// MaxSquares is how many squares Weeks leaves a control's row before it
// rolls the occurrences up by week: a daily control's year is 52 squares
// instead of 365.
const MaxSquares = 60

// words is each state in words, as a reader is told it.
var words = map[State]string{Present: "evidence present", Late: "late",
	Deviation: "deviation (a preventive control performed after the event)", Missed: "missed",
	NotRequired: "not required", Upcoming: "upcoming"}

// attention orders states for a week's square, the one that needs
// attention first: a week with a missed day shows as missed.
var attention = map[State]int{Missed: 0, Deviation: 0, Late: 1, Present: 2, Upcoming: 3, NotRequired: 4}

// Days lays occurrences out one square each.
func Days(occs []Occurrence) []Square {
	out := make([]Square, 0, len(occs))
	for _, o := range occs {
		l := o.Start + " to " + o.End
		if o.Event != "" {
			l = "event " + o.Event + " on " + o.Start
		} else if o.Start == o.End {
			l = o.Start
		}
		l += ", due " + o.Due + ": " + words[o.State]
		if o.Reason != "" {
			l += " (" + o.Reason + ")"
		}
		out = append(out, Square{o.State, l})
	}
	return out
}

// Weeks lays occurrences out as Days does when there are at most
// MaxSquares of them, and otherwise one square per week (weeks start on
// Monday), in the state of its occurrences that needs attention first,
// labelled with how many of each state it holds.
func Weeks(occs []Occurrence) []Square {
	if len(occs) <= MaxSquares {
		return Days(occs)
	}
	var out []Square
	var week string
	var counts map[State]int
	var st State
	flush := func() {
		if week == "" {
			return
		}
		var parts []string
		for _, s := range []State{Present, Late, Deviation, Missed, NotRequired, Upcoming} {
			if counts[s] > 0 {
				parts = append(parts, strconv.Itoa(counts[s])+" "+words[s])
			}
		}
		out = append(out, Square{st, "week of " + week + ": " + strings.Join(parts, ", ")})
	}
	for _, o := range occs {
		d, _ := attest.ParseDate(o.Start)
		if m := monday(d).Format(attest.DateLayout); m != week {
			flush()
			week, counts, st = m, map[State]int{}, o.State
		}
		counts[o.State]++
		if attention[o.State] < attention[st] {
			st = o.State
		}
	}
	flush()
	return out
}
