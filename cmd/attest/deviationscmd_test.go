package main

import (
	"os"
	"strings"
	"testing"

	"github.com/attest-dev/attest/deviation"
)

// The register lists every deviation management knows of (missed
// occurrences, its own tests' exceptions, incidents from control
// failures) with a stable identifier; disclose records who was told and
// when, management only, all or none; the drafts say what is not yet
// disclosed.
func TestDeviationsCommand(t *testing.T) {
	dir := setup(t) // SOC 2 Type 2 for 2026; today is 2026-11-22
	b, err := os.ReadFile("../../report/testdata/description.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "desc.yaml", string(b))
	mustRun(t, dir, "description", "set", "--file", "desc.yaml")
	mustRun(t, dir, "controls", "set", "AC-06", "--status", "implemented", "--owner", "Jonah Weiss")
	mustRun(t, dir, "test", "record", "--internal", "--control", "CHG-02", "--procedure", "inspection", "--item", "C1=no-exception", "--item", "C2=deviation:merged without review", "--deviations", "systematic")
	reg := decode[deviation.Register](t, mustRun(t, dir, "deviations", "list", "--json"))
	ids := map[string]deviation.Deviation{}
	for _, d := range reg.Deviations {
		ids[d.ID] = d
	}
	for _, want := range []string{"missed:AC-06:2026-04-30", "missed:AC-06:2026-07-30", "missed:AC-06:2026-10-30", "internal-test:1"} {
		if _, ok := ids[want]; !ok {
			t.Errorf("register lacks %s: %+v", want, reg.Deviations)
		}
	}
	var incident string
	for id, d := range ids {
		if d.Kind == deviation.Incident {
			incident = id
			if !strings.HasPrefix(id, "incident:2026-05-14:") || !strings.Contains(strings.Join(d.Feeds, ","), "DC4") {
				t.Errorf("incident %+v", d)
			}
		}
	}
	if incident == "" || !ids["internal-test:1"].Systematic || reg.Undisclosed != len(reg.Deviations) || reg.Disclosed != 0 {
		t.Fatalf("register %+v", reg)
	}
	// The same data gives the same identifiers.
	again := decode[deviation.Register](t, mustRun(t, dir, "deviations", "list", "--json"))
	if len(again.Deviations) != len(reg.Deviations) || again.Deviations[0].ID != reg.Deviations[0].ID {
		t.Errorf("identifiers changed between reads")
	}
	// Bad input writes nothing.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"missed:AC-06:2026-04-30", "nope"}, `no known deviation "nope"`},
		{[]string{"missed:AC-06:2026-04-30", "--to", "Ana Lima", "--on", "2026-12-01"}, "after today"},
		{[]string{"missed:AC-06:2026-07-30", "--to", "Ana Lima", "--on", "2026-05-01"}, "before the deviation"},
		{[]string{"missed:AC-06:2026-04-30"}, "say who at the service auditor was told"},
	} {
		if r := run(t, dir, "", append([]string{"deviations", "disclose"}, c.args...)...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("disclose %v: exit %d %s", c.args, r.code, r.stderr)
		}
	}
	addAuditor(t, dir, "Ana Lima")
	out := mustRun(t, dir, "deviations", "disclose", "missed:AC-06:2026-04-30", incident, "--on", "2026-11-02", "--note", "status meeting")
	if !strings.Contains(out, "Disclosed missed:AC-06:2026-04-30 to Ana Lima on 2026-11-02") {
		t.Errorf("disclose: %s", out)
	}
	if r := run(t, dir, "", "deviations", "disclose", "missed:AC-06:2026-04-30", "--to", "Ana Lima"); r.code != 2 || !strings.Contains(r.stderr, "already disclosed to Ana Lima on 2026-11-02") {
		t.Errorf("twice: exit %d %s", r.code, r.stderr)
	}
	show := decode[deviation.Deviation](t, mustRun(t, dir, "deviations", "show", "missed:AC-06:2026-04-30", "--json"))
	if show.Disclosure == nil || show.Disclosure.To != "Ana Lima" || show.Disclosure.Note != "status meeting" || show.Disclosure.Entry == 0 {
		t.Errorf("show: %+v", show)
	}
	if l := mustRun(t, dir, "deviations", "list"); !strings.Contains(l, "2 disclosed") || !strings.Contains(l, "2026-11-02 to Ana Lima") || !strings.Contains(l, "NOT YET") {
		t.Errorf("list:\n%s", l)
	}
	if r := run(t, dir, "", "verify"); r.code != 0 {
		t.Errorf("verify after disclosures: exit %d %s", r.code, r.stdout+r.stderr)
	}
	// The assertion's placeholder says what is still to disclose.
	mustRun(t, dir, "report", "build", "--format", "md", "--out", "out")
	md := readFile(t, dir, "out/"+reg.Engagement+"-draft.md")
	if !strings.Contains(md, "3 known deviations in the register are not yet disclosed to the service auditor") {
		t.Errorf("assertion placeholder does not name the deviations to disclose:\n%s", md)
	}
}
