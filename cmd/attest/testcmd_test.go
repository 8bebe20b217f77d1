package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestTestsAndRequests(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "changes.csv", changesCSV(60, 0))
	mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "changes.csv", "--key", "id")
	addAuditor(t, dir, "Ana Lima")
	ana := keyOf(dir, "Ana Lima")
	draw := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "t", "--size", "5", "--json"}, ana...)...))
	items := toStrings(draw["items"])
	args := []string{"test", "record", "--control", "CHG-02", "--draw", "1", "--procedure", "inspection", "--reason", "a first look"}
	for i, k := range items {
		if i == 2 {
			args = append(args, "--item", k+"=deviation:merged without an approving review")
		} else {
			args = append(args, "--item", k+"=no-exception")
		}
	}
	with := func(extra ...string) []string { return append(append([]string{}, args...), extra...) }
	// Management cannot record the auditor's test.
	if r := run(t, dir, "", with("--deviations", "isolated", "--as", "Priya")...); r.code == 0 || !strings.Contains(r.stderr, "signed by the engagement's enrolled auditor key") {
		t.Errorf("auditor's test by management: %+v", r)
	}
	// Fewer items than the size rule asks (25 for 60 events): only with a reason.
	noReason := append(append([]string{}, args[:8]...), args[10:]...)
	if r := run(t, dir, "", append(append(noReason, "--deviations", "isolated"), ana...)...); r.code != 2 || !strings.Contains(r.stderr, "the size rule asks 25") {
		t.Errorf("fewer items without a reason: %+v", r)
	}
	if r := run(t, dir, "", with(ana...)...); r.code != 2 || !strings.Contains(r.stderr, "isolated or systematic") {
		t.Errorf("deviation without its kind: %+v", r)
	}
	if r := run(t, dir, "", append(append([]string{}, args[:len(args)-2]...), ana...)...); r.code != 2 || !strings.Contains(r.stderr, "without a result") {
		t.Errorf("an item left out: %+v", r)
	}
	// One made-up item, no draw: refused, naming it.
	if r := run(t, dir, "", append([]string{"test", "record", "--control", "CHG-02", "--procedure", "inspection", "--item", "X=no-exception"}, ana...)...); r.code != 2 || !strings.Contains(r.stderr, "X are not in a draw") {
		t.Errorf("an item from no draw: %+v", r)
	}
	inquiry := append([]string{}, args...)
	inquiry[7] = "inquiry"
	if r := run(t, dir, "", append(append(inquiry, "--deviations", "isolated"), ana...)...); r.code != 2 || !strings.Contains(r.stderr, "inquiry alone") {
		t.Errorf("inquiry alone: %+v", r)
	}
	rec := decode[map[string]any](t, mustRun(t, dir, append(with("--deviations", "isolated", "--json"), ana...)...))
	want := fmt.Sprintf("Exception noted: for 1 of 5 items selected from a population of 60, %s: merged without an approving review. 5 items were tested where the sample size rule asks 25: a first look.", items[2])
	if rec["wording"] != want || rec["internal"] != false || rec["tested_by"] != "Ana Lima <ana.lima@cpa.example>" {
		t.Errorf("test %v\nwant wording %q", rec, want)
	}
	// An isolated deviation in a population over 12: extend the sample.
	ext := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "extend", "--draw", "1", "--size", "3", "--reason", "isolated deviation", "--json"}, ana...)...))
	extItems := toStrings(ext["items"])
	if len(extItems) != 3 || ext["extends"] != 1.0 || ext["binding"] != true {
		t.Errorf("extension %v", ext)
	}
	for _, k := range extItems {
		for _, old := range items {
			if k == old {
				t.Errorf("the extension repeats %s", k)
			}
		}
	}
	// The extension is the next three by rank: the first eight by rank are
	// the draw and its extension.
	eight := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "t", "--size", "8", "--redraw", "--reason", "check", "--json"}, ana...)...))
	if strings.Join(toStrings(eight["items"]), ",") != strings.Join(append(append([]string{}, items...), extItems...), ",") {
		t.Errorf("extension is not the next by rank: %v then %v vs %v", items, extItems, eight["items"])
	}
	// Management's response, and an internal test kept apart.
	if r := run(t, dir, "", "test", "respond", "--test", "1", "--text", "x", "--as", "Ana Lima"); r.code != 2 {
		t.Errorf("a response by the auditor: %+v", r)
	}
	mustRun(t, dir, "test", "respond", "--test", "1", "--text", "The reviewer rule now blocks merges without approval.", "--as", "Priya")
	mustRun(t, dir, "test", "record", "--control", "AC-06", "--procedure", "inspection", "--internal", "--item", "Q1=no-exception", "--as", "Priya")
	// "Did not occur" only for an event-driven control with an evidenced empty population.
	if r := run(t, dir, "", append([]string{"test", "record", "--control", "AC-06", "--procedure", "inquiry,inspection", "--not-performed"}, ana...)...); r.code != 2 || !strings.Contains(r.stderr, "periodic control") {
		t.Errorf("not performed for a quarterly control: %+v", r)
	}
	if r := run(t, dir, "", append([]string{"test", "record", "--control", "INC-02", "--procedure", "inquiry,inspection", "--not-performed"}, ana...)...); r.code != 2 || !strings.Contains(r.stderr, "no empty population") {
		t.Errorf("not performed with no population: %+v", r)
	}
	writeFile(t, dir, "incidents.csv", "id,opened\n")
	mustRun(t, dir, "population", "import", "--control", "INC-02", "--file", "incidents.csv", "--key", "id")
	if r := run(t, dir, "", append([]string{"test", "record", "--control", "INC-02", "--procedure", "inquiry,inspection", "--not-performed"}, ana...)...); r.code != 2 || !strings.Contains(r.stderr, "no completeness evidence") {
		t.Errorf("not performed with an unevidenced empty population: %+v", r)
	}
	mustRun(t, dir, "population", "reconcile", "--population", "2", "--control-total", "0", "--note", "the ticketing system reports no incidents in the period")
	mustRun(t, dir, append([]string{"test", "record", "--control", "INC-02", "--procedure", "inquiry,inspection", "--not-performed"}, ana...)...)
	auditors := decode[[]map[string]any](t, mustRun(t, dir, "test", "list", "--json"))
	internal := decode[[]map[string]any](t, mustRun(t, dir, "test", "list", "--internal", "--json"))
	if len(auditors) != 2 || len(internal) != 1 || internal[0]["control"] != "AC-06" {
		t.Errorf("auditor's tests %d, internal %d", len(auditors), len(internal))
	}
	if !strings.Contains(auditors[1]["wording"].(string), "did not occur") {
		t.Errorf("not performed: %v", auditors[1])
	}
	show := decode[map[string]any](t, mustRun(t, dir, "test", "show", "1", "--json"))
	if len(show["responses"].([]any)) != 1 {
		t.Errorf("responses %v", show)
	}
	// Requests.
	if r := run(t, dir, "", "request", "create", "--control", "CHG-02", "--text", "PR review records", "--as", "Priya"); r.code != 2 {
		t.Errorf("a request by management: %+v", r)
	}
	mustRun(t, dir, append([]string{"request", "create", "--control", "CHG-02", "--text", "Approval records for the sampled changes", "--items", strings.Join(items, ","), "--due", "2026-11-01"}, ana...)...)
	mustRun(t, dir, append([]string{"request", "create", "--control", "AC-06", "--text", "Q3 access review sign-off", "--due", "2026-12-15"}, ana...)...)
	list := decode[[]map[string]any](t, mustRun(t, dir, "request", "list", "--json"))
	if list[0]["overdue"] != true || list[1]["overdue"] != false {
		t.Errorf("overdue flags %v", list)
	}
	if human := mustRun(t, dir, "request", "list"); !strings.Contains(human, "OVERDUE") {
		t.Errorf("overdue not shown:\n%s", human)
	}
	writeFile(t, dir, "approvals.zip", "approvals")
	mustRun(t, dir, "evidence", "add", "--control", "CHG-02", "--file", "approvals.zip", "--date", "2026-11-20")
	f := decode[map[string]any](t, mustRun(t, dir, "request", "fulfil", "1", "--evidence", "1", "--as", "Priya", "--json"))
	if f["status"] != "fulfilled" {
		t.Errorf("fulfil %v", f)
	}
	if r := run(t, dir, "", "request", "close", "1", "--as", "Priya"); r.code != 2 {
		t.Errorf("close by management: %+v", r)
	}
	mustRun(t, dir, append([]string{"request", "close", "1"}, ana...)...)
	if r := run(t, dir, "", "request", "fulfil", "1", "--evidence", "1"); r.code != 2 || !strings.Contains(r.stderr, "closed") {
		t.Errorf("fulfil a closed request: %+v", r)
	}
	if v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json")); v["ok"] != true {
		t.Errorf("verify %v", v)
	}
}
