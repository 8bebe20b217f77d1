package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"gopkg.in/yaml.v3"
)

// ServiceTypes are the kinds of service a third party provides, each a key
// of the catalog's service types. In the inputs they are a list or one
// name; an unknown one is refused with its line and the known ones.
type ServiceTypes []string

// UnmarshalYAML reads one service type or a list of them, refusing unknown
// ones.
func (s *ServiceTypes) UnmarshalYAML(n *yaml.Node) error {
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	cat := catalog.MustLoad()
	var out ServiceTypes
	for _, x := range nodes {
		if x.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: service_types: want a service type or a list of them (%s)", x.Line, strings.Join(cat.ServiceTypeKeys(), ", "))
		}
		key := strings.ToLower(strings.TrimSpace(x.Value))
		if err := cat.CheckServiceType(key); err != nil {
			return fmt.Errorf("line %d: service_types: %s", x.Line, attest.ErrorMessage(err))
		}
		out = append(out, key)
	}
	*s = out
	return nil
}

// SubserviceOrgs are the subservice organizations: the third parties
// whose controls are needed, with ours, to meet a criterion or objective,
// and those listed under subservice_organizations.
func (d *Description) SubserviceOrgs() []Vendor {
	out := slices.Clone(d.Subservice.Items)
	for _, v := range d.ThirdParties {
		if v.ControlsNeeded != nil && *v.ControlsNeeded {
			out = append(out, v)
		}
	}
	return out
}

// ThirdParty is a third party as classified by the answer to whether its
// controls are needed: "subservice organization", "vendor" or
// "unanswered". The vendor inventory reuses this answer.
type ThirdParty struct {
	Name         string   `json:"name"`
	Services     string   `json:"services"`
	ServiceTypes []string `json:"service_types"`
	Role         string   `json:"role"`
}

// Roles of a third party.
const (
	RoleSubservice = "subservice organization"
	RoleVendor     = "vendor"
	RoleUnanswered = "unanswered"
)

// ThirdPartyRoles lists every third party named in the inputs with its
// role.
func (d *Description) ThirdPartyRoles() []ThirdParty {
	var out []ThirdParty
	add := func(v Vendor, role string) {
		out = append(out, ThirdParty{Name: v.Name, Services: v.Services, ServiceTypes: attest.OrEmpty(v.ServiceTypes), Role: role})
	}
	for _, v := range d.Subservice.Items {
		add(v, RoleSubservice)
	}
	for _, v := range d.ThirdParties {
		switch {
		case v.ControlsNeeded == nil:
			add(v, RoleUnanswered)
		case *v.ControlsNeeded:
			add(v, RoleSubservice)
		default:
			add(v, RoleVendor)
		}
	}
	return out
}

// Suggestion is a suggested CSOC, as the check lists it.
type Suggestion struct {
	Topic string   `json:"topic"`
	Text  string   `json:"text"`
	For   []string `json:"for"`
}

// MissingCSOCs are the CSOCs a carved-out subservice organization's
// service types imply and the inputs do not describe.
type MissingCSOCs struct {
	Organization string       `json:"subservice_organization"`
	ServiceTypes []string     `json:"service_types"`
	Missing      []Suggestion `json:"missing"`
}

// Suggested are the CSOCs suggested for v in engagement e's scope: by
// v's service types, mapped to e's criteria (SOC 2, SOC 3) or objectives
// (SOC 1).
func Suggested(cat *catalog.Catalog, e *attest.Engagement, v Vendor) []Suggestion {
	var objectives []string
	if e.Kind == attest.SOC1 {
		for _, o := range cat.Objectives(e.Templates) {
			objectives = append(objectives, o.ID)
		}
	}
	var out []Suggestion
	for _, t := range cat.SuggestCSOCs(v.ServiceTypes, e.Kind, e.Categories, objectives) {
		out = append(out, Suggestion{Topic: t.Topic, Text: t.Text, For: t.For()})
	}
	return out
}

// MissingCSOCs lists, by carved-out subservice organization, the suggested
// CSOCs that no CSOC covers (`covers`) and that are not set aside with a
// reason (`csocs_not_assumed`). Inclusive ones have none: their controls
// are described and tested.
func (d *Description) MissingCSOCs(cat *catalog.Catalog, e *attest.Engagement) []MissingCSOCs {
	var out []MissingCSOCs
	for _, v := range d.SubserviceOrgs() {
		if v.Method != "carve-out" {
			continue
		}
		done := map[string]bool{}
		for _, c := range v.CSOCs {
			done[c.Covers] = true
		}
		for _, x := range v.NotAssumed {
			if strings.TrimSpace(x.Reason) != "" {
				done[x.Topic] = true
			}
		}
		m := MissingCSOCs{Organization: v.Name, ServiceTypes: attest.OrEmpty(v.ServiceTypes)}
		for _, s := range Suggested(cat, e, v) {
			if !done[s.Topic] {
				m.Missing = append(m.Missing, s)
			}
		}
		if len(m.Missing) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// thirdPartyGaps are the third parties' gaps: the question unanswered, a
// vendor described as a subservice organization, and for subservice
// organizations the method, service types, CSOCs (each naming what it
// supports, and every suggestion covered or set aside) and the monitoring
// control.
func (d *Description) thirdPartyGaps(e *attest.Engagement, controls map[string]bool) []Gap {
	cat := catalog.MustLoad()
	var gaps []Gap
	gap := func(part, format string, args ...any) { gaps = append(gaps, Gap{part, fmt.Sprintf(format, args...)}) }
	names := map[string]string{}
	for _, v := range d.Subservice.Items {
		names[strings.ToLower(strings.TrimSpace(v.Name))] = "subservice_organizations"
		if v.ControlsNeeded != nil && !*v.ControlsNeeded {
			gap("subservice_organizations", "%s is listed as a subservice organization but its controls are not needed: move it to third_parties", v.Name)
		}
	}
	for i, v := range d.ThirdParties {
		key := strings.ToLower(strings.TrimSpace(v.Name))
		if key == "" {
			gap("third_parties", "third party %d has no name", i+1)
			continue
		}
		if names[key] != "" {
			gap("third_parties", "%s is named twice (under %s too): keep one entry, under third_parties", v.Name, names[key])
		}
		names[key] = "third_parties"
		switch {
		case v.ControlsNeeded == nil:
			gap("third_parties", "%s: are its controls needed, together with ours, to meet a criterion or objective? Answer controls_needed: true (a subservice organization, described in DC7) or false (a vendor)", v.Name)
		case !*v.ControlsNeeded:
			if v.Method != "" || len(v.CSOCs) > 0 || v.Monitoring != "" {
				gap("third_parties", "%s is a vendor (controls_needed: false) but has a method, CSOCs or a monitoring control, which only a subservice organization has: remove them, or answer controls_needed: true", v.Name)
			}
		}
	}
	for _, v := range d.SubserviceOrgs() {
		part := names[strings.ToLower(strings.TrimSpace(v.Name))]
		if len(v.ServiceTypes) == 0 {
			gap(part, "%s names no service_types, so Attest cannot suggest the controls assumed of it (one or more of %s)", v.Name, strings.Join(cat.ServiceTypeKeys(), ", "))
		}
		switch v.Method {
		case "carve-out":
			if len(v.CSOCs) == 0 {
				gap(part, "%s is carved out but lists no complementary subservice organization controls (csocs)", v.Name)
			}
			for i, c := range v.CSOCs {
				if len(c.For) == 0 {
					gap(part, "%s: CSOC %d (%q) names no criterion or objective it supports", v.Name, i+1, short(c.Text))
				}
				if c.Covers != "" && cat.Topic(c.Covers) == nil {
					gap(part, "%s: CSOC %d covers %q, which is not a suggestion Attest knows (the description check lists them)", v.Name, i+1, c.Covers)
				}
			}
			for _, x := range v.NotAssumed {
				if strings.TrimSpace(x.Reason) == "" {
					gap(part, "%s: csocs_not_assumed %s gives no reason", v.Name, x.Topic)
				}
			}
			if v.Monitoring == "" {
				gap(part, "%s is carved out but names no monitoring_control (the control by which you monitor it)", v.Name)
			} else if controls != nil && !controls[strings.ToUpper(v.Monitoring)] {
				gap(part, "%s: monitoring control %s is not a control of this engagement", v.Name, v.Monitoring)
			}
		case "inclusive":
		default:
			gap(part, "%s: method %q, want carve-out or inclusive", v.Name, v.Method)
		}
	}
	for _, m := range d.MissingCSOCs(cat, e) {
		part := names[strings.ToLower(strings.TrimSpace(m.Organization))]
		for _, s := range m.Missing {
			gap(part, "%s: no CSOC covers %s (%s, for %s): describe it with covers: %s, or set it aside under csocs_not_assumed with the reason", m.Organization, s.Topic, s.Text, strings.Join(s.For, ", "), s.Topic)
		}
	}
	return gaps
}
