package engagement

import (
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/scope"
)

// FromScope completes s with what a recommended report says: its kind, its
// type, its categories or objective templates, and its dates. A Type 1
// takes the recommended as-of date; a Type 2 the recommended period, or,
// when a Type 1 was recommended and s asks for a Type 2, the period of the
// Type 2 that follows it. Whatever s already says wins; dates the
// recommendation does not give stay empty.
func FromScope(s Spec, r scope.Report) Spec {
	s.Kind = r.Kind
	if s.Type == "" && r.Type != nil {
		s.Type = attest.ReportType(*r.Type)
	}
	if len(s.Categories) == 0 {
		s.Categories = r.Categories
	}
	if len(s.Templates) == 0 {
		s.Templates = r.ObjectiveTemplates
	}
	recommended := ""
	if r.Type != nil {
		recommended = *r.Type
	}
	switch {
	case s.Type == attest.Type1:
		if s.AsOf == "" {
			s.AsOf = r.AsOf
		}
	case s.PeriodStart != "" || s.PeriodEnd != "":
		// The user chose the period, or one end of it.
	case recommended == string(attest.Type2):
		s.PeriodStart, s.PeriodEnd = r.PeriodStart, r.PeriodEnd
	case r.Next != nil:
		s.PeriodStart, s.PeriodEnd = r.Next.PeriodStart, r.Next.PeriodEnd
	}
	return s
}

// Plan is the engagements to create from base (what the user said) and,
// when rec is not nil, a scope recommendation: one per recommended report
// of base's kind (any kind when base names none), each completed by
// FromScope; a recommended SOC 3 rides on the SOC 2 Type 2 (AlsoSOC3),
// and with a Type 1 only a note says it comes later. Without a
// recommendation base needs a kind, and a type unless a SOC 3. Dates left
// empty are filled by DefaultDates as of today. Notes are for the user.
func Plan(base Spec, rec *scope.Recommendation, today time.Time) ([]Spec, []string, error) {
	if rec == nil {
		switch {
		case base.Kind == "":
			return nil, nil, attest.Errorf(attest.EINVALID, "say what to create: a kind and a type, or a scope recommendation")
		case base.Kind != attest.SOC3 && base.Type == "":
			return nil, nil, attest.Errorf(attest.EINVALID, "a %s engagement needs a type: 1 or 2", base.Kind)
		case base.Kind == attest.SOC3 && base.Type != "":
			return nil, nil, attest.Errorf(attest.EINVALID, "a SOC 3 has no Type 1 or Type 2 form: leave out the type")
		}
		DefaultDates(&base, 12, today)
		return []Spec{base}, nil, nil
	}
	var specs []Spec
	var notes []string
	soc3 := rec.Report(attest.SOC3) != nil
	for _, r := range rec.Reports {
		if r.Kind == attest.SOC3 || (base.Kind != "" && r.Kind != base.Kind) {
			continue
		}
		s := FromScope(base, r)
		if r.Kind == attest.SOC2 && soc3 {
			if s.Type == attest.Type2 {
				s.AlsoSOC3 = true
			} else {
				notes = append(notes, "the recommended SOC 3 comes with the first SOC 2 Type 2, not with a Type 1: add it then")
			}
		}
		DefaultDates(&s, r.ObservationMonths, today)
		specs = append(specs, s)
	}
	if base.Kind == attest.SOC3 && soc3 {
		return nil, nil, attest.Errorf(attest.EINVALID, "a recommended SOC 3 is drawn from the SOC 2 Type 2 engagement: create that, as a SOC 2")
	}
	if len(specs) == 0 {
		what := "no SOC report is recommended there"
		if base.Kind != "" {
			what = "no " + string(base.Kind) + " is recommended there"
		}
		return nil, nil, attest.Errorf(attest.EINVALID, "%s; create one by kind and type instead", what)
	}
	if len(specs) > 1 && base.ID != "" {
		return nil, nil, attest.Errorf(attest.EINVALID, "an ID names one engagement, but the recommendation has %d: pick one by its kind", len(specs))
	}
	return specs, notes, nil
}

// DefaultDates fills the dates s leaves empty: a Type 2 (or a SOC 3) a
// period of months (12 when not said) from the first of next month, a
// Type 1 as of the end of next month.
func DefaultDates(s *Spec, months int, today time.Time) {
	if months <= 0 {
		months = 12
	}
	next := FirstOfNextMonth(today)
	if s.Type == attest.Type1 {
		if s.AsOf == "" {
			s.AsOf = attest.AddMonths(next, 1).AddDate(0, 0, -1).Format(attest.DateLayout)
		}
		return
	}
	if s.PeriodStart == "" {
		s.PeriodStart = next.Format(attest.DateLayout)
	}
	if s.PeriodEnd == "" {
		if start, err := attest.ParseDate(s.PeriodStart); err == nil {
			_, s.PeriodEnd = PeriodFor(start, months)
		}
	}
}
