package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// ServiceType is a kind of service a third party provides (infrastructure
// hosting, a managed database, an identity provider, ...), with the
// complementary subservice organization controls (CSOCs) Attest suggests
// when a provider of that kind is a carved-out subservice organization.
type ServiceType struct {
	Type   string   `json:"type" yaml:"type"`
	Name   string   `json:"name" yaml:"name"`
	Topics []string `json:"topics" yaml:"topics"`
}

// CSOCTopic is one suggested CSOC, in our own words, with the criteria
// (SOC 2) and the SOC 1 objectives it supports. Its Topic is the key a
// CSOC in the description inputs names (`covers`) to say it is described.
type CSOCTopic struct {
	Topic      string   `json:"topic" yaml:"topic"`
	Text       string   `json:"text" yaml:"text"`
	Criteria   []string `json:"criteria" yaml:"criteria"`
	Objectives []string `json:"objectives" yaml:"objectives"`
}

// serviceData is service_types.yaml.
type serviceData struct {
	Topics []CSOCTopic   `yaml:"topics"`
	Types  []ServiceType `yaml:"types"`
}

// ServiceType returns the service type with the given key, or nil.
func (c *Catalog) ServiceType(key string) *ServiceType {
	key = strings.ToLower(strings.TrimSpace(key))
	for i := range c.ServiceTypes {
		if c.ServiceTypes[i].Type == key {
			return &c.ServiceTypes[i]
		}
	}
	return nil
}

// ServiceTypeKeys lists the service types' keys in catalog order.
func (c *Catalog) ServiceTypeKeys() []string {
	out := make([]string, len(c.ServiceTypes))
	for i, t := range c.ServiceTypes {
		out[i] = t.Type
	}
	return out
}

// CheckServiceType is nil for a known service type, and otherwise an
// EINVALID error naming it and listing the known ones.
func (c *Catalog) CheckServiceType(key string) error {
	if c.ServiceType(key) != nil {
		return nil
	}
	return attest.Errorf(attest.EINVALID, "unknown service type %q: want one of %s", key, strings.Join(c.ServiceTypeKeys(), ", "))
}

// Topic returns the CSOC topic with the given key, or nil.
func (c *Catalog) Topic(key string) *CSOCTopic {
	for i := range c.CSOCTopics {
		if c.CSOCTopics[i].Topic == key {
			return &c.CSOCTopics[i]
		}
	}
	return nil
}

// SuggestCSOCs returns the CSOCs suggested for a subservice organization
// providing the given service types, each topic once, in the order of the
// types, and mapped only to what is in scope: for SOC 1 (objectives
// non-nil) the objectives among those given, otherwise the criteria of the
// categories given. A topic that supports nothing in scope is left out.
// Unknown types are ignored (CheckServiceType reports them).
func (c *Catalog) SuggestCSOCs(types []string, kind attest.Kind, categories []string, objectives []string) []CSOCTopic {
	var out []CSOCTopic
	seen := map[string]bool{}
	for _, key := range types {
		st := c.ServiceType(key)
		if st == nil {
			continue
		}
		for _, tp := range st.Topics {
			if seen[tp] {
				continue
			}
			seen[tp] = true
			t := *c.Topic(tp)
			if kind == attest.SOC1 {
				t.Objectives = slices.DeleteFunc(slices.Clone(t.Objectives), func(id string) bool { return !slices.Contains(objectives, id) })
				t.Criteria = nil
				if len(t.Objectives) == 0 {
					continue
				}
			} else {
				t.Criteria = slices.DeleteFunc(slices.Clone(t.Criteria), func(id string) bool {
					return !slices.Contains(categories, attest.CategoryOf(id))
				})
				t.Objectives = nil
				if len(t.Criteria) == 0 {
					continue
				}
			}
			out = append(out, t)
		}
	}
	return out
}

// For is what a suggestion supports: its criteria, or its objectives.
func (t CSOCTopic) For() []string {
	if len(t.Criteria) > 0 {
		return t.Criteria
	}
	return t.Objectives
}

func (c *Catalog) loadServiceTypes(fsysRead func(string, any) error) error {
	var sd serviceData
	if err := fsysRead("data/service_types.yaml", &sd); err != nil {
		return err
	}
	c.CSOCTopics, c.ServiceTypes = sd.Topics, sd.Types
	for i := range c.ServiceTypes {
		if c.ServiceTypes[i].Topics == nil {
			c.ServiceTypes[i].Topics = []string{}
		}
		for _, tp := range c.ServiceTypes[i].Topics {
			if c.Topic(tp) == nil {
				return fmt.Errorf("service_types.yaml: type %s names unknown topic %q", c.ServiceTypes[i].Type, tp)
			}
		}
	}
	return nil
}
