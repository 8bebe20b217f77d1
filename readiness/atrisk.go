package readiness

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
)

// atRisk lists why criterion or objective id, addressed by ctls (those not
// marked not applicable), is at risk: no implemented control for all or
// part of the elapsed period, a control implemented or changed during the
// period, a systematic deviation, or a known deviation not yet disclosed.
// A Type 1 (as of a date) has no period: only what stands on its date
// counts.
// The rank of the worst reason puts the gravest first.
func (in *Input) atRisk(id string, ctls []attest.Control) ([]string, int) {
	var out []string
	rank := 9
	e := in.Engagement
	start, elapsed := in.elapsed()
	var implemented []attest.Control
	for _, c := range ctls {
		if c.Status == attest.Implemented {
			implemented = append(implemented, c)
		}
	}
	switch {
	case len(implemented) == 0 && e.PeriodStart != "":
		out, rank = append(out, "no implemented control addresses it: none for the elapsed period"), 0
	case len(implemented) == 0:
		out, rank = append(out, "no implemented control addresses it as of "+e.AsOf), 0
	case e.PeriodStart != "":
		first := ""
		for _, c := range implemented {
			since, now := engagement.ImplementedSince(in.History[c.ID])
			if !now {
				continue // its history ends withdrawn: it covers no part of the period
			}
			if since <= start {
				first = ""
				break
			}
			if first == "" || since < first {
				first = since
			}
		}
		if first != "" {
			out, rank = append(out, fmt.Sprintf("no implemented control before %s: part of the elapsed period had none", first)), 1
		}
	}
	if e.PeriodStart != "" {
		for _, c := range ctls {
			for _, ev := range engagement.Within(in.History[c.ID], start, elapsed) {
				rank = min(rank, 2)
				if ev.What == engagement.Implemented && ev.Date > start {
					out = append(out, fmt.Sprintf("%s was put in place during the period (marked implemented on %s)", c.ID, ev.Date))
				} else if ev.What != engagement.Implemented {
					out = append(out, fmt.Sprintf("%s %s on %s, during the period: it is tested before and after, and is a significant change (DC9)", c.ID, ev.Detail, ev.Date))
				}
			}
		}
	}
	undisclosed := map[string]int{}
	for _, d := range in.Deviations {
		if d.Disclosed() {
			continue
		}
		for _, c := range deviationControls(d.Control, d.Controls) {
			undisclosed[c]++
		}
	}
	for _, c := range ctls {
		if tests := in.Systematic[c.ID]; len(tests) > 0 {
			rank = min(rank, 3)
			out = append(out, fmt.Sprintf("%s had a systematic deviation (test %s): the same cause recurring", c.ID, joinInts(tests)))
		}
		if n := undisclosed[c.ID]; n > 0 {
			rank = min(rank, 4)
			out = append(out, fmt.Sprintf("%s has %s not yet disclosed to the service auditor", c.ID, attest.Count(n, "known deviation", "known deviations")))
		}
	}
	return out, rank
}

// elapsed is the period's start and the last day of it elapsed so far
// (YYYY-MM-DD).
func (in *Input) elapsed() (start, elapsed string) {
	e := in.Engagement
	if e.PeriodStart == "" {
		return e.AsOf, e.AsOf
	}
	elapsed = e.PeriodEnd
	if !in.When.IsZero() {
		if t := in.When.Format(time.DateOnly); t < elapsed {
			elapsed = t
		}
	}
	return e.PeriodStart, elapsed
}

func deviationControls(c string, cs []string) []string {
	if len(cs) > 0 {
		return cs
	}
	if c != "" {
		return []string{c}
	}
	return nil
}

func joinInts(ns []int64) string {
	var s []string
	for _, n := range ns {
		s = append(s, fmt.Sprint(n))
	}
	return strings.Join(s, ", ")
}

// view is the engagement's own view: Type 1 for a Type 1 engagement,
// Type 2 otherwise.
func (r *Report) view(e *attest.Engagement) View {
	if e.Type == attest.Type1 {
		return r.Type1
	}
	return r.Type2
}

// lowest is the criterion or objective with the lowest score in v (the
// first in order among equals), nil when none is scored.
func lowest(v View) *Lowest {
	var lo *Lowest
	for _, c := range v.Criteria {
		if c.Excluded == "" && (lo == nil || c.Score < lo.Score) {
			lo = &Lowest{Ref: c.ID, Score: c.Score}
		}
	}
	return lo
}

// options are management's honest choices when criteria are at risk. They
// name what may follow, never what the service auditor will conclude.
func options(e *attest.Engagement, risk []AtRisk) []string {
	if len(risk) == 0 {
		return []string{}
	}
	var out []string
	cats := map[string]bool{}
	for _, r := range risk {
		if c := attest.CategoryOf(r.Ref); c != "" && c != attest.Security {
			cats[c] = true
		}
	}
	if len(cats) > 0 && e.Kind != attest.SOC1 {
		var names []string
		for c := range cats {
			names = append(names, c)
		}
		slices.Sort(names)
		out = append(out, "Re-scope: leave out a category whose criteria are at risk ("+strings.Join(names, ", ")+") if customers do not need it in this report; Security cannot be left out.")
	}
	if e.PeriodStart != "" {
		out = append(out, "Move or shorten the period so that it starts once the controls were in place and operating (agree the change with the service auditor and tell customers when the report will cover).")
	} else {
		out = append(out, "Move the as-of date to when the controls are in place.")
	}
	out = append(out, "Keep the plan and discuss the matters with the service auditor: known deviations and controls missing for part of the period can lead to a modified assertion by management and a modified opinion; whether they do is for management and the service auditor to judge from the facts, not from this score.")
	return out
}

// sortAtRisk puts the gravest first (no control in place, then part of
// the period without one, changes during the period, systematic
// deviations, deviations to disclose), keeping the criteria's order among
// equals.
func sortAtRisk(rs []AtRisk, ranks []int) {
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return ranks[a] - ranks[b] })
	sorted := make([]AtRisk, len(rs))
	for i, j := range idx {
		sorted[i] = rs[j]
	}
	copy(rs, sorted)
}
