package report

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

// Finding is one lint finding in a draft's text.
type Finding struct {
	Rule    string `json:"rule"`
	Section string `json:"section"`
	Excerpt string `json:"excerpt"`
	Detail  string `json:"detail"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %q: %s", f.Section, f.Rule, f.Excerpt, f.Detail)
}

// Lint rules.
const (
	RuleUnverifiable  = "unverifiable-claim"
	RuleCertification = "certification-wording"
	RuleNotInPlace    = "control-not-in-place"
)

// puffery are claims no one can objectively evaluate; a description must
// not make them.
var puffery = lazyRegexp(`(?i)\b(best[- ]in[- ]class|world[- ]class|world'?s (most|best|leading|safest)[a-z ]*|unbreakable|impenetrable|unhackable|bullet[- ]?proof|military[- ]grade|100 ?% (secure|safe|uptime)|fully secure|completely secure|perfectly secure|zero risk|risk[- ]free|industry[- ]leading|state[- ]of[- ]the[- ]art|guaranteed (security|uptime|protection)|never (fails|breached|goes down))\b`)

// certWords are words that misdescribe a SOC report, which is an
// examination and attestation, not a certification.
var certWords = lazyRegexp(`(?i)\b(certified|certification|certificate|compliant|compliance certificate|passed|pass(es)? (the|its|our) (audit|examination|soc))\b`)

var socContext = lazyRegexp(`(?i)\b(soc ?[123]|soc report|report|examination|audit|attestation|aicpa|trust services)\b`)

var controlID = lazyRegexp(`\b[A-Z]{2,4}-\d{2,3}\b`)

// lazyRegexp compiles expr on first use: the lint's patterns are large, and
// only a report build reads them.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Lint reads every sentence of a draft for claims that cannot be
// objectively evaluated, certification wording about the SOC report, and
// controls named as operating that are not yet in place.
func Lint(d *Document, controls []attest.Control) []Finding {
	status := map[string]attest.Control{}
	for _, c := range controls {
		status[c.ID] = c
	}
	out := []Finding{}
	seen := map[string]bool{}
	add := func(f Finding) {
		// A control listed under several criteria is one finding.
		key := f.Rule + "|" + f.Section + "|" + f.Detail
		if f.Rule != RuleNotInPlace {
			key += "|" + f.Excerpt
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	for _, s := range d.Sections {
		name := strings.TrimSpace(s.Number + " " + s.Title)
		check := func(text string, describes bool) {
			for _, sent := range sentences(text) {
				if m := puffery().FindString(sent); m != "" {
					add(Finding{RuleUnverifiable, name, excerpt(sent), fmt.Sprintf("%q cannot be objectively evaluated; state what is done instead", m)})
				}
				if m := certWords().FindString(sent); m != "" && socContext().MatchString(sent) {
					add(Finding{RuleCertification, name, excerpt(sent), fmt.Sprintf("%q: a SOC report is an examination by a CPA firm, not a certification or a pass; say \"examination\"", m)})
				}
				if !describes {
					continue
				}
				for _, id := range controlID().FindAllString(sent, -1) {
					if c, ok := status[id]; ok && c.Status != attest.Implemented && c.Status != attest.NotApplicable {
						add(Finding{RuleNotInPlace, name, excerpt(sent), fmt.Sprintf("names %s (%s), whose status is %s: the description must not imply a control operates that is not in place", id, c.Title, c.Status)})
					}
				}
			}
		}
		describes := s.ID == "section-3" || s.ID == "section-4"
		check(s.Note, false)
		for _, b := range s.Blocks {
			check(b.Heading, describes)
			check(b.Note, describes)
			for _, p := range b.Paras {
				check(p, describes)
			}
			for _, l := range b.List {
				check(l, describes)
			}
			if b.Table != nil {
				for _, r := range b.Table.Rows {
					for _, cell := range r {
						check(cell, describes)
					}
				}
			}
		}
	}
	return out
}

var sentenceEnd = lazyRegexp(`[.!?]\s+`)

func sentences(text string) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	idx := sentenceEnd().FindAllStringIndex(text, -1)
	var out []string
	start := 0
	for _, i := range idx {
		out = append(out, strings.TrimSpace(text[start:i[1]]))
		start = i[1]
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func excerpt(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}
