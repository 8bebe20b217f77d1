// Package check runs automated checks over the records collected from a
// service organization's systems. A check is one Rego file with a
// Conftest-style `deny contains ...` rule and a `# METADATA` block naming
// its title, severity, the controls it supports and the record types it
// reads. Checks are evaluated with OPA as a library, in parallel, against
// one input document built once per run.
//
// A failing check is a finding against the organization's own policy
// (its thresholds are the check's parameters), not a verdict on any
// examination.
package check

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

//go:embed library
var library embed.FS

// Severities, most serious first.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// Check is one compiled-from-source check and what its metadata says.
type Check struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Severity    string         `json:"severity"`
	Controls    []string       `json:"controls"`
	Reads       []string       `json:"reads"`
	Subject     string         `json:"subject,omitempty"`
	Pass        string         `json:"pass,omitempty"`
	Params      map[string]any `json:"params,omitempty"`
	File        string         `json:"file"`
	Builtin     bool           `json:"builtin"`
	// Version is the SHA-256 of the check's source: the exact text a run
	// evaluated, which the auditor can ask to see.
	Version string `json:"version"`
	Package string `json:"package"`

	module  *ast.Module
	applies bool
	tests   []*ast.Module
	source  []byte
}

// Source is the check's Rego text.
func (c *Check) Source() []byte { return c.source }

// HasTests reports whether the check comes with Rego unit tests.
func (c *Check) HasTests() bool { return len(c.tests) > 0 }

// LoadError is a check file that could not be loaded: where and why.
type LoadError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (e LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return e.File + ": " + e.Message
}

// Set is the checks loaded for a run, and the files that failed to load.
type Set struct {
	Checks []*Check    `json:"checks"`
	Errors []LoadError `json:"errors,omitempty"`
	byID   map[string]*Check
}

// Get returns the check with the given ID, or nil.
func (s *Set) Get(id string) *Check { return s.byID[id] }

// Builtin loads the checks that ship with Attest.
func Builtin() *Set {
	s := &Set{byID: map[string]*Check{}}
	sub, _ := fs.Sub(library, "library")
	s.add(sub, "library", true)
	return s
}

// AddDir loads a user's checks from a directory tree; a check whose ID is
// already loaded is refused with a load error.
func (s *Set) AddDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("checks folder: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("checks folder %s is not a directory", dir)
	}
	s.add(os.DirFS(dir), dir, false)
	return nil
}

func (s *Set) add(fsys fs.FS, root string, builtin bool) {
	var checks, tests []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.Errors = append(s.Errors, LoadError{File: filepath.Join(root, p), Message: err.Error()})
			return nil
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		switch {
		case d.IsDir() || !strings.HasSuffix(p, ".rego"):
		case strings.HasSuffix(p, "_test.rego"):
			tests = append(tests, p)
		default:
			checks = append(checks, p)
		}
		return nil
	})
	byFile := map[string]*Check{}
	for _, p := range checks {
		name := filepath.Join(root, filepath.FromSlash(p))
		if builtin {
			name = "library/" + p
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			s.Errors = append(s.Errors, LoadError{File: name, Message: err.Error()})
			continue
		}
		c, lerr := parse(name, src)
		if lerr != nil {
			s.Errors = append(s.Errors, lerrs(lerr)...)
			continue
		}
		c.Builtin = builtin
		if prev := s.byID[c.ID]; prev != nil {
			s.Errors = append(s.Errors, LoadError{File: name, Message: fmt.Sprintf("check %s is already loaded from %s", c.ID, prev.File)})
			continue
		}
		if err := compile(c, nil); err != nil {
			s.Errors = append(s.Errors, lerrs(err)...)
			continue
		}
		s.byID[c.ID] = c
		s.Checks = append(s.Checks, c)
		byFile[strings.TrimSuffix(p, ".rego")] = c
	}
	for _, p := range tests {
		name := filepath.Join(root, filepath.FromSlash(p))
		if builtin {
			name = "library/" + p
		}
		c := byFile[strings.TrimSuffix(p, "_test.rego")]
		if c == nil {
			s.Errors = append(s.Errors, LoadError{File: name, Message: "a test file with no check beside it (want " + path.Base(strings.TrimSuffix(p, "_test.rego")) + ".rego)"})
			continue
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			s.Errors = append(s.Errors, LoadError{File: name, Message: err.Error()})
			continue
		}
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			s.Errors = append(s.Errors, lerrs(err)...)
			continue
		}
		c.tests = append(c.tests, m)
	}
	slices.SortFunc(s.Checks, func(a, b *Check) int { return strings.Compare(a.ID, b.ID) })
}

// lerrs turns OPA's parse and compile errors into load errors with lines.
func lerrs(err error) []LoadError {
	var le *LoadError
	if errors.As(err, &le) {
		return []LoadError{*le}
	}
	var aerrs ast.Errors
	if errors.As(err, &aerrs) {
		out := make([]LoadError, 0, len(aerrs))
		for _, e := range aerrs {
			l := LoadError{Message: e.Message}
			if e.Location != nil {
				l.File, l.Line = e.Location.File, e.Location.Row
			}
			out = append(out, l)
		}
		return out
	}
	return []LoadError{{Message: err.Error()}}
}

// parse reads a check's module and its metadata.
func parse(name string, src []byte) (*Check, error) {
	m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	c := &Check{File: name, Version: hex.EncodeToString(sum[:]), module: m, source: src,
		Package: strings.TrimPrefix(m.Package.Path.String(), "data.")}
	var meta *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			meta = a
		}
	}
	if meta == nil {
		return nil, &LoadError{File: name, Line: m.Package.Location.Row, Message: "no # METADATA block above the package (want title, description and custom: severity, controls, reads)"}
	}
	bad := func(format string, args ...any) error {
		return &LoadError{File: name, Line: meta.Location.Row, Message: fmt.Sprintf(format, args...)}
	}
	c.Title, c.Description = meta.Title, strings.TrimSpace(meta.Description)
	if c.Title == "" {
		return nil, bad("METADATA: no title")
	}
	cu := meta.Custom
	c.ID = lastSegment(m.Package.Path)
	if id, ok := cu["id"].(string); ok && id != "" {
		c.ID = id
	}
	c.Severity, _ = cu["severity"].(string)
	if !slices.Contains(Severities, c.Severity) {
		return nil, bad("METADATA: severity %q, want one of %s", c.Severity, strings.Join(Severities, ", "))
	}
	if c.Controls, err = stringList(cu["controls"]); err != nil || len(c.Controls) == 0 {
		return nil, bad("METADATA: custom.controls must list the control IDs the check supports")
	}
	if c.Reads, err = stringList(cu["reads"]); err != nil || len(c.Reads) == 0 {
		return nil, bad("METADATA: custom.reads must list the record types the check reads")
	}
	c.Subject, _ = cu["subject"].(string)
	c.Pass, _ = cu["pass"].(string)
	if p, ok := cu["params"]; ok {
		if c.Params, ok = p.(map[string]any); !ok {
			return nil, bad("METADATA: custom.params must be a mapping of parameter names to defaults")
		}
	}
	var deny bool
	for _, r := range m.Rules {
		switch r.Head.Name.String() {
		case "deny":
			deny = true
		case "applies":
			c.applies = true
		}
	}
	if !deny {
		return nil, &LoadError{File: name, Line: m.Package.Location.Row, Message: "no deny rule (want: deny contains {\"resource\": ..., \"msg\": ...} if { ... })"}
	}
	return c, nil
}

func lastSegment(r ast.Ref) string {
	t := r[len(r)-1]
	if s, ok := t.Value.(ast.String); ok {
		return string(s)
	}
	return t.String()
}

func stringList(v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, errors.New("not a list")
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, ok := x.(string)
		if !ok || s == "" {
			return nil, errors.New("not a list of names")
		}
		out = append(out, s)
	}
	return out, nil
}

// compile checks that the module (and tests) compile on their own, so one
// broken check never stops the others.
func compile(c *Check, tests []*ast.Module) error {
	mods := map[string]*ast.Module{c.File: c.module}
	for _, t := range tests {
		mods[t.Package.Location.File] = t
	}
	comp := ast.NewCompiler().WithEnablePrintStatements(false)
	comp.Compile(mods)
	if comp.Failed() {
		return comp.Errors
	}
	return nil
}
