package people

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

//go:embed checklists.yaml
var defaultChecklists []byte

// DefaultRole is the role whose checklists apply when a person's role
// names none.
const DefaultRole = "default"

// Owners an item may name: who does it.
var Owners = []string{"people-ops", "it", "security", "manager", "person"}

// Step is one item of a role's checklist, before it is anyone's.
type Step struct {
	Key      string   `json:"key"`
	Title    string   `json:"title"`
	Kind     string   `json:"kind"`
	Course   string   `json:"course,omitempty"`
	Owner    string   `json:"owner"`
	Due      Due      `json:"due"`
	Controls []string `json:"controls"`
}

// Due is when a step is due: Days (or BusinessDays, Monday to Friday)
// before or after the person's start or end date.
type Due struct {
	From         string `json:"from"` // "start" or "end"
	Before       bool   `json:"before,omitempty"`
	Days         int    `json:"days,omitempty"`
	BusinessDays int    `json:"business_days,omitempty"`
}

// Rule says the due rule in words: "1 business day after the end date".
func (d Due) Rule() string {
	n, unit := d.Days, "day"
	if d.BusinessDays > 0 {
		n, unit = d.BusinessDays, "business day"
	}
	if n == 0 {
		return "on the " + d.From + " date"
	}
	if n != 1 {
		unit += "s"
	}
	side := "after"
	if d.Before {
		side = "before"
	}
	return fmt.Sprintf("%d %s %s the %s date", n, unit, side, d.From)
}

// On is the due date for a person whose start or end date is date.
func (d Due) On(date string) (string, error) {
	t, err := attest.ParseDate(date)
	if err != nil {
		return "", err
	}
	switch {
	case d.BusinessDays > 0:
		step := 1
		if d.Before {
			step = -1
		}
		for n := d.BusinessDays; n > 0; {
			t = t.AddDate(0, 0, step)
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
				n--
			}
		}
	case d.Before:
		t = t.AddDate(0, 0, -d.Days)
	default:
		t = t.AddDate(0, 0, d.Days)
	}
	return t.Format(time.DateOnly), nil
}

// Checklists are each role's onboarding and offboarding steps.
type Checklists struct {
	// Roles maps a role to its checklists by name (attest.Onboarding,
	// attest.Offboarding), extensions already applied.
	Roles map[string]map[string][]Step `json:"roles"`
}

// Default is the checklists Attest ships (checklists.yaml), parsed once.
var Default = sync.OnceValue(func() *Checklists {
	c, err := ParseChecklists("checklists.yaml", defaultChecklists)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return c
})

// RoleOf is the role whose checklists apply to p: their role when one is
// defined, else their department's name when a role has it, else the
// default.
func (c *Checklists) RoleOf(p *attest.Person) string {
	for _, r := range []string{p.Role, strings.ToLower(strings.TrimSpace(p.Department))} {
		if _, ok := c.Roles[r]; ok && r != "" {
			return r
		}
	}
	return DefaultRole
}

// Steps are the steps of one checklist for a role.
func (c *Checklists) Steps(role, checklist string) []Step {
	return c.Roles[role][checklist]
}

// ParseChecklists reads a checklists file (checklists.yaml's format).
// Every error names the file, the line and the field.
func ParseChecklists(name string, data []byte) (*Checklists, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: %v", name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, attest.Errorf(attest.EINVALID, "%s: line 1: want a mapping with a roles key", name)
	}
	p := parser{name: name}
	rolesNode := p.key(doc.Content[0], "roles")
	if rolesNode == nil || rolesNode.Kind != yaml.MappingNode {
		return nil, p.bad(doc.Content[0], "roles", "want the roles, each with its onboarding and offboarding items")
	}
	raw := map[string]rawRole{}
	var order []string
	for i := 0; i+1 < len(rolesNode.Content); i += 2 {
		k, v := rolesNode.Content[i], rolesNode.Content[i+1]
		role := strings.ToLower(k.Value)
		if _, dup := raw[role]; dup {
			return nil, p.bad(k, "roles", "role %s is defined twice", role)
		}
		r, err := p.role(role, v)
		if err != nil {
			return nil, err
		}
		raw[role] = r
		order = append(order, role)
	}
	if _, ok := raw[DefaultRole]; !ok {
		return nil, p.bad(rolesNode, "roles", "no %s role: people whose role names no checklist need one", DefaultRole)
	}
	c := &Checklists{Roles: map[string]map[string][]Step{}}
	for _, role := range order {
		steps, err := p.resolve(raw, role, nil)
		if err != nil {
			return nil, err
		}
		c.Roles[role] = steps
	}
	return c, nil
}

type rawRole struct {
	extends string
	line    int
	lists   map[string][]Step
}

type parser struct{ name string }

func (p parser) bad(n *yaml.Node, field, format string, args ...any) error {
	return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s: line %d: %s: %s", p.name, n.Line, field, fmt.Sprintf(format, args...))}
}

// key is the value under key k of mapping n, nil when absent.
func (p parser) key(n *yaml.Node, k string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

func (p parser) role(role string, n *yaml.Node) (rawRole, error) {
	r := rawRole{line: n.Line, lists: map[string][]Step{}}
	if n.Kind != yaml.MappingNode {
		return r, p.bad(n, role, "want extends, onboarding and offboarding")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "extends":
			r.extends = strings.ToLower(v.Value)
		case attest.Onboarding, attest.Offboarding:
			if v.Kind != yaml.SequenceNode {
				return r, p.bad(v, role+"."+k.Value, "want a list of items")
			}
			seen := map[string]bool{}
			for _, in := range v.Content {
				s, err := p.step(role+"."+k.Value, in)
				if err != nil {
					return r, err
				}
				if seen[s.Key] {
					return r, p.bad(in, role+"."+k.Value+".key", "%s is listed twice", s.Key)
				}
				seen[s.Key] = true
				r.lists[k.Value] = append(r.lists[k.Value], s)
			}
		default:
			return r, p.bad(k, role+"."+k.Value, "unknown field (want extends, onboarding or offboarding)")
		}
	}
	return r, nil
}

func (p parser) step(where string, n *yaml.Node) (Step, error) {
	var s Step
	if n.Kind != yaml.MappingNode {
		return s, p.bad(n, where, "want an item with key, title, kind, owner, due and controls")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := where + "." + k.Value
		if k.Value != "due" && k.Value != "controls" && v.Kind != yaml.ScalarNode {
			return s, p.bad(v, field, "want a single value")
		}
		switch k.Value {
		case "key":
			s.Key = strings.TrimSpace(v.Value)
		case "title":
			s.Title = strings.TrimSpace(v.Value)
		case "kind":
			s.Kind = v.Value
		case "course":
			s.Course = strings.TrimSpace(v.Value)
		case "owner":
			s.Owner = v.Value
		case "due":
			d, err := p.due(field, v)
			if err != nil {
				return s, err
			}
			s.Due = d
		case "controls":
			if v.Kind != yaml.SequenceNode {
				return s, p.bad(v, field, "want a list of control IDs")
			}
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
					return s, p.bad(c, field, "want a control ID")
				}
				s.Controls = append(s.Controls, strings.ToUpper(strings.TrimSpace(c.Value)))
			}
		default:
			return s, p.bad(k, field, "unknown field")
		}
	}
	switch {
	case s.Key == "":
		return s, p.bad(n, where+".key", "every item needs a key")
	case s.Title == "":
		return s, p.bad(n, where+".title", "item %s needs a title", s.Key)
	case s.Kind != attest.ItemTask && s.Kind != attest.ItemAcknowledgements && s.Kind != attest.ItemTraining:
		return s, p.bad(n, where+".kind", "item %s: %q is not task, acknowledgements or training", s.Key, s.Kind)
	case s.Kind == attest.ItemTraining && s.Course == "":
		return s, p.bad(n, where+".course", "training item %s names no course", s.Key)
	case !slices.Contains(Owners, s.Owner):
		return s, p.bad(n, where+".owner", "item %s: %q is not one of %s", s.Key, s.Owner, strings.Join(Owners, ", "))
	case s.Due.From == "":
		return s, p.bad(n, where+".due", "item %s needs a due rule", s.Key)
	case len(s.Controls) == 0:
		return s, p.bad(n, where+".controls", "item %s serves no control", s.Key)
	}
	return s, nil
}

func (p parser) due(field string, n *yaml.Node) (Due, error) {
	var d Due
	if n.Kind != yaml.MappingNode {
		return d, p.bad(n, field, "want {before|after: start|end, days|business_days: N}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "before", "after":
			if d.From != "" {
				return d, p.bad(k, field+"."+k.Value, "give before or after, once")
			}
			if v.Value != "start" && v.Value != "end" {
				return d, p.bad(v, field+"."+k.Value, "%q is not start or end", v.Value)
			}
			d.From, d.Before = v.Value, k.Value == "before"
		case "days", "business_days":
			x, err := strconv.Atoi(v.Value)
			if err != nil || x < 0 || x > 366 {
				return d, p.bad(v, field+"."+k.Value, "%q is not a number of days from 0 to 366", v.Value)
			}
			if k.Value == "days" {
				d.Days = x
			} else {
				d.BusinessDays = x
			}
		default:
			return d, p.bad(k, field+"."+k.Value, "unknown field (want before, after, days or business_days)")
		}
	}
	if d.From == "" {
		return d, p.bad(n, field, "say before or after the start or end date")
	}
	if d.Days > 0 && d.BusinessDays > 0 {
		return d, p.bad(n, field, "give days or business_days, not both")
	}
	return d, nil
}

// resolve applies extends: the parent's steps, then the role's own, an own
// step replacing the parent's of the same key.
func (p parser) resolve(raw map[string]rawRole, role string, seen []string) (map[string][]Step, error) {
	r := raw[role]
	if slices.Contains(seen, role) {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s: line %d: %s.extends: roles extend each other in a circle (%s)", p.name, r.line, role, strings.Join(append(seen, role), " > "))}
	}
	out := map[string][]Step{}
	if r.extends != "" {
		if _, ok := raw[r.extends]; !ok {
			return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s: line %d: %s.extends: no role %s", p.name, r.line, role, r.extends)}
		}
		parent, err := p.resolve(raw, r.extends, append(seen, role))
		if err != nil {
			return nil, err
		}
		for k, v := range parent {
			out[k] = slices.Clone(v)
		}
	}
	for list, steps := range r.lists {
		for _, s := range steps {
			if i := slices.IndexFunc(out[list], func(x Step) bool { return x.Key == s.Key }); i >= 0 {
				out[list][i] = s
			} else {
				out[list] = append(out[list], s)
			}
		}
	}
	return out, nil
}
