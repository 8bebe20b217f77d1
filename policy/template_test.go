package policy

import (
	"regexp"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

func TestLibrary(t *testing.T) {
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Templates) < 18 {
		t.Fatalf("%d templates, want at least 18", len(lib.Templates))
	}
	cat := catalog.MustLoad()
	ids := map[string]bool{}
	for _, tp := range lib.Templates {
		if ids[tp.ID] {
			t.Errorf("template %s twice", tp.ID)
		}
		ids[tp.ID] = true
		if tp.file != "templates/"+tp.ID+".md" {
			t.Errorf("%s: the file is named after the template's id, %s.md", tp.file, tp.ID)
		}
		for _, c := range tp.Controls {
			if cat.Control(c) == nil {
				t.Errorf("%s: control %s is not in the library", tp.ID, c)
			}
		}
		for _, c := range tp.Criteria {
			if cat.Criterion(c) == nil {
				t.Errorf("%s: criterion %s is not a Trust Services criterion", tp.ID, c)
			}
		}
		for _, r := range append([]string{tp.Owner}, tp.Approvers...) {
			if _, ok := lib.Defaults[r]; !ok {
				t.Errorf("%s: role %s has no default title in variables.yaml", tp.ID, r)
			}
		}
		body, err := lib.Render(tp, map[string]string{"org": "Example Corp"})
		if err != nil {
			t.Errorf("%s: %v", tp.ID, err)
			continue
		}
		if strings.Contains(body, "{{") || !strings.Contains(body, "Example Corp") || !strings.HasPrefix(body, "# "+tp.Title+"\n") {
			t.Errorf("%s: rendered body does not fill its variables or start with its title:\n%s", tp.ID, body[:min(200, len(body))])
		}
		if bad := badWords.FindString(strings.ToLower(body)); bad != "" {
			t.Errorf("%s: says %q", tp.ID, bad)
		}
	}
	// The topics the issue lists, privacy only where Privacy is in scope.
	for _, id := range []string{"information-security", "acceptable-use", "access-control", "change-management", "secure-development", "incident-response",
		"business-continuity", "backup", "data-classification", "data-retention", "encryption", "vendor-management", "risk-management",
		"logging-monitoring", "vulnerability-management", "asset-management", "hr-security", "physical-security", "privacy"} {
		if !ids[id] {
			t.Errorf("no template %s", id)
		}
	}
	p, _ := lib.Template("privacy")
	if p.InScope([]string{attest.Security}) || !p.InScope([]string{attest.Security, attest.Privacy}) {
		t.Errorf("the privacy template is for Privacy in scope only")
	}
}

// forbidden is wording a SOC-related text must not use: a SOC report is
// an examination, never a certification; nor "compliant" or "passed".
var badWords = regexp.MustCompile(`soc[^.]*certif|\bcertified\b|\bcompliant\b|\bpassed\b|best-in-class|world-class`)

func TestParseErrors(t *testing.T) {
	good := "---\nid: x\ntitle: X\nowner: ceo\napprovers: [ceo]\nreview: annual\ncontrols: [AC-01]\ncriteria: [CC6.1]\n---\n# {{title}}\n"
	if _, err := ParseTemplate("x.md", []byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ src, want string }{
		{"# no front matter\n", "x.md:1: a template starts with a front matter block"},
		{"---\nid: x\n", "x.md:1: the front matter is not closed"},
		{strings.Replace(good, "review: annual", "review: sometimes", 1), `x.md:6: review: "sometimes"`},
		{strings.Replace(good, "review: annual", "review: event-driven", 1), `x.md:6: review: "event-driven"`},
		{strings.Replace(good, "approvers: [ceo]", "approvers: []", 1), "x.md:5: approvers: name at least one approver role"},
		{strings.Replace(good, "id: x", "id: X Y", 1), `x.md:2: id: "X Y"`},
		{strings.Replace(good, "criteria: [CC6.1]", "criteria: [CC6.1]\ncolour: blue", 1), "x.md:9: field colour not found"},
		{strings.Replace(good, "controls: [AC-01]", "controls: {a: 1}", 1), "x.md:7: cannot unmarshal"},
		{strings.Replace(good, "# {{title}}", "line\n# {{title", 1), `x.md:11: "{{" is not closed`},
		{strings.Replace(good, "# {{title}}", "# {{Bad Name}}", 1), "x.md:10: {{Bad Name}}: a variable name"},
		{strings.Replace(good, "owner: ceo", "owner: \"\"", 1), "x.md:4: owner"},
		{strings.Replace(good, "criteria: [CC6.1]", "criteria: [CC6.1]\ncategories: [sales]", 1), `x.md:9: categories: "sales"`},
	} {
		_, err := ParseTemplate("x.md", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("ParseTemplate(%q): %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestRender(t *testing.T) {
	lib, _ := Load()
	tp, _ := lib.Template("access-control")
	_, err := lib.Render(tp, nil)
	if err == nil || !strings.Contains(err.Error(), "templates/access-control.md:13: {{org}} has no value") {
		t.Errorf("no org: %v", err)
	}
	body, err := lib.Render(tp, map[string]string{"org": "Acme", "security_officer": "Head of Security"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "The Head of Security reviews this policy at least once a year.") {
		t.Errorf("roles and review period not rendered:\n%s", body)
	}
	// A value is never expanded again.
	body, _ = lib.Render(tp, map[string]string{"org": "{{ceo}}"})
	if !strings.Contains(body, "how {{ceo}} decides") {
		t.Errorf("a value containing braces was expanded")
	}
	for _, vars := range []map[string]string{{"org": "A", "secruity_officer": "x"}, {"org": "A", "Bad": "x"}, {"org": " "}} {
		if _, err := lib.Render(tp, vars); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("Render(%v): %v, want EINVALID", vars, err)
		}
	}
}

func FuzzParseTemplate(f *testing.F) {
	f.Add([]byte("---\nid: x\ntitle: X\nowner: ceo\napprovers: [ceo]\nreview: annual\ncontrols: [AC-01]\ncriteria: [CC6.1]\n---\n# {{title}} {{ org }}\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\nid: [\n---\n{{"))
	f.Add([]byte("---\r\nid: x\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tp, err := ParseTemplate("f.md", src)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), "f.md:") {
				t.Fatalf("error without file and line, or not EINVALID: %v", err)
			}
			return
		}
		lib := &Library{Defaults: map[string]string{"ceo": "CEO"}, Templates: []*Template{tp}}
		vals := lib.Values(tp, nil)
		toks, err := scan(tp.file, tp.bodyLine, tp.Body)
		if err != nil {
			t.Fatalf("a parsed template's body does not scan: %v", err)
		}
		for _, tk := range toks {
			vals[tk.name] = "V"
		}
		out, err := render(tp.file, tp.bodyLine, tp.Body, vals)
		if err != nil {
			t.Fatalf("render with every variable given: %v", err)
		}
		if len(toks) == 0 && out != tp.Body {
			t.Fatalf("a body without variables changed when rendered")
		}
	})
}

func FuzzRender(f *testing.F) {
	f.Add("# {{title}}\n{{ org }} and {{x}}", "Acme")
	f.Add("{{", "")
	f.Add("}} {{a}}}}", "{{a}}")
	f.Fuzz(func(t *testing.T, body, val string) {
		toks, err := scan("b.md", 1, body)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "b.md:") {
				t.Fatalf("error without the file: %v", err)
			}
			return
		}
		vals := map[string]string{}
		for _, tk := range toks {
			vals[tk.name] = val
			if body[tk.start:tk.start+2] != "{{" || body[tk.end-2:tk.end] != "}}" {
				t.Fatalf("token %+v is not a {{...}}", tk)
			}
		}
		out, err := render("b.md", 1, body, vals)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(body) + len(toks)*len(val); len(out) > want {
			t.Fatalf("rendered %d bytes, more than %d", len(out), want)
		}
	})
}
