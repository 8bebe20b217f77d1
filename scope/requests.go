package scope

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

// Topics a free-text request may name besides a SOC report.
const (
	topicSecurity = "security"
	topicHIPAA    = "hipaa"
	topicISO27001 = "iso27001"
	topicHITRUST  = "hitrust"
)

// request is how one free-text request was read.
type request struct {
	text  string
	kind  attest.Kind       // the SOC report it asks for, if any
	typ   attest.ReportType // "" when no type was named
	topic string            // a topic above, or ""
	note  string            // a warning about how it was read
}

var nonWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// readRequest reads what a customer asked for: a SOC report ("SOC 2 Type
// 2"), or a topic ("security", "HIPAA", "ISO 27001", "HITRUST"). A request
// it cannot read has neither kind nor topic.
func readRequest(s string) request {
	r := request{text: s}
	if k, t, err := ParseRequest(s); err == nil {
		r.kind, r.typ = k, t
		return r
	}
	words := " " + strings.TrimSpace(nonWord().ReplaceAllString(strings.ToLower(s), " ")) + " "
	switch {
	case strings.Contains(words, " hipaa "):
		r.kind, r.topic = attest.SOC2, topicHIPAA
	case strings.Contains(words, " hitrust "):
		r.topic = topicHITRUST
	case strings.Contains(words, " 27001 ") || strings.Contains(words, " iso27001 "):
		r.topic = topicISO27001
	case strings.Contains(words, " security ") || strings.Contains(words, " cybersecurity ") || strings.Contains(words, " infosec "):
		r.kind, r.topic = attest.SOC2, topicSecurity
	case soc3WithType(s):
		r.kind = attest.SOC3
		r.note = fmt.Sprintf("The request %q is read as a SOC 3: a SOC 3 has no Type 1 or Type 2 form; it rests on a SOC 2 Type 2 over the same period.", s)
	}
	return r
}

func soc3WithType(s string) bool {
	before, _, ok := strings.Cut(strings.ToLower(s), "type")
	k, err := attest.ParseKind(before)
	return ok && err == nil && k == attest.SOC3
}

// readRequests adds what customers asked for to the facts, with the reasons
// and the explanations each request calls for.
func (f *facts) readRequests() {
	for _, text := range f.a.Requested {
		r := readRequest(text)
		if r.note != "" {
			f.warn("%s", r.note)
		}
		if r.kind != "" {
			if old, ok := f.requested[r.kind]; !ok || old == "" || r.typ == attest.Type2 {
				f.requested[r.kind] = r.typ
			}
			if r.topic == "" {
				f.explicit[r.kind] = true
			}
		}
		switch r.topic {
		case "":
			if r.kind == "" {
				f.warn("The request %q is not understood and was left out of this advice: Attest reads SOC 1, SOC 2 and SOC 3 (with Type 1 or Type 2), security, HIPAA, ISO 27001 and HITRUST; ask the customer which report they need.", text)
			}
		case topicSecurity:
			f.soc2Why = append(f.soc2Why, fmt.Sprintf("Customers asked about security (%q): the report that answers a security review is a SOC 2, and its Security category (the common criteria) is part of every SOC 2.", text))
		case topicHIPAA:
			f.hipaa(text)
		case topicISO27001:
			f.warn("ISO/IEC 27001 was asked for (%q): it is a certification of an information security management system, issued by an accredited certification body after its own audit, and no SOC report replaces it: a SOC report is an examination, not a certification. If customers need the ISO certificate, plan that audit on its own.", text)
			f.option("SOC 2+ ISO/IEC 27001", "As an addition to a SOC 2, the service auditor can also report on how your controls meet ISO/IEC 27001 requirements in the same examination: useful to customers who follow both, but it is not the ISO certificate.")
		case topicHITRUST:
			f.warn("HITRUST was asked for (%q): HITRUST certification is issued by HITRUST itself, after an assessment against the HITRUST CSF by one of HITRUST's authorized external assessors, and no SOC report replaces it: a SOC report is an examination, not a certification.", text)
			f.option("SOC 2+ HITRUST", "As an addition to a SOC 2, the service auditor can also report against HITRUST CSF requirements in the same examination: useful to customers who map to the HITRUST CSF, but it is not a HITRUST certification.")
		}
	}
}

func (f *facts) hipaa(text string) {
	f.soc2Why = append(f.soc2Why, fmt.Sprintf("Customers asked about HIPAA (%q): a SOC 2 is the report their vendor reviews of a service that handles health information usually expect.", text))
	f.warn("HIPAA itself has no certification: no government body certifies that an organization meets HIPAA, so present a SOC 2 (or a SOC 2+ HIPAA) as an examination report on your controls, never as a HIPAA certification.")
	f.option("SOC 2+ HIPAA", "As an addition to the SOC 2, the service auditor can also report on how your controls meet the HIPAA Security Rule's safeguards, in the same examination and the same report.")
}

// option lists a SOC 2+ option once.
func (f *facts) option(name, why string) {
	for _, c := range f.rec.Considered {
		if c.Option == name {
			return
		}
	}
	f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC2, Option: name, Reason: name + ": " + strings.ToLower(why[:1]) + why[1:]})
}
