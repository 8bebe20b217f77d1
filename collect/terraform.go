package collect

import (
	"errors"
	"io"
	"strings"
)

// TerraformPlan reads a Terraform plan as `terraform show -json` prints it.
// Every resource in the planned values, in the root module and in child
// modules at any depth, becomes a "terraform.resource" record with the
// values it will have after apply and the actions resource_changes plans
// for it. A resource the plan deletes is not in the planned values; it is
// a record too, with null values, so that a check sees the deletion.
// `terraform show -json` of a state (values instead of planned_values) is
// read the same way, with null actions.
//
// Values the plan marks sensitive (a database password, say) are replaced
// by the string "(sensitive)": evidence should not hold secrets.
func TerraformPlan(name string, r io.Reader) (*Result, error) {
	doc, err := readJSON(name, r)
	if err != nil {
		return nil, err
	}
	m, _ := doc.members()
	planned, ok := lookup(m, "planned_values", "values")
	if _, versioned := m["format_version"]; !versioned || !ok {
		return nil, errors.New(name + ": not a Terraform plan: want the output of terraform show -json, with format_version and planned_values")
	}
	res := newResult()
	if v := text(m, "format_version"); !strings.HasPrefix(v, "1.") {
		res.problem(name, m["format_version"].line, "format version %q: read as version 1, check the results", v)
	}
	t := &planReader{name: name, res: res, changes: map[string]resourceChange{}, seen: map[string]bool{}}
	t.readChanges(m["resource_changes"])
	root, _ := planned.members()
	t.module(root["root_module"], 0)
	for _, addr := range t.order {
		if c := t.changes[addr]; !t.seen[addr] {
			t.add(c.fields, nil, c.line)
		}
	}
	return res, nil
}

type planReader struct {
	name    string
	res     *Result
	changes map[string]resourceChange
	order   []string // of the changes, as the plan lists them
	seen    map[string]bool
}

// resourceChange is what resource_changes says about one address.
type resourceChange struct {
	fields map[string]any
	line   int
}

func (t *planReader) readChanges(v value) {
	list, _ := v.items()
	for i, it := range list {
		c, _ := it.any().(map[string]any)
		addr := str(c["address"])
		if addr == "" {
			t.res.problem(t.name, it.line, "resource change %d has no address", i+1)
			continue
		}
		change, _ := c["change"].(map[string]any)
		f := map[string]any{
			"address": addr, "type": orNil(str(c["type"])), "name": orNil(str(c["name"])), "mode": orNil(str(c["mode"])),
			"provider": orNil(str(c["provider_name"])), "module": orNil(str(c["module_address"])), "actions": change["actions"],
		}
		for _, k := range []string{"index", "action_reason", "previous_address", "deposed"} {
			if x, ok := c[k]; ok {
				f[k] = x
			}
		}
		if _, dup := t.changes[addr]; !dup {
			t.order = append(t.order, addr)
		}
		t.changes[addr] = resourceChange{f, it.line}
	}
}

// module reads a module of the planned values and, within it, its child
// modules. The depth bound only guards against a hostile file.
func (t *planReader) module(v value, depth int) {
	m, ok := v.members()
	if !ok || depth > 100 {
		return
	}
	module := orNil(text(m, "address"))
	list, _ := m["resources"].items()
	for _, it := range list {
		res, _ := it.any().(map[string]any)
		addr := str(res["address"])
		if addr == "" {
			t.res.problem(t.name, it.line, "a planned resource has no address")
			continue
		}
		f := map[string]any{"module": module, "actions": nil}
		for k, x := range res {
			switch k {
			case "provider_name":
				f["provider"] = x
			case "values":
				f[k] = redact(x, res["sensitive_values"])
			default:
				f[k] = x
			}
		}
		if c, ok := t.changes[addr]; ok {
			for k, x := range c.fields {
				if _, set := f[k]; !set || k == "actions" {
					f[k] = x
				}
			}
		}
		t.seen[addr] = true
		t.add(f, res["values"], it.line)
	}
	children, _ := m["child_modules"].items()
	for _, c := range children {
		t.module(c, depth+1)
	}
}

// add adds a resource's record, with the fields RECORDS.md names always
// present.
func (t *planReader) add(f map[string]any, values any, line int) {
	for _, k := range []string{"type", "name", "mode", "provider", "module", "actions"} {
		if _, ok := f[k]; !ok {
			f[k] = nil
		}
	}
	if values == nil {
		f["values"] = nil
	}
	addr := f["address"].(string)
	t.res.Records = append(t.res.Records, Record{Type: "terraform.resource", ID: addr, Fields: f, Source: t.name, Line: line})
}

// redact replaces what the plan's sensitive_values marks true with
// "(sensitive)"; the mask has the shape of the values.
func redact(v, mask any) any {
	switch m := mask.(type) {
	case bool:
		if m && v != nil {
			return "(sensitive)"
		}
	case map[string]any:
		if vm, ok := v.(map[string]any); ok {
			for k, sub := range m {
				if x, ok := vm[k]; ok {
					vm[k] = redact(x, sub)
				}
			}
		}
	case []any:
		if vl, ok := v.([]any); ok {
			for i := 0; i < len(m) && i < len(vl); i++ {
				vl[i] = redact(vl[i], m[i])
			}
		}
	}
	return v
}
