package fieldwork

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/sample"
)

// ControlSize is the sample size a draw for a control of e would take,
// by the same rule (SizeRule): from the population of the given size, or
// when population is negative from the control's latest imported
// population; a periodic control with neither is sized by its frequency
// alone. The size is capped by the population already.
func ControlSize(ctx context.Context, s Store, e *attest.Engagement, control string, population int) (sample.Size, error) {
	c, err := s.Control(ctx, e.ID, strings.ToUpper(strings.TrimSpace(control)))
	if err != nil {
		return sample.Size{}, err
	}
	p, err := Profile(ctx, s)
	if err != nil {
		return sample.Size{}, err
	}
	var pop *attest.Population
	if population >= 0 {
		pop = &attest.Population{ControlID: c.ID, Rows: population}
	} else {
		ps, err := s.Populations(ctx, c.ID)
		if err != nil {
			return sample.Size{}, err
		}
		if len(ps) > 0 {
			pop = &ps[len(ps)-1]
		}
	}
	if pop == nil {
		if c.Frequency == attest.EventDriven {
			return sample.Size{}, attest.Errorf(attest.EINVALID, "%s is event-driven: it is sized by its population, and none is imported or given", c.ID)
		}
		return p.ForFrequency(c.Frequency)
	}
	return SizeRule(ctx, s, p, e, c, pop)
}

// TestOfOneSize offers a sample of one for an automated control of e,
// only when the IT general controls over its system are named (ITGC: a
// logical-access control and a change-management control): a test of one
// rests on their being effective all period, which the auditor tests too
// (RecordTest then asks for their signed conclusions).
func TestOfOneSize(ctx context.Context, s Store, e *attest.Engagement, control string, supportedBy []string) (sample.Size, error) {
	c, err := s.Control(ctx, e.ID, strings.ToUpper(strings.TrimSpace(control)))
	if err != nil {
		return sample.Size{}, err
	}
	if c.Nature != attest.Automated {
		return sample.Size{}, attest.Errorf(attest.EINVALID, "%s is %s, not automated: a test of one applies only to automated controls; use the frequency size", c.ID, c.Nature)
	}
	access, change := false, false
	ids := normIDs(supportedBy)
	for _, id := range ids {
		sc, err := s.Control(ctx, e.ID, id)
		if err != nil {
			return sample.Size{}, err
		}
		a, ch := ITGC(sc)
		access, change = access || a, change || ch
	}
	if !access || !change {
		return sample.Size{}, field("supported_by", fmt.Sprintf("a test of one needs the logical-access and the change-management controls over %s's system (a control mapped to CC6.1-CC6.3 or ITGC.1-3, and one mapped to CC8.1 or ITGC.4)", c.ID))
	}
	return sample.Size{Size: 1, Rule: fmt.Sprintf("test of one: %s is automated, and relies on %s being effective throughout the period; test it once per relevant configuration, and before and after any change to it", c.ID, strings.Join(ids, ", "))}, nil
}

// SizeQuery is what a sample size is asked for: statistical parameters
// (Confidence and Tolerable, both), a periodic Frequency, a Control of
// the engagement (with TestOfOne, a test of one supported by the controls
// SupportedBy names), or a Population size alone, for an event-driven
// population. Population, when not negative, caps every size.
type SizeQuery struct {
	Confidence, Tolerable string
	Deviations            int
	Frequency             string
	Control               string
	TestOfOne             bool
	SupportedBy           []string
	Population            int
}

// ProfileStore is what reading the firm's sample-size table needs.
type ProfileStore interface {
	Setting(ctx context.Context, key string) (string, error)
}

// Size answers q by the rules of the firm's profile: p's (nil: no data at
// hand, the defaults). A control's size, and a test of one, need s and e;
// the control's own population stands for Population then. A refusal
// names the parameter ("confidence: ...").
func Size(ctx context.Context, s Store, p ProfileStore, e *attest.Engagement, q SizeQuery) (sample.Size, error) {
	if q.Population < -1 {
		return sample.Size{}, attest.Errorf(attest.EINVALID, "population size %d: want 0 or more", q.Population)
	}
	profile := func() (sample.Profile, error) {
		if p == nil {
			return sample.DefaultProfile(), nil
		}
		return Profile(ctx, p)
	}
	var size sample.Size
	var err error
	switch {
	case q.Confidence != "" || q.Tolerable != "":
		if q.Confidence == "" || q.Tolerable == "" {
			return sample.Size{}, attest.Errorf(attest.EINVALID, "statistical sizes need both confidence and tolerable")
		}
		c, cerr := sample.Confidence.Parse(q.Confidence)
		if cerr != nil {
			return sample.Size{}, named("confidence", cerr)
		}
		t, terr := sample.Tolerable.Parse(q.Tolerable)
		if terr != nil {
			return sample.Size{}, named("tolerable", terr)
		}
		size, err = sample.Statistical(c, t, q.Deviations)
	case q.Frequency != "":
		f, ferr := attest.ParseFrequency(q.Frequency)
		if ferr != nil {
			return sample.Size{}, ferr
		}
		if f == attest.EventDriven {
			return sample.Size{}, attest.Errorf(attest.EINVALID, "event-driven controls are sized by population: give the population's size")
		}
		pr, perr := profile()
		if perr != nil {
			return sample.Size{}, perr
		}
		size, err = pr.ForFrequency(f)
	case q.TestOfOne:
		if q.Control == "" {
			return sample.Size{}, attest.Errorf(attest.EINVALID, "a test of one is for one control: name it")
		}
		return TestOfOneSize(ctx, s, e, q.Control, q.SupportedBy)
	case q.Control != "":
		// The size a draw would take, capped by its population already.
		return ControlSize(ctx, s, e, q.Control, q.Population)
	case q.Population >= 0:
		pr, perr := profile()
		if perr != nil {
			return sample.Size{}, perr
		}
		size, err = pr.ForPopulation(q.Population)
	default:
		return sample.Size{}, attest.Errorf(attest.EINVALID, "say what to size: a control, a frequency, a population's size, or confidence with tolerable")
	}
	if err != nil {
		return sample.Size{}, err
	}
	return size.Cap(q.Population), nil
}

// named puts a parameter's name in front of its refusal.
func named(param string, err error) error {
	return &attest.Error{Code: attest.ErrorCode(err), Message: param + ": " + attest.ErrorMessage(err)}
}
