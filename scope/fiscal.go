package scope

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

// FiscalFit says how a SOC 1 period's end serves customers' fiscal years:
// user auditors want a period that ends at their year-end, or shortly
// before it with a bridge letter for the gap.
type FiscalFit struct {
	// EndMonth is the month the period ends in, e.g. "December".
	EndMonth string `json:"end_month"`
	// Served counts the customers whose year-end the period serves, with
	// or without a bridge letter, of Customers in all.
	Served    int          `json:"served"`
	Customers int          `json:"customers"`
	YearEnds  []YearEndFit `json:"year_ends"`
}

// YearEndFit is one fiscal year-end of customers against the period end.
type YearEndFit struct {
	YearEnd   string `json:"year_end"` // MM-DD
	Customers int    `json:"customers"`
	// BridgeMonths are the months from the period end to the year-end,
	// which a bridge letter covers; 0 needs none.
	BridgeMonths int `json:"bridge_months"`
	// Served is true when BridgeMonths is within the usual bridge-letter
	// limit.
	Served bool `json:"served"`
}

// yearEnds reads the customer_fiscal_year_ends answer: a list, or one
// comma-separated string as typed on a terminal, of month-and-day values,
// returned as "MM-DD".
func yearEnds(v *yaml.Node) ([]string, error) {
	var raw []string
	switch {
	case v.Kind == yaml.ScalarNode && (v.Tag == "!!str" || v.Tag == "!!timestamp"):
		raw = strings.FieldsFunc(v.Value, func(r rune) bool { return r == ',' || r == ';' })
	case v.Kind == yaml.SequenceNode:
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode || (e.Tag != "!!str" && e.Tag != "!!timestamp") {
				return nil, fmt.Errorf("want a list of month-and-day values such as Dec 31, got %s at line %d", describe(e), e.Line)
			}
			raw = append(raw, e.Value)
		}
	default:
		return nil, fmt.Errorf("want a list of month-and-day values such as Dec 31, got %s", describe(v))
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		m, d, err := parseYearEnd(s)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%02d-%02d", m, d))
	}
	return out, nil
}

var (
	numericDay = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:\d{4}-|--)?(\d{1,2})-(\d{1,2})$`) })
	slashDay   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2})/(\d{1,2})$`) })
	dayWord    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2})(st|nd|rd|th)?$`) })
)

// parseYearEnd reads "Dec 31", "31 December", "June", "12-31", "2025-12-31"
// or "12/31". A month alone means its last day.
func parseYearEnd(s string) (time.Month, int, error) {
	bad := fmt.Errorf("%q: want a month and day such as \"Dec 31\", \"June 30\" or \"12-31\"", strings.TrimSpace(s))
	t := strings.ToLower(strings.TrimSpace(s))
	var month, day int
	if m := numericDay().FindStringSubmatch(t); m != nil {
		month, day = atoi(m[1]), atoi(m[2])
	} else if m := slashDay().FindStringSubmatch(t); m != nil {
		month, day = atoi(m[1]), atoi(m[2])
	} else {
		var ok bool
		if month, day, ok = wordsDay(t); !ok {
			return 0, 0, bad
		}
	}
	if month < 1 || month > 12 {
		return 0, 0, bad
	}
	last := daysIn(time.Month(month))
	if day == 0 {
		day = last
		if month == 2 {
			day = 28
		}
	}
	if day < 1 || day > last {
		return 0, 0, bad
	}
	return time.Month(month), day, nil
}

// wordsDay reads a month name with an optional day and year, in any order.
func wordsDay(t string) (month, day int, ok bool) {
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '.' || r == '/' }) {
		switch {
		case w == "end" || w == "of" || w == "the":
		case dayWord().MatchString(w) && day == 0:
			day = atoi(dayWord().FindStringSubmatch(w)[1])
		case len(w) == 4 && atoi(w) > 1900:
		case monthOf(w) != 0 && month == 0:
			month = monthOf(w)
		default:
			return 0, 0, false
		}
	}
	return month, day, month != 0
}

func monthOf(w string) int {
	if len(w) < 3 {
		return 0
	}
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), w) {
			return int(m)
		}
	}
	return 0
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// daysIn is the longest a month can be (February 29 is a valid year-end).
func daysIn(m time.Month) int {
	return time.Date(2000, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// readYearEnds keeps the customers' fiscal year-ends as "MM-DD"; Decide
// takes Answers from any caller, so a value it cannot read is named and left
// out rather than trusted.
func (f *facts) readYearEnds() {
	for _, ye := range f.a.CustomerFiscalYearEnds {
		m, d, err := parseYearEnd(ye)
		if err != nil {
			f.warn("The customer fiscal year-end %q is not understood and was left out.", ye)
			continue
		}
		f.yearEnds = append(f.yearEnds, fmt.Sprintf("%02d-%02d", m, d))
	}
}

// yearEndWords writes "12-31" as "December 31".
func yearEndWords(mmdd string) string {
	m, d := atoi(mmdd[:2]), atoi(mmdd[3:])
	return fmt.Sprintf("%s %d", time.Month(m), d)
}

// fiscalFit measures how a period ending in month end serves the year-ends.
func fiscalFit(end time.Month, yearEnds []string, maxBridge int) *FiscalFit {
	fit := &FiscalFit{EndMonth: end.String(), Customers: len(yearEnds), YearEnds: []YearEndFit{}}
	index := map[string]int{}
	for _, ye := range yearEnds {
		i, ok := index[ye]
		if !ok {
			gap := (atoi(ye[:2]) - int(end) + 12) % 12
			fit.YearEnds = append(fit.YearEnds, YearEndFit{YearEnd: ye, BridgeMonths: gap, Served: gap <= maxBridge})
			i = len(fit.YearEnds) - 1
			index[ye] = i
		}
		fit.YearEnds[i].Customers++
		if fit.YearEnds[i].Served {
			fit.Served++
		}
	}
	return fit
}

// bridgeMonths counts the bridge-letter months the served customers need.
func (fit *FiscalFit) bridgeMonths() int {
	n := 0
	for _, y := range fit.YearEnds {
		if y.Served {
			n += y.BridgeMonths * y.Customers
		}
	}
	return n
}

// alignEnd picks, among the month-ends first to last (month indexes), the
// one that serves the most customers' year-ends, then needs the fewest
// bridge-letter months, then comes first.
func (f *facts) alignEnd(first, last int) (int, *FiscalFit) {
	best, bestFit := first, (*FiscalFit)(nil)
	for e := first; e <= last; e++ {
		fit := fiscalFit(f.cal.month(e), f.yearEnds, f.opts.BridgeLetterMonths)
		if bestFit == nil || fit.Served > bestFit.Served || (fit.Served == bestFit.Served && fit.bridgeMonths() < bestFit.bridgeMonths()) {
			best, bestFit = e, fit
		}
	}
	return best, bestFit
}

// fiscalAdvice explains the chosen end to customers' fiscal years: who
// needs a bridge letter, and who the period does not serve.
func (f *facts) fiscalAdvice(r *Report, p plan) {
	fit := p.fit
	var parts []string
	for _, y := range fit.YearEnds {
		who := fmt.Sprintf("%s closing on %s", attest.Count(y.Customers, "customer", "customers"), yearEndWords(y.YearEnd))
		switch {
		case y.BridgeMonths == 0:
			parts = append(parts, who+" "+verb(y.Customers, "needs", "need")+" no bridge letter")
		case y.Served:
			parts = append(parts, fmt.Sprintf("%s %s a bridge letter covering %s after the period ends", who, verb(y.Customers, "needs", "need"), months(y.BridgeMonths)))
		default:
			f.warn("%s would need a bridge letter covering %s after a period ending in %s, beyond the usual %s: ask their auditors what they accept, or plan a second report with a period ending in %s.",
				capital(who), months(y.BridgeMonths), fit.EndMonth, months(f.opts.BridgeLetterMonths), time.Month(atoi(y.YearEnd[:2])))
		}
	}
	why := fmt.Sprintf("Customers' fiscal years: a period ending in %s serves %d of %s", fit.EndMonth, fit.Served, attest.Count(fit.Customers, "customer", "customers"))
	if len(parts) > 0 {
		why += " (" + strings.Join(parts, "; ") + ")"
	}
	if p.e > p.eMin {
		why += fmt.Sprintf("; the period could end as early as %s, but a later end serves more of them", f.cal.endNoun(p.eMin))
	}
	r.Reasons = append(r.Reasons, why+". A bridge letter is management's own, unexamined letter for the months between the period end and a customer's year-end.")
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
