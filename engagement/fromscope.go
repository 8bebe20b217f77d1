package engagement

import (
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
