package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/demo"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/server"
	"github.com/google/go-cmp/cmp"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

type result struct {
	stdout, stderr string
	code           int
}

// run executes attest with args in dir, as a user at a shell would.
func run(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Now: func() time.Time { return testNow },
		Getenv: func(k string) string { return "" }}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code := m.Run(context.Background(), args)
	return result{out.String(), errb.String(), code}
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := run(t, dir, "", args...)
	if r.code != 0 {
		t.Fatalf("attest %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

func hasKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: missing key %q (has %v)", what, k, keys(m))
		}
	}
}

func TestCatalogJSON(t *testing.T) {
	dir := t.TempDir() // no data directory: the catalog needs none
	crit := decode[[]map[string]any](t, mustRun(t, dir, "catalog", "criteria", "--json"))
	if len(crit) != 61 {
		t.Fatalf("%d criteria", len(crit))
	}
	hasKeys(t, "criterion", crit[0], "id", "series", "category", "coso_principle", "points_of_focus", "description")
	if crit[0]["id"] != "CC1.1" || crit[0]["coso_principle"] != "COSO P1" {
		t.Errorf("first criterion %v", crit[0])
	}
	avail := decode[[]map[string]any](t, mustRun(t, dir, "catalog", "criteria", "--category", "availability", "--json"))
	if len(avail) != 3 {
		t.Errorf("availability: %d criteria", len(avail))
	}
	ctls := decode[[]map[string]any](t, mustRun(t, dir, "catalog", "controls", "--json"))
	if len(ctls) < 90 {
		t.Errorf("%d controls", len(ctls))
	}
	hasKeys(t, "control", ctls[0], "id", "title", "description", "type", "nature", "frequency", "due", "evidence", "owner_role", "criteria", "objectives", "iso27001", "nist_csf")
	byCrit := decode[[]map[string]any](t, mustRun(t, dir, "catalog", "controls", "--criterion", "cc6.1", "--json"))
	for _, c := range byCrit {
		found := false
		for _, id := range c["criteria"].([]any) {
			found = found || id == "CC6.1"
		}
		if !found {
			t.Errorf("%v does not map CC6.1", c["id"])
		}
	}
	objs := decode[[]map[string]any](t, mustRun(t, dir, "catalog", "objectives", "--template", "payroll", "--json"))
	if len(objs) < 5 {
		t.Errorf("payroll: %d objectives", len(objs))
	}
	for _, o := range objs {
		hasKeys(t, "objective", o, "template", "id", "title", "description")
		if o["template"] != "payroll" {
			t.Errorf("objective %v from template %v", o["id"], o["template"])
		}
	}
	if r := run(t, dir, "", "catalog", "controls", "XX-99"); r.code != 2 || !strings.Contains(r.stderr, "no such control: XX-99") {
		t.Errorf("unknown control: %+v", r)
	}
	if r := run(t, dir, "", "catalog", "criteria", "--category", "speed"); r.code != 2 {
		t.Errorf("unknown category: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "attest-data")); err == nil {
		t.Error("the catalog created a data directory")
	}
	human := mustRun(t, dir, "catalog", "controls", "AC-06")
	if !strings.Contains(human, "Suggested evidence") {
		t.Errorf("control detail: %s", human)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScopeJSON(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", "service_types: [saas]\ncustomer_data: true\nsecurity_reviews: true\ncontrols_operating_months: 1\nreport_needed_within_months: 2\n")
	out := mustRun(t, dir, "scope", "--answers", "a.yaml", "--json")
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &top); err != nil {
		t.Fatal(err)
	}
	var k []string
	for key := range top {
		k = append(k, key)
	}
	sort.Strings(k)
	if diff := cmp.Diff([]string{"considered", "reports", "warnings"}, k); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
	rec := decode[map[string]any](t, out)
	reports := rec["reports"].([]any)
	if len(reports) != 1 {
		t.Fatalf("reports: %v", reports)
	}
	r := reports[0].(map[string]any)
	hasKeys(t, "report", r, "kind", "type", "categories", "objective_templates", "observation_months", "reasons")
	if r["kind"] != "SOC 2" || r["type"] != "Type 1" || r["observation_months"] != 3.0 {
		t.Errorf("report %v", r)
	}
	// A firm profile changes the outcome: with a 1-month minimum, a Type 2.
	rec = decode[map[string]any](t, mustRun(t, dir, "scope", "--answers", "a.yaml", "--json", "--min-period", "SOC 2=1"))
	if got := rec["reports"].([]any)[0].(map[string]any)["type"]; got != "Type 2" {
		t.Errorf("with --min-period SOC 2=1: %v", got)
	}
	// SOC 3 has a null type.
	writeFile(t, dir, "p.json", `{"public_trust": true, "service_types": ["saas"], "controls_operating_months": 6}`)
	rec = decode[map[string]any](t, mustRun(t, dir, "scope", "--answers", "p.json", "--json"))
	for _, x := range rec["reports"].([]any) {
		rep := x.(map[string]any)
		if rep["kind"] == "SOC 3" && rep["type"] != nil {
			t.Errorf("SOC 3 type %v", rep["type"])
		}
	}
	human := mustRun(t, dir, "scope", "--answers", "a.yaml")
	if !strings.Contains(human, "SOC 2 Type 1") || !strings.Contains(human, "not a certification") {
		t.Errorf("human output:\n%s", human)
	}
}

func TestScopeBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ content, want string }{
		{"customer_data: true\nsecurity_review: true\n", `bad.yaml: line 2: unknown key "security_review"`},
		{"customer_data: maybe\n", "bad.yaml: line 1: customer_data: want true or false"},
		{"controls_operating_months: -1\n", "bad.yaml: line 1: controls_operating_months: want 0 or more months"},
		{"controls_in_place: maybe\n", "bad.yaml: line 1: controls_in_place: want yes, partly or no"},
	}
	for _, tt := range tests {
		writeFile(t, dir, "bad.yaml", tt.content)
		r := run(t, dir, "", "scope", "--answers", "bad.yaml", "--out", "rec.json")
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tt.content, r.code, r.stderr, tt.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "rec.json")); err == nil {
			t.Errorf("%q: --out written despite the error", tt.content)
		}
	}
	r := run(t, dir, "", "scope", "--answers", "bad.yaml", "--json")
	e := decode[map[string]map[string]string](t, r.stdout)
	if r.code != 2 || e["error"]["code"] != "invalid" {
		t.Errorf("--json error: %+v", r)
	}
	if r := run(t, dir, "", "scope", "--answers", "missing.yaml"); r.code != 2 || !strings.Contains(r.stderr, "missing.yaml") {
		t.Errorf("missing file: %+v", r)
	}
	if r := run(t, dir, "", "scope"); r.code != 2 || !strings.Contains(r.stderr, "--answers") {
		t.Errorf("no answers and no terminal: %+v", r)
	}
	if r := run(t, dir, "", "scope", "--min-period", "SOC 9=3", "--answers", "x"); r.code != 2 {
		t.Errorf("bad --min-period: %+v", r)
	}
	if r := run(t, dir, "", "scope", "--bogus"); r.code != 2 || !strings.Contains(r.stderr, "unknown flag") {
		t.Errorf("unknown flag: %+v", r)
	}
	// A mistyped command fails, at the root and in a group alike, and the
	// hint offers help for a command that exists; a group alone shows
	// its help.
	for _, c := range []struct{ args, want []string }{
		{[]string{"bogus"}, []string{`unknown command "bogus" for "attest"`, "see `attest --help`"}},
		{[]string{"evidence", "ad"}, []string{`unknown command "ad" for "attest evidence"; did you mean add?`, "see `attest evidence --help`"}},
		{[]string{"engagement", "auditor", "bogus"}, []string{"see `attest engagement auditor --help`"}},
	} {
		r := run(t, dir, "", c.args...)
		if r.code != 2 {
			t.Errorf("attest %v: exit %d, want 2", c.args, r.code)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("attest %v: %q, want %q", c.args, r.stderr, w)
			}
		}
	}
	if r := run(t, dir, "", "evidence"); r.code != 0 || !strings.Contains(r.stdout, "Available Commands") {
		t.Errorf("attest evidence alone: %+v", r)
	}
}

func TestScopeInteractive(t *testing.T) {
	dir := t.TempDir()
	// One line per question, in order; "maybe" is refused and asked again.
	answers := []string{"saas", "no", "no", "maybe", "yes", "", "yes", "", "", "", "", "", "", "Dec 31, Jun 30", "yes", "2", ""}
	r := run(t, dir, strings.Join(answers, "\n")+"\n", "scope", "--interactive", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "want true or false") {
		t.Errorf("a wrong answer was not explained: %s", r.stderr)
	}
	rec := decode[map[string]any](t, r.stdout)
	rep := rec["reports"].([]any)[0].(map[string]any)
	if rep["kind"] != "SOC 2" || rep["type"] != "Type 2" || rep["period_start"] != "2026-09-01" {
		t.Errorf("interactive result %v", rep)
	}
}

func TestInitAndRefusals(t *testing.T) {
	dir := t.TempDir()
	out := decode[map[string]any](t, mustRun(t, dir, "init", "--json"))
	if out["created"] != true {
		t.Errorf("init: %v", out)
	}
	if st, err := os.Stat(filepath.Join(dir, "attest-data", "keys", "ledger.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("signing key: %v %v, want mode 0600", st, err)
	}
	if out := decode[map[string]any](t, mustRun(t, dir, "init", "--json")); out["created"] != false {
		t.Errorf("second init: %v", out)
	}
	writeFile(t, dir, "notes.txt", "hello")
	if r := run(t, dir, "", "init", "--data", "."); r.code != 2 || !strings.Contains(r.stderr, "not an Attest data directory") {
		t.Errorf("init in a non-empty folder: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "list", "--data", "."); r.code != 2 || !strings.Contains(r.stderr, "not an Attest data directory") {
		t.Errorf("a folder that is not Attest's: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "list", "--data", "nowhere"); r.code != 2 || !strings.Contains(r.stderr, "attest init") {
		t.Errorf("missing data directory: %+v", r)
	}
	if r := run(t, dir, "", "controls", "list"); r.code != 2 || !strings.Contains(r.stderr, "no engagement yet") {
		t.Errorf("no engagement: %+v", r)
	}
}

func TestEngagementWorkflow(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	writeFile(t, dir, "a.yaml", "service_types: [payroll, saas]\ncustomer_data: true\nsecurity_reviews: true\navailability_commitments: true\npublic_trust: true\ncontrols_in_place: yes\ncontrols_operating_months: 0\ncustomer_fiscal_year_ends: [May 31]\n")
	created := decode[map[string]any](t, mustRun(t, dir, "engagement", "create", "--from-scope", "a.yaml", "--firm", "Example CPA LLP", "--json"))
	list := created["created"].([]any)
	if len(list) != 2 {
		t.Fatalf("created %v", list)
	}
	soc1 := list[0].(map[string]any)["engagement"].(map[string]any)
	soc2 := list[1].(map[string]any)["engagement"].(map[string]any)
	if soc1["id"] != "soc1-type2-2027" || soc1["period_start"] != "2026-12-01" || soc1["period_end"] != "2027-05-31" || soc1["report_date"] != "2027-07-31" {
		t.Errorf("SOC 1 engagement %v", soc1)
	}
	if soc2["also_soc3"] != true || soc2["firm"] != "Example CPA LLP" {
		t.Errorf("SOC 2 engagement %v", soc2)
	}
	if created["current"] != "soc1-type2-2027" {
		t.Errorf("current %v", created["current"])
	}
	// Creating again picks a free ID rather than failing.
	again := decode[map[string]any](t, mustRun(t, dir, "engagement", "create", "--from-scope", "a.yaml", "--kind", "SOC 2", "--json"))
	if id := again["created"].([]any)[0].(map[string]any)["engagement"].(map[string]any)["id"]; id != "soc2-type2-2027-2" {
		t.Errorf("second SOC 2 id %v", id)
	}
	if r := run(t, dir, "", "engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31", "--id", "soc2-type2-2027"); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("duplicate id: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-12-31..2026-01-01"); r.code != 2 {
		t.Errorf("reversed period: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "create", "--kind", "SOC 3", "--type", "1"); r.code != 2 {
		t.Errorf("SOC 3 with a type: %+v", r)
	}
	mustRun(t, dir, "engagement", "create", "--kind", "SOC 1", "--type", "1", "--templates", "itgc,custody", "--as-of", "2026-12-31", "--id", "custody-t1")

	// Several engagements: the current one is used; --engagement overrides.
	rows := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))
	if len(rows) != 4 || rows[0]["current"] != true {
		t.Errorf("list %v", rows)
	}
	mustRun(t, dir, "engagement", "use", "soc2-type2-2027")
	show := decode[map[string]any](t, mustRun(t, dir, "engagement", "show", "--json"))
	if show["engagement"].(map[string]any)["id"] != "soc2-type2-2027" {
		t.Errorf("show %v", show)
	}
	if r := run(t, dir, "", "engagement", "use", "nope"); r.code != 2 || !strings.Contains(r.stderr, "no such engagement") {
		t.Errorf("use unknown: %+v", r)
	}

	// Controls.
	ctl := decode[map[string]any](t, mustRun(t, dir, "controls", "set", "ac-06", "--owner", "Dana Ortiz", "--status", "implemented", "--frequency", "monthly", "--json"))
	if ctl["owner"] != "Dana Ortiz" || ctl["status"] != "implemented" || ctl["frequency"] != "monthly" {
		t.Errorf("set: %v", ctl)
	}
	if r := run(t, dir, "", "controls", "set", "ZZ-01", "--owner", "x"); r.code != 2 || !strings.Contains(r.stderr, "no such control: ZZ-01") {
		t.Errorf("unknown control: %+v", r)
	}
	if r := run(t, dir, "", "controls", "set", "PHY-01", "--status", "not-applicable"); r.code != 2 || !strings.Contains(r.stderr, "needs a reason") {
		t.Errorf("n/a without reason: %+v", r)
	}
	mustRun(t, dir, "controls", "set", "PHY-01", "--status", "not applicable", "--reason", "No office: the team is remote.")
	na := decode[[]map[string]any](t, mustRun(t, dir, "controls", "list", "--status", "not-applicable", "--json"))
	if len(na) != 1 || na[0]["status_reason"] != "No office: the team is remote." {
		t.Errorf("not applicable list %v", na)
	}
	if r := run(t, dir, "", "controls", "set", "AC-06"); r.code != 2 || !strings.Contains(r.stderr, "nothing to change") {
		t.Errorf("empty set: %+v", r)
	}
	other := decode[[]map[string]any](t, mustRun(t, dir, "controls", "list", "--engagement", "custody-t1", "--json"))
	for _, c := range other {
		if c["owner"] == "Dana Ortiz" {
			t.Error("a change leaked into another engagement")
		}
	}

	// Exclusions.
	if r := run(t, dir, "", "engagement", "exclude", "A1.3", "--reason", "We have no control for recovery testing yet."); r.code != 2 || !strings.Contains(r.stderr, "not a reason") {
		t.Errorf("no-control reason: %+v", r)
	}
	r := run(t, dir, "", "engagement", "exclude", "CC6.4", "--reason", "All systems run in the cloud provider's data centers, carved out.", "--json")
	if r.code != 0 || !strings.Contains(r.stderr, "common criterion") || !strings.Contains(r.stdout, `"subject_to_auditor_agreement": true`) {
		t.Errorf("CC exclusion: %+v", r)
	}
	if r := run(t, dir, "", "engagement", "exclude", "P3.1", "--reason", "Privacy is not in scope of this engagement at all."); r.code != 2 || !strings.Contains(r.stderr, "not in scope") {
		t.Errorf("out-of-scope exclusion: %+v", r)
	}
	show = decode[map[string]any](t, mustRun(t, dir, "engagement", "show", "--json"))
	if xs := show["exclusions"].([]any); len(xs) != 1 {
		t.Errorf("exclusions %v", xs)
	}
	mustRun(t, dir, "engagement", "include", "CC6.4")
	if r := run(t, dir, "", "engagement", "include", "CC6.4"); r.code != 2 {
		t.Errorf("include twice: %+v", r)
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	out := decode[map[string]any](t, mustRun(t, dir, "demo", "--json"))
	if out["current"] != "soc2-type2-2026" || len(out["engagements"].([]any)) != 3 {
		t.Errorf("demo: %v", out)
	}
	demoJobsMail(t, dir, out)
	show := decode[map[string]any](t, mustRun(t, dir, "engagement", "show", "--json"))
	e := show["engagement"].(map[string]any)
	if e["kind"] != "SOC 2" || e["type"] != "Type 2" || e["period_start"] != "2026-01-01" || e["period_end"] != "2026-12-31" {
		t.Errorf("demo engagement %v", e)
	}
	byStatus := show["by_status"].(map[string]any)
	if byStatus["implemented"].(float64) < 80 || byStatus["not-applicable"] != 1.0 {
		t.Errorf("demo statuses %v", byStatus)
	}
	human := mustRun(t, dir, "controls", "list", "--owner", "-")
	if !strings.Contains(human, "MON-02") {
		t.Errorf("unowned controls:\n%s", human)
	}
	// Running the demo again replaces its own directory, with changes gone.
	mustRun(t, dir, "controls", "set", "AC-06", "--owner", "Someone Else")
	mustRun(t, dir, "demo")
	if c := decode[map[string]any](t, mustRun(t, dir, "controls", "show", "AC-06", "--json")); c["owner"] == "Someone Else" {
		t.Error("the demo did not rebuild its directory")
	}
	// It never touches a directory it did not make.
	os.MkdirAll(filepath.Join(dir, "mine"), 0o755)
	writeFile(t, dir, "mine/notes.txt", "keep me")
	if r := run(t, dir, "", "demo", "--data", "mine"); r.code != 2 || !strings.Contains(r.stderr, "fresh directory") {
		t.Errorf("demo over a user's directory: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "mine", "notes.txt")); err != nil {
		t.Error("the demo removed a user's file")
	}
}

// runEnv is run with environment variables set for the command.
func runEnv(t *testing.T, dir string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time { return testNow },
		Getenv: func(k string) string { return env[k] }}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code := m.Run(context.Background(), args)
	return result{out.String(), errb.String(), code}
}

// demoJobsMail: the demo queues its reminder jobs, and on its data each
// one run as attest serve runs it finds someone to mail but the access
// reviews' (its one review was finished on time).
func demoJobsMail(t *testing.T, dir string, out map[string]any) {
	t.Helper()
	if q, _ := out["jobs_queued"].([]any); len(q) != len(demo.Jobs()) {
		t.Fatalf("jobs queued: %v", out["jobs_queued"])
	}
	listed := decode[map[string][]attest.Job](t, mustRun(t, dir, "job", "list", "--json"))["jobs"]
	if len(listed) != len(demo.Jobs()) {
		t.Fatalf("job list: %+v", listed)
	}
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg := server.Config{Store: d.db, Blobs: d.blobs, Now: m.Now, Checkpoint: d.checkpoint}
	for _, j := range listed {
		out := mail.NewOutbox(nil, nil)
		h := jobHandler(t, cfg, out, "http://127.0.0.1:8080", j.Kind)
		if _, err := h(t.Context(), &j); err != nil {
			t.Fatalf("%s: %v", j.Kind, err)
		}
		sent := len(out.Latest())
		if (sent > 0) != (j.Kind != "review-reminders") {
			t.Errorf("%s on the demo's data mailed %d", j.Kind, sent)
		}
	}
}
