package main

import (
	"bytes"

	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest/internal/testkit"
)

// serveProcess is an `attest serve` process.
type serveProcess struct {
	cmd  *exec.Cmd
	url  string
	log  *testkit.SyncBuffer
	done chan struct{}
}

var servingURL = regexp.MustCompile(`"msg":"serving","url":"(http://[^"]+)/"`)

// startServe runs `attest serve` on a free port and waits until it is ready.
func startServe(t *testing.T, dir string, args ...string) *serveProcess {
	t.Helper()
	return startServeEnv(t, dir, os.Environ(), args...)
}

// startServeEnv is startServe with the process's environment given.
func startServeEnv(t *testing.T, dir string, env []string, args ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	s := &serveProcess{cmd: cmd, log: &testkit.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for s.url == "" {
		if m := servingURL.FindStringSubmatch(s.log.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case <-s.done:
			t.Fatalf("attest serve exited: %s", s.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("attest serve did not start: %s", s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.waitReady(t, 30*time.Second)
	return s
}

func (s *serveProcess) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s: %v\n%s", s.url, within, err, s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *serveProcess) kill() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
	}
}

// stop asks the server to shut down gracefully.
func (s *serveProcess) stop(t *testing.T) {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Errorf("attest serve did not stop on SIGTERM: %s", s.log)
		s.kill()
	}
}

// uploadEvidence posts one file to the API with a token.
func uploadEvidence(base, token, name, content string) (int, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("control", "AC-06")
	mw.WriteField("date", "2026-03-31")
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/evidence", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type jobView struct {
	ID       int64            `json:"id"`
	Kind     string           `json:"kind"`
	State    string           `json:"state"`
	Attempts int              `json:"attempts"`
	LockedBy string           `json:"locked_by"`
	Error    string           `json:"last_error"`
	Effects  map[string]int64 `json:"effects"`
}

func listJobs(t *testing.T, dir string, team []string) []jobView {
	t.Helper()
	return decode[struct {
		Jobs []jobView `json:"jobs"`
	}](t, mustRun(t, dir, append([]string{"job", "list", "--json", "--limit", "1000"}, team...)...)).Jobs
}

// waitJobs waits until no job is queued or running.
func waitJobs(t *testing.T, dir string, team []string, within time.Duration) []jobView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		l := listJobs(t, dir, team)
		busy := 0
		for _, j := range l {
			if j.State == "queued" || j.State == "running" {
				busy++
			}
		}
		if busy == 0 {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still queued or running after %s: %+v", busy, within, l)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// teamSetup makes a data directory on a fresh PostgreSQL database with an
// engagement, an admin and an API token.
func teamSetup(t *testing.T) (dir string, team []string, token string) {
	t.Helper()
	url := pgDatabase(t)
	dir = t.TempDir()
	team = []string{"--data", "team", "--db", url}
	mustRun(t, dir, append([]string{"init"}, team...)...)
	mustRun(t, dir, append([]string{"engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31"}, team...)...)
	mustRun(t, dir, append([]string{"user", "add", "--service", "--email", "ci@example.com", "--name", "CI", "--role", "admin"}, team...)...)
	tok := decode[map[string]any](t, mustRun(t, dir, append([]string{"token", "create", "--user", "ci@example.com", "--name", "ci", "--json"}, team...)...))
	return dir, team, tok["secret"].(string)
}

// checkInput writes a generated check input document of n resources.
func checkInput(t *testing.T, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("input-%d.json", n))
	out, err := exec.Command("go", "run", "../../bench/checkdata", "-n", fmt.Sprint(n)).Output()
	if err != nil {
		t.Fatalf("checkdata: %v", err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ledgerSize(t *testing.T, dir string, team []string) int64 {
	t.Helper()
	return int64(decode[map[string]any](t, mustRun(t, dir, append([]string{"ledger", "checkpoint", "--json"}, team...)...))["size"].(float64))
}

func evidenceCount(t *testing.T, dir string, team []string) int {
	t.Helper()
	return len(decode[[]map[string]any](t, mustRun(t, dir, append([]string{"evidence", "list", "--all", "--json"}, team...)...)))
}

// TestTwoServers runs two `attest serve` processes on one PostgreSQL
// database, uploads evidence to both at once and enqueues jobs: afterwards
// nothing is lost, duplicated or forked, and every job ran once.
func TestTwoServers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real servers; skipped with -short")
	}
	dir, team, token := teamSetup(t)
	input := checkInput(t, dir, 500)
	before := ledgerSize(t, dir, team)
	a := startServe(t, dir, append([]string{"--worker-id", "a", "--job-poll", "50ms"}, team...)...)
	b := startServe(t, dir, append([]string{"--worker-id", "b", "--job-poll", "50ms"}, team...)...)

	const jobs = 8
	for i := 0; i < jobs; i++ {
		mustRun(t, dir, append([]string{"job", "enqueue", "check-run", "--payload", fmt.Sprintf(`{"input": %q}`, input), "--key", fmt.Sprint("run-", i)}, team...)...)
	}
	// The same key again (a second server scheduling the same slot): no new job.
	again := decode[map[string]any](t, mustRun(t, dir, append([]string{"job", "enqueue", "check-run", "--payload", fmt.Sprintf(`{"input": %q}`, input), "--key", "run-0", "--json"}, team...)...))
	if again["created"] != false {
		t.Errorf("a second enqueue with the same key made a job: %v", again)
	}
	const perServer, writers = 15, 3
	var wg sync.WaitGroup
	errs := make(chan string, 2*writers*perServer)
	for _, s := range []*serveProcess{a, b} {
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(base string, w int) {
				defer wg.Done()
				for i := 0; i < perServer/writers; i++ {
					name := fmt.Sprintf("%s-%d-%d.txt", strings.TrimPrefix(base, "http://"), w, i)
					if code, body := uploadEvidence(base, token, name, "evidence "+name); code != 201 && code != 200 {
						errs <- fmt.Sprintf("upload %s: %d %s", name, code, body)
					}
				}
			}(s.url, w)
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	l := waitJobs(t, dir, team, 3*time.Minute)
	a.stop(t)
	b.stop(t)
	if len(l) != jobs {
		t.Errorf("%d jobs, want %d", len(l), jobs)
	}
	workers := map[string]int{}
	jobEvidence := 0
	for _, j := range l {
		if j.State != "done" || j.Attempts != 1 || j.Effects["run"] == 0 || j.Effects["input"] == 0 {
			t.Errorf("job %+v: want done on the first attempt, with its input and run recorded", j)
		}
		workers[j.LockedBy]++
		jobEvidence += len(j.Effects)
	}
	t.Logf("jobs per worker: %v", workers)
	uploads := 2 * writers * (perServer / writers)
	if n := evidenceCount(t, dir, team); n != uploads+jobEvidence {
		t.Errorf("%d evidence records, want %d uploads + %d from jobs", n, uploads, jobEvidence)
	}
	if n := ledgerSize(t, dir, team); n != before+int64(uploads+jobEvidence) {
		t.Errorf("ledger size %d, want %d + %d", n, before, uploads+jobEvidence)
	}
	v := decode[map[string]any](t, mustRun(t, dir, append([]string{"verify", "--json"}, team...)...))
	if v["ok"] != true {
		t.Errorf("verify: %v", v)
	}
}

// TestKillServerMidJob kills the server running a long check-run job (60,000
// resources): the
// other server takes the job over when the lease runs out, the run is
// recorded once, and verify passes.
func TestKillServerMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real servers; skipped with -short")
	}
	dir, team, _ := teamSetup(t)
	input := checkInput(t, dir, 60000)
	flags := append([]string{"--job-poll", "50ms", "--job-lease", "2s"}, team...)
	a := startServe(t, dir, append([]string{"--worker-id", "a"}, flags...)...)
	b := startServe(t, dir, append([]string{"--worker-id", "b"}, flags...)...)
	mustRun(t, dir, append([]string{"job", "enqueue", "check-run", "--payload", fmt.Sprintf(`{"input": %q}`, input)}, team...)...)
	var holder string
	deadline := time.Now().Add(time.Minute)
	for holder == "" {
		if l := listJobs(t, dir, team); len(l) == 1 && l[0].State == "running" {
			holder = l[0].LockedBy
		} else if len(l) == 1 && l[0].State == "done" {
			t.Fatal("the job finished before it could be interrupted; give it a larger input")
		}
		if time.Now().After(deadline) {
			t.Fatal("the job was never claimed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	victim, survivor := a, b
	if holder == "b" {
		victim, survivor = b, a
	}
	victim.kill()
	if strings.Contains(victim.log.String(), `"msg":"job done"`) {
		t.Fatal("the job finished before the kill; give it a larger input")
	}
	l := waitJobs(t, dir, team, 5*time.Minute)
	survivor.stop(t)
	j := l[0]
	if j.State != "done" || j.Attempts != 2 || j.LockedBy == holder || j.Effects["run"] == 0 {
		t.Fatalf("job after the kill: %+v (killed %s)\nsurvivor log:\n%s", j, holder, survivor.log)
	}
	// Exactly one effect: one input snapshot and one run, recorded by the job.
	ev := decode[[]map[string]any](t, mustRun(t, dir, append([]string{"evidence", "list", "--all", "--json"}, team...)...))
	mine := 0
	for _, e := range ev {
		if e["added_by"] == fmt.Sprintf("attest job %d", j.ID) {
			mine++
		}
	}
	if mine != 2 || len(ev) != 2 {
		t.Errorf("%d evidence records from the job (%d in all), want 2: the input and the run", mine, len(ev))
	}
	v := decode[map[string]any](t, mustRun(t, dir, append([]string{"verify", "--json"}, team...)...))
	if v["ok"] != true {
		t.Errorf("verify: %v", v)
	}
}

// TestJobCommands covers attest job on the embedded store: bad kinds and
// payloads are refused with exit 2, keys make enqueue idempotent.
func TestJobCommands(t *testing.T) {
	dir := setup(t)
	if r := run(t, dir, "", "job", "enqueue", "mail"); r.code != 2 || !strings.Contains(r.stderr, "check-run") {
		t.Errorf("unknown kind: %+v", r)
	}
	if r := run(t, dir, "", "job", "enqueue", "check-run", "--payload", `{"inptu": "x"}`); r.code != 2 || !strings.Contains(r.stderr, "inptu") {
		t.Errorf("unknown payload field: %+v", r)
	}
	if r := run(t, dir, "", "job", "enqueue", "check-run", "--payload", `{`); r.code != 2 || !strings.Contains(r.stderr, "--payload") {
		t.Errorf("bad JSON: %+v", r)
	}
	if r := run(t, dir, "", "job", "list", "--state", "sleeping"); r.code != 2 {
		t.Errorf("bad state: %+v", r)
	}
	// The payload is checked against its kind's schema when queued, each
	// error naming the field (issue 19).
	os.Mkdir(filepath.Join(dir, "exports"), 0o755)
	writeFile(t, dir, "params.yaml", "{}")
	for _, c := range []struct{ kind, payload, want string }{
		{"check-run", `{"input": "no-such-folder"}`, `"input": no-such-folder: no such file or folder`},
		{"check-run", `{"checks": "params.yaml"}`, `"checks": params.yaml is a file, not a folder`},
		{"check-run", `{"params": "exports"}`, `"params": exports is a folder, not a file`},
		{"check-run", `{"check": ["ACC-1", " "]}`, `"check"[1]: an empty check ID`},
		{"check-run", `{"input": 3}`, `input`},
		{"collect", `{"from": "nowhere"}`, `"from": nowhere: no such file or folder`},
		{"collect", `{"source": "jira"}`, `"source": "jira" is not a connector`},
		{"collect", `{"config": "missing.yaml"}`, `"config": missing.yaml: no such file or folder`},
		{"report-build", `{"kind": "SOC 4"}`, `"kind": "SOC 4": want SOC 1, SOC 2 or SOC 3`},
		{"report-build", `{"type": "Type 3"}`, `"type": "Type 3"`},
		{"report-build", `{"format": "html,docx"}`, `"format": "docx"`},
		{"report-build", `{"out": "nowhere/drafts"}`, `"out": nowhere/drafts: the folder nowhere does not exist`},
		{"report-build", `{"out": "params.yaml"}`, `"out": params.yaml: a file, not a folder`},
		{"review-reminders", `{"unassigned_to": "the GRC team"}`, `"unassigned_to": "the GRC team" is not an e-mail address`},
	} {
		r := run(t, dir, "", "job", "enqueue", c.kind, "--payload", c.payload, "--json")
		if r.code != 2 || !strings.Contains(r.stdout, c.kind+" job payload") || !strings.Contains(r.stdout, strings.ReplaceAll(c.want, `"`, `\"`)) {
			t.Errorf("enqueue %s %s: exit %d, %s%s; want %q", c.kind, c.payload, r.code, r.stdout, r.stderr, c.want)
		}
	}
	if l := decode[map[string]any](t, mustRun(t, dir, "job", "list", "--json"))["jobs"]; len(l.([]any)) != 0 {
		t.Errorf("a refused payload was queued: %v", l)
	}
	mustRun(t, dir, "job", "enqueue", "check-run", "--payload", `{"input": "exports", "params": "params.yaml", "check": ["ACC-1"]}`, "--key", "ok")
	mustRun(t, dir, "job", "enqueue", "report-build", "--payload", `{"kind": "soc 2", "type": "Type 2", "format": "html,md", "out": "drafts"}`, "--key", "ok2")
	first := decode[map[string]any](t, mustRun(t, dir, "job", "enqueue", "collect", "--payload", `{"from": "exports"}`, "--key", "k1", "--json"))
	second := decode[map[string]any](t, mustRun(t, dir, "job", "enqueue", "collect", "--key", "k1", "--json"))
	if first["created"] != true || second["created"] != false || first["job"].(map[string]any)["id"] != second["job"].(map[string]any)["id"] {
		t.Errorf("enqueue with a key twice: %v then %v", first, second)
	}
	out := mustRun(t, dir, "job", "list")
	if !strings.Contains(out, "collect") || !strings.Contains(out, "queued") || !strings.Contains(out, "3 jobs.") {
		t.Errorf("job list: %s", out)
	}
}

// TestServeRunsJobsOnSQLite: the embedded store runs jobs too; a check-run
// job records the run as attest check run does, a collect job the
// collection, a report-build job its drafts.
func TestServeRunsJobsOnSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real server; skipped with -short")
	}
	dir := setup(t)
	input := checkInput(t, dir, 300)
	mustRun(t, dir, "job", "enqueue", "check-run", "--payload", fmt.Sprintf(`{"input": %q}`, input))
	// A folder that is gone by the time the job runs (enqueue refuses
	// one that is missing already).
	os.Mkdir(filepath.Join(dir, "gone-folder"), 0o755)
	mustRun(t, dir, "job", "enqueue", "check-run", "--payload", `{"input": "gone-folder"}`)
	os.Remove(filepath.Join(dir, "gone-folder"))
	mustRun(t, dir, "job", "enqueue", "collect", "--payload", fmt.Sprintf(`{"from": %q}`, input))
	mustRun(t, dir, "job", "enqueue", "report-build", "--payload", `{"out": "drafts"}`)
	s := startServe(t, dir, "--data", "attest-data", "--job-poll", "50ms")
	l := waitJobs(t, dir, nil, time.Minute)
	s.stop(t)
	byID := map[int64]jobView{}
	for _, j := range l {
		byID[j.ID] = j
	}
	if j := byID[1]; j.State != "done" || j.Effects["run"] == 0 {
		t.Errorf("check-run job: %+v", j)
	}
	// Bad input is not retried.
	if j := byID[2]; j.State != "failed" || j.Attempts != 1 || !strings.Contains(j.Error, "gone-folder") {
		t.Errorf("job with a missing input: %+v", j)
	}
	if j := byID[3]; j.State != "done" || j.Effects["collect:files"] == 0 {
		t.Errorf("collect job: %+v", j)
	}
	if j := byID[4]; j.State != "done" || j.Effects["render:html"] == 0 || j.Effects["render:md"] == 0 {
		t.Errorf("report-build job: %+v", j)
	}
	if l, _ := filepath.Glob(filepath.Join(dir, "drafts", "*.html")); len(l) != 1 {
		t.Errorf("report-build job wrote %v", l)
	}
	ev := decode[map[string]any](t, mustRun(t, dir, "evidence", "show", fmt.Sprint(byID[1].Effects["run"]), "--json"))["evidence"].(map[string]any)
	if ev["method"] != "check" || ev["added_by"] != "attest job 1" {
		t.Errorf("run evidence: %v", ev)
	}
	mustRun(t, dir, "verify")
}

// TestStoreCopyNamesTo: store copy's errors about the target database name
// --to, the flag the user gave, not --db (issue 19).
func TestStoreCopyNamesTo(t *testing.T) {
	dir := setup(t)
	if r := run(t, dir, "", "store", "copy", "--from", "attest-data", "--to", "mysql://db", "--data", "copy"); r.code != 2 || !strings.Contains(r.stderr, "--to: want a postgres:// URL") || strings.Contains(r.stderr, "--db") {
		t.Errorf("store copy --to mysql://: %+v", r)
	}
	r := run(t, dir, "", "store", "copy", "--from", "attest-data", "--to", "postgres://u:secret@127.0.0.1:1/none", "--data", "copy")
	if r.code == 0 || !strings.Contains(r.stderr, "check --to and that the server is running") || strings.Contains(r.stderr, "--db") || strings.Contains(r.stderr, "secret") {
		t.Errorf("store copy --to an unreachable server: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "copy")); err == nil {
		t.Error("a failed copy left its target folder")
	}
}

// TestServeChecksSchedulePayloads: a periodic job whose payload names a
// folder that does not exist stops attest serve at once, naming the file,
// the job and the field.
func TestServeChecksSchedulePayloads(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "schedule.yaml", "- name: nightly\n  kind: check-run\n  every: 24h\n  payload: {input: no-exports}\n")
	r := run(t, dir, "", "serve", "--addr", "127.0.0.1:0", "--schedule", "schedule.yaml")
	if r.code != 2 || !strings.Contains(r.stderr, `schedule.yaml: job "nightly": check-run job payload: "input": no-exports`) {
		t.Errorf("serve with a bad schedule: %+v", r)
	}
}
