package main

import (
	"os"
	"strings"
	"testing"
)

// TestDescriptionSetShowsChangesAndNeedsReplace: a version that would
// remove answered parts (an empty file, a shorter file) is refused with
// what it would remove, saves nothing, and is saved with --replace; every
// save shows its changes; an unchanged version is not saved again (issue
// 19).
func TestDescriptionSetShowsChangesAndNeedsReplace(t *testing.T) {
	dir := setup(t)
	b, err := os.ReadFile("../../report/testdata/description.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "full.yaml", string(b))
	first := mustRun(t, dir, "description", "set", "--file", "full.yaml")
	if !strings.Contains(first, "Changes to the description inputs") || !strings.Contains(first, "  + organization: ") || !strings.Contains(first, "Description inputs saved (document 1") {
		t.Errorf("first set:\n%s", first)
	}
	entries := func() string { return mustRun(t, dir, "ledger", "checkpoint", "--json") }
	before := entries()

	// An empty file would remove everything: refused, nothing saved.
	writeFile(t, dir, "empty.yaml", "")
	r := run(t, dir, "", "description", "set", "--file", "empty.yaml")
	if r.code != 2 || !strings.Contains(r.stderr, "empty.yaml would remove") || !strings.Contains(r.stderr, "--replace") || !strings.Contains(r.stdout, "  - organization: ") || !strings.Contains(r.stdout, "  - services.text: ") {
		t.Errorf("empty file: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(mustRun(t, dir, "description", "show"), "organization:") {
		t.Error("the refused empty file replaced the description")
	}
	// A dry run shows the same and saves nothing either.
	if r := run(t, dir, "", "description", "set", "--file", "empty.yaml", "--replace", "--dry-run"); r.code != 0 || !strings.Contains(r.stdout, "Dry run: nothing saved.") {
		t.Errorf("dry run: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	if after := entries(); after != before {
		t.Errorf("a refused or dry-run set wrote to the ledger: %s then %s", before, after)
	}

	// A shorter file (everything from significant_changes on cut off):
	// refused naming the parts, then saved with --replace.
	short := strings.Replace(string(b), "significant_changes:", "unused_marker:", 1)
	short = short[:strings.Index(short, "unused_marker:")]
	writeFile(t, dir, "short.yaml", short)
	r = run(t, dir, "", "description", "set", "--file", "short.yaml", "--json")
	if r.code != 2 || !strings.Contains(r.stdout, "significant_changes") {
		t.Errorf("shorter file: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	out := decode[map[string]any](t, mustRun(t, dir, "description", "set", "--file", "short.yaml", "--replace", "--json"))
	changes := out["changes"].([]any)
	if out["document"] == nil || len(changes) == 0 {
		t.Fatalf("--replace: %v", out)
	}
	for _, c := range changes {
		c := c.(map[string]any)
		if p := c["part"].(string); c["change"] != "removed" || !strings.HasPrefix(p, "significant_changes") && !strings.HasPrefix(p, "soc1.") {
			t.Errorf("--replace changed %v", c)
		}
	}

	// One part: a change shows old and new; the same value again saves nothing.
	set := mustRun(t, dir, "description", "set", "services.text", "Harbor runs payroll.")
	if !strings.Contains(set, `  ~ services.text: "`) || !strings.Contains(set, `-> "Harbor runs payroll."`) {
		t.Errorf("one part:\n%s", set)
	}
	again := decode[map[string]any](t, mustRun(t, dir, "description", "set", "services.text", "Harbor runs payroll.", "--json"))
	if again["document"] != nil || len(again["changes"].([]any)) != 0 {
		t.Errorf("the same value again: %v", again)
	}
	if !strings.Contains(mustRun(t, dir, "description", "set", "services.text", "Harbor runs payroll."), "No change") {
		t.Error("an unchanged set does not say so")
	}
	// Emptying one part removes it: --replace again.
	if r := run(t, dir, "", "description", "set", "services.text", ""); r.code != 2 || !strings.Contains(r.stderr, "services.text") {
		t.Errorf("emptying a part: exit %d %s", r.code, r.stderr)
	}
}
