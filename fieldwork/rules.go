package fieldwork

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/sample"
)

// appliesTo checks the other engagements a result is to serve: each has
// the same control, a period that the test's part covers, and the actor
// among its named auditors. A statement names them, so each draft shows
// the result only where the auditor said it applies.
func appliesTo(ctx context.Context, env Env, s TestStore, actor *attest.User, e *attest.Engagement, c *attest.Control, ids []string) ([]string, error) {
	out := []string{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || id == e.ID {
			continue
		}
		o, err := s.Engagement(ctx, id)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return nil, field("applies_to", "there is no engagement "+id)
		}
		if err != nil {
			return nil, err
		}
		if err := env.RequireAuditor(ctx, actor, o, "applies a result to an engagement"); err != nil {
			return nil, err
		}
		if _, err := s.Control(ctx, o.ID, c.ID); err != nil {
			return nil, field("applies_to", fmt.Sprintf("%s has no control %s: a result applies only to the same control", o.ID, c.ID))
		}
		if o.Type != e.Type || o.PeriodStart != e.PeriodStart || o.PeriodEnd != e.PeriodEnd || o.AsOf != e.AsOf {
			return nil, field("applies_to", fmt.Sprintf("%s covers another period than %s: a result applies to both only over the same period", o.ID, e.ID))
		}
		out = append(out, o.ID)
	}
	return out, nil
}

// notOccurred allows "no testing performed: the circumstances did not
// occur" only for an event-driven control whose population over the part
// tested is empty and evidenced: an empty population with a completeness
// check.
func notOccurred(ctx context.Context, s TestStore, e *attest.Engagement, c *attest.Control, from, to string) error {
	if c.Frequency != attest.EventDriven {
		return field("not_performed", fmt.Sprintf("%s is %s: a periodic control's circumstances always occur; test its occurrences", c.ID, c.Frequency))
	}
	ps, err := s.Populations(ctx, c.ID)
	if err != nil {
		return err
	}
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		if p.Rows != 0 {
			continue
		}
		cs, err := s.CompletenessChecks(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(cs) > 0 {
			return nil
		}
		return field("not_performed", fmt.Sprintf("population %d of %s is empty but has no completeness evidence: record how it was shown complete (reconcile it) first", p.ID, c.ID))
	}
	return field("not_performed", fmt.Sprintf("%s has no empty population for %s..%s: the circumstances did not occur only when an extracted population shows none (import the empty population with its source and query, and its completeness evidence)", c.ID, from, to))
}

// testOfOne checks a test of one: an automated control (its nature, not
// its frequency), a baseline of its configuration, before and after if it
// changed during the part tested, and the access and change-management
// controls over its system concluded effective by the auditor's own
// signed results. It returns the note Section 4 shows.
func testOfOne(ctx context.Context, s TestStore, e *attest.Engagement, c *attest.Control, req TestRequest) (string, error) {
	if c.Nature != attest.Automated {
		return "", field("test_of_one", fmt.Sprintf("%s is %s, not automated: a test of one is for automated controls; sample for the frequency of its outputs", c.ID, c.Nature))
	}
	want := 1
	if c.UpdatedAt != "" && len(c.UpdatedAt) >= 10 && c.UpdatedAt[:10] > req.fromOr(e) && c.UpdatedAt[:10] <= req.toOr(e) {
		want = 2
	}
	if len(req.Items) < want {
		return "", field("items", fmt.Sprintf("%s changed during the period (%s): test it before and after the change (two items)", c.ID, c.UpdatedAt[:10]))
	}
	access, change := false, false
	for _, id := range normIDs(req.SupportedBy) {
		sc, err := s.Control(ctx, e.ID, id)
		if err != nil {
			return "", field("supported_by", "no control "+id+" in "+e.ID)
		}
		a, ch := ITGC(sc)
		ok, err := effective(ctx, s, e.ID, id)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", field("supported_by", fmt.Sprintf("%s has no test of the service auditor's concluding no exceptions, signed: a test of one rests on it; until then sample for the frequency of %s's outputs", id, c.ID))
		}
		access, change = access || a, change || ch
	}
	if !access || !change {
		return "", field("supported_by", fmt.Sprintf("a test of one needs the logical-access and the change-management controls over %s's system, each concluded effective (a control mapped to CC6.1-CC6.3 or ITGC.1-3, and one mapped to CC8.1 or ITGC.4)", c.ID))
	}
	return fmt.Sprintf(" Test of one: %s, relying on %s.", strings.TrimSuffix(strings.TrimSpace(req.TestOfOne), "."), strings.Join(normIDs(req.SupportedBy), ", ")), nil
}

func (req TestRequest) fromOr(e *attest.Engagement) string {
	if req.From != "" {
		return req.From
	}
	return e.PeriodStart
}

func (req TestRequest) toOr(e *attest.Engagement) string {
	if req.To != "" {
		return req.To
	}
	return e.PeriodEnd
}

// ITGC says whether a control is a logical-access control and whether it
// is a change-management control, by its mappings.
func ITGC(c *attest.Control) (access, change bool) {
	for _, x := range append(append([]string{}, c.Criteria...), c.Objectives...) {
		switch {
		case strings.HasPrefix(x, "CC6.1"), strings.HasPrefix(x, "CC6.2"), strings.HasPrefix(x, "CC6.3"), x == "ITGC.1", x == "ITGC.2", x == "ITGC.3":
			access = true
		case x == "CC8.1", x == "ITGC.4":
			change = true
		}
	}
	return access, change
}

// effective reports whether the auditor concluded a control effective in
// a signed test: a test of theirs with no exceptions, with a statement.
func effective(ctx context.Context, s TestStore, engagementID, controlID string) (bool, error) {
	ts, err := s.Tests(ctx, engagementID, controlID)
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.Internal || t.Conclusion != attest.ConclusionNoExceptions {
			continue
		}
		h, err := statementOf(ctx, s, engagementID, t.Entry)
		if err != nil {
			return false, err
		}
		if h != "" {
			return true, nil
		}
	}
	return false, nil
}

// occurrenceSlips lists c's occurrences over from..to with missed or late
// evidence.
func occurrenceSlips(ctx context.Context, env Env, s TestStore, c *attest.Control, from, to string) ([]string, error) {
	if c.Frequency == attest.EventDriven || from == to {
		return nil, nil
	}
	start, err1 := time.Parse(attest.DateLayout, from)
	end, err2 := time.Parse(attest.DateLayout, to)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	st, err := period.ControlStatus(ctx, s, *c, start, end, env.Policy.Now, period.LoadOptions(ctx, s))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range st.Occurrences {
		if o.State == period.Missed || o.State == period.Late {
			out = append(out, fmt.Sprintf("%s %s", o.Due, o.State))
		}
	}
	return out, nil
}

// SizeRule is the firm's sample size for drawing from pop for control c of
// engagement e, with its rule: the size for the control's frequency, or
// for an event-driven control the size for its population; for a
// roll-forward population (one that starts after the end of an interim
// test of c), that size split in proportion to the remaining part of the
// period, and at least the small-population size for the remainder's own
// items. A population at or under the size is tested whole.
func SizeRule(ctx context.Context, s Store, p sample.Profile, e *attest.Engagement, c *attest.Control, pop *attest.Population) (sample.Size, error) {
	interimTo, interimRows, err := interim(ctx, s, e, c, pop)
	if err != nil {
		return sample.Size{}, err
	}
	var sz sample.Size
	if c.Frequency == attest.EventDriven {
		sz, err = p.ForPopulation(pop.Rows + interimRows)
	} else {
		sz, err = p.ForFrequency(c.Frequency)
	}
	if err != nil {
		return sz, err
	}
	if interimTo != "" {
		start, _ := time.Parse(attest.DateLayout, e.PeriodStart)
		end, _ := time.Parse(attest.DateLayout, e.PeriodEnd)
		cut, _ := time.Parse(attest.DateLayout, interimTo)
		total, rest := end.Sub(start).Hours()/24+1, end.Sub(cut).Hours()/24
		share := int(math.Ceil(float64(sz.Size) * rest / total))
		min, err := p.ForPopulation(pop.Rows)
		if err != nil {
			return sz, err
		}
		size := max(share, min.Size)
		sz = sample.Size{Size: size, Rule: fmt.Sprintf("roll-forward after the interim test to %s: %d of the period's %d, in proportion to the %.0f of %.0f days remaining (%d), and at least %d for a remainder of %d items",
			interimTo, share, sz.Size, rest, total, share, min.Size, pop.Rows)}
	}
	// The population caps the size: one no larger is tested whole.
	return sz.Cap(pop.Rows), nil
}

// interim is the end of the latest interim test of c in e that pop starts
// after ("" when pop is not a roll-forward), with the size of the
// population that test drew from.
func interim(ctx context.Context, s Store, e *attest.Engagement, c *attest.Control, pop *attest.Population) (string, int, error) {
	if pop.FirstDate == "" || e.PeriodEnd == "" {
		return "", 0, nil
	}
	ts, err := s.Tests(ctx, e.ID, c.ID)
	if err != nil {
		return "", 0, err
	}
	to, drawID := "", int64(0)
	for _, t := range ts {
		if !t.Internal && t.To != "" && t.To < e.PeriodEnd && t.To < pop.FirstDate && t.To > to {
			to, drawID = t.To, t.DrawID
		}
	}
	if to == "" {
		return "", 0, nil
	}
	rows := 0
	ds, err := s.Draws(ctx, e.ID, c.ID)
	if err != nil {
		return "", 0, err
	}
	for _, d := range ds {
		if d.ID == drawID {
			if p, err := s.Population(ctx, d.PopulationID); err == nil {
				rows = p.Rows
			}
		}
	}
	return to, rows, nil
}
