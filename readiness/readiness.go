// Package readiness answers "where are we not ready?": per criterion (SOC 2)
// or control objective (SOC 1), the controls that address it, their status
// and the evidence present so far, with a score that is an internal
// readiness indicator (not an assessment of design or operating
// effectiveness, which is the service auditor's), and a gap list ordered by
// what blocks the examination most. Assess is a pure function of its
// Input; Load reads that input from the store, the one place the command
// line and the server build it.
package readiness

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/period"
)

// Gap kinds, in the order they block the examination.
const (
	NoControl      = "criterion_without_control"
	NotImplemented = "control_not_implemented"
	NoOwner        = "control_without_owner"
	NeverPerformed = "control_never_performed"
	Missed         = "missed_occurrences"
	Deviation      = "preventive_deviations"
	Late           = "late_occurrences"
	FailingCheck   = "failing_check"
	DescriptionGap = "description_input_missing"
	PartlyTested   = "tests_cover_part_of_period"
)

var severity = map[string]int{NoControl: 0, NotImplemented: 1, DescriptionGap: 2, NoOwner: 3, NeverPerformed: 4, Missed: 5, Deviation: 5, Late: 6, FailingCheck: 7, PartlyTested: 8}

// Gap is one thing to fix before the examination.
type Gap struct {
	Kind   string `json:"kind"`
	Ref    string `json:"ref"` // the criterion, objective or control
	Detail string `json:"detail"`
	Hint   string `json:"hint"`
	// Check is the failing check's ID, for a FailingCheck gap.
	Check string `json:"check,omitempty"`
}

// Target is a criterion or objective in scope.
type Target struct {
	ID       string
	Title    string
	Excluded string // the exclusion's reason, when excluded
}

// Input is what Assess needs.
type Input struct {
	Engagement *attest.Engagement
	Targets    []Target
	Controls   []attest.Control
	// Status is each control's period status as of the assessment date
	// (for a Type 1 engagement, the occurrences before the as-of date).
	Status map[string]period.Status
	// Library names library controls that address a target, for hints.
	Library map[string][]string
	// Checks is, per control, the automated checks that support it and
	// failed in the latest check run.
	Checks map[string][]FailedCheck
	// Description lists the description inputs still missing, as part and
	// detail.
	Description [][2]string
	// When is the day assessed.
	When time.Time
	// History is each control's history from the ledger (implemented,
	// changed, retired, with dates).
	History map[string][]engagement.ControlEvent
	// Deviations is the known-deviations register.
	Deviations []deviation.Deviation
	// Systematic names, per control, the tests (the auditor's or
	// management's own) that recorded a systematic deviation.
	Systematic map[string][]int64
	// Tested is, per control, the parts of the period the service
	// auditor's tests cover (from, to).
	Tested map[string][][2]string
}

// FailedCheck is an automated check that found resources not meeting the
// organization's policy in the latest run.
type FailedCheck struct {
	ID       string
	Title    string
	Severity string
	Failing  int
	RunAt    string
}

// TargetScore is one criterion's or objective's readiness.
type TargetScore struct {
	ID       string   `json:"id"`
	Title    string   `json:"title,omitempty"`
	Score    int      `json:"score"`
	Controls []string `json:"controls"`
	Excluded string   `json:"excluded,omitempty"`
	Gaps     []Gap    `json:"gaps"`
}

// View is the Type 1 or the Type 2 readiness.
type View struct {
	Score       int           `json:"score"`
	Explanation string        `json:"explanation"`
	Criteria    []TargetScore `json:"criteria"`
}

// Report is the whole assessment.
type Report struct {
	Engagement string `json:"engagement"`
	Label      string `json:"label"`
	Type1      View   `json:"type1"`
	Type2      View   `json:"type2"`
	// AtRisk are the criteria or objectives at risk, listed before
	// anything else, with the options management has.
	AtRisk  []AtRisk `json:"at_risk"`
	Options []string `json:"options"`
	// Lowest is the criterion or objective with the lowest score in the
	// engagement's own view (Type 1 or Type 2), shown beside the average.
	Lowest *Lowest `json:"lowest"`
	Gaps   []Gap   `json:"gaps"`
}

// AtRisk is a criterion or objective at risk, and why.
type AtRisk struct {
	Ref     string   `json:"ref"`
	Reasons []string `json:"reasons"`
}

// Lowest is the lowest-scoring criterion or objective.
type Lowest struct {
	Ref   string `json:"ref"`
	Score int    `json:"score"`
}

// Explanations of the two scores, shown with them.
const (
	Type1Explanation = "Internal readiness indicator, not an assessment of design. For each criterion or objective: the share of its controls (not-applicable ones left out) that are implemented and have evidence of at least one performance so far (event-driven controls with no events yet count when implemented). The overall score is the average over the criteria or objectives in scope; excluded ones are left out."
	Type2Explanation = "Internal readiness indicator, not an assessment of operating effectiveness. For each criterion or objective: the average over its controls of the share of due occurrences with evidence present in time (a control not yet implemented counts as 0; one with nothing due yet counts as 1), never more than its Type 1 score, since operating effectiveness presumes a control in place. The overall score is the average over the criteria or objectives in scope; excluded ones are left out."
)

func mapsTo(c attest.Control, id string) bool {
	for _, x := range c.Criteria {
		if x == id {
			return true
		}
	}
	for _, x := range c.Objectives {
		if x == id {
			return true
		}
	}
	return false
}

func performed(st period.Status) bool {
	return st.Present+st.LateCount+st.Deviations > 0
}

// Assess computes both views and the gap list.
func Assess(in Input) *Report {
	r := &Report{Engagement: in.Engagement.ID, Label: in.Engagement.Label(), Gaps: []Gap{}}
	r.Type1.Explanation, r.Type2.Explanation = Type1Explanation, Type2Explanation
	r.Type1.Criteria, r.Type2.Criteria = []TargetScore{}, []TargetScore{}
	seen := map[string]bool{}
	var ranks []int
	var sum1, sum2 float64
	counted := 0
	for _, t := range in.Targets {
		var ctls []attest.Control
		for _, c := range in.Controls {
			if c.Status != attest.NotApplicable && mapsTo(c, t.ID) {
				ctls = append(ctls, c)
			}
		}
		ids := []string{}
		for _, c := range ctls {
			ids = append(ids, c.ID)
		}
		t1 := TargetScore{ID: t.ID, Title: t.Title, Controls: ids, Excluded: t.Excluded, Gaps: []Gap{}}
		t2 := t1
		t2.Gaps = []Gap{}
		if t.Excluded != "" {
			r.Type1.Criteria, r.Type2.Criteria = append(r.Type1.Criteria, t1), append(r.Type2.Criteria, t2)
			continue
		}
		var ready1, cov2 float64
		implemented := 0
		for _, c := range ctls {
			st := in.Status[c.ID]
			if c.Status == attest.Implemented {
				implemented++
				if performed(st) || (c.Frequency == attest.EventDriven && st.Expected == st.Upcoming+st.NotRequired) {
					ready1++
				}
				cov2 += st.Coverage
			}
		}
		if implemented == 0 {
			g := Gap{Kind: NoControl, Ref: t.ID, Detail: fmt.Sprintf("%s has no implemented control", t.ID), Hint: noControlHint(t.ID, ids, in.Library[t.ID])}
			t1.Gaps, t2.Gaps = append(t1.Gaps, g), append(t2.Gaps, g)
			r.Gaps = append(r.Gaps, g)
		}
		if len(ctls) > 0 {
			t1.Score = pct(ready1 / float64(len(ctls)))
			t2.Score = min(pct(cov2/float64(len(ctls))), t1.Score)
		}
		if reasons, rank := in.atRisk(t.ID, ctls); len(reasons) > 0 {
			r.AtRisk = append(r.AtRisk, AtRisk{Ref: t.ID, Reasons: reasons})
			ranks = append(ranks, rank)
		}
		sum1 += float64(t1.Score)
		sum2 += float64(t2.Score)
		counted++
		for _, c := range ctls {
			for _, g := range append(append(controlGaps(c, in.Status[c.ID]), checkGaps(c, in.Checks[c.ID])...), in.coverageGaps(c)...) {
				if g.Kind == Missed || g.Kind == Late || g.Kind == Deviation || g.Kind == PartlyTested {
					t2.Gaps = append(t2.Gaps, g)
				} else {
					t1.Gaps, t2.Gaps = append(t1.Gaps, g), append(t2.Gaps, g)
				}
				key := g.Kind + "|" + g.Ref + "|" + g.Detail
				if !seen[key] {
					seen[key] = true
					r.Gaps = append(r.Gaps, g)
				}
			}
		}
		r.Type1.Criteria, r.Type2.Criteria = append(r.Type1.Criteria, t1), append(r.Type2.Criteria, t2)
	}
	for _, g := range in.Description {
		r.Gaps = append(r.Gaps, Gap{Kind: DescriptionGap, Ref: g[0], Detail: g[1],
			Hint: "answer it in the description inputs, or say none: with the reason"})
	}
	if counted > 0 {
		r.Type1.Score, r.Type2.Score = int(math.Round(sum1/float64(counted))), int(math.Round(sum2/float64(counted)))
	}
	r.Lowest = lowest(r.view(in.Engagement))
	if r.AtRisk == nil {
		r.AtRisk = []AtRisk{}
	}
	sortAtRisk(r.AtRisk, ranks)
	r.Options = options(in.Engagement, r.AtRisk)
	sort.SliceStable(r.Gaps, func(i, j int) bool { return severity[r.Gaps[i].Kind] < severity[r.Gaps[j].Kind] })
	return r
}

func pct(f float64) int { return int(math.Round(f * 100)) }

// checkGaps turns the failing checks behind a control into gaps: each is a
// finding against the organization's own policy to fix (or to explain)
// before the auditor tests the control.
func checkGaps(c attest.Control, failed []FailedCheck) []Gap {
	var out []Gap
	for _, f := range failed {
		out = append(out, Gap{Kind: FailingCheck, Ref: c.ID,
			Detail: fmt.Sprintf("%s: check %s (%s, %s) finds %s not meeting it in the run of %s", c.ID, f.ID, f.Title, f.Severity, attest.Count(f.Failing, "resource", "resources"), f.RunAt),
			Check:  f.ID, Hint: "see them by running the check without recording it; fix them, or document why they are acceptable"})
	}
	return out
}

func noControlHint(id string, inScope, library []string) string {
	switch {
	case len(inScope) > 0:
		return fmt.Sprintf("put one of its controls in place (%v) and mark it implemented, or adapt one to what you already do", inScope)
	case len(library) > 0:
		return fmt.Sprintf("no control of this engagement addresses %s: the library's %v do; adopt one or describe your own", id, library)
	}
	return "describe the control that addresses it; if it is truly not relevant to the system, exclude it with a reason (subject to the service auditor's agreement)"
}

// coverageGaps flags a control the service auditor has tested for only
// part of the period so far: the rest (to the end of the period, or to
// the day assessed if the period is still running) needs its own
// population and sample before the report.
func (in *Input) coverageGaps(c attest.Control) []Gap {
	parts := in.Tested[c.ID]
	e := in.Engagement
	if len(parts) == 0 || e.PeriodStart == "" {
		return nil
	}
	end := e.PeriodEnd
	if day := in.When.Format(attest.DateLayout); !in.When.IsZero() && day < end {
		end = day
	}
	from, _ := attest.Untested(e.PeriodStart, end, parts)
	if from == "" {
		return nil
	}
	return []Gap{{Kind: PartlyTested, Ref: c.ID, Detail: fmt.Sprintf("%s: the service auditor's tests do not cover %s to %s", c.ID, from, end),
		Hint: "the part not yet tested needs its own population, extracted with its source and query, for the auditor's roll-forward sample"}}
}

func controlGaps(c attest.Control, st period.Status) []Gap {
	var out []Gap
	if c.Status != attest.Implemented {
		out = append(out, Gap{Kind: NotImplemented, Ref: c.ID, Detail: fmt.Sprintf("%s (%s) is %s", c.ID, c.Title, c.Status),
			Hint: "finish putting it in place and mark it implemented; a control changed during a Type 2 period is a significant change"})
	}
	if c.Owner == "" {
		out = append(out, Gap{Kind: NoOwner, Ref: c.ID, Detail: fmt.Sprintf("%s has no owner (suggested: %s)", c.ID, c.OwnerRole),
			Hint: "name the person who performs it as its owner"})
	}
	if c.Status == attest.Implemented && c.Frequency != attest.EventDriven && !performed(st) && st.Expected-st.Upcoming-st.NotRequired > 0 {
		out = append(out, Gap{Kind: NeverPerformed, Ref: c.ID, Detail: fmt.Sprintf("%s has no evidence of any performance yet", c.ID),
			Hint: "perform it and add the evidence: a Type 1 needs every periodic control performed at least once before the as-of date"})
	}
	if st.MissedCount > 0 {
		out = append(out, Gap{Kind: Missed, Ref: c.ID, Detail: fmt.Sprintf("%s: %s", c.ID, attest.Count(st.MissedCount, "occurrence without evidence past its due date", "occurrences without evidence past their due dates")),
			Hint: "find the evidence if the control ran and add it; if it did not, it is a known deviation: disclose it to the service auditor and record that you did"})
	}
	if st.Deviations > 0 {
		out = append(out, Gap{Kind: Deviation, Ref: c.ID, Detail: fmt.Sprintf("%s: %s of this preventive control performed after the event it was to prevent (a deviation, not lateness)", c.ID, attest.Count(st.Deviations, "occurrence", "occurrences")),
			Hint: "disclose each to the service auditor as a known deviation and consider it for the description; find the root cause, since a preventive control acting after the event prevented nothing"})
	}
	if st.LateCount > 0 {
		out = append(out, Gap{Kind: Late, Ref: c.ID, Detail: fmt.Sprintf("%s: %s performed after the due date", c.ID, attest.Count(st.LateCount, "occurrence", "occurrences")),
			Hint: "disclose them to the service auditor as known deviations; check with the owner why it ran late and whether the due rule fits"})
	}
	return out
}

// Scope fills in what the engagement is assessed against: the criteria in
// its categories (with the reasons for those excluded) for a SOC 2, or the
// control objectives of its templates for a SOC 1, and for each the
// library's controls that address it, for hints.
func (in *Input) Scope(cat *catalog.Catalog, exclusions []attest.Exclusion) {
	excluded := map[string]string{}
	for _, x := range exclusions {
		excluded[x.CriterionID] = x.Reason
	}
	in.Targets = nil
	if in.Engagement.Kind == attest.SOC1 {
		for _, o := range cat.Objectives(in.Engagement.Templates) {
			in.Targets = append(in.Targets, Target{ID: o.ID, Title: o.Title})
		}
	} else {
		for _, c := range cat.CriteriaIn(in.Engagement.Categories) {
			in.Targets = append(in.Targets, Target{ID: c.ID, Title: c.Series, Excluded: excluded[c.ID]})
		}
	}
	if in.Library == nil {
		in.Library = map[string][]string{}
	}
	for _, t := range in.Targets {
		for _, lc := range cat.ControlsFor([]string{t.ID}, []string{t.ID}) {
			in.Library[t.ID] = append(in.Library[t.ID], lc.ID)
		}
	}
}
