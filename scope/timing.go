package scope

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// months writes a number of months with the right plural.
func months(n int) string { return attest.Count(n, "month", "months") }

// verb picks the verb form that agrees with n.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// calendar turns month indexes (0 = the month the advice is given, -1 the
// month before) into dates. Without a day it writes relative months only.
type calendar struct {
	first time.Time // first day of the current month; zero when unknown
}

func newCalendar(today time.Time) calendar {
	if today.IsZero() {
		return calendar{}
	}
	return calendar{first: time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)}
}

func (c calendar) known() bool { return !c.first.IsZero() }

// month is the calendar month of index i.
func (c calendar) month(i int) time.Month { return attest.AddMonths(c.first, i).Month() }

// startDate is the first day of month i, or "" when the calendar is unknown.
func (c calendar) startDate(i int) string {
	if !c.known() {
		return ""
	}
	return attest.AddMonths(c.first, i).Format(attest.DateLayout)
}

// endDate is the last day of month i, or "".
func (c calendar) endDate(i int) string {
	if !c.known() {
		return ""
	}
	return attest.AddMonths(c.first, i+1).AddDate(0, 0, -1).Format(attest.DateLayout)
}

// start says when month i starts, after a verb: "on 2026-06-01 (5 months
// ago)", or "5 months ago" without a calendar.
func (c calendar) start(i int) string { return verbal(c.startDate(i), relative(i)) }

// end says when month i ends, after a verb: "on 2026-11-30 (at the end of
// this month)".
func (c calendar) end(i int) string {
	if i >= -1 && i <= 1 {
		return verbal(c.endDate(i), "at the end of "+relative(i))
	}
	return verbal(c.endDate(i), relative(i))
}

// startNoun names the start of month i: "2026-06-01 (5 months ago)", or
// "the start of the month 5 months ago" without a calendar.
func (c calendar) startNoun(i int) string { return noun(c.startDate(i), "start", i) }

// endNoun names the end of month i: "2026-11-30 (the end of this month)".
func (c calendar) endNoun(i int) string { return noun(c.endDate(i), "end", i) }

func verbal(date, rel string) string {
	if date == "" {
		return rel
	}
	return "on " + date + " (" + rel + ")"
}

func noun(date, edge string, i int) string {
	rel := "the " + edge + " of " + relative(i)
	if i < -1 || i > 1 {
		rel = "the " + edge + " of the month " + strings.TrimPrefix(relative(i), "in ")
		if i > 1 {
			rel += " from now"
		}
	}
	if date == "" {
		return rel
	}
	return date + " (" + rel + ")"
}

func relative(i int) string {
	switch {
	case i == -1:
		return "last month"
	case i == 0:
		return "this month"
	case i == 1:
		return "next month"
	case i < 0:
		return months(-i) + " ago"
	}
	return "in " + months(i)
}

// more writes "1 more month", "2 more months".
func more(n int) string {
	return fmt.Sprintf("%d more %s", n, strings.TrimPrefix(months(n), fmt.Sprintf("%d ", n)))
}

// plan is a Type 2 period in month indexes: from the first day of month s
// to the last day of month e. s0 is the earliest month it could start and
// eMin the earliest month its minimum length could end.
type plan struct {
	s0, eMin, s, e int
	fit            *FiscalFit
}

func (p plan) months() int { return p.e - p.s + 1 }

// earliestStart is the first month a period may include: the first month
// with evidence when controls already operate, else the month after
// readiness and remediation.
func (f *facts) earliestStart() int {
	if f.months > 0 {
		return -f.months
	}
	return 1 + f.readyHi
}

// period plans a first period of at least the given months (and at most
// twelve, or that minimum when longer) that ends no earlier than last
// month. With align, its end is chosen for customers' fiscal year-ends,
// among the month-ends from the fieldwork lag ago onwards (a period that
// ended at their year-end a month or two ago still serves them); bounded
// keeps that choice within the deadline.
func (f *facts) period(least int, align, bounded bool) plan {
	p := plan{s0: f.earliestStart()}
	p.eMin = max(p.s0+least-1, -1)
	p.e = p.eMin
	if align && f.cal.known() && len(f.yearEnds) > 0 {
		first := max(p.s0+least-1, -max(f.opts.FieldworkLagMonths, 1))
		last := first + 11
		if bounded && f.deadline >= 0 {
			last = max(first, min(last, f.deadline-f.opts.FieldworkLagMonths-1))
		}
		p.e, p.fit = f.alignEnd(first, last)
	}
	p.s = max(p.s0, p.e-max(12, least)+1)
	return p
}

// inTime reports whether a report over p arrives within the deadline.
func (f *facts) inTime(p plan) bool {
	return f.deadline < 0 || p.e+1+f.opts.FieldworkLagMonths <= f.deadline
}

// plan decides the type and dates of every recommended report (rule 6).
// When a SOC 1 and a SOC 2 are both recommended they share one period, as
// long as the longer minimum and the fiscal year-ends allow; a SOC 1's
// period is chosen for customers' fiscal year-ends.
func (f *facts) plan() {
	soc1, soc2 := f.rec.Report(attest.SOC1), f.rec.Report(attest.SOC2)
	joint := 0
	for _, r := range []*Report{soc1, soc2} {
		if r != nil {
			joint = max(joint, f.opts.MinPeriodMonths[r.Kind])
		}
	}
	shared := f.period(joint, soc1 != nil, true)
	later := f.period(joint, soc1 != nil, false)
	for _, r := range []*Report{soc1, soc2} {
		if r != nil {
			f.decideType(r, shared, later)
			f.readinessReason(r)
		}
	}
	if soc1 != nil && soc2 != nil {
		f.combined(soc1, soc2)
	}
	if soc3 := f.rec.Report(attest.SOC3); soc3 != nil {
		f.soc3Period(soc3, soc2)
	}
	f.retention()
}

// decideType applies rule 6 to a SOC 1 or SOC 2. shared is the period
// both reports could have within the deadline; later the one a Type 2
// after a Type 1 takes.
func (f *facts) decideType(r *Report, shared, later plan) {
	least := f.opts.MinPeriodMonths[r.Kind]
	own := f.period(least, r.Kind == attest.SOC1, true)
	p := own
	if f.inTime(shared) {
		p = shared
	}
	lag := f.opts.FieldworkLagMonths
	asked := f.requested[r.Kind]
	switch {
	case own.eMin < 0:
		f.type2(r, p, least)
		if f.deadline >= 0 && f.deadline < lag {
			f.warn("The %s is needed within %s, but even a period that ends today needs about %s of fieldwork before the report exists: planning too late is a common mistake; agree dates with the CPA firm now.", r.Kind, months(f.deadline), months(lag))
		}
		if asked == attest.Type1 {
			f.warn("Customers asked for a %s Type 1; with %s of operation a Type 2 is possible and gives them more (operating effectiveness over a period): confirm they accept it.", r.Kind, months(f.months))
		}
	case !f.inTime(own) || asked == attest.Type1:
		if later.months() < least {
			later = f.period(least, r.Kind == attest.SOC1, false)
		}
		f.type1(r, own, later, least)
	default:
		f.type2(r, p, least)
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: r.Kind, Type: string(attest.Type1), Reason: fmt.Sprintf("A %s Type 1 as of an earlier date is an optional early milestone, not a required step before the Type 2.", r.Kind)})
	}
}

// type2 sets a Type 2 over p and says when its period starts and ends.
func (f *facts) type2(r *Report, p plan, least int) {
	t := string(attest.Type2)
	r.Type, r.ObservationMonths = &t, p.months()
	r.PeriodStart, r.PeriodEnd = f.cal.startDate(p.s), f.cal.endDate(p.e)
	f.starts[r.Kind] = p.s
	length := fmt.Sprintf("%s, at least the %d-month minimum for a first %s Type 2", months(p.months()), least, r.Kind)
	var why string
	switch {
	case p.eMin < 0 && p.e < 0:
		why = fmt.Sprintf("Type 2: controls have operated with evidence for %s, so the period can cover %s of them: it started %s and ended %s; %s.", months(f.months), strconv.Itoa(p.months()), f.cal.start(p.s), f.cal.end(p.e), length)
	case p.s < 1:
		why = fmt.Sprintf("Type 2: controls have operated with evidence for %s, so the first period can count them: it started %s and can end %s; %s.", months(f.months), f.cal.start(p.s), f.cal.end(p.e), length)
	default:
		why = fmt.Sprintf("Type 2: the first period must start %s, once controls are designed and in place and their evidence is kept, and can end %s; %s.", f.cal.start(p.s), f.cal.end(p.e), length)
		if latest := f.deadline - f.opts.FieldworkLagMonths - p.months(); f.deadline >= 0 && latest > p.s {
			why += fmt.Sprintf(" For the report to arrive within %s, it must start %s at the latest.", months(f.deadline), f.cal.start(latest))
		}
	}
	r.Reasons = append(r.Reasons, why+fmt.Sprintf(" The report follows about %s after the period ends; later periods usually run 12 months, back to back.", months(f.opts.FieldworkLagMonths)))
	if p.fit != nil && r.Kind == attest.SOC1 {
		r.FiscalFit = p.fit
		f.fiscalAdvice(r, p)
	}
}

// type1 sets a Type 1 now, as of the end of the first month its controls
// can be in place, with the Type 2 that follows over next.
func (f *facts) type1(r *Report, own, next plan, least int) {
	t := string(attest.Type1)
	asOf := max(own.s0, 0)
	r.Type, r.ObservationMonths, r.AsOf = &t, least, f.cal.endDate(asOf)
	lag := f.opts.FieldworkLagMonths
	possible := own.eMin + 1
	why := fmt.Sprintf("Type 1 now, as of %s: a first %s Type 2 needs its %d-month period to end first, %s at the earliest, and then about %s of fieldwork, %s in all", f.cal.endNoun(asOf), r.Kind, least, f.cal.end(own.eMin), months(lag), months(possible+lag))
	if f.deadline >= 0 && !f.inTime(own) {
		why += fmt.Sprintf(", but the report is needed within %s.", months(f.deadline))
	} else {
		why += ", and customers asked for a Type 1."
	}
	r.Reasons = append(r.Reasons, why)
	r.Next = &Next{Type: string(attest.Type2), PossibleInMonths: possible, FirstPeriodMonths: next.months(), ReportInAboutMonths: next.e + 1 + lag,
		PeriodStart: f.cal.startDate(next.s), PeriodEnd: f.cal.endDate(next.e)}
	r.Reasons = append(r.Reasons, fmt.Sprintf("Type 2 next: it becomes possible once controls have operated for %s (in %s); its first period runs from %s to %s, and the report follows about %s after the period ends.",
		months(least), more(possible), f.cal.startNoun(next.s), f.cal.endNoun(next.e), months(lag)))
	if next.fit != nil && r.Kind == attest.SOC1 {
		r.FiscalFit = next.fit
		f.fiscalAdvice(r, next)
	}
	if r.Kind == attest.SOC1 {
		f.warn("A SOC 1 Type 1 covers design only, as of a date: customers' auditors cannot rely on it for operating effectiveness, so plan the Type 2 right after it.")
	}
	if f.requested[r.Kind] == attest.Type2 {
		f.warn("Customers asked for a %s Type 2, which cannot exist within %s: offer a Type 1 now and tell them when the Type 2 will be issued (in about %s).", r.Kind, months(f.deadline), months(possible+lag))
	}
	// A Type 1 has no operating tests: its fieldwork takes about half the lag.
	if ready := asOf + 1 + (lag+1)/2; f.deadline >= 0 && ready > f.deadline {
		f.warn("The %s is needed within %s, but even a Type 1 needs fieldwork by the CPA firm after controls are in place at its as-of date, about %s from now: planning too late is a common mistake; engage a firm now.", r.Kind, months(f.deadline), months(ready))
	}
}

// combined advises one examination for a SOC 1 and a SOC 2.
func (f *facts) combined(soc1, soc2 *Report) {
	msg := "Both a SOC 1 and a SOC 2 are needed: from the first period both can cover, plan one combined examination over the same period, so one round of testing serves both reports."
	if soc1.PeriodStart == soc2.PeriodStart && soc1.PeriodEnd == soc2.PeriodEnd && soc1.ObservationMonths == soc2.ObservationMonths && *soc1.Type == *soc2.Type && *soc1.Type == string(attest.Type2) {
		msg = fmt.Sprintf("Both a SOC 1 and a SOC 2 are needed: plan one combined examination over the same period (%s), so one round of testing serves both reports; the longer minimum period sets its length.", f.periodWords(soc1))
	}
	soc1.Reasons = append(soc1.Reasons, msg)
	soc2.Reasons = append(soc2.Reasons, msg)
}

func (f *facts) periodWords(r *Report) string {
	if r.PeriodStart == "" {
		return months(r.ObservationMonths)
	}
	return fmt.Sprintf("%s to %s, %s", r.PeriodStart, r.PeriodEnd, months(r.ObservationMonths))
}

// soc3Period gives the SOC 3 the period of the SOC 2 Type 2 it comes from.
func (f *facts) soc3Period(soc3, soc2 *Report) {
	soc3.ObservationMonths, soc3.PeriodStart, soc3.PeriodEnd = soc2.ObservationMonths, soc2.PeriodStart, soc2.PeriodEnd
	if soc2.Next != nil {
		soc3.ObservationMonths, soc3.PeriodStart, soc3.PeriodEnd = soc2.Next.FirstPeriodMonths, soc2.Next.PeriodStart, soc2.Next.PeriodEnd
		soc3.Reasons = append(soc3.Reasons, fmt.Sprintf("It comes with the first SOC 2 Type 2, not with the SOC 2 Type 1 recommended now: its period of %s can start once controls are in place.", months(soc3.ObservationMonths)))
	}
}

// readinessReason says how long readiness and remediation typically take
// when controls are not yet (all) in place.
func (f *facts) readinessReason(r *Report) {
	rd := f.rec.Readiness
	if rd == nil {
		return
	}
	state := "Controls are not yet designed and in place"
	if rd.ControlsInPlace == InPlacePartly {
		state = "Controls are only partly in place"
	}
	r.Reasons = append(r.Reasons, fmt.Sprintf("%s: allow typically %d to %s of readiness and remediation before a first period can start (a typical range, not a promise: it depends on what is missing and who does the work); the dates here assume %s.",
		state, rd.MinMonths, months(rd.MaxMonths), months(rd.MaxMonths)))
}

// retention warns about Type 2 periods that start before this month: the
// auditor tests every occurrence from a period's first day.
func (f *facts) retention() {
	var kinds []string
	first := 0
	for _, r := range f.rec.Reports {
		if s, ok := f.starts[r.Kind]; ok && s < 0 {
			kinds = append(kinds, string(r.Kind)+" Type 2")
			first = min(first, s)
		}
	}
	if len(kinds) == 0 {
		return
	}
	what := fmt.Sprintf("The recommended %s period starts %s, before today", kinds[0], f.cal.start(first))
	if len(kinds) > 1 {
		what = fmt.Sprintf("The recommended %s periods start before today, the earliest %s", strings.Join(kinds, " and "), f.cal.start(first))
	}
	f.warn("%s: the service auditor tests occurrences from a period's first day, so evidence for every occurrence since then must still exist, including system logs, tickets and approvals. Check that log retention in every system that holds evidence reaches back to the period start, and keep everything until the report is issued.", what)
}
