// Package engagement turns a scope recommendation, or a user's own choices,
// into an engagement with its controls taken from the library, and holds the
// rules for excluding criteria.
package engagement

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

// Spec is what a user decides about an engagement. Dates are YYYY-MM-DD.
type Spec struct {
	ID          string
	Name        string
	Kind        attest.Kind
	Type        attest.ReportType
	AlsoSOC3    bool
	Categories  []string
	Templates   []string
	AsOf        string
	PeriodStart string
	PeriodEnd   string
	ReportDate  string
	Firm        string
	// FieldworkLagMonths sets the expected report date when ReportDate is
	// empty.
	FieldworkLagMonths int
}

// Build validates the spec and returns the engagement with the library
// controls that address its criteria or objectives.
func Build(cat *catalog.Catalog, s Spec, now time.Time) (*attest.Engagement, []attest.Control, error) {
	e := &attest.Engagement{
		ID: s.ID, Name: s.Name, Kind: s.Kind, Type: s.Type, AlsoSOC3: s.AlsoSOC3,
		AsOf: s.AsOf, PeriodStart: s.PeriodStart, PeriodEnd: s.PeriodEnd, ReportDate: s.ReportDate,
		Firm: strings.TrimSpace(s.Firm), CreatedAt: now.UTC().Format(time.RFC3339),
		Categories: []string{}, Templates: []string{},
	}
	if e.Kind == attest.SOC3 {
		e.Type = ""
	}
	var err error
	if e.Kind == attest.SOC1 {
		if e.Templates, err = templates(cat, s.Templates); err != nil {
			return nil, nil, err
		}
	} else {
		if e.Categories, err = categories(s.Categories); err != nil {
			return nil, nil, err
		}
	}
	if e.ID == "" {
		e.ID = DefaultID(e)
	}
	if e.Name == "" {
		e.Name = e.Label()
	}
	if e.ReportDate == "" {
		e.ReportDate = expectedReportDate(e, s.FieldworkLagMonths)
	}
	if err := e.Validate(); err != nil {
		return nil, nil, err
	}
	return e, Controls(cat, e, now), nil
}

// Controls instantiates the library controls an engagement needs.
func Controls(cat *catalog.Catalog, e *attest.Engagement, now time.Time) []attest.Control {
	var criteria []string
	for _, c := range cat.CriteriaIn(e.Categories) {
		criteria = append(criteria, c.ID)
	}
	var objectives []string
	for _, o := range cat.Objectives(e.Templates) {
		if len(e.Templates) > 0 {
			objectives = append(objectives, o.ID)
		}
	}
	var out []attest.Control
	stamp := now.UTC().Format(time.RFC3339)
	for _, lc := range cat.ControlsFor(criteria, objectives) {
		if e.Kind != attest.SOC1 && businessControl(cat, lc) {
			// SOC 1 business-process controls (payroll, custody, ...) also
			// touch Processing Integrity, but belong to a SOC 2 only when the
			// organization adds them for its own service.
			continue
		}
		out = append(out, attest.Control{
			EngagementID: e.ID, ID: lc.ID, Title: lc.Title, Description: lc.Description,
			Type: lc.Type, Nature: lc.Nature, Frequency: lc.Frequency, DueDays: lc.DueDays,
			OwnerRole: lc.OwnerRole, Status: attest.NotStarted,
			Criteria: intersect(lc.Criteria, criteria), Objectives: intersect(lc.Objectives, objectives),
			UpdatedAt: stamp,
		})
	}
	return out
}

// businessControl reports whether lc serves a SOC 1 business-process
// template rather than the IT general controls.
func businessControl(cat *catalog.Catalog, lc catalog.Control) bool {
	for _, id := range lc.Objectives {
		if o := cat.Objective(id); o != nil && o.Template != "itgc" {
			return true
		}
	}
	return false
}

// intersect keeps the items of a that are in b, in a's order; the result is
// never nil.
func intersect(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	out := []string{}
	for _, x := range a {
		if in[x] {
			out = append(out, x)
		}
	}
	return out
}

func categories(in []string) ([]string, error) {
	set := map[string]bool{attest.Security: true}
	for _, c := range in {
		for _, part := range strings.Split(c, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			name, err := attest.ParseCategory(part)
			if err != nil {
				return nil, err
			}
			set[name] = true
		}
	}
	var out []string
	for _, c := range attest.Categories {
		if set[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

func templates(cat *catalog.Catalog, in []string) ([]string, error) {
	set := map[string]bool{}
	for _, t := range in {
		for _, part := range strings.Split(t, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			tp := cat.Template(part)
			if tp == nil {
				return nil, attest.Errorf(attest.EINVALID, "unknown objective template %q: want one of %s", part, strings.Join(cat.TemplateIDs(), ", "))
			}
			set[tp.ID] = true
		}
	}
	if len(set) == 0 {
		set["itgc"] = true
	}
	var out []string
	for _, id := range cat.TemplateIDs() {
		if set[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// DefaultID names an engagement after its kind, type and year, e.g.
// "soc2-type2-2026".
func DefaultID(e *attest.Engagement) string {
	id := strings.ToLower(strings.ReplaceAll(string(e.Kind), " ", ""))
	if e.Type != "" {
		id += "-" + strings.ToLower(strings.ReplaceAll(string(e.Type), " ", ""))
	}
	date := e.PeriodEnd
	if date == "" {
		date = e.AsOf
	}
	if len(date) >= 4 {
		id += "-" + date[:4]
	}
	return id
}

// ReportDate is the engagement's report date: the one it records, or the
// expected one (the period end or as-of date plus the default fieldwork
// lag), or "" when neither can be known.
func ReportDate(e *attest.Engagement) string {
	if e.ReportDate != "" {
		return e.ReportDate
	}
	return expectedReportDate(e, 0)
}

func expectedReportDate(e *attest.Engagement, lag int) string {
	last := e.PeriodEnd
	if e.Type == attest.Type1 {
		last = e.AsOf
	}
	t, err := attest.ParseDate(last)
	if err != nil {
		return ""
	}
	if lag <= 0 {
		lag = 2
	}
	if e.Type == attest.Type1 {
		lag = (lag + 1) / 2 // a Type 1 has no operating tests: fieldwork is shorter
	}
	return attest.AddMonths(t, lag).Format(attest.DateLayout)
}

// PeriodFor returns a period of n months starting on start: its last day is
// the day before start + n months.
func PeriodFor(start time.Time, months int) (string, string) {
	end := attest.AddMonths(start, months).AddDate(0, 0, -1)
	return start.Format(attest.DateLayout), end.Format(attest.DateLayout)
}

// FirstOfNextMonth returns the first day of the month after t.
func FirstOfNextMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
}

// noControlReason matches reasons that amount to "we have no control for
// it", which is never a reason to treat a criterion as not relevant. It is
// compiled on first use, not when the program starts.
var noControlReason = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(no|don'?t have( a| any)?|do not have( a| any)?|lack(ing)?( a| any)?|without( a| any)?|missing|not\s+implemented|haven'?t implemented|not yet)\b.{0,20}\bcontrols?\b|\bcontrols?\b.{0,20}\b(missing|not (yet )?implemented|not in place|absent)\b|^\s*(n/?a|none|-|tbd|todo|not applicable)\s*$`)
})

// CheckExclusion validates a proposed exclusion of criterion id from an
// engagement. It returns warnings to show the user; an error refuses it.
func CheckExclusion(cat *catalog.Catalog, e *attest.Engagement, id, reason string) (string, []string, error) {
	cr := cat.Criterion(id)
	if cr == nil {
		return "", nil, attest.Errorf(attest.ENOTFOUND, "no such criterion: %s", id)
	}
	if e.Kind == attest.SOC1 {
		return "", nil, attest.Errorf(attest.EINVALID, "%s is a SOC 1 engagement: it is measured against control objectives, not the Trust Services Criteria", e.ID)
	}
	in := false
	for _, c := range e.Categories {
		in = in || c == cr.Category
	}
	if !in {
		return "", nil, attest.Errorf(attest.EINVALID, "%s belongs to %s, which is not in scope of %s: nothing to exclude", cr.ID, cr.Category, e.ID)
	}
	reason = strings.TrimSpace(reason)
	if len(reason) < 15 {
		return "", nil, attest.Errorf(attest.EINVALID, "excluding %s needs a stated reason explaining why the criterion is not relevant to the system", cr.ID)
	}
	if noControlReason().MatchString(reason) {
		return "", nil, attest.Errorf(attest.EINVALID, "%q is not a reason to exclude %s: a missing control is a gap to close, not grounds for calling a criterion not relevant", reason, cr.ID)
	}
	warnings := []string{fmt.Sprintf("Excluding %s is subject to the service auditor's agreement; it will appear in the description under DC8 (criteria not relevant) with your reason.", cr.ID)}
	if cr.Category == attest.Security {
		warnings = append(warnings, fmt.Sprintf("WARNING: %s is a common criterion. Common criteria apply to every SOC 2 and are excluded only in rare cases; expect the service auditor to challenge this.", cr.ID))
	}
	return cr.ID, warnings, nil
}
