package report

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
	"gopkg.in/yaml.v3"
)

// Description holds management's inputs to the system description: the
// facts the report's Section 3 is drafted from. For SOC 2 they follow the
// description criteria DC1 to DC9; for SOC 1, the elements of a SOC 1
// description. Every part may be answered with text or items, or with
// `none:` and a reason (no incidents, no subservice organizations); only a
// part that has neither is missing.
type Description struct {
	// Organization is the service organization's legal name.
	Organization string `yaml:"organization" json:"organization"`
	// System names the system the description covers.
	System string `yaml:"system" json:"system"`
	// Signer is the officer who signs management's assertion and letters.
	Signer Signer `yaml:"signer" json:"signer"`
	// DC1; SOC 1: the services provided.
	Services Part `yaml:"services" json:"services"`
	// DC2: principal service commitments and system requirements.
	Commitments Part `yaml:"commitments" json:"commitments"`
	// DC3: system components and boundaries.
	Components Components `yaml:"components" json:"components"`
	// DC4: incidents, with whether each must be disclosed.
	Incidents Incidents `yaml:"incidents" json:"incidents"`
	// DC6: complementary user entity controls, each naming what it is
	// needed for.
	CUECs CUECs `yaml:"cuecs" json:"cuecs"`
	// User entity responsibilities: what customers do to benefit from the
	// service. Not CUECs, and listed apart from them.
	UserResponsibilities Part `yaml:"user_responsibilities" json:"user_responsibilities"`
	// ThirdParties are every third party the system uses, each with the
	// answer to whether its controls are needed, together with ours, to
	// meet a criterion or objective: those are subservice organizations
	// (DC7); the others are vendors.
	ThirdParties []Vendor `yaml:"third_parties,omitempty" json:"third_parties,omitempty"`
	// DC7: subservice organizations listed directly (inputs written before
	// third_parties), or none with the reason.
	Subservice Subservice `yaml:"subservice_organizations" json:"subservice_organizations"`
	// DC8: criteria not relevant to the system and why; criteria excluded
	// from the engagement are added with their reasons.
	NotRelevant NotRelevant `yaml:"criteria_not_relevant" json:"criteria_not_relevant"`
	// DC9 (Type 2 only); SOC 1: significant changes during the period.
	Changes Changes `yaml:"significant_changes" json:"significant_changes"`
	// SOC 1 only.
	SOC1 *SOC1Description `yaml:"soc1,omitempty" json:"soc1,omitempty"`
}

// Signer is the officer who signs for management.
type Signer struct {
	Name  string `yaml:"name" json:"name"`
	Title string `yaml:"title" json:"title"`
}

// Part is a free-text part of the description, or "none" with a reason.
type Part struct {
	Text  string   `yaml:"text,omitempty" json:"text,omitempty"`
	Items []string `yaml:"items,omitempty" json:"items,omitempty"`
	None  string   `yaml:"none,omitempty" json:"none,omitempty"`
}

// Given reports whether the part was answered, with content or with a
// reason for none.
func (p Part) Given() bool {
	return strings.TrimSpace(p.Text) != "" || len(p.Items) > 0 || strings.TrimSpace(p.None) != ""
}

// Components is DC3: the five kinds of system components, and the
// boundaries.
type Components struct {
	Infrastructure Part `yaml:"infrastructure" json:"infrastructure"`
	Software       Part `yaml:"software" json:"software"`
	People         Part `yaml:"people" json:"people"`
	Procedures     Part `yaml:"procedures" json:"procedures"`
	Data           Part `yaml:"data" json:"data"`
	Boundaries     Part `yaml:"boundaries" json:"boundaries"`
}

// Incident is one incident considered for DC4.
type Incident struct {
	Date    string `yaml:"date" json:"date"`
	Summary string `yaml:"summary" json:"summary"`
	// ControlFailure: the incident resulted from a control that was not
	// suitably designed or did not operate effectively.
	ControlFailure bool `yaml:"control_failure" json:"control_failure"`
	// ImpairedCommitments: it significantly impaired the achievement of
	// service commitments and system requirements.
	ImpairedCommitments bool   `yaml:"impaired_commitments" json:"impaired_commitments"`
	Response            string `yaml:"response,omitempty" json:"response,omitempty"`
	// Controls names the controls whose failure it resulted from, when
	// known.
	Controls []string `yaml:"controls,omitempty" json:"controls,omitempty"`
}

// Discloses reports whether the incident belongs in the description: it
// resulted from a control failure or significantly impaired commitments.
func (i Incident) Discloses() bool { return i.ControlFailure || i.ImpairedCommitments }

// IncidentRecords are the incidents as the known-deviations register
// reads them.
func (d *Description) IncidentRecords() []deviation.IncidentRecord {
	var out []deviation.IncidentRecord
	for _, i := range d.Incidents.Items {
		out = append(out, deviation.IncidentRecord{Date: i.Date, Summary: i.Summary, Response: i.Response,
			ControlFailure: i.ControlFailure, Impaired: i.ImpairedCommitments, Controls: i.Controls})
	}
	return out
}

// Incidents is DC4.
type Incidents struct {
	Items []Incident `yaml:"items,omitempty" json:"items,omitempty"`
	None  string     `yaml:"none,omitempty" json:"none,omitempty"`
}

// CUEC is a complementary user entity control.
type CUEC struct {
	Text string `yaml:"text" json:"text"`
	// For names the criteria (SOC 2) or control objectives (SOC 1) the
	// CUEC is needed for.
	For []string `yaml:"for" json:"for"`
}

// CUECs is DC6.
type CUECs struct {
	Items []CUEC `yaml:"items,omitempty" json:"items,omitempty"`
	None  string `yaml:"none,omitempty" json:"none,omitempty"`
}

// CSOC is a control a carved-out subservice organization is assumed to
// operate.
type CSOC struct {
	Text string   `yaml:"text" json:"text"`
	For  []string `yaml:"for" json:"for"`
	// Covers names the suggestion (a catalog CSOC topic, e.g.
	// physical-access) this control describes.
	Covers string `yaml:"covers,omitempty" json:"covers,omitempty"`
}

// NotAssumed is a suggested CSOC that management does not assume of a
// subservice organization, with the reason.
type NotAssumed struct {
	Topic  string `yaml:"topic" json:"topic"`
	Reason string `yaml:"reason" json:"reason"`
}

// Vendor is one third party: a subservice organization when its controls
// are needed, with ours, to meet a criterion or objective; otherwise a
// vendor.
type Vendor struct {
	Name     string `yaml:"name" json:"name"`
	Services string `yaml:"services" json:"services"`
	// ServiceTypes are the kinds of service it provides (the catalog's
	// service types), from which CSOCs are suggested.
	ServiceTypes ServiceTypes `yaml:"service_types,omitempty" json:"service_types,omitempty"`
	// ControlsNeeded answers: are its controls needed, together with ours,
	// to meet a criterion or objective? nil while not answered; implied
	// for an entry of subservice_organizations.
	ControlsNeeded *bool `yaml:"controls_needed,omitempty" json:"controls_needed,omitempty"`
	// Method is carve-out or inclusive, chosen per subservice organization.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	CSOCs  []CSOC `yaml:"csocs,omitempty" json:"csocs,omitempty"`
	// NotAssumed are suggested CSOCs that do not apply to it.
	NotAssumed []NotAssumed `yaml:"csocs_not_assumed,omitempty" json:"csocs_not_assumed,omitempty"`
	// Monitoring names the service organization's control over the vendor
	// (a control ID), required for a carved-out vendor.
	Monitoring string `yaml:"monitoring_control,omitempty" json:"monitoring_control,omitempty"`
}

// Subservice is DC7.
type Subservice struct {
	Items []Vendor `yaml:"items,omitempty" json:"items,omitempty"`
	None  string   `yaml:"none,omitempty" json:"none,omitempty"`
}

// Irrelevant is a criterion not relevant to the system.
type Irrelevant struct {
	Criterion string `yaml:"criterion" json:"criterion"`
	Reason    string `yaml:"reason" json:"reason"`
}

// NotRelevant is DC8.
type NotRelevant struct {
	Items []Irrelevant `yaml:"items,omitempty" json:"items,omitempty"`
	None  string       `yaml:"none,omitempty" json:"none,omitempty"`
}

// Change is a significant change during the period.
type Change struct {
	Date    string `yaml:"date" json:"date"`
	Summary string `yaml:"summary" json:"summary"`
}

// Changes is DC9.
type Changes struct {
	Items []Change `yaml:"items,omitempty" json:"items,omitempty"`
	None  string   `yaml:"none,omitempty" json:"none,omitempty"`
}

// SOC1Description holds the elements only a SOC 1 description has.
type SOC1Description struct {
	TransactionClasses  Part `yaml:"transaction_classes" json:"transaction_classes"`
	Procedures          Part `yaml:"procedures" json:"procedures"`
	Records             Part `yaml:"records" json:"records"`
	SignificantEvents   Part `yaml:"significant_events" json:"significant_events"`
	ReportPreparation   Part `yaml:"report_preparation" json:"report_preparation"`
	ControlEnvironment  Part `yaml:"control_environment" json:"control_environment"`
	RiskAssessment      Part `yaml:"risk_assessment" json:"risk_assessment"`
	InformationAndComms Part `yaml:"information_and_communication" json:"information_and_communication"`
	Monitoring          Part `yaml:"monitoring" json:"monitoring"`
}

// ParseDescription reads description inputs from YAML (or JSON), refusing
// unknown keys so a misspelt part is not silently missing.
func ParseDescription(name string, b []byte) (*Description, error) {
	var d Description
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(&d)
	var typ *yaml.TypeError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return &d, nil
	case errors.As(err, &typ):
		lines := make([]string, len(typ.Errors))
		for i, e := range typ.Errors {
			lines[i] = yamlWords(e)
		}
		return nil, attest.Errorf(attest.EINVALID, "%s: %s", name, strings.Join(lines, "; "))
	}
	return nil, attest.Errorf(attest.EINVALID, "%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
}

// The YAML reader's refusals, compiled on first use: a package's start-up
// cost counts for every command.
var (
	yamlUnknown = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(line \d+): field (\S+) not found in type \S+$`)
	})
	yamlType = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(line \d+): cannot unmarshal !!(\w+)(?: ` + "`" + `(.*)` + "`" + `)? into (\S+)$`)
	})
)

// yamlWords says one of the YAML reader's refusals in the description's
// terms, without Go's type names: a key that is no part, or a value of
// the wrong shape.
func yamlWords(e string) string {
	if m := yamlUnknown().FindStringSubmatch(e); m != nil {
		return m[1] + ": " + m[2] + " is not a part of the description inputs"
	}
	m := yamlType().FindStringSubmatch(e)
	if m == nil {
		return e
	}
	got := map[string]string{"str": "text", "int": "a number", "float": "a number", "bool": "true or false", "seq": "a list", "map": "a group of parts", "null": "nothing"}[m[2]]
	if m[3] != "" {
		got += " (" + strconv.Quote(m[3]) + ")"
	}
	want := "a group of parts"
	switch t := m[4]; {
	case strings.HasPrefix(t, "[]"):
		want = "a list"
	case t == "string":
		want = "text"
	case t == "bool":
		want = "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "float"):
		want = "a number"
	case t == "report.Part":
		want = "a part (text, items or none)"
	}
	return m[1] + ": want " + want + ", not " + cmp.Or(got, "this")
}

// Gap is a description input that is missing or inconsistent.
type Gap struct {
	Part   string `json:"part"`
	Detail string `json:"detail"`
}

// Check lists what is missing or inconsistent for the engagement: every
// required part answered (with content or a reason for none), each CUEC
// naming what it is needed for, each vendor with a method, carved-out
// vendors with CSOCs and a monitoring control, DC9 only for Type 2.
func (d *Description) Check(e *attest.Engagement, controls map[string]bool) []Gap {
	var gaps []Gap
	missing := func(part, what string) { gaps = append(gaps, missingGap(part, what)) }
	both := func(part string, content bool, none string) {
		gaps = append(gaps, contradiction(part, content, none)...)
	}
	soc2 := e.Kind != attest.SOC1
	if strings.TrimSpace(d.Organization) == "" {
		missing("organization", "the service organization's name")
	}
	if strings.TrimSpace(d.System) == "" {
		missing("system", "the name of the system described")
	}
	need := []required{{"services", "DC1 services provided", d.Services}}
	if soc2 {
		need = append(need, required{"commitments", "DC2 service commitments and system requirements", d.Commitments})
	}
	c := d.Components
	for _, x := range []struct {
		part string
		p    Part
	}{{"infrastructure", c.Infrastructure}, {"software", c.Software}, {"people", c.People}, {"procedures", c.Procedures}, {"data", c.Data}, {"boundaries", c.Boundaries}} {
		need = append(need, required{"components." + x.part, "DC3 system components: " + x.part, x.p})
	}
	for _, n := range need {
		if !n.p.Given() {
			missing(n.part, n.label)
		}
		both(n.part, strings.TrimSpace(n.p.Text) != "" || len(n.p.Items) > 0, n.p.None)
	}
	for _, x := range []struct {
		part    string
		content bool
		none    string
	}{
		{"incidents", len(d.Incidents.Items) > 0, d.Incidents.None},
		{"cuecs", len(d.CUECs.Items) > 0, d.CUECs.None},
		{"subservice_organizations", len(d.Subservice.Items) > 0, d.Subservice.None},
		{"criteria_not_relevant", len(d.NotRelevant.Items) > 0, d.NotRelevant.None},
		{"significant_changes", len(d.Changes.Items) > 0, d.Changes.None},
	} {
		both(x.part, x.content, x.none)
	}
	if soc2 && len(d.Incidents.Items) == 0 && d.Incidents.None == "" {
		missing("incidents", "DC4 incidents")
	}
	for i, inc := range d.Incidents.Items {
		if inc.Date == "" || inc.Summary == "" {
			gaps = append(gaps, Gap{"incidents", fmt.Sprintf("incident %d needs a date and a summary", i+1)})
		}
	}
	if len(d.CUECs.Items) == 0 && d.CUECs.None == "" {
		missing("cuecs", "DC6 complementary user entity controls")
	}
	for i, u := range d.CUECs.Items {
		if len(u.For) == 0 {
			gaps = append(gaps, Gap{"cuecs", fmt.Sprintf("CUEC %d (%q) names no criterion or objective it is needed for; if customers simply benefit from doing it, it is a user entity responsibility", i+1, short(u.Text))})
		}
	}
	if !d.UserResponsibilities.Given() {
		missing("user_responsibilities", "user entity responsibilities")
	}
	if len(d.Subservice.Items) == 0 && d.Subservice.None == "" && len(d.ThirdParties) == 0 {
		missing("subservice_organizations", "DC7 subservice organizations (list the third parties the system uses under third_parties)")
	}
	gaps = append(gaps, d.thirdPartyGaps(e, controls)...)
	if soc2 && len(d.NotRelevant.Items) == 0 && d.NotRelevant.None == "" {
		missing("criteria_not_relevant", "DC8 criteria not relevant")
	}
	type2 := e.Type == attest.Type2 || e.Kind == attest.SOC3
	if type2 && len(d.Changes.Items) == 0 && d.Changes.None == "" {
		missing("significant_changes", "DC9 significant changes during the period")
	}
	if !type2 && (len(d.Changes.Items) > 0 || d.Changes.None != "") {
		gaps = append(gaps, Gap{"significant_changes", "a Type 1 description has no significant changes during a period (DC9 is for Type 2): remove them"})
	}
	if e.Kind == attest.SOC1 {
		gaps = append(gaps, d.SOC1.gaps()...)
	}
	slices.SortStableFunc(gaps, func(a, b Gap) int { return strings.Compare(a.Part, b.Part) })
	return gaps
}

// missingGap is the gap of a part not answered.
func missingGap(part, what string) Gap {
	return Gap{Part: part, Detail: what + " is missing (answer it, or say none: with the reason)"}
}

// contradiction is the gap of a part that gives its content and also
// says none: the draft shows the content and leaves the none out.
func contradiction(part string, content bool, none string) []Gap {
	if content && strings.TrimSpace(none) != "" {
		return []Gap{{Part: part, Detail: "gives its content and also says none: keep one (the draft shows the content and leaves the none out)"}}
	}
	return nil
}

// gaps is what a SOC 1 description lacks of the elements only it has
// (nil: all of them).
func (s *SOC1Description) gaps() []Gap {
	if s == nil {
		s = &SOC1Description{}
	}
	var gaps []Gap
	for _, x := range []required{
		{"transaction_classes", "the classes of transactions", s.TransactionClasses},
		{"procedures", "the procedures by which transactions are initiated, authorized, recorded, processed, corrected and reported", s.Procedures},
		{"records", "the information and accounting records used", s.Records},
		{"significant_events", "how significant events and conditions other than transactions are captured", s.SignificantEvents},
		{"report_preparation", "the process used to prepare reports for customers", s.ReportPreparation},
		{"control_environment", "the control environment", s.ControlEnvironment},
		{"risk_assessment", "risk assessment", s.RiskAssessment},
		{"information_and_communication", "information and communication", s.InformationAndComms},
		{"monitoring", "monitoring", s.Monitoring},
	} {
		if !x.p.Given() {
			gaps = append(gaps, missingGap("soc1."+x.part, "SOC 1: "+x.label))
		}
		gaps = append(gaps, contradiction("soc1."+x.part, strings.TrimSpace(x.p.Text) != "" || len(x.p.Items) > 0, x.p.None)...)
	}
	return gaps
}

type required struct {
	part, label string
	p           Part
}

func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
