// Package sample holds the arithmetic of the auditor's sampling: sample
// sizes (the firm's table, or exact binomial attribute sampling) and the
// seeded, reproducible selection of items from a population. Sizes are the
// audit firm's choice: the defaults are DOMAIN.md section 8's table, and a
// firm may load its own profile.
package sample

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/attest-dev/attest"
)

// Size is a sample size with the rule that produced it.
type Size struct {
	Size int    `json:"size"`
	Rule string `json:"rule"`
}

// Band is one row of the event-driven table: populations of up to Max items
// (0: no upper bound) get Size items.
type Band struct {
	Max  int `json:"max"`
	Size int `json:"size"`
}

// Profile is a firm's sample-size table.
type Profile struct {
	Name        string                   `json:"name"`
	ByFrequency map[attest.Frequency]int `json:"by_frequency"`
	EventDriven []Band                   `json:"event_driven"`
	// Wording is the firm's template for test results; empty parts take
	// the common forms.
	Wording attest.Wording `json:"wording"`
}

// DefaultProfile is DOMAIN.md section 8's table of default sizes.
func DefaultProfile() Profile {
	return Profile{
		Name: "Attest defaults",
		ByFrequency: map[attest.Frequency]int{
			attest.Annual: 1, attest.SemiAnnual: 1, attest.Quarterly: 2, attest.Monthly: 2,
			attest.SemiMonthly: 5, attest.BiWeekly: 5, attest.Weekly: 5, attest.Daily: 25,
			attest.MultipleDaily: 40, attest.Continuous: 25,
		},
		EventDriven: []Band{{1, 1}, {4, 2}, {12, 2}, {52, 5}, {365, 25}, {0, 40}},
	}
}

// ParseProfile reads a firm's profile from JSON and checks it.
func ParseProfile(name string, b []byte) (Profile, error) {
	var p Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return p, attest.Errorf(attest.EINVALID, "%s: not a sample-size profile: %v", name, err)
	}
	for f, n := range p.ByFrequency {
		if _, err := attest.ParseFrequency(string(f)); err != nil || f == attest.EventDriven {
			return p, attest.Errorf(attest.EINVALID, "%s: by_frequency: %q is not a periodic frequency", name, f)
		}
		if n < 1 {
			return p, attest.Errorf(attest.EINVALID, "%s: by_frequency: %s: size %d, want 1 or more", name, f, n)
		}
	}
	last := 0
	for i, b := range p.EventDriven {
		if b.Size < 1 || (b.Max != 0 && b.Max <= last) || (b.Max == 0 && i != len(p.EventDriven)-1) {
			return p, attest.Errorf(attest.EINVALID, "%s: event_driven band %d: want increasing max values (0 only for the last band) and sizes of 1 or more", name, i+1)
		}
		last = b.Max
	}
	if len(p.EventDriven) == 0 || p.EventDriven[len(p.EventDriven)-1].Max != 0 {
		return p, attest.Errorf(attest.EINVALID, "%s: event_driven: the last band needs max 0 (any larger population)", name)
	}
	return p, nil
}

// ForFrequency is the profile's size for a periodic control.
func (p Profile) ForFrequency(f attest.Frequency) (Size, error) {
	n, ok := p.ByFrequency[f]
	if !ok {
		return Size{}, attest.Errorf(attest.EINVALID, "the profile %q has no size for %s controls", p.Name, f)
	}
	return Size{n, fmt.Sprintf("%s: %s control, %d per the table", p.Name, f, n)}, nil
}

// ForPopulation is the size for an event-driven control's population, as
// the table gives it: Cap then limits it to the population.
func (p Profile) ForPopulation(n int) (Size, error) {
	if n < 0 {
		return Size{}, attest.Errorf(attest.EINVALID, "population size %d: want 0 or more", n)
	}
	for _, b := range p.EventDriven {
		if b.Max == 0 || n <= b.Max {
			return Size{b.Size, fmt.Sprintf("%s: event-driven control with a population of %d, %d per the table", p.Name, n, b.Size)}, nil
		}
	}
	return Size{}, attest.Errorf(attest.EINVALID, "the profile %q has no band for a population of %d", p.Name, n)
}

// Statistical is the exact binomial attribute-sampling size: the smallest n
// for which finding at most k deviations leaves at most 1-confidence
// probability that the true deviation rate exceeds tolerable. It assumes a
// large population: Cap limits it to a known one. Each parameter must be
// inside its Range.
func Statistical(confidence, tolerable float64, k int) (Size, error) {
	if err := Confidence.Check(confidence); err != nil {
		return Size{}, err
	}
	if err := Tolerable.Check(tolerable); err != nil {
		return Size{}, err
	}
	if k < 0 || k > 50 {
		return Size{}, attest.Errorf(attest.EINVALID, "deviations allowed %d: want 0 to 50", k)
	}
	risk := 1 - confidence
	for n := k + 1; n <= 100000; n++ {
		if binomCDF(k, n, tolerable) <= risk+1e-12 {
			allowed := fmt.Sprintf("%d deviations", k)
			if k == 1 {
				allowed = "1 deviation"
			}
			return Size{n, fmt.Sprintf("exact binomial: %s%% confidence (risk of overreliance %s%%), tolerable deviation rate %s%%, %s allowed; assumes a large population",
				Percent(confidence*100), Percent(risk*100), Percent(tolerable*100), allowed)}, nil
		}
	}
	return Size{}, attest.Errorf(attest.EINVALID, "no sample size up to 100000 meets these parameters")
}

// binomCDF is P(X <= k) for X ~ Binomial(n, p), summed in log space.
func binomCDF(k, n int, p float64) float64 {
	sum := 0.0
	for i := 0; i <= k; i++ {
		lg := lgammaInt(n+1) - lgammaInt(i+1) - lgammaInt(n-i+1) + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p)
		sum += math.Exp(lg)
	}
	return sum
}

func lgammaInt(n int) float64 {
	v, _ := math.Lgamma(float64(n))
	return v
}
