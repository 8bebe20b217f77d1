package period

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
)

// Report is an engagement's period status as of a day: each control's
// occurrences (the late ones, the deviations and the missed ones listed
// apart) and the policies' reviews due within the period. `attest period
// status` prints it; its JSON is that command's published output.
type Report struct {
	Period   Span            `json:"period"`
	AsOf     string          `json:"as_of"`
	Controls []ControlReport `json:"controls"`
	// Policies are the policies' reviews due within the period
	// (PolicyReviews), those expecting any.
	Policies []PolicyStatus `json:"policies"`
	Warnings []string       `json:"warnings"`
}

// Span is a range of days.
type Span struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Timed is an occurrence performed after its day: late, or a deviation.
type Timed struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Due       string `json:"due"`
	Performed string `json:"performed"`
	// PerformedFrom is "performed_on", or what the date falls back to
	// when performed-on is unknown ("added", "covers").
	PerformedFrom string `json:"performed_from"`
}

// ControlReport is one control's status with its exceptions listed.
type ControlReport struct {
	Status
	Late []Timed `json:"late"`
	// Deviations are a preventive control's occurrences performed after
	// the event it was to prevent.
	Deviations  []Timed      `json:"deviations"`
	Missed      []Span       `json:"missed"`
	Occurrences []Occurrence `json:"occurrences,omitempty"`
}

// ReportStore is what Load reads.
type ReportStore interface {
	Records
	Settings
	PolicyRecords
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
}

// Load is e's period status as of when: every control in scope (or the
// one named; ENOTFOUND when e has no such control), and with every
// control the policies' reviews. A Type 1 engagement has no period.
func Load(ctx context.Context, s ReportStore, e *attest.Engagement, control string, when time.Time) (*Report, error) {
	if e.PeriodStart == "" {
		return nil, attest.Errorf(attest.EINVALID, "%s is a Type 1 engagement (as of %s): it has no period; period status applies to Type 2 and SOC 3 engagements", e.ID, e.AsOf)
	}
	start, _ := attest.ParseDate(e.PeriodStart)
	end, _ := attest.ParseDate(e.PeriodEnd)
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	opts := LoadOptions(ctx, s)
	out := &Report{Period: Span{e.PeriodStart, e.PeriodEnd}, AsOf: when.Format(attest.DateLayout), Controls: []ControlReport{}, Warnings: []string{}}
	found := false
	for _, c := range ctls {
		if control != "" && c.ID != control {
			continue
		}
		found = true
		if c.Status == attest.NotApplicable {
			continue
		}
		st, err := ControlStatus(ctx, s, c, start, end, when, opts)
		if err != nil {
			return nil, err
		}
		cp := ControlReport{Status: st, Late: []Timed{}, Deviations: []Timed{}, Missed: []Span{}, Occurrences: st.Occurrences}
		for _, o := range st.Occurrences {
			switch o.State {
			case Late:
				cp.Late = append(cp.Late, Timed{o.Start, o.End, o.Due, o.Performed, o.PerformedFrom})
			case Deviation:
				cp.Deviations = append(cp.Deviations, Timed{o.Start, o.End, o.Due, o.Performed, o.PerformedFrom})
			case Missed:
				cp.Missed = append(cp.Missed, Span{o.Start, o.End})
			}
		}
		out.Controls = append(out.Controls, cp)
		out.Warnings = append(out.Warnings, st.Warnings...)
	}
	if control != "" && !found {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such control: %s in engagement %s", control, e.ID)
	}
	out.Policies = []PolicyStatus{}
	if control == "" {
		ps, err := PolicyReviews(ctx, s, start, end, when)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Expected > 0 {
				p.EngagementControls = p.Bears(ctls)
				out.Policies = append(out.Policies, p)
			}
			out.Warnings = append(out.Warnings, p.Warnings...)
		}
	}
	return out, nil
}
