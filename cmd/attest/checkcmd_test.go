package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/server"
)

// exports writes a folder of export files: an IAM credential report on
// AWS's documented header with one console user lacking MFA.
func exports(t *testing.T, dir string) string {
	t.Helper()
	header, err := os.ReadFile("../../testdata/formats/aws/iam-credential-report_header.csv")
	if err != nil {
		t.Fatal(err)
	}
	csv := strings.TrimSpace(string(header)) + "\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-01-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"dana,arn:aws:iam::123456789012:user/dana,2024-03-01T09:00:00+00:00,true,2026-06-01T00:00:00+00:00,2026-01-02T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"ana,arn:aws:iam::123456789012:user/ana,2024-03-01T09:00:00+00:00,true,2026-06-01T00:00:00+00:00,2026-01-02T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	os.MkdirAll(filepath.Join(dir, "exports"), 0o755)
	writeFile(t, dir, "exports/credential-report.csv", csv)
	return "exports"
}

func TestCheckRunRecordsEvidenceAndGatesCI(t *testing.T) {
	dir := setup(t)
	in := exports(t, dir)
	// A report file in a folder that does not exist: refused before
	// anything runs or is recorded, and no folder is made.
	if r := run(t, dir, "", "check", "run", "--input", in, "--junit", "out/junit.xml"); r.code != 2 || !strings.Contains(r.stderr, "the folder out does not exist") {
		t.Errorf("missing folder: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("check run made the folder out")
	}
	if l := decode[[]map[string]any](t, mustRun(t, dir, "evidence", "list", "--json")); len(l) != 0 {
		t.Errorf("a refused run recorded %d items", len(l))
	}
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, "", "check", "run", "--input", in, "--junit", "out/junit.xml", "--sarif", "out/results.sarif", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 for a failing check\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	res := decode[map[string]any](t, r.stdout)
	hasKeys(t, "check run", res, "run_at", "input", "checks", "summary", "results", "evidence", "params")
	var mfa map[string]any
	for _, x := range res["results"].([]any) {
		if x.(map[string]any)["check"] == "aws_console_mfa" {
			mfa = x.(map[string]any)
		}
	}
	failing := mfa["failing"].([]any)
	if mfa["status"] != "fail" || len(failing) != 1 || failing[0].(map[string]any)["resource"] != "dana" {
		t.Fatalf("aws_console_mfa: %v", mfa)
	}
	if f := failing[0].(map[string]any); f["source"] != "exports/credential-report.csv" || f["line"] != 3.0 {
		t.Errorf("finding location %v", f)
	}
	// JUnit: one failure per failing check, parseable.
	var ju struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, dir, "out/junit.xml")), &ju); err != nil {
		t.Fatal(err)
	}
	sum := res["summary"].(map[string]any)
	if ju.Suites[0].Failures != int(sum["fail"].(float64)) || ju.Suites[0].Tests != int(sum["checks"].(float64)) {
		t.Errorf("junit %+v, summary %v", ju.Suites[0], sum)
	}
	sarif := decode[map[string]any](t, readFile(t, dir, "out/results.sarif"))
	if sarif["version"] != "2.1.0" || !strings.Contains(readFile(t, dir, "out/results.sarif"), `"startLine": 3`) {
		t.Errorf("sarif %.300s", readFile(t, dir, "out/results.sarif"))
	}
	// The run is evidence for the controls its checks support, beside the
	// input snapshot, and both verify.
	ev := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", "2", "--json"))["evidence"].(map[string]any)
	if ev["method"] != "check" || !strings.Contains(strings.Join(anyStrings(ev["controls"]), ","), "AC-02") {
		t.Errorf("evidence %v", ev)
	}
	if in := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", "1", "--json"))["evidence"].(map[string]any); in["method"] != "collector" || !strings.Contains(in["note"].(string), res["input"].(map[string]any)["sha256"].(string)) {
		t.Errorf("input evidence %v", in)
	}
	mustRun(t, dir, "verify")
	// Readiness lists the failing check as a gap against AC-02.
	rd := decode[map[string]any](t, mustRun(t, dir, "readiness", "--json"))
	found := false
	for _, g := range rd["gaps"].([]any) {
		g := g.(map[string]any)
		found = found || (g["kind"] == "failing_check" && g["ref"] == "AC-02" && strings.Contains(g["detail"].(string), "aws_console_mfa"))
	}
	if !found {
		t.Errorf("no failing_check gap for AC-02 in %v", rd["gaps"])
	}
	// Only one check, and it passes: exit 0.
	if r := run(t, dir, "", "check", "run", "--input", in, "--check", "aws_root_no_access_keys", "--no-record"); r.code != 0 || !strings.Contains(r.stdout, "1 pass") {
		t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	// A custom check that does not parse is warned of, and the summary
	// counts it apart from the checks that ran.
	os.MkdirAll(filepath.Join(dir, "mine"), 0o755)
	writeFile(t, dir, "mine/broken.rego", "package acme.broken\n\ndeny contains x if {\n  x := input.aws[\n}\n")
	if r := run(t, dir, "", "check", "run", "--input", in, "--checks", "mine", "--check", "aws_root_no_access_keys", "--no-record"); !strings.Contains(r.stderr, "mine/broken.rego") || !strings.Contains(r.stdout, "0 errors (and 1 check not loaded: see the warnings above)") {
		t.Errorf("a custom check that does not load: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestCollectThenCheckRun(t *testing.T) {
	dir := setup(t)
	in := exports(t, dir)
	if r := run(t, dir, "", "check", "run"); r.code != 2 || !strings.Contains(r.stderr, "nothing has been collected") {
		t.Errorf("check run before collect: exit %d %s", r.code, r.stderr)
	}
	col := decode[map[string]any](t, mustRun(t, dir, "collect", "--from", in, "--source", "aws-exports", "--json"))
	c := col["collections"].([]any)[0].(map[string]any)
	if c["complete"] != true || c["counts"].(map[string]any)["aws.iam_user"] != 3.0 {
		t.Fatalf("collect %v", col)
	}
	r := run(t, dir, "", "check", "run", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	res := decode[map[string]any](t, r.stdout)
	if ids := res["input"].(map[string]any)["evidence"].([]any); len(ids) != 1 || ids[0] != c["evidence"] {
		t.Errorf("run input %v, collection %v", res["input"], c["evidence"])
	}
	// A malformed row is reported with its file and line, the rest is kept,
	// and the collection is marked incomplete (exit 1).
	writeFile(t, dir, "exports/credential-report.csv", readFile(t, dir, "exports/credential-report.csv")+"broken,row\n")
	r = run(t, dir, "", "collect", "--from", in)
	if r.code != 1 || !strings.Contains(r.stderr, "credential-report.csv: line 5") || !strings.Contains(r.stdout, "INCOMPLETE") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// No connector configured and no folder: a clear refusal.
	if r := run(t, dir, "", "collect"); r.code != 2 || !strings.Contains(r.stderr, "no connector is configured") {
		t.Errorf("exit %d %s", r.code, r.stderr)
	}
}

func TestCheckTestAndUserChecks(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "check", "test")
	if !strings.Contains(out, " 0 failed") {
		t.Errorf("check test: %s", out)
	}
	list := decode[map[string]any](t, mustRun(t, dir, "check", "list", "--json"))
	if n := len(list["checks"].([]any)); n < 30 {
		t.Errorf("%d built-in checks, want at least 30", n)
	}
	os.MkdirAll(filepath.Join(dir, "mine"), 0o755)
	writeFile(t, dir, "mine/broken.rego", "# METADATA\n# title: Broken\n# custom:\n#   severity: low\n#   controls: [AC-02]\n#   reads: [aws.iam_user]\npackage acme.broken\n\ndeny contains x if {\n  x := input.aws[\n}\n")
	writeFile(t, dir, "mine/named.rego", "# METADATA\n# title: No user called admin\n# description: Ours.\n# custom:\n#   severity: low\n#   controls: [AC-10]\n#   reads: [aws.iam_user]\npackage acme.named\n\ndeny contains {\"resource\": u._id, \"msg\": \"named admin\"} if {\n  some u in input.aws.iam_user\n  u.user == \"admin\"\n}\n")
	writeFile(t, dir, "mine/named_test.rego", "package acme.named_test\n\nimport data.acme.named\n\ntest_admin_fails if {\n  count(named.deny) == 1 with input as {\"aws\": {\"iam_user\": [{\"_id\": \"a\", \"user\": \"admin\"}]}}\n}\n\ntest_wrong if {\n  count(named.deny) == 5 with input as {}\n}\n")
	r := run(t, dir, "", "check", "test", "--checks", "mine", "--check", "named")
	if r.code != 1 || !strings.Contains(r.stderr, "mine/broken.rego:11: unexpected }") || !strings.Contains(r.stdout, "FAIL named test_wrong") || !strings.Contains(r.stdout, "2 tests, 1 passed, 1 failed") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestExportsPathNamed: a folder of exports that is not there is named
// with the flag that gave it (attest collect said --input for --from).
func TestExportsPathNamed(t *testing.T) {
	dir := setup(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "--from", "gone"}, "--from gone: no such file or directory"},
		{[]string{"check", "run", "--input", "gone", "--no-record"}, "--input gone: no such file or directory"},
	} {
		if r := run(t, dir, "", c.args...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

// TestJobExportsPathNamed: the collect job names a folder of exports gone
// by the time it runs by its payload's field, not by the command's flag.
func TestJobExportsPathNamed(t *testing.T) {
	dir := setup(t)
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	gone := filepath.Join(dir, "gone")
	cfg := server.Config{Store: d.db, Blobs: d.blobs, Now: m.Now, Checkpoint: d.checkpoint, Log: slog.New(slog.DiscardHandler)}
	_, err = jobHandler(t, cfg, nil, "", "collect")(context.Background(), &attest.Job{ID: 1, Kind: "collect", Payload: json.RawMessage(fmt.Sprintf(`{"from": %q}`, gone))})
	if want := `collect job payload: "from": ` + gone + ": no such file or folder"; err == nil || !strings.HasPrefix(err.Error(), want+" (paths in a payload") || attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestCheckListIgnoresParams: listing the checks reads no parameters, so
// a broken parameter file in the data directory fails only what uses it.
func TestCheckListIgnoresParams(t *testing.T) {
	dir := setup(t)
	if err := os.WriteFile(filepath.Join(dir, "attest-data", "check-params.yaml"), []byte("- not: [a mapping\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, "", "check", "list"); r.code != 0 {
		t.Errorf("check list with a broken parameter file: %+v", r)
	}
	if r := run(t, dir, "", "check", "params"); r.code != 2 || !strings.Contains(r.stderr, "check-params.yaml") {
		t.Errorf("check params with a broken parameter file: %+v", r)
	}
}

// TestReportOutIsFile: --out naming a file is refused before anything is
// drafted, by its flag.
func TestReportOutIsFile(t *testing.T) {
	dir := setup(t)
	if err := os.WriteFile(filepath.Join(dir, "afile"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, dir, "", "report", "build", "--out", "afile"); r.code != 2 || !strings.Contains(r.stderr, "--out afile: a file, not a folder") {
		t.Errorf("report build --out afile: %+v", r)
	}
}
