// Package catalog holds Attest's embedded framework content: the Trust
// Services Criteria (IDs and facts, with our own descriptions), the SOC 2
// description criteria, the SOC 1 control-objective templates and the
// control library with its mappings. All prose is Attest's own wording.
package catalog

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

//go:embed data/*.tsv data/*.yaml data/controls/*.yaml
var data embed.FS

// Criterion is one Trust Services Criterion.
type Criterion struct {
	ID            string `json:"id"`
	Series        string `json:"series"`
	Category      string `json:"category"`
	COSOPrinciple string `json:"coso_principle"`
	PointsOfFocus int    `json:"points_of_focus"`
	// Statement restates what the criterion asks, neutrally: the only text
	// of ours a report draft prints under the criterion.
	Statement string `json:"statement"`
	// Guidance is what the criterion usually looks like in practice and the
	// evidence auditors ask for: help for the user, never report text.
	Guidance string `json:"guidance"`
	// Description is the statement followed by the guidance, for the
	// catalog and readiness views.
	Description string `json:"description"`
}

// DescriptionCriterion is one of the SOC 2 description criteria DC1 to DC9.
type DescriptionCriterion struct {
	ID          string `json:"id" yaml:"id"`
	Title       string `json:"title" yaml:"title"`
	Explanation string `json:"explanation" yaml:"explanation"`
	NoneAllowed bool   `json:"none_allowed" yaml:"none_allowed"`
	Type2Only   bool   `json:"type2_only" yaml:"type2_only"`
}

// Template is a SOC 1 control-objective template.
type Template struct {
	ID          string      `json:"template" yaml:"template"`
	Name        string      `json:"name" yaml:"name"`
	Description string      `json:"description" yaml:"description"`
	Objectives  []Objective `json:"objectives" yaml:"objectives"`
}

// Objective is one SOC 1 control objective of a template.
type Objective struct {
	Template    string `json:"template" yaml:"-"`
	ID          string `json:"id" yaml:"id"`
	Area        string `json:"area" yaml:"area"`
	Title       string `json:"title" yaml:"title"`
	Description string `json:"description" yaml:"description"`
}

// Control is a control of the library, before an engagement adopts it.
type Control struct {
	ID          string             `json:"id" yaml:"id"`
	Title       string             `json:"title" yaml:"title"`
	Description string             `json:"description" yaml:"description"`
	Type        attest.ControlType `json:"type" yaml:"type"`
	Nature      attest.Nature      `json:"nature" yaml:"nature"`
	Frequency   attest.Frequency   `json:"frequency" yaml:"frequency"`
	DueDays     int                `json:"due_days" yaml:"due_days"`
	Due         string             `json:"due" yaml:"-"`
	Evidence    []string           `json:"evidence" yaml:"evidence"`
	OwnerRole   string             `json:"owner_role" yaml:"owner_role"`
	Criteria    []string           `json:"criteria" yaml:"criteria"`
	Objectives  []string           `json:"objectives" yaml:"objectives"`
	ISO27001    []string           `json:"iso27001" yaml:"iso27001"`
	NISTCSF     []string           `json:"nist_csf" yaml:"nist_csf"`
}

// Catalog is the whole embedded content, loaded once.
type Catalog struct {
	Criteria            []Criterion
	DescriptionCriteria []DescriptionCriterion
	Templates           []Template
	Controls            []Control
	// ServiceTypes are the kinds of service a third party provides, and
	// CSOCTopics the complementary subservice organization controls
	// suggested for them (services.go).
	ServiceTypes []ServiceType
	CSOCTopics   []CSOCTopic

	criterion map[string]*Criterion
	objective map[string]*Objective
	control   map[string]*Control
}

var (
	once    sync.Once
	loaded  *Catalog
	errLoad error
)

// Load returns the embedded catalog. The content is checked by the package's
// tests; an error here means a broken build.
func Load() (*Catalog, error) {
	once.Do(func() { loaded, errLoad = load(data) })
	return loaded, errLoad
}

// MustLoad is Load for callers that cannot proceed without the catalog.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{}
	if err := c.loadCriteria(fsys); err != nil {
		return nil, err
	}
	if err := readYAML(fsys, "data/description_criteria.yaml", &c.DescriptionCriteria); err != nil {
		return nil, err
	}
	if err := readYAML(fsys, "data/objectives.yaml", &c.Templates); err != nil {
		return nil, err
	}
	if err := c.loadServiceTypes(func(name string, v any) error { return readYAML(fsys, name, v) }); err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "data/controls/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, f := range files {
		var cs []Control
		if err := readYAML(fsys, f, &cs); err != nil {
			return nil, err
		}
		c.Controls = append(c.Controls, cs...)
	}
	c.index()
	return c, nil
}

func (c *Catalog) loadCriteria(fsys fs.FS) error {
	facts, err := fs.ReadFile(fsys, "data/criteria.tsv")
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(facts))
	for line := 1; sc.Scan(); line++ {
		if line == 1 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			return fmt.Errorf("criteria.tsv line %d: want 4 fields, got %d", line, len(f))
		}
		n, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("criteria.tsv line %d: points of focus: %w", line, err)
		}
		c.Criteria = append(c.Criteria, Criterion{ID: f[0], Series: f[1], Category: attest.CategoryOf(f[0]), COSOPrinciple: f[2], PointsOfFocus: n})
	}
	var desc []struct{ ID, Statement, Guidance string }
	if err := readYAML(fsys, "data/criteria.yaml", &desc); err != nil {
		return err
	}
	byID := map[string]int{}
	for i, d := range desc {
		byID[d.ID] = i
	}
	for i := range c.Criteria {
		cr := &c.Criteria[i]
		j, ok := byID[cr.ID]
		if !ok {
			continue
		}
		cr.Statement, cr.Guidance = strings.TrimSpace(desc[j].Statement), strings.TrimSpace(desc[j].Guidance)
		cr.Description = strings.TrimSpace(cr.Statement + " " + cr.Guidance)
	}
	return nil
}

func readYAML(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path.Base(name), err)
	}
	return nil
}

func (c *Catalog) index() {
	c.criterion = map[string]*Criterion{}
	c.objective = map[string]*Objective{}
	c.control = map[string]*Control{}
	for i := range c.Criteria {
		c.criterion[c.Criteria[i].ID] = &c.Criteria[i]
	}
	for t := range c.Templates {
		for o := range c.Templates[t].Objectives {
			obj := &c.Templates[t].Objectives[o]
			obj.Template = c.Templates[t].ID
			obj.Description = strings.TrimSpace(obj.Description)
			c.objective[obj.ID] = obj
		}
	}
	for i := range c.Controls {
		ctl := &c.Controls[i]
		ctl.Description = strings.TrimSpace(ctl.Description)
		ctl.Due = attest.DueRule(ctl.Frequency, ctl.DueDays)
		for _, s := range []*[]string{&ctl.Evidence, &ctl.Criteria, &ctl.Objectives, &ctl.ISO27001, &ctl.NISTCSF} {
			if *s == nil {
				*s = []string{}
			}
		}
		c.control[ctl.ID] = ctl
	}
}

// Criterion returns the criterion with the given ID, or nil.
func (c *Catalog) Criterion(id string) *Criterion { return c.criterion[strings.ToUpper(id)] }

// Objective returns the objective with the given ID, or nil.
func (c *Catalog) Objective(id string) *Objective { return c.objective[strings.ToUpper(id)] }

// Control returns the library control with the given ID, or nil.
func (c *Catalog) Control(id string) *Control { return c.control[strings.ToUpper(id)] }

// Template returns the template with the given ID, or nil.
func (c *Catalog) Template(id string) *Template {
	id = normalizeTemplate(id)
	for i := range c.Templates {
		if c.Templates[i].ID == id {
			return &c.Templates[i]
		}
	}
	return nil
}

func normalizeTemplate(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	return strings.NewReplacer("-", "_", " ", "_").Replace(id)
}

// TemplateIDs lists the template IDs in catalog order.
func (c *Catalog) TemplateIDs() []string {
	ids := make([]string, len(c.Templates))
	for i, t := range c.Templates {
		ids[i] = t.ID
	}
	return ids
}

// CriteriaIn returns the criteria of the given categories, in catalog order.
func (c *Catalog) CriteriaIn(categories []string) []Criterion {
	var out []Criterion
	for _, cr := range c.Criteria {
		for _, cat := range categories {
			if cr.Category == cat {
				out = append(out, cr)
			}
		}
	}
	return out
}

// Objectives returns the objectives of the given templates (all when none).
func (c *Catalog) Objectives(templates []string) []Objective {
	var out []Objective
	for _, t := range c.Templates {
		if len(templates) == 0 || containsNorm(templates, t.ID) {
			out = append(out, t.Objectives...)
		}
	}
	return out
}

func containsNorm(list []string, id string) bool {
	for _, x := range list {
		if normalizeTemplate(x) == id {
			return true
		}
	}
	return false
}

// ControlsFor returns the library controls that address any of the given
// criteria or objectives, in catalog order.
func (c *Catalog) ControlsFor(criteria, objectives []string) []Control {
	want := map[string]bool{}
	for _, id := range criteria {
		want[id] = true
	}
	for _, id := range objectives {
		want[id] = true
	}
	var out []Control
	for _, ctl := range c.Controls {
		if anyIn(ctl.Criteria, want) || anyIn(ctl.Objectives, want) {
			out = append(out, ctl)
		}
	}
	return out
}

func anyIn(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}
