package readiness

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/period"
)

// Store is what Load reads of an engagement: its controls and exclusions,
// and each control's evidence, events and not-required records.
type Store interface {
	deviation.Store
	engagement.LedgerReader
	Exclusions(ctx context.Context, engagementID string) ([]attest.Exclusion, error)
}

// Shared is what every engagement assessed at one time reads alike, so a
// caller assessing several reads it once.
type Shared struct {
	// Run is the latest recorded check run; nil when there is none, or
	// when it was retracted or purged.
	Run     *check.Run
	Options period.Options
}

// Description is an engagement's description inputs as far as readiness
// asks of them: the parts still missing, as part and detail, given the
// IDs of the engagement's controls. report.Description is the one Attest
// keeps (readiness cannot import report, which drafts the readiness
// summary from a Report).
type Description interface {
	Missing(e *attest.Engagement, controls map[string]bool) [][2]string
	deviation.Description
}

// LoadShared reads the latest check run and the period options.
func LoadShared(ctx context.Context, s check.LatestStore, blobs blob.Store) (Shared, error) {
	sh := Shared{Options: period.LoadOptions(ctx, s)}
	run, err := check.Latest(ctx, s, blobs)
	switch {
	case attest.ErrorCode(err) == attest.ENOTFOUND:
	case err != nil:
		return Shared{}, err
	default:
		sh.Run = run
	}
	return sh, nil
}

// Load builds what Assess takes for engagement e as of when: the criteria
// or objectives in scope with their exclusions, the library's controls
// for hints, every control's period status over the window (Window), the
// checks that failed in the latest run and the description's missing
// parts. attest readiness and the dashboard both use it, so both show the
// same readiness for the same data.
func Load(ctx context.Context, s Store, e *attest.Engagement, when time.Time, desc Description, sh Shared) (*Input, error) {
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	xs, err := s.Exclusions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	in := &Input{Engagement: e, Controls: ctls, Status: map[string]period.Status{}, Library: map[string][]string{}, Checks: FailedChecks(sh.Run)}
	in.Description = desc.Missing(e, attest.ControlIDs(ctls))
	in.Scope(catalog.MustLoad(), xs)
	start, end, at := Window(e, when)
	in.When = at
	for _, c := range ctls {
		if in.Status[c.ID], err = period.ControlStatus(ctx, s, c, start, end, at, sh.Options); err != nil {
			return nil, err
		}
	}
	// What puts a criterion at risk: the controls' history, the known
	// deviations and their disclosure, systematic deviations in tests.
	if in.History, err = engagement.History(ctx, s, e.ID); err != nil {
		return nil, err
	}
	reg, err := deviation.Load(ctx, s, e, deviation.ExaminationSpan(e, at), deviation.Inputs{Run: sh.Run, Description: desc, More: people.DeviationSources(s, people.RecordsOf(s, at))})
	if err != nil {
		return nil, err
	}
	in.Deviations = reg.Deviations
	tests, err := s.Tests(ctx, e.ID, "")
	if err != nil {
		return nil, err
	}
	in.Systematic = map[string][]int64{}
	in.Tested = map[string][][2]string{}
	for _, t := range tests {
		if !t.Internal {
			in.Tested[t.ControlID] = append(in.Tested[t.ControlID], [2]string{t.From, t.To})
		}
		if t.Conclusion == attest.ConclusionExceptions && t.Deviations == "systematic" {
			in.Systematic[t.ControlID] = append(in.Systematic[t.ControlID], t.ID)
		}
	}
	return in, nil
}

// Window is the span a control's occurrences are laid over: the period
// (Type 2, SOC 3), or the year up to the as-of date (Type 1), with the
// date to assess as of, which is today but never after a Type 1's as-of
// date.
func Window(e *attest.Engagement, today time.Time) (start, end, when time.Time) {
	when = today
	if e.PeriodStart != "" {
		start, _ = attest.ParseDate(e.PeriodStart)
		end, _ = attest.ParseDate(e.PeriodEnd)
		return start, end, when
	}
	end, _ = attest.ParseDate(e.AsOf)
	if when.After(end) {
		when = end
	}
	return end.AddDate(-1, 0, 1), end, when
}

// FailedChecks is, per control, the checks that failed in run (none when
// run is nil).
func FailedChecks(run *check.Run) map[string][]FailedCheck {
	out := map[string][]FailedCheck{}
	for _, f := range run.Failures(nil) {
		for _, c := range f.Controls {
			out[c] = append(out[c], FailedCheck{ID: f.Check, Title: f.Title, Severity: f.Severity, Failing: len(f.Failing), RunAt: run.Day()})
		}
	}
	return out
}
