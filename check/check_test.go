package check

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/collect"
)

var clock = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// TestBuiltinChecks loads the library and runs every check's own Rego unit
// tests: each must have tests, and they must pass.
func TestBuiltinChecks(t *testing.T) {
	s := Builtin()
	if len(s.Errors) > 0 {
		t.Fatalf("library does not load: %v", s.Errors)
	}
	cat := catalog.MustLoad()
	records, err := os.ReadFile("../collect/RECORDS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Checks {
		if !c.HasTests() {
			t.Errorf("%s: no %s_test.rego", c.ID, strings.TrimSuffix(filepath.Base(c.File), ".rego"))
		}
		for _, id := range c.Controls {
			if cat.Control(id) == nil {
				t.Errorf("%s: control %s is not in the library", c.ID, id)
			}
		}
		for _, typ := range append(c.Reads, c.Subject) {
			if typ != "" && !strings.Contains(string(records), "## `"+typ+"`") {
				t.Errorf("%s: reads %s, which RECORDS.md does not document", c.ID, typ)
			}
		}
		if c.Description == "" {
			t.Errorf("%s: no description", c.ID)
		}
	}
	results, err := s.Test(context.Background(), nil, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	perCheck := map[string][2]int{}
	for _, r := range results {
		n := perCheck[r.Check]
		n[0]++
		if !r.Pass {
			t.Errorf("%s %s (%s:%d): %s", r.Check, r.Test, r.File, r.Line, r.Error)
		}
		perCheck[r.Check] = n
	}
	for _, c := range s.Checks {
		if perCheck[c.ID][0] < 2 {
			t.Errorf("%s: %d tests, want at least a passing and a failing case", c.ID, perCheck[c.ID][0])
		}
	}
}

func iamUsers() []collect.Record {
	return []collect.Record{
		{Type: "aws.iam_user", ID: "dana", Fields: map[string]any{"root": false, "password_enabled": true, "mfa_active": false}, Source: "r.csv", Line: 2},
		{Type: "aws.iam_user", ID: "ana", Fields: map[string]any{"root": false, "password_enabled": true, "mfa_active": true}, Source: "r.csv", Line: 3},
	}
}

func TestRunReportsFailingAndPassingResources(t *testing.T) {
	s := Builtin()
	in, err := NewInput(iamUsers())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(context.Background(), in, []string{"aws_console_mfa"}, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Status != StatusFail || len(r.Failing) != 1 || r.Failing[0].Resource != "dana" || len(r.Passing) != 1 || r.Passing[0].Resource != "ana" || r.Resources != 2 {
		t.Fatalf("got %+v", r)
	}
	if _, err := s.Run(context.Background(), in, []string{"no_such"}, Options{}); err == nil {
		t.Error("an unknown check ID was accepted")
	}
}

func TestNoDataIsNotAPass(t *testing.T) {
	s := Builtin()
	in, _ := NewInput(nil)
	res, err := s.Run(context.Background(), in, []string{"aws_console_mfa"}, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != StatusNoData {
		t.Fatalf("status %s", res[0].Status)
	}
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A check that does not compile is reported with its file, line and OPA's
// message, and the other checks still load and run.
func TestBrokenCheckDoesNotStopTheOthers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad_syntax.rego", "# METADATA\n# title: x\n# custom:\n#   severity: low\n#   controls: [AC-02]\n#   reads: [aws.iam_user]\npackage acme.bad_syntax\n\ndeny contains x if {\n  x := input.\n}\n")
	writeFile(t, dir, "bad_ref.rego", "# METADATA\n# title: x\n# custom:\n#   severity: low\n#   controls: [AC-02]\n#   reads: [aws.iam_user]\npackage acme.bad_ref\n\ndeny contains x if {\n  x := no_such_function(1)\n}\n")
	writeFile(t, dir, "no_meta.rego", "package acme.no_meta\n\ndeny contains 1 if { true }\n")
	writeFile(t, dir, "root_keys.rego", `# METADATA
# title: Custom - no users named admin
# description: The organization's own rule.
# custom:
#   severity: low
#   controls: [AC-10]
#   reads: [aws.iam_user]
#   params: {name: admin}
package acme.no_admin

deny contains {"resource": u._id, "msg": "named admin"} if {
	some u in input.aws.iam_user
	u._id == data.attest.params.no_admin.name
}
`)
	s := Builtin()
	if err := s.AddDir(dir); err != nil {
		t.Fatal(err)
	}
	want := map[string]*regexp.Regexp{
		"bad_syntax.rego": regexp.MustCompile(`:1[01]$`),
		"bad_ref.rego":    regexp.MustCompile(`:10$`),
		"no_meta.rego":    regexp.MustCompile(`:1$`),
	}
	for _, e := range s.Errors {
		base := filepath.Base(e.File)
		re := want[base]
		if re == nil {
			t.Errorf("unexpected error %v", e)
			continue
		}
		if !re.MatchString(base+":"+itoa(e.Line)) || e.Message == "" {
			t.Errorf("error %v: want the line of the fault", e)
		}
		delete(want, base)
	}
	if len(want) > 0 {
		t.Errorf("no error for %v", want)
	}
	if s.Get("no_admin") == nil || s.Get("aws_console_mfa") == nil {
		t.Fatal("good checks did not load")
	}
	in, _ := NewInput(append(iamUsers(), collect.Record{Type: "aws.iam_user", ID: "admin", Fields: map[string]any{}}))
	res, err := s.Run(context.Background(), in, []string{"no_admin"}, Options{Now: clock})
	if err != nil || res[0].Status != StatusFail || res[0].Failing[0].Resource != "admin" {
		t.Fatalf("%v %+v", err, res)
	}
	res, _ = s.Run(context.Background(), in, []string{"no_admin"}, Options{Now: clock, Params: map[string]map[string]any{"no_admin": {"name": "nobody"}}})
	if res[0].Status != StatusPass {
		t.Fatalf("parameter override ignored: %+v", res[0])
	}
	// A user check with the ID of a built-in one is refused.
	dup := t.TempDir()
	writeFile(t, dup, "x.rego", strings.Replace(string(s.Get("aws_console_mfa").Source()), "package attest.checks.aws_console_mfa", "package acme.aws_console_mfa", 1))
	s2 := Builtin()
	s2.AddDir(dup)
	if len(s2.Errors) != 1 || !strings.Contains(s2.Errors[0].Message, "already loaded") {
		t.Errorf("duplicate ID: %v", s2.Errors)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestParallelRunOverSharedInput runs every built-in check at once over one
// input (the race detector watches the shared OPA values), and a run is
// the same whatever the number of workers.
func TestParallelRunOverSharedInput(t *testing.T) {
	s := Builtin()
	in, err := NewInput(append(iamUsers(), collect.Record{Type: "k8s.object", ID: "Namespace//a", Fields: map[string]any{"kind": "Namespace", "name": "a", "namespace": "", "labels": map[string]any{}, "object": map[string]any{"kind": "Namespace", "metadata": map[string]any{"name": "a"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	one, err := s.Run(context.Background(), in, nil, Options{Now: clock, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	many, err := s.Run(context.Background(), in, nil, Options{Now: clock, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != len(s.Checks) || len(many) != len(one) {
		t.Fatalf("%d and %d results for %d checks", len(one), len(many), len(s.Checks))
	}
	for i := range one {
		a, b := one[i], many[i]
		if a.Check != b.Check || a.Status != b.Status || len(a.Failing) != len(b.Failing) || len(a.Passing) != len(b.Passing) {
			t.Errorf("%s: %s/%d with one worker, %s/%d with four", a.Check, a.Status, len(a.Failing), b.Status, len(b.Failing))
		}
		if a.Status == StatusError {
			t.Errorf("%s: %s", a.Check, a.Error)
		}
	}
	_, hash1, _ := in.Snapshot(false)
	b, hash2, _ := in.Snapshot(true)
	if hash1 != hash2 || !strings.HasPrefix(string(b), collect.InputMarker) {
		t.Errorf("snapshot %s %s %.40s", hash1, hash2, b)
	}
	doc, _, err := ReadDocument("snap.json", b)
	if err != nil || doc.Count("aws.iam_user") != 2 || doc.Count("k8s.object") != 1 {
		t.Errorf("snapshot read back: %v %v", err, doc)
	}
}
