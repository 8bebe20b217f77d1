// Package scope answers "which report do we need?": answers about the
// service go in, recommended reports with their reasons and warnings come
// out, following the scoping rules of DOMAIN.md section 2.
package scope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

// Answers are what the organization tells Attest about its service. Every
// field is optional; nil (or an empty ControlsInPlace) means "not
// answered". CustomerFiscalYearEnds hold "MM-DD" values, one per customer
// or group of customers.
type Answers struct {
	FinancialReportingImpact       *bool    `json:"financial_reporting_impact,omitempty" yaml:"financial_reporting_impact,omitempty"`
	CustomerAuditorReliance        *bool    `json:"customer_auditor_reliance,omitempty" yaml:"customer_auditor_reliance,omitempty"`
	CustomerData                   *bool    `json:"customer_data,omitempty" yaml:"customer_data,omitempty"`
	PersonalData                   *bool    `json:"personal_data,omitempty" yaml:"personal_data,omitempty"`
	SecurityReviews                *bool    `json:"security_reviews,omitempty" yaml:"security_reviews,omitempty"`
	AvailabilityCommitments        *bool    `json:"availability_commitments,omitempty" yaml:"availability_commitments,omitempty"`
	ConfidentialityCommitments     *bool    `json:"confidentiality_commitments,omitempty" yaml:"confidentiality_commitments,omitempty"`
	ProcessingIntegrityCommitments *bool    `json:"processing_integrity_commitments,omitempty" yaml:"processing_integrity_commitments,omitempty"`
	PrivacyCommitments             *bool    `json:"privacy_commitments,omitempty" yaml:"privacy_commitments,omitempty"`
	PublicTrust                    *bool    `json:"public_trust,omitempty" yaml:"public_trust,omitempty"`
	Requested                      []string `json:"requested,omitempty" yaml:"requested,omitempty"`
	CustomerFiscalYearEnds         []string `json:"customer_fiscal_year_ends,omitempty" yaml:"customer_fiscal_year_ends,omitempty"`
	ControlsInPlace                string   `json:"controls_in_place,omitempty" yaml:"controls_in_place,omitempty"`
	ControlsOperatingMonths        *int     `json:"controls_operating_months,omitempty" yaml:"controls_operating_months,omitempty"`
	ReportNeededWithinMonths       *int     `json:"report_needed_within_months,omitempty" yaml:"report_needed_within_months,omitempty"`
	ServiceTypes                   []string `json:"service_types,omitempty" yaml:"service_types,omitempty"`
}

// ServiceTypes are the accepted values of the service_types answer.
var ServiceTypes = []string{"payroll", "billing", "claims", "loan_servicing", "custody", "saas", "hosting", "data_processing", "other"}

// serviceAliases are other names accepted for a service type.
var serviceAliases = map[string]string{
	"colocation": "hosting", "colo": "hosting", "data_center": "hosting", "data_centre": "hosting",
	"datacenter": "hosting", "datacentre": "hosting",
}

// The values of the controls_in_place answer.
const (
	InPlaceYes    = "yes"
	InPlacePartly = "partly"
	InPlaceNo     = "no"
)

type fieldKind int

const (
	boolField fieldKind = iota
	intField
	requestList
	serviceList
	yearEndList
	inPlaceField
)

// Question is one answer key with the question asked for it on a terminal.
type Question struct {
	Key  string
	Text string
	kind fieldKind
}

// Questions lists every answer key in the order a person is asked them.
var Questions = []Question{
	{"service_types", "What does the service do? (comma-separated: " + strings.Join(ServiceTypes, ", ") + ")", serviceList},
	{"financial_reporting_impact", "Does the service feed numbers into customers' financial statements (payroll, billing, claims, transactions, custody, accounting)?", boolField},
	{"customer_auditor_reliance", "Do customers' financial-statement auditors rely on, or ask about, your controls?", boolField},
	{"customer_data", "Does the service store, process or transmit customers' data?", boolField},
	{"personal_data", "Does that data include personal information about individuals?", boolField},
	{"security_reviews", "Do customers or prospects send security questionnaires or vendor reviews?", boolField},
	{"availability_commitments", "Do you commit to uptime or availability (an SLA) in contracts?", boolField},
	{"confidentiality_commitments", "Do contracts commit you to keep customers' information confidential?", boolField},
	{"processing_integrity_commitments", "Do customers rely on you to process their transactions completely, accurately and on time?", boolField},
	{"privacy_commitments", "Do you make privacy commitments, to individuals as a controller or to customers as a processor?", boolField},
	{"public_trust", "Do you want a report you may publish, for example on your website?", boolField},
	{"requested", "What have customers asked for? (comma-separated, e.g. SOC 2 Type 2, security, HIPAA; empty for none)", requestList},
	{"customer_fiscal_year_ends", "When do your customers' fiscal years end? (comma-separated, e.g. Dec 31, Jun 30; repeat one to give it more weight; matters for a SOC 1)", yearEndList},
	{"controls_in_place", "Are your controls designed and in place today? (yes, partly, no)", inPlaceField},
	{"controls_operating_months", "For how many months have your controls operated with evidence kept?", intField},
	{"report_needed_within_months", "Within how many months do you need a report? (empty for no deadline)", intField},
}

func question(key string) (Question, bool) {
	for _, q := range Questions {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// maxAnswersSize bounds an answers file; real ones are a few hundred bytes.
const maxAnswersSize = 1 << 20

// ParseAnswers reads answers from YAML or JSON. Unknown keys, wrong types,
// negative numbers and unknown values are errors that name the file, the
// line, the key and what was expected. Requests are free text: Decide reads
// them and names those it does not understand.
func ParseAnswers(name string, b []byte) (*Answers, error) {
	if len(b) > maxAnswersSize {
		return nil, attest.Errorf(attest.EINVALID, "%s: %d bytes is too large for an answers file (at most %d)", name, len(b), maxAnswersSize)
	}
	empty := attest.Errorf(attest.EINVALID, "%s: the file is empty: it holds no answers (see docs/guide.md for the questions)", name)
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, empty
		}
		return nil, attest.Errorf(attest.EINVALID, "%s: not valid YAML or JSON: %v", name, err)
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.MappingNode && len(doc.Content[0].Content) == 0) || doc.Content[0].Tag == "!!null" {
		return nil, empty
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, attest.Errorf(attest.EINVALID, "%s: line %d: want a mapping of answer keys to values", name, root.Line)
	}
	a := &Answers{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		fail := func(format string, args ...any) error {
			return attest.Errorf(attest.EINVALID, "%s: line %d: %s: %s", name, k.Line, k.Value, fmt.Sprintf(format, args...))
		}
		q, ok := question(k.Value)
		if !ok {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: unknown key %q (known keys: %s)", name, k.Line, k.Value, Keys())
		}
		if seen[k.Value] {
			return nil, fail("given twice")
		}
		seen[k.Value] = true
		if v.Tag == "!!null" {
			continue
		}
		switch q.kind {
		case boolField:
			var x bool
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&x) != nil {
				return nil, fail("want true or false, got %s", describe(v))
			}
			*a.boolPtr(k.Value) = &x
		case intField:
			var x int
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&x) != nil {
				return nil, fail("want a whole number of months (0 or more), got %s", describe(v))
			}
			if x < 0 {
				return nil, fail("want 0 or more months, got %d", x)
			}
			if x > 1200 {
				return nil, fail("%d months is not plausible", x)
			}
			*a.intPtr(k.Value) = &x
		case requestList:
			list, err := stringList(v)
			if err != nil {
				return nil, fail("%v", err)
			}
			// Requests are free text: Decide reads each one and names
			// those it does not understand.
			a.Requested = list
		case serviceList:
			list, err := stringList(v)
			if err != nil {
				return nil, fail("%v", err)
			}
			for j, s := range list {
				if list[j], err = parseServiceType(s); err != nil {
					return nil, fail("%s", attest.ErrorMessage(err))
				}
			}
			a.ServiceTypes = list
		case yearEndList:
			list, err := yearEnds(v)
			if err != nil {
				return nil, fail("%v", err)
			}
			a.CustomerFiscalYearEnds = list
		case inPlaceField:
			x, err := inPlace(v)
			if err != nil {
				return nil, fail("%v", err)
			}
			a.ControlsInPlace = x
		}
	}
	return a, nil
}

// Value turns a line typed in answer to q into the answer's JSON value,
// for ParseAnswers to check: a list for the list questions (split on
// commas), a number for the number questions when it is one, true or false
// for yes and no (y, yes, true; n, no, false), else the text as typed.
func (q Question) Value(line string) any {
	switch q.kind {
	case requestList, serviceList:
		var out []string
		for _, p := range strings.Split(line, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	case intField:
		if n, err := strconv.Atoi(line); err == nil {
			return n
		}
		return line
	}
	switch strings.ToLower(line) {
	case "y", "yes", "true":
		return true
	case "n", "no", "false":
		return false
	}
	return line
}

// Keys is every answer key, in the order the questions are asked, comma
// separated.
func Keys() string {
	keys := make([]string, len(Questions))
	for i, q := range Questions {
		keys[i] = q.Key
	}
	return strings.Join(keys, ", ")
}

func describe(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", v.Value)
}

func stringList(v *yaml.Node) ([]string, error) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
		// A single string is read as a one-element list.
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("want a list of strings, got %s", describe(v))
	}
	out := make([]string, 0, len(v.Content))
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || e.Tag != "!!str" {
			return nil, fmt.Errorf("want a list of strings, got %s at line %d", describe(e), e.Line)
		}
		out = append(out, e.Value)
	}
	return out, nil
}

func (a *Answers) boolPtr(key string) **bool {
	switch key {
	case "financial_reporting_impact":
		return &a.FinancialReportingImpact
	case "customer_auditor_reliance":
		return &a.CustomerAuditorReliance
	case "customer_data":
		return &a.CustomerData
	case "personal_data":
		return &a.PersonalData
	case "security_reviews":
		return &a.SecurityReviews
	case "availability_commitments":
		return &a.AvailabilityCommitments
	case "confidentiality_commitments":
		return &a.ConfidentialityCommitments
	case "processing_integrity_commitments":
		return &a.ProcessingIntegrityCommitments
	case "privacy_commitments":
		return &a.PrivacyCommitments
	case "public_trust":
		return &a.PublicTrust
	}
	panic("scope: no bool answer " + key)
}

func (a *Answers) intPtr(key string) **int {
	switch key {
	case "controls_operating_months":
		return &a.ControlsOperatingMonths
	case "report_needed_within_months":
		return &a.ReportNeededWithinMonths
	}
	panic("scope: no int answer " + key)
}

func parseServiceType(s string) (string, error) {
	n := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	if alias, ok := serviceAliases[n]; ok {
		return alias, nil
	}
	for _, t := range ServiceTypes {
		if t == n {
			return t, nil
		}
	}
	return "", attest.Errorf(attest.EINVALID, "unknown service type %q: want one of %s (colocation and data center count as hosting)", s, strings.Join(ServiceTypes, ", "))
}

// inPlace reads the controls_in_place answer: yes, partly or no (true and
// false are yes and no).
func inPlace(v *yaml.Node) (string, error) {
	if v.Kind == yaml.ScalarNode {
		switch strings.ToLower(strings.TrimSpace(v.Value)) {
		case "yes", "y", "true":
			return InPlaceYes, nil
		case "partly", "partially", "partial", "some":
			return InPlacePartly, nil
		case "no", "n", "false":
			return InPlaceNo, nil
		}
	}
	return "", fmt.Errorf("want yes, partly or no, got %s", describe(v))
}

// ParseRequest reads a requested report such as "SOC 2", "SOC 1 Type 2" or
// "SOC 3". The type is empty when not given.
func ParseRequest(s string) (attest.Kind, attest.ReportType, error) {
	f := strings.Fields(s)
	bad := attest.Errorf(attest.EINVALID, "requested report %q: want \"SOC 1\", \"SOC 2\" or \"SOC 3\", optionally followed by \" Type 1\" or \" Type 2\"", s)
	var kindWords, typeWords []string
	for i, w := range f {
		if strings.EqualFold(w, "type") || strings.HasPrefix(strings.ToLower(w), "type") {
			kindWords, typeWords = f[:i], f[i:]
			break
		}
	}
	if kindWords == nil {
		kindWords = f
	}
	kind, err := attest.ParseKind(strings.Join(kindWords, " "))
	if err != nil || len(kindWords) == 0 {
		return "", "", bad
	}
	if len(typeWords) == 0 {
		return kind, "", nil
	}
	typ, err := attest.ParseReportType(strings.Join(typeWords, " "))
	if err != nil {
		return "", "", bad
	}
	if kind == attest.SOC3 {
		return "", "", attest.Errorf(attest.EINVALID, "requested report %q: a SOC 3 has no Type 1 or Type 2 form", s)
	}
	return kind, typ, nil
}

// ReadRecommendation reads a file that is either the JSON of a
// recommendation (attest scope --json, which names its reports) or the
// answers to decide one from with opts.
func ReadRecommendation(name string, b []byte, opts Options) (*Recommendation, error) {
	var probe map[string]any
	if yaml.Unmarshal(b, &probe) == nil {
		if _, ok := probe["reports"]; ok {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			var rec Recommendation
			if err := dec.Decode(&rec); err != nil {
				return nil, attest.Errorf(attest.EINVALID, "%s: not a recommendation printed by `attest scope --json`: %v", name, err)
			}
			return &rec, nil
		}
	}
	a, err := ParseAnswers(name, b)
	if err != nil {
		return nil, err
	}
	return Decide(a, opts), nil
}
