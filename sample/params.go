package sample

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
)

// Range is the accepted range of a statistical sampling parameter, in
// percent. Outside it a size means little (a confidence of 50%) or is
// likely a slip (1.5 meant as 0.015 or as 150%), so it is refused.
type Range struct {
	Name     string
	Min, Max float64
	// Also states the range in the other terms a firm may use.
	Also string
}

// The accepted ranges (DOMAIN.md section 8's parameters).
var (
	Confidence = Range{Name: "confidence", Min: 80, Max: 99.9, Also: "a risk of overreliance of 0.1% to 20%"}
	Tolerable  = Range{Name: "tolerable deviation rate", Min: 1, Max: 20}
)

// Parse reads a value given as a fraction (0.95), a percentage (95) or a
// percentage with its sign (95%), and returns it as a fraction. A number
// below 1 is a fraction and any other a percentage, so 1 means 1%; the two
// readings never both fall inside a range, so none is ambiguous. A value
// outside the range is refused, naming it.
func (r Range) Parse(s string) (float64, error) {
	v := strings.TrimSpace(s)
	num, percent := strings.CutSuffix(v, "%")
	num = strings.TrimSpace(num)
	if !plainDecimal(num) {
		return 0, attest.Errorf(attest.EINVALID, "%s %q: want a fraction such as %s or a percentage such as %s", r.Name, s, r.example(1), r.example(100))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, attest.Errorf(attest.EINVALID, "%s %q: not a number", r.Name, s)
	}
	if !percent && f < 1 {
		f *= 100
	}
	if f < r.Min-1e-9 || f > r.Max+1e-9 {
		return 0, r.outside(fmt.Sprintf("%s %s is %s%%", r.Name, strings.TrimSpace(s), Percent(f)))
	}
	return f / 100, nil
}

// Check refuses a fraction outside the range.
func (r Range) Check(fraction float64) error {
	p := fraction * 100
	if math.IsNaN(p) || p < r.Min-1e-9 || p > r.Max+1e-9 {
		return r.outside(fmt.Sprintf("%s %s%%", r.Name, Percent(p)))
	}
	return nil
}

func (r Range) outside(what string) error {
	msg := fmt.Sprintf("%s: outside the accepted range, %s%% to %s%%", what, Percent(r.Min), Percent(r.Max))
	if r.Also != "" {
		msg += " (" + r.Also + ")"
	}
	return &attest.Error{Code: attest.EINVALID, Message: msg + "; give a fraction such as " + r.example(1) + " or a percentage such as " + r.example(100)}
}

// example is a typical value, as a fraction (scale 1) or a percentage.
func (r Range) example(scale float64) string {
	typical := map[string]float64{Confidence.Name: 95, Tolerable.Name: 5}[r.Name]
	if typical == 0 {
		typical = r.Min
	}
	return strconv.FormatFloat(typical*scale/100, 'f', -1, 64)
}

// plainDecimal accepts digits with at most one decimal point and no sign,
// exponent, hexadecimal or spelled-out value (which ParseFloat would take).
func plainDecimal(s string) bool {
	digits, dots := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && digits <= 12 && dots <= 1
}

// Percent writes a percentage without needless decimals: 95, 99.9, 2.5.
func Percent(p float64) string {
	return strconv.FormatFloat(math.Round(p*1000)/1000, 'f', -1, 64)
}

// Cap limits a size to the population it is drawn from: a population no
// larger than the size is tested whole. A negative population is unknown
// and leaves the size as it is.
func (s Size) Cap(population int) Size {
	if population < 0 || population > s.Size {
		return s
	}
	if population == 0 {
		return Size{0, s.Rule + "; the population is empty: nothing to test (keep the evidence that it is empty)"}
	}
	return Size{population, fmt.Sprintf("%s; the population has %s, no more than the sample, so every item is tested", s.Rule, attest.Count(population, "item", "items"))}
}
