package policy

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

//go:embed templates
var templateFS embed.FS

// Template is a policy template of the library: its front matter and its
// Markdown body with {{variables}} not yet filled in.
type Template struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Owner and Approvers are role variables (e.g. security_officer),
	// whose titles the organization may rename.
	Owner     string           `yaml:"owner" json:"owner"`
	Approvers []string         `yaml:"approvers" json:"approvers"`
	Review    attest.Frequency `yaml:"review" json:"review"`
	// Categories, when set, are the Trust Services categories one of
	// which must be in scope for the template to be adopted (privacy).
	Categories []string `yaml:"categories" json:"categories,omitempty"`
	Controls   []string `yaml:"controls" json:"controls"`
	Criteria   []string `yaml:"criteria" json:"criteria"`
	// Variables are this template's own defaults, beside the library's.
	Variables map[string]string `yaml:"variables" json:"variables,omitempty"`
	Body      string            `yaml:"-" json:"-"`
	// bodyLine is the line of the file the body starts on, for errors.
	bodyLine int
	file     string
}

// ParseTemplate reads a template file: front matter between two "---"
// lines, then the Markdown body. Errors name the file, the line and the
// field.
func ParseTemplate(file string, src []byte) (*Template, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, invalid(file, 1, "a template starts with a front matter block: a line \"---\", the fields, and \"---\" again")
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		if strings.HasSuffix(rest, "\n---") {
			end = len(rest) - len("\n---")
		} else {
			return nil, invalid(file, 1, "the front matter is not closed by a line \"---\"")
		}
	}
	front := rest[:end+1]
	body := ""
	if end+len("\n---\n") <= len(rest) {
		body = rest[end+len("\n---\n"):]
	}
	t := &Template{file: file, bodyLine: strings.Count(front, "\n") + 3}
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(front), &node); err != nil {
		return nil, yamlError(file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(front)))
	dec.KnownFields(true)
	if err := dec.Decode(t); err != nil {
		return nil, yamlError(file, err)
	}
	t.Body = body
	if err := t.validate(lineOf(&node)); err != nil {
		return nil, err
	}
	return t, nil
}

// yamlError turns a YAML error into one that names the file; yaml.v3
// counts lines from the front matter, which starts on line 2.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	var line int
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		return invalid(file, line+1, msg)
	}
	if strings.HasPrefix(msg, "unmarshal errors:\n") {
		msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:\n"))
		if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
			if i := strings.Index(msg, "\n"); i >= 0 {
				msg = msg[:i]
			}
			return invalid(file, line+1, msg)
		}
	}
	return invalid(file, 1, msg)
}

// lineOf maps each top-level key of the front matter to its file line.
func lineOf(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	if doc == nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return out
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		out[m.Content[i].Value] = m.Content[i].Line + 1
	}
	return out
}

func invalid(file string, line int, msg string) error {
	return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s:%d: %s", file, line, msg)}
}

func (t *Template) validate(lines map[string]int) error {
	field := func(name, msg string, args ...any) error {
		l, ok := lines[name]
		if !ok {
			l = 1
		}
		return invalid(t.file, l, name+": "+fmt.Sprintf(msg, args...))
	}
	if !idOK(t.ID) {
		return field("id", "%q: use lower-case letters, digits and '-' (at most 64)", t.ID)
	}
	if strings.TrimSpace(t.Title) == "" {
		return field("title", "a template needs a title")
	}
	if !nameOK(t.Owner) {
		return field("owner", "%q: name the owner's role variable (e.g. security_officer)", t.Owner)
	}
	if len(t.Approvers) == 0 {
		return field("approvers", "name at least one approver role")
	}
	for _, a := range t.Approvers {
		if !nameOK(a) {
			return field("approvers", "%q: name a role variable (e.g. ceo)", a)
		}
	}
	f, err := attest.ParseFrequency(string(t.Review))
	if err != nil || f == attest.EventDriven || f == attest.Continuous {
		return field("review", "%q: a periodic frequency (monthly, quarterly, semi-annual, annual)", t.Review)
	}
	t.Review = f
	for i, c := range t.Categories {
		cat, err := attest.ParseCategory(c)
		if err != nil {
			return field("categories", "%q is not a Trust Services category", c)
		}
		t.Categories[i] = cat
	}
	if len(t.Controls) == 0 {
		return field("controls", "map the template to at least one control of the library")
	}
	if len(t.Criteria) == 0 {
		return field("criteria", "name at least one criterion the policy supports")
	}
	for k := range t.Variables {
		if !nameOK(k) {
			return field("variables", "%q: variable names use lower-case letters, digits and '_'", k)
		}
	}
	if _, err := scan(t.file, t.bodyLine, t.Body); err != nil {
		return err
	}
	return nil
}

func idOK(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func nameOK(s string) bool {
	if s == "" || len(s) > 64 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Library is the embedded template library with the shared variable
// defaults.
type Library struct {
	Templates []*Template
	Defaults  map[string]string
}

// Load reads the embedded library once.
var Load = sync.OnceValues(func() (*Library, error) { return load(templateFS) })

func load(fsys fs.FS) (*Library, error) {
	lib := &Library{Defaults: map[string]string{}}
	raw, err := fs.ReadFile(fsys, "templates/variables.yaml")
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(raw, &lib.Defaults); err != nil {
		return nil, fmt.Errorf("templates/variables.yaml: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		src, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		t, err := ParseTemplate(n, src)
		if err != nil {
			return nil, err
		}
		lib.Templates = append(lib.Templates, t)
	}
	return lib, nil
}

// Template finds a template by ID.
func (l *Library) Template(id string) (*Template, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, t := range l.Templates {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no policy template %q", id), Hint: "see the template library for the templates there are"}
}

// InScope reports whether t may be adopted with these Trust Services
// categories in scope: a template with no categories always may.
func (t *Template) InScope(categories []string) bool {
	if len(t.Categories) == 0 {
		return true
	}
	for _, c := range t.Categories {
		if slices.Contains(categories, c) {
			return true
		}
	}
	return false
}

// ReviewWords says how often a review happens, for the policy text.
func ReviewWords(f attest.Frequency) string {
	switch f {
	case attest.Annual:
		return "at least once a year"
	case attest.SemiAnnual:
		return "at least every six months"
	case attest.Quarterly:
		return "at least every quarter"
	case attest.Monthly:
		return "at least every month"
	}
	return string(f)
}

// Values are the variables a template is rendered with: the library's
// defaults, the template's own, then the organization's (vars), with the
// ones the policy itself provides (title, review).
func (l *Library) Values(t *Template, vars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range l.Defaults {
		out[k] = v
	}
	for k, v := range t.Variables {
		out[k] = v
	}
	for k, v := range vars {
		out[k] = v
	}
	out["title"] = t.Title
	out["review"] = ReviewWords(t.Review)
	return out
}

// Render fills a template's variables. Every variable the body uses must
// have a value; vars naming a variable that no template uses are refused
// too, so a misspelt --var is never silently ignored.
func (l *Library) Render(t *Template, vars map[string]string) (string, error) {
	vals := l.Values(t, vars)
	for k, v := range vars {
		if !nameOK(k) {
			return "", attest.Errorf(attest.EINVALID, "--var %s: variable names use lower-case letters, digits and '_'", k)
		}
		if strings.TrimSpace(v) == "" {
			return "", attest.Errorf(attest.EINVALID, "--var %s: give a value", k)
		}
		if _, known := l.Defaults[k]; !known && k != "org" && !l.uses(k) {
			return "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("variable %s: no template uses it", k), Hint: "the variables are " + strings.Join(l.VariableNames(), ", ")}
		}
	}
	return render(t.file, t.bodyLine, t.Body, vals)
}

// uses reports whether any template's body or defaults name the variable.
func (l *Library) uses(name string) bool {
	for _, t := range l.Templates {
		if _, ok := t.Variables[name]; ok {
			return true
		}
		toks, _ := scan(t.file, t.bodyLine, t.Body)
		for _, tk := range toks {
			if tk.name == name {
				return true
			}
		}
	}
	return false
}

// VariableNames lists every variable an organization may set.
func (l *Library) VariableNames() []string {
	seen := map[string]bool{"org": true}
	for k := range l.Defaults {
		seen[k] = true
	}
	for _, t := range l.Templates {
		for k := range t.Variables {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// token is one {{name}} in a body, at its byte offsets.
type token struct {
	start, end int
	name       string
}

// scan finds the {{name}} variables of a body; a "{{" not closed on its
// line, or an empty or malformed name, is an error naming the line.
func scan(file string, firstLine int, body string) ([]token, error) {
	var out []token
	i := 0
	for {
		j := strings.Index(body[i:], "{{")
		if j < 0 {
			return out, nil
		}
		start := i + j
		line := firstLine + strings.Count(body[:start], "\n")
		k := strings.Index(body[start+2:], "}}")
		nl := strings.Index(body[start+2:], "\n")
		if k < 0 || (nl >= 0 && nl < k) {
			return nil, invalid(file, line, "\"{{\" is not closed by \"}}\" on the same line")
		}
		name := strings.TrimSpace(body[start+2 : start+2+k])
		if !nameOK(name) {
			return nil, invalid(file, line, fmt.Sprintf("{{%s}}: a variable name uses lower-case letters, digits and '_'", body[start+2:start+2+k]))
		}
		end := start + 2 + k + 2
		out = append(out, token{start, end, name})
		i = end
	}
}

func render(file string, firstLine int, body string, vals map[string]string) (string, error) {
	toks, err := scan(file, firstLine, body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, tk := range toks {
		v, ok := vals[tk.name]
		if !ok {
			line := firstLine + strings.Count(body[:tk.start], "\n")
			msg := fmt.Sprintf("{{%s}} has no value", tk.name)
			if tk.name == "org" {
				return "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s:%d: %s", file, line, msg), Hint: "name the organization (the variable org)"}
			}
			return "", invalid(file, line, msg)
		}
		b.WriteString(body[last:tk.start])
		b.WriteString(v)
		last = tk.end
	}
	b.WriteString(body[last:])
	return b.String(), nil
}
