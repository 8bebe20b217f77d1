package main

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-dev/attest/sample"
	"github.com/google/go-cmp/cmp"
)

// changesCSV is a population file of n changes keyed by id, its rows
// shuffled by the seed when it is not 0.
func changesCSV(n int, shuffle int64) string {
	rows := []string{}
	for i := 0; i < n; i++ {
		rows = append(rows, fmt.Sprintf("CHG-%04d,2026-%02d-%02d,change %d", i, 1+i%9, 1+i%28, i))
	}
	if shuffle != 0 {
		rand.New(rand.NewSource(shuffle)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	return "id,merged,title\n" + strings.Join(rows, "\n") + "\n"
}

func TestSamplingWorkflow(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "changes.csv", changesCSV(300, 0))
	writeFile(t, dir, "shuffled.csv", changesCSV(300, 42))
	imp := decode[map[string]any](t, mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "changes.csv", "--key", "id", "--date", "merged",
		"--source", "GitHub", "--query", "merged pull requests to main", "--extracted-by", "Sam", "--extracted-at", "2026-10-01", "--json"))
	if imp["id"] != 1.0 || imp["rows"] != 300.0 || imp["first_date"] != "2026-01-01" || imp["last_date"] != "2026-09-28" {
		t.Errorf("import %v", imp)
	}
	// Only a named auditor may draw.
	if r := run(t, dir, "", "sample", "draw", "--control", "CHG-02", "--seed", "s1", "--as", "Priya"); r.code != 2 || !strings.Contains(r.stderr, "signed by the engagement's enrolled auditor key") {
		t.Errorf("draw by management: %+v", r)
	}
	addAuditor(t, dir, "Ana Lima", "--firm", "Example CPA")
	ana := keyOf(dir, "Ana Lima")
	d1 := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "s1", "--json"}, ana...)...))
	for _, k := range []string{"control", "population", "seed", "size", "rule", "binding", "drawn_by", "items"} {
		if _, ok := d1[k]; !ok {
			t.Errorf("draw JSON lacks %q", k)
		}
	}
	pop := d1["population"].(map[string]any)
	if d1["size"] != 25.0 || d1["binding"] != true || d1["drawn_by"] != "Ana Lima <ana.lima@cpa.example>" || pop["rows"] != 300.0 || pop["sha256"] != imp["sha256"] {
		t.Errorf("draw %v", d1)
	}
	items := toStrings(d1["items"])
	// Anyone can recompute: rank every key with HMAC-SHA256, take the 25 lowest.
	type kr struct{ k, r string }
	var all []kr
	for i := 0; i < 300; i++ {
		k := fmt.Sprintf("CHG-%04d", i)
		r := sample.Rank("s1", k)
		all = append(all, kr{k, fmt.Sprintf("%x", r)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].r < all[j].r })
	var want []string
	for _, x := range all[:25] {
		want = append(want, x.k)
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("items differ from a recomputation:\n%s", diff)
	}
	// The first draw is binding.
	if r := run(t, dir, "", append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "other"}, ana...)...); r.code != 2 || !strings.Contains(r.stderr, "binding draw") {
		t.Errorf("silent redraw: %+v", r)
	}
	if r := run(t, dir, "", append([]string{"sample", "draw", "--control", "CHG-02", "--redraw"}, ana...)...); r.code != 2 {
		t.Errorf("redraw without reason: %+v", r)
	}
	re := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "s2", "--redraw", "--reason", "seed typed wrong", "--json"}, ana...)...))
	if re["binding"] != false {
		t.Errorf("redraw %v", re)
	}
	// Same seed over the shuffled file: the same items.
	mustRun(t, dir, "population", "import", "--control", "CHG-02", "--file", "shuffled.csv", "--key", "id", "--date", "merged")
	d3 := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-02", "--seed", "s1", "--json"}, ana...)...))
	if diff := cmp.Diff(items, toStrings(d3["items"])); diff != "" || d3["binding"] != true {
		t.Errorf("shuffled rows changed the selection:\n%s", diff)
	}
	// Stratified by quarter: 25 over Q1 to Q3.
	writeFile(t, dir, "strata.csv", changesCSV(90, 0))
	mustRun(t, dir, "population", "import", "--control", "CHG-01", "--file", "strata.csv", "--key", "id", "--date", "merged")
	st := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "CHG-01", "--seed", "q", "--stratify", "quarter", "--json"}, ana...)...))
	perQ := map[string]int{}
	for _, k := range toStrings(st["items"]) {
		var n int
		fmt.Sscanf(k, "CHG-%d", &n)
		perQ[fmt.Sprint(n%9/3)]++
	}
	if perQ["0"] < 8 || perQ["1"] < 8 || perQ["2"] < 8 {
		t.Errorf("stratified draw per quarter %v", perQ)
	}
	// A sample larger than the population takes every item, and says so.
	writeFile(t, dir, "few.csv", changesCSV(3, 0))
	mustRun(t, dir, "population", "import", "--control", "AC-04", "--file", "few.csv", "--key", "id")
	few := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "AC-04", "--size", "10", "--json"}, ana...)...))
	if len(toStrings(few["items"])) != 3 || few["all_items"] != true || !strings.Contains(few["rule"].(string), "every item") {
		t.Errorf("small population %v", few)
	}
	list := decode[[]map[string]any](t, mustRun(t, dir, "sample", "list", "--json"))
	if len(list) != 5 || list[0]["kind"] != "binding" || list[0]["population_sha256"] == nil || list[0]["method"] == nil {
		t.Errorf("draws listed: %v", list)
	}
	// The list says what kind each draw is, as the workspace does.
	kinds := map[any]int{}
	for _, d := range list {
		kinds[d["kind"]]++
	}
	if text := mustRun(t, dir, "sample", "list"); !strings.Contains(text, "KIND") || kinds["binding"] == 0 || !strings.Contains(text, "binding") {
		t.Errorf("sample list:\n%s\nkinds %v", text, kinds)
	}
	if v := decode[map[string]any](t, mustRun(t, dir, "verify", "--json")); v["ok"] != true || v["blobs"] != 4.0 {
		t.Errorf("verify %v", v)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestPopulationBadInput(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "dup.csv", "id,d\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n")
	writeFile(t, dir, "date.csv", "id,d\nA,2026-01-01\nB,yesterday\n")
	writeFile(t, dir, "empty-key.csv", "id,d\nA,2026-01-01\n,2026-01-02\n")
	writeFile(t, dir, "empty.csv", "id,d\n")
	tests := []struct{ file, want string }{
		{"dup.csv", `dup.csv: line 4: key "A" repeats line 2`},
		{"date.csv", `date.csv: line 3: d "yesterday"`},
		{"empty-key.csv", "empty-key.csv: line 3: the key"},
		{"missing.csv", "missing.csv"},
	}
	for _, tt := range tests {
		r := run(t, dir, "", "population", "import", "--control", "CHG-02", "--file", tt.file, "--key", "id", "--date", "d")
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d %q, want %q", tt.file, r.code, r.stderr, tt.want)
		}
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "population", "list", "--json")); len(l) != 0 {
		t.Errorf("refused imports recorded %d populations", len(l))
	}

	// Completeness: terminations reconciled to deactivations.
	writeFile(t, dir, "hr.csv", "employee,left\nE1,2026-01-10\nE2,2026-02-11\nE3,2026-03-12\n")
	writeFile(t, dir, "idp.csv", "employee,deactivated\nE1,2026-01-10\nE3,2026-03-13\nE9,2026-03-20\n")
	mustRun(t, dir, "population", "import", "--control", "AC-04", "--file", "hr.csv", "--key", "employee")
	mustRun(t, dir, "population", "import", "--control", "AC-04", "--file", "idp.csv", "--key", "employee")
	// Differences are recorded, and the exit says there are some.
	r := run(t, dir, "", "population", "reconcile", "--population", "2", "--against", "1", "--note", "IdP deactivations against the HR leavers report", "--json")
	if r.code != 1 {
		t.Errorf("reconcile with differences: exit %d, want 1: %s", r.code, r.stderr)
	}
	rc := decode[map[string]any](t, r.stdout)
	if rc["matched"] != 2.0 || rc["missing_count"] != 1.0 || rc["extra_count"] != 1.0 || toStrings(rc["missing"])[0] != "E2" || toStrings(rc["extra"])[0] != "E9" {
		t.Errorf("reconcile %v", rc)
	}
	ct := decode[map[string]any](t, mustRun(t, dir, "population", "reconcile", "--population", "1", "--control-total", "3", "--json"))
	if ct["method"] != "control-total" || ct["missing_count"] != 0.0 {
		t.Errorf("control total %v", ct)
	}
	if r := run(t, dir, "", "population", "reconcile", "--population", "1"); r.code != 2 {
		t.Errorf("reconcile without a method: %+v", r)
	}
	show := decode[map[string]any](t, mustRun(t, dir, "population", "show", "2", "--json"))
	if len(show["completeness"].([]any)) != 1 {
		t.Errorf("show %v", show)
	}
	// An empty population is valid.
	e := decode[map[string]any](t, mustRun(t, dir, "population", "import", "--control", "INC-02", "--file", "empty.csv", "--key", "id", "--json"))
	if e["rows"] != 0.0 {
		t.Errorf("empty population %v", e)
	}
	if r := run(t, dir, "", "population", "import", "--control", "ZZ-9", "--file", "empty.csv", "--key", "id"); r.code != 2 || !strings.Contains(r.stderr, "no such control") {
		t.Errorf("unknown control: %+v", r)
	}
	// --engagement lists its controls' populations; one that is not
	// there is named.
	eng := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))[0]["id"].(string)
	if l := decode[[]map[string]any](t, mustRun(t, dir, "population", "list", "--engagement", eng, "--json")); len(l) != 3 {
		t.Errorf("the engagement's populations: %v", l)
	}
	if r := run(t, dir, "", "population", "list", "--engagement", "nope"); r.code == 0 || !strings.Contains(r.stderr, "nope") {
		t.Errorf("an unknown engagement: %+v", r)
	}
	mustRun(t, dir, "verify")
}

func TestSampleSize(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want float64
	}{
		{[]string{"--confidence", "0.95", "--tolerable", "0.05"}, 59},
		{[]string{"--confidence", "95", "--tolerable", "10"}, 29},
		{[]string{"--confidence", "0.90", "--tolerable", "0.05"}, 45},
		{[]string{"--confidence", "90", "--tolerable", "10"}, 22},
		{[]string{"--frequency", "quarterly"}, 2},
		{[]string{"--frequency", "semi-monthly"}, 5},
		{[]string{"--population-size", "40"}, 5},
		{[]string{"--population-size", "1000"}, 40},
	}
	for _, c := range cases {
		out := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "size", "--json"}, c.args...)...))
		if out["size"] != c.want || out["rule"] == "" {
			t.Errorf("sample size %v = %v, want %v", c.args, out, c.want)
		}
	}
	if r := run(t, dir, "", "sample", "size", "--confidence", "0.95"); r.code != 2 {
		t.Errorf("half a statistical request: %+v", r)
	}
	// A firm's own table, set by an auditor.
	ws := setup(t)
	writeFile(t, ws, "firm.json", `{"name":"Example CPA","by_frequency":{"quarterly":3},"event_driven":[{"max":0,"size":30}],"wording":{"exceptions":"Deviations noted in {n} of {tested} items: {details}."}}`)
	if r := run(t, ws, "", "sample", "profile", "set", "--file", "firm.json"); r.code != 2 || !strings.Contains(r.stderr, "only the service auditor") {
		t.Errorf("profile by management: %+v", r)
	}
	addAuditor(t, ws, "Ana")
	// The auditor's name is not the auditor: the operator typing it sets
	// no table (before, --as matched the name to her account).
	for _, as := range []string{"Ana", " ana "} {
		if r := run(t, ws, "", "sample", "profile", "set", "--file", "firm.json", "--as", as); r.code == 0 || !strings.Contains(r.stderr, "--as "+strconv.Quote(as)+" names") || !strings.Contains(r.stderr, "never by a name") {
			t.Errorf("profile set --as %q: %+v", as, r)
		}
	}
	if out := decode[map[string]any](t, mustRun(t, ws, "sample", "size", "--control", "AC-06", "--json")); out["size"] != 2.0 {
		t.Errorf("the table after the refused sets: %v", out)
	}
	mustRun(t, ws, append([]string{"sample", "profile", "set", "--file", "firm.json"}, keyOf(ws, "Ana")...)...)
	if out := decode[map[string]any](t, mustRun(t, ws, "sample", "size", "--control", "AC-06", "--json")); out["size"] != 3.0 {
		t.Errorf("firm profile: %v", out)
	}
	// The firm's wording shapes the auditor's results.
	rec := auditorTest(t, ws, "Ana", "AC-06", []string{"Q1=deviation:no sign-off"}, "--deviations", "isolated")
	if rec["wording"] != "Deviations noted in 1 of 1 items: Q1: no sign-off." {
		t.Errorf("firm wording: %v", rec["wording"])
	}
	// A test of one: automated control, with access and change controls named.
	if r := run(t, ws, "", "sample", "size", "--control", "AC-06", "--test-of-one", "--supported-by", "AC-01,CHG-03"); r.code != 2 || !strings.Contains(r.stderr, "not automated") {
		t.Errorf("test of one for a manual control: %+v", r)
	}
	if r := run(t, ws, "", "sample", "size", "--control", "AC-02", "--test-of-one", "--supported-by", "AC-01"); r.code != 2 || !strings.Contains(r.stderr, "change-management") {
		t.Errorf("test of one without change management: %+v", r)
	}
	if out := decode[map[string]any](t, mustRun(t, ws, "sample", "size", "--control", "AC-02", "--test-of-one", "--supported-by", "AC-01,CHG-03", "--json")); out["size"] != 1.0 {
		t.Errorf("test of one: %v", out)
	}
}
