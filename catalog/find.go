package catalog

import (
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// Filter narrows the control library: each field given keeps only the
// controls that meet it.
type Filter struct {
	// Criterion and Objective keep the controls mapped to them.
	Criterion, Objective string
	// Category keeps those mapped to a criterion of the category;
	// Template those mapped to an objective of the SOC 1 template.
	Category, Template string
	// Frequency keeps those with this default frequency.
	Frequency string
}

// Find is the library's controls that meet f, in the library's order. A
// criterion, objective, category, template or frequency that does not
// exist is refused by name.
func (c *Catalog) Find(f Filter) ([]Control, error) {
	var keep []func(Control) bool
	if f.Criterion != "" {
		cr := c.Criterion(f.Criterion)
		if cr == nil {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such criterion: %s", f.Criterion)
		}
		keep = append(keep, func(x Control) bool { return slices.Contains(x.Criteria, cr.ID) })
	}
	if f.Objective != "" {
		o := c.Objective(f.Objective)
		if o == nil {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such objective: %s", f.Objective)
		}
		keep = append(keep, func(x Control) bool { return slices.Contains(x.Objectives, o.ID) })
	}
	if f.Category != "" {
		cat, err := attest.ParseCategory(f.Category)
		if err != nil {
			return nil, err
		}
		keep = append(keep, func(x Control) bool {
			return slices.ContainsFunc(x.Criteria, func(id string) bool { return attest.CategoryOf(id) == cat })
		})
	}
	if f.Template != "" {
		tp := c.Template(f.Template)
		if tp == nil {
			return nil, attest.Errorf(attest.EINVALID, "unknown template %q: want one of %s", f.Template, strings.Join(c.TemplateIDs(), ", "))
		}
		keep = append(keep, func(x Control) bool {
			return slices.ContainsFunc(x.Objectives, func(id string) bool { o := c.Objective(id); return o != nil && o.Template == tp.ID })
		})
	}
	if f.Frequency != "" {
		fr, err := attest.ParseFrequency(f.Frequency)
		if err != nil {
			return nil, err
		}
		keep = append(keep, func(x Control) bool { return x.Frequency == fr })
	}
	out := []Control{}
	for _, ctl := range c.Controls {
		if !slices.ContainsFunc(keep, func(k func(Control) bool) bool { return !k(ctl) }) {
			out = append(out, ctl)
		}
	}
	return out, nil
}

// FindCriteria is the criteria of a category (any when "") and a series
// (CC6, PI1; any when ""), in order.
func (c *Catalog) FindCriteria(category, series string) ([]Criterion, error) {
	var cat string
	if category != "" {
		var err error
		if cat, err = attest.ParseCategory(category); err != nil {
			return nil, err
		}
	}
	out := []Criterion{}
	for _, cr := range c.Criteria {
		if (cat == "" || cr.Category == cat) && (series == "" || strings.HasPrefix(cr.ID, strings.ToUpper(series)+".")) {
			out = append(out, cr)
		}
	}
	return out, nil
}
