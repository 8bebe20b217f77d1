package report

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

// Finding is one lint finding in a draft's text: the phrase found, the
// sentence that holds it, and what to do about it. A sentence with several
// problems gives one finding for each.
type Finding struct {
	Rule    string `json:"rule"`
	Section string `json:"section"`
	Phrase  string `json:"phrase"`
	Excerpt string `json:"excerpt"`
	Detail  string `json:"detail"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %q in %q: %s", f.Section, f.Rule, f.Phrase, f.Excerpt, f.Detail)
}

// Lint rules.
const (
	RuleUnverifiable  = "unverifiable-claim"
	RuleCertification = "certification-wording"
	RuleNotInPlace    = "control-not-in-place"
)

// puffery are guarantees and superlatives no one can objectively evaluate;
// a description must not make them. Each alternative is one short phrase,
// so that every claim in a sentence is found on its own.
var puffery = lazyRegexp(`(?i)\b(` + strings.Join([]string{
	`guarantee(s|d|ing)?`,
	`100 ?(%|percent) (secure|safe|uptime|availability|available|reliable|protected)`,
	`(bank|military|enterprise|government)[- ]grade`,
	`unhackable|unbreakable|impenetrable|hack[- ]?proof|bullet[- ]?proof`,
	`(fully|completely|perfectly|totally|absolutely) (secure|compliant|protected|safe)`,
	`(best|world|first)[- ]in[- ]class|world[- ]class`,
	`(world|industry|market)[- ]leading|state[- ]of[- ]the[- ]art`,
	`world'?s (best|leading|safest|most \w+)`,
	`zero risk|risk[- ]free`,
	`never (fails|breached|goes down|loses)`,
}, "|") + `)\b`)

// pufferyHints are fragments one of which every puffery phrase contains: a
// cheap test that spares most sentences the regular expression, which is
// the slow part of reading a long draft.
var pufferyHints = []string{"guarantee", "100", "grade", "unhack", "unbreak", "impenetr", "proof", "fully", "completely",
	"perfectly", "totally", "absolutely", "class", "leading", "state", "world", "risk", "never"}

// certHints do the same for certWords.
var certHints = []string{"certif", "compliant", "compliance", "pass"}

// mayMatch reports whether the lowercased text holds one of the hints.
func mayMatch(lower string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(lower, h) {
			return true
		}
	}
	return false
}

// denial words before a guarantee turn it into a fair limitation
// ("reasonable assurance, not a guarantee").
var denial = lazyRegexp(`(?i)\b(not|no|cannot|never|nor|without)\b|n't\b`)

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
// controls named as operating that are not yet in place. Each phrase found
// is one finding.
func Lint(d *Document, controls []attest.Control) []Finding {
	l := linter{status: map[string]attest.Control{}, seen: map[string]bool{}, out: []Finding{}}
	for _, c := range controls {
		l.status[c.ID] = c
	}
	for _, s := range d.Sections {
		l.section = strings.TrimSpace(s.Number + " " + s.Title)
		describes := s.ID == "section-3" || s.ID == "section-4"
		l.text(s.Note, false)
		for _, b := range s.Blocks {
			l.block(b, describes)
		}
	}
	return l.out
}

type linter struct {
	status  map[string]attest.Control
	seen    map[string]bool
	section string
	out     []Finding
}

func (l *linter) block(b Block, describes bool) {
	l.text(b.Heading, describes)
	l.text(b.Note, describes)
	for _, p := range b.Paras {
		l.text(p, describes)
	}
	for _, item := range b.List {
		l.text(item, describes)
	}
	if b.Table != nil {
		for _, r := range b.Table.Rows {
			for _, cell := range r {
				l.text(cell, describes)
			}
		}
	}
}

func (l *linter) add(rule, sentence, phrase, detail string) {
	// A control listed under several criteria is one finding.
	key := rule + "|" + l.section + "|" + phrase + "|" + detail
	if rule != RuleNotInPlace {
		key += "|" + sentence
	}
	if !l.seen[key] {
		l.seen[key] = true
		l.out = append(l.out, Finding{Rule: rule, Section: l.section, Phrase: phrase, Excerpt: excerpt(sentence), Detail: detail})
	}
}

// text checks each sentence of text; describes is true for the parts that
// describe the system, where controls named must be in place.
func (l *linter) text(text string, describes bool) {
	for _, sent := range sentences(text) {
		lower := strings.ToLower(sent)
		if mayMatch(lower, pufferyHints) {
			l.puffery(sent)
		}
		if mayMatch(lower, certHints) {
			if ms := certWords().FindAllString(sent, -1); len(ms) > 0 && socContext().MatchString(sent) {
				for _, m := range ms {
					l.add(RuleCertification, sent, m, fmt.Sprintf("%q: a SOC report is an examination by a CPA firm, not a certification or a pass; say \"examination\"", m))
				}
			}
		}
		if describes && strings.Contains(sent, "-") {
			l.controls(sent)
		}
	}
}

func (l *linter) puffery(sent string) {
	for _, m := range puffery().FindAllStringIndex(sent, -1) {
		phrase := sent[m[0]:m[1]]
		if strings.HasPrefix(strings.ToLower(phrase), "guarantee") && denied(sent[:m[0]]) {
			continue
		}
		l.add(RuleUnverifiable, sent, phrase, fmt.Sprintf("%q cannot be objectively evaluated: state what is done and how often instead", phrase))
	}
}

func (l *linter) controls(sent string) {
	for _, id := range controlID().FindAllString(sent, -1) {
		c, ok := l.status[id]
		if !ok || c.Status == attest.Implemented || c.Status == attest.NotApplicable {
			continue
		}
		status := strings.ReplaceAll(string(c.Status), "-", " ")
		l.add(RuleNotInPlace, sent, id, fmt.Sprintf("names %s (%s), whose status is %s: the description must not imply that a control operates when it is not in place. "+
			"To resolve, implement it and record that (its status implemented), "+
			"or remove the claim from the text, or, if it does not apply to the system, mark it not applicable with the reason",
			id, c.Title, status))
	}
}

// denied reports whether the last few words before a phrase deny it.
func denied(before string) bool {
	words := strings.Fields(before)
	if len(words) > 3 {
		words = words[len(words)-3:]
	}
	return denial().MatchString(strings.Join(words, " "))
}

// sentences splits text after each '.', '!' or '?' that whitespace follows.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(text); i++ {
		if !strings.ContainsRune(".!?", rune(text[i])) || !isSpace(text[i+1]) {
			continue
		}
		if s := strings.TrimSpace(text[start : i+1]); s != "" {
			out = append(out, s)
		}
		start = i + 1
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// excerpt shortens a long sentence, on a rune boundary.
func excerpt(s string) string {
	r := []rune(s)
	if len(r) > 160 {
		return string(r[:157]) + "..."
	}
	return s
}
