package main

import (
	"strings"
	"testing"
)

// evidence add --performed-on and --covers (with --date as its alias),
// what a file records, and period status judging timeliness on when the
// control was performed: a preventive control performed after the event
// is a deviation.
func TestEvidenceDatesAndDeviations(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "q1.txt", "Q1 access review")
	e := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--covers", "2026-03-31", "--performed-on", "2026-04-12", "--json"))[0]
	if e["covers"] != "2026-03-31" || e["date"] != "2026-03-31" || e["performed_on"] != "2026-04-12" || e["performed_from"] != "entered" || e["added"] != "2026-11-22T09:30:00Z" {
		t.Errorf("added %v", e)
	}
	// Q1 was reviewed by its due date, though added months later: present.
	st := decode[map[string]any](t, mustRun(t, dir, "period", "status", "--control", "AC-06", "--json"))
	c := st["controls"].([]any)[0].(map[string]any)
	if c["present"] != 1.0 || len(c["late"].([]any)) != 0 {
		t.Errorf("AC-06 %v", c)
	}
	// --date is --covers DATE; both at once is refused.
	e = decode[[]map[string]any](t, mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--date", "2026-06-30", "--json"))[0]
	if e["covers"] != "2026-06-30" || e["performed_on"] != nil {
		t.Errorf("--date: %v", e)
	}
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--date", "2026-06-30", "--covers", "2026-06-30"); r.code != 2 || !strings.Contains(r.stderr, "not both") {
		t.Errorf("both: %+v", r)
	}
	// A covered date years from the period, or performed years from what
	// it covers: refused, with the flag that takes it all the same.
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--covers", "2019-03-31"); r.code != 2 || !strings.Contains(r.stderr, "more than a year away") || !strings.Contains(r.stderr, "add --force if it is right") {
		t.Errorf("covers long before: %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--covers", "2026-03-31", "--performed-on", "2019-01-01"); r.code != 2 || !strings.Contains(r.stderr, "more than a year away") || !strings.Contains(r.stderr, "add --force if it is right") {
		t.Errorf("performed long before: %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", "evidence", "add", "--control", "AC-06", "--file", "q1.txt", "--performed-on", "2026-12-01"); r.code != 2 || !strings.Contains(r.stderr, "--performed-on 2026-12-01 is in the future") {
		t.Errorf("future: %+v", r)
	}

	// CHG-02 (approval before merge, preventive): two merges; one pull
	// request approved before its merge, one only after it.
	writeFile(t, dir, "merges.csv", "id,date\nPR-1,2026-03-04\nPR-2,2026-03-10\n")
	mustRun(t, dir, "period", "events", "import", "--control", "CHG-02", "--file", "merges.csv")
	writeFile(t, dir, "pr-1.json", `{"mergedAt":"2026-03-04T12:00:00Z","reviews":[{"state":"APPROVED","submittedAt":"2026-03-04T10:00:00Z"}]}`)
	writeFile(t, dir, "pr-2.json", `{"mergedAt":"2026-03-10T12:00:00Z","reviews":[{"state":"APPROVED","submittedAt":"2026-03-11T09:00:00Z"}]}`)
	out := mustRun(t, dir, "evidence", "add", "--control", "CHG-02", "--file", "pr-1.json")
	if !strings.Contains(out, "covering 2026-03-04, performed 2026-03-04T10:00:00Z (the pull request's approving review before its merge (GitHub))") {
		t.Errorf("from the file: %s", out)
	}
	mustRun(t, dir, "evidence", "add", "--control", "CHG-02", "--file", "pr-2.json")
	st = decode[map[string]any](t, mustRun(t, dir, "period", "status", "--control", "CHG-02", "--json"))
	c = st["controls"].([]any)[0].(map[string]any)
	devs := c["deviations"].([]any)
	if c["present"] != 1.0 || len(devs) != 1 || len(c["late"].([]any)) != 0 {
		t.Fatalf("CHG-02 %v", c)
	}
	if d := devs[0].(map[string]any); d["start"] != "2026-03-10" || d["due"] != "2026-03-10" || d["performed"] != "2026-03-11" || d["performed_from"] != "performed_on" {
		t.Errorf("the deviation %v", d)
	}
	human := mustRun(t, dir, "period", "status", "--control", "CHG-02")
	for _, want := range []string{"DEVIATION", "deviation: 2026-03-10 to 2026-03-10, due 2026-03-10, performed on 2026-03-11 (a preventive control performed after the event)",
		"Known deviations: disclose each to the service auditor"} {
		if !strings.Contains(human, want) {
			t.Errorf("period status does not say %q:\n%s", want, human)
		}
	}
	if strings.Contains(human, "may find") {
		t.Errorf("period status says the auditor may find it:\n%s", human)
	}
	// The readiness gap says the same, worded to disclose.
	found := false
	for _, g := range decode[map[string]any](t, mustRun(t, dir, "readiness", "--json"))["gaps"].([]any) {
		g := g.(map[string]any)
		found = found || (g["kind"] == "preventive_deviations" && g["ref"] == "CHG-02" && strings.Contains(g["hint"].(string), "disclose"))
	}
	if !found {
		t.Error("readiness lists no preventive_deviations gap for CHG-02")
	}
	mustRun(t, dir, "verify")
}
