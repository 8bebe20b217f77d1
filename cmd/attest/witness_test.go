package main

import (
	"bytes"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest/witness"
)

// copyDir copies a data directory (no process has it open).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		info, err := e.Info()
		if err != nil {
			return err
		}
		if e.IsDir() {
			return os.MkdirAll(to, info.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// putBack replaces the data directory with an older copy of it.
func putBack(t *testing.T, old, data string) {
	t.Helper()
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	copyDir(t, old, data)
}

type verifyJSON struct {
	OK       bool `json:"ok"`
	Entries  int64
	Problems []struct {
		Kind   string `json:"kind"`
		Entry  int64  `json:"entry"`
		Ref    string `json:"ref"`
		Detail string `json:"detail"`
	} `json:"problems"`
	Witnesses []struct {
		Name        string `json:"name"`
		Status      string `json:"status"`
		Checkpoints int    `json:"checkpoints"`
		Size        int64  `json:"size"`
		Root        string `json:"root"`
		Matched     int64  `json:"matched"`
		Detail      string `json:"detail"`
	} `json:"witnesses"`
}

func (v verifyJSON) kinds() string {
	var k []string
	for _, p := range v.Problems {
		k = append(k, p.Kind)
	}
	return strings.Join(k, ",")
}

// TestWitnessRollbackProcess is the case, with real processes: a
// file witness on "another volume", more writes, then an older copy of the
// data directory put in place of the current one. verify reports it as
// rolled back; writing on in the old copy makes it forked.
func TestWitnessRollbackProcess(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "other-volume"), 0o755)
	wfile := filepath.Join(dir, "other-volume", "attest.witness")
	list := []string{"--data", "d", "--witnesses", filepath.Join(dir, "config", "witnesses.yaml")}
	bin := func(want int, args ...string) string {
		t.Helper()
		out, code := runBin(t, dir, append(args, list...)...)
		if code != want {
			t.Fatalf("attest %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	bin(0, "init")
	bin(0, "engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31")
	bin(0, "ledger", "witness", "add", "file:"+wfile)
	copyDir(t, filepath.Join(dir, "d"), filepath.Join(dir, "old"))
	oldSize := decode[verifyJSON](t, bin(0, "verify", "--json")).Entries
	bin(0, "controls", "set", "AC-01", "--owner", "Dana Ortiz")
	bin(0, "controls", "set", "AC-02", "--owner", "Dana Ortiz")
	if out := bin(0, "verify"); !strings.Contains(out, "file:"+wfile+": ok (3 checkpoints") {
		t.Errorf("verify before the rollback:\n%s", out)
	}

	putBack(t, filepath.Join(dir, "old"), filepath.Join(dir, "d"))
	out := bin(1, "verify")
	if !strings.Contains(out, "rolled back") || !strings.Contains(out, "rolled_back") || strings.Contains(out, "truncated") {
		t.Errorf("verify after the rollback:\n%s", out)
	}
	v := decode[verifyJSON](t, bin(1, "verify", "--json"))
	w := v.Witnesses[0]
	if v.kinds() != "rolled_back" || w.Status != "rolled_back" || w.Name != "file:"+wfile || w.Matched != oldSize || w.Size != oldSize+2 || w.Checkpoints != 3 {
		t.Errorf("verify --json after the rollback: %+v", v)
	}

	// The old copy written to: its history and the witness's part ways.
	for _, id := range []string{"AC-03", "AC-04", "AC-05"} {
		bin(0, "controls", "set", id, "--owner", "Eve Ng")
	}
	if out := bin(1, "verify"); !strings.Contains(out, "forked") || !strings.Contains(out, "the histories disagree") {
		t.Errorf("verify after writing to the old copy:\n%s", out)
	}
	if v := decode[verifyJSON](t, bin(1, "verify", "--json")); v.kinds() != "forked" || v.Witnesses[0].Status != "forked" {
		t.Errorf("verify --json of the fork: %+v", v)
	}
}

// TestWitnessCommands: add, list and remove, what they refuse, and a
// witness that fails during a write.
func TestWitnessCommands(t *testing.T) {
	dir := setup(t)
	conf := filepath.Join(dir, "conf", "witnesses.yaml")
	other := filepath.Join(dir, "vol")
	os.Mkdir(other, 0o755)
	wl := func(args ...string) result { return run(t, dir, "", append(args, "--witnesses", conf)...) }
	for _, c := range []struct{ args []string }{
		{[]string{"ledger", "witness", "add", "file:rel/path"}},
		{[]string{"ledger", "witness", "add", "file:" + filepath.Join(dir, "attest-data", "w")}},
		{[]string{"ledger", "witness", "add", "file:" + filepath.Join(dir, "unmounted", "w")}},
		{[]string{"ledger", "witness", "add", "ftp://x/y"}},
	} {
		if r := wl(c.args...); r.code != 2 || r.stderr == "" {
			t.Errorf("%v: exit %d %s", c.args, r.code, r.stderr)
		}
	}
	if r := run(t, dir, "", "ledger", "witness", "add", "file:"+filepath.Join(other, "w"), "--witnesses", filepath.Join(dir, "attest-data", "w.yaml")); r.code != 2 || !strings.Contains(r.stderr, "inside the data directory") {
		t.Errorf("a list inside the data directory: %+v", r)
	}
	if _, err := os.Stat(conf); err == nil {
		t.Fatal("a refused witness was written to the list")
	}

	loc := "file:" + filepath.Join(other, "w")
	added := decode[map[string]any](t, wl("ledger", "witness", "add", loc, "--json").stdout)
	if added["added"] != true || added["kind"] != "file" || added["list"] != conf {
		t.Errorf("add --json: %v", added)
	}
	if again := decode[map[string]any](t, wl("ledger", "witness", "add", loc, "--json").stdout); again["added"] != false {
		t.Errorf("adding it again: %v", again)
	}
	listed := decode[map[string]any](t, wl("ledger", "witness", "list", "--json").stdout)
	hasKeys(t, "witness list --json", listed, "data", "list", "key", "witnesses")
	if ws := listed["witnesses"].([]any); len(ws) != 1 || ws[0].(map[string]any)["location"] != loc || ws[0].(map[string]any)["kind"] != "file" {
		t.Errorf("list: %v", listed)
	}
	held := func() int {
		n, err := witness.NewFile(filepath.Join(other, "w")).Checkpoints(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return len(n)
	}
	before := held()
	if r := wl("controls", "set", "AC-01", "--owner", "Dana Ortiz"); r.code != 0 || r.stderr != "" || held() != before+1 {
		t.Errorf("a write with a witness: exit %d, %s; the witness holds %d checkpoints, had %d", r.code, r.stderr, held(), before)
	}

	// The witness's volume goes away: writes go on, with a warning.
	os.Rename(other, other+".away")
	if r := wl("controls", "set", "AC-02", "--owner", "Dana Ortiz"); r.code != 0 || !strings.Contains(r.stderr, "did not take the checkpoint") || !strings.Contains(r.stderr, "mounted") {
		t.Errorf("a write while the witness is away: %+v", r)
	}
	if r := wl("verify"); r.code != 0 || !strings.Contains(r.stderr, "was not compared (unreachable)") {
		t.Errorf("verify while the witness is away: %+v", r)
	}
	os.Rename(other+".away", other)

	if r := wl("ledger", "witness", "remove", loc); r.code != 0 {
		t.Errorf("remove: %+v", r)
	}
	if r := wl("ledger", "witness", "remove", loc); r.code != 2 || !strings.Contains(r.stderr, "has no witness") {
		t.Errorf("remove again: %+v", r)
	}
	if r := wl("ledger", "witness", "list"); !strings.Contains(r.stdout, "has no witnesses") {
		t.Errorf("list after remove: %+v", r)
	}

	writeFile(t, dir, "conf/witnesses.yaml", "ledgers:\n  - data: /x\n    key: nope\n")
	if r := wl("verify"); r.code != 2 || !strings.Contains(r.stderr, "witnesses.yaml: line 3: key") {
		t.Errorf("verify with a broken list: %+v", r)
	}
	if r := wl("controls", "set", "AC-03", "--owner", "Dana Ortiz"); r.code != 0 || !strings.Contains(r.stderr, "line 3") {
		t.Errorf("a write with a broken list: %+v", r)
	}
	if r := run(t, dir, "", "verify", "--witnesses", filepath.Join(dir, "nowhere.yaml")); r.code != 2 || !strings.Contains(r.stderr, "nowhere.yaml") {
		t.Errorf("verify with a named list that is not there: %+v", r)
	}
	// The list's default place is in the user's configuration folder.
	xdg := filepath.Join(dir, "xdg")
	if r := runEnv(t, dir, map[string]string{"XDG_CONFIG_HOME": xdg}, "ledger", "witness", "add", loc); r.code != 0 {
		t.Errorf("add with the default list: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(xdg, "attest", "witnesses.yaml")); err != nil {
		t.Errorf("the default list: %v", err)
	}
	if r := runEnv(t, dir, map[string]string{"ATTEST_WITNESSES": conf}, "ledger", "witness", "list"); r.code != 2 || !strings.Contains(r.stderr, "line 3") {
		t.Errorf("ATTEST_WITNESSES names the list: %+v", r)
	}
}

// TestWitnessTruncatedStays: entries cut from the database while the data
// directory's own checkpoints still cover them are "truncated", as before;
// the witness agrees instead of reporting a rollback.
func TestWitnessTruncatedStays(t *testing.T) {
	dir := setup(t)
	os.Mkdir(filepath.Join(dir, "vol"), 0o755)
	conf := []string{"--witnesses", filepath.Join(dir, "w.yaml")}
	mustRun(t, dir, append([]string{"ledger", "witness", "add", "file:" + filepath.Join(dir, "vol", "w")}, conf...)...)
	writeFile(t, dir, "a.txt", "evidence")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "a.txt", "--date", "2026-03-31", "--witnesses", conf[1])
	tamper(t, dir, `DELETE FROM ledger_entries WHERE seq = 1`, `DELETE FROM ledger_hashes WHERE idx >= 1`, `DELETE FROM evidence WHERE id = 1`)
	v := decode[verifyJSON](t, run(t, dir, "", append([]string{"verify", "--json"}, conf...)...).stdout)
	if !strings.Contains(v.kinds(), "truncated") || strings.Contains(v.kinds(), "rolled_back") || v.Witnesses[0].Status != "truncated" {
		t.Errorf("truncated inside the data directory: %+v", v)
	}
}

// hook is a webhook witness as its owner might run it.
type hook struct {
	mu          sync.Mutex
	notes       [][]byte
	receiveOnly bool
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Method == http.MethodPost:
		b, _ := io.ReadAll(r.Body)
		for _, n := range h.notes {
			if bytes.Equal(n, b) {
				return
			}
		}
		h.notes = append(h.notes, b)
	case r.Method == http.MethodGet && !h.receiveOnly:
		w.Write(witness.Format(h.notes))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// TestWebhookWitness: a webhook gets every checkpoint, and verify reads
// them back; one that only receives is a warning.
func TestWebhookWitness(t *testing.T) {
	h := &hook{}
	ts := httptest.NewServer(h)
	defer ts.Close()
	dir := setup(t)
	conf := []string{"--witnesses", filepath.Join(dir, "w.yaml")}
	do := func(want int, args ...string) result {
		t.Helper()
		r := run(t, dir, "", append(args, conf...)...)
		if r.code != want {
			t.Fatalf("attest %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r
	}
	do(0, "ledger", "witness", "add", ts.URL+"/attest?key=s3cret")
	copyDir(t, filepath.Join(dir, "attest-data"), filepath.Join(dir, "old"))
	do(0, "controls", "set", "AC-01", "--owner", "Dana Ortiz")
	if len(h.notes) != 2 {
		t.Fatalf("the webhook got %d checkpoints, want 2", len(h.notes))
	}
	if r := do(0, "verify"); !strings.Contains(r.stdout, ts.URL+"/attest?...: ok") || strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Errorf("verify with the webhook:\n%s%s", r.stdout, r.stderr)
	}
	putBack(t, filepath.Join(dir, "old"), filepath.Join(dir, "attest-data"))
	if v := decode[verifyJSON](t, do(1, "verify", "--json").stdout); v.kinds() != "rolled_back" {
		t.Errorf("verify after the rollback: %+v", v)
	}
	h.receiveOnly = true
	if r := do(0, "verify"); !strings.Contains(r.stderr, "was not compared (receive only)") {
		t.Errorf("a webhook that only receives:\n%s%s", r.stdout, r.stderr)
	}
}

// TestCheckpointFileIsAWitness: a checkpoint an auditor saved outside the
// data directory tells a rollback too (it was reported as truncated).
func TestCheckpointFileIsAWitness(t *testing.T) {
	dir := setup(t)
	copyDir(t, filepath.Join(dir, "attest-data"), filepath.Join(dir, "old"))
	mustRun(t, dir, "controls", "set", "AC-01", "--owner", "Dana Ortiz")
	mustRun(t, dir, "ledger", "checkpoint", "--out", "saved.txt")
	putBack(t, filepath.Join(dir, "old"), filepath.Join(dir, "attest-data"))
	r := run(t, dir, "", "verify", "--checkpoint", "saved.txt", "--json")
	v := decode[verifyJSON](t, r.stdout)
	if r.code != 1 || v.kinds() != "rolled_back" || v.Witnesses[0].Name != "file:saved.txt" || v.Witnesses[0].Matched != 0 {
		t.Errorf("verify --checkpoint after a rollback: exit %d %+v", r.code, v)
	}
}

// TestLedgerKeyOutside: --ledger-key keeps the signing key out of the data
// directory; a directory replaced by another ledger shows against the key
// its witnesses were added for.
func TestLedgerKeyOutside(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "ledger.key")
	mustRun(t, dir, "init", "--ledger-key", key)
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "attest-data", "keys", "ledger.key")); err == nil {
		t.Error("the data directory holds a signing key")
	}
	create := []string{"engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31"}
	if r := run(t, dir, "", create...); r.code != 2 || !strings.Contains(r.stderr, "--ledger-key") {
		t.Errorf("a write without the key: %+v", r)
	}
	if v := decode[verifyJSON](t, mustRun(t, dir, "verify", "--json")); v.Entries != 0 || !v.OK {
		t.Errorf("the refused write changed something: %+v", v)
	}
	if r := runEnv(t, dir, map[string]string{"ATTEST_LEDGER_KEY": key}, create...); r.code != 0 {
		t.Errorf("a write with ATTEST_LEDGER_KEY: %+v", r)
	}
	mustRun(t, dir, "verify") // the public key alone verifies
	os.Chmod(key, 0o644)
	if r := run(t, dir, "", append(create, "--ledger-key", key)...); r.code != 2 || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("a key others can read: %+v", r)
	}
	os.Chmod(key, 0o600)
	mustRun(t, dir, "init", "--data", "other")
	if r := run(t, dir, "", "controls", "list", "--data", "other", "--ledger-key", key); r.code != 2 || !strings.Contains(r.stderr, "is not this data directory's key") {
		t.Errorf("another directory's key: %+v", r)
	}

	// A witness, then the whole directory replaced by a new ledger with
	// its own key: the witness's checkpoints do not verify, and the key is
	// not the one the witnesses were added for.
	conf := filepath.Join(dir, "w.yaml")
	os.Mkdir(filepath.Join(dir, "vol"), 0o755)
	mustRun(t, dir, "ledger", "witness", "add", "file:"+filepath.Join(dir, "vol", "w"), "--witnesses", conf, "--ledger-key", key)
	os.RemoveAll(filepath.Join(dir, "attest-data"))
	mustRun(t, dir, "init")
	v := decode[verifyJSON](t, run(t, dir, "", "verify", "--json", "--witnesses", conf).stdout)
	if v.OK || v.kinds() != "key_changed,witness_invalid" || v.Witnesses[0].Status != "invalid" {
		t.Errorf("a data directory replaced by another ledger: %+v", v)
	}
}

// TestServerSendsToWitnesses: the server signs checkpoints through the
// function its configuration gets from the data directory, and that one
// sends them to the witnesses too.
func TestServerSendsToWitnesses(t *testing.T) {
	dir := setup(t)
	conf := filepath.Join(dir, "w.yaml")
	wfile := filepath.Join(dir, "vol", "w")
	os.Mkdir(filepath.Dir(wfile), 0o755)
	mustRun(t, dir, "ledger", "witness", "add", "file:"+wfile, "--witnesses", conf)
	mustRun(t, dir, "controls", "set", "AC-01", "--owner", "Dana Ortiz") // not witnessed: no list given
	before, _ := witness.NewFile(wfile).Checkpoints(t.Context())

	var errb bytes.Buffer
	m := &Main{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }, Now: func() time.Time { return testNow }}
	m.cfg.dataDir, m.cfg.witnesses = filepath.Join(dir, "attest-data"), conf
	d, err := m.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg, err := m.webConfig(d, serveFlags{}, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}
	after, err := witness.NewFile(wfile).Checkpoints(t.Context())
	if err != nil || len(after) != len(before)+1 || errb.Len() != 0 {
		t.Fatalf("the witness holds %d checkpoints after the server signed one, had %d (%v) %s", len(after), len(before), err, errb.String())
	}
	if v := decode[verifyJSON](t, mustRun(t, dir, "verify", "--json", "--witnesses", conf)); !v.OK || v.Witnesses[0].Status != "ok" || v.Witnesses[0].Size != v.Entries {
		t.Errorf("verify after the server's checkpoint: %+v", v)
	}
}

// TestS3Witness: the same rollback, told by a witness in an S3 bucket (the
// S3-compatible server that .ci/run starts).
func TestS3Witness(t *testing.T) {
	bucket := s3Bucket(t)
	dir := setup(t)
	env := map[string]string{"AWS_ENDPOINT_URL": os.Getenv("AWS_ENDPOINT_URL"), "ATTEST_WITNESSES": filepath.Join(dir, "w.yaml")}
	do := func(want int, args ...string) result {
		t.Helper()
		r := runEnv(t, dir, env, args...)
		if r.code != want {
			t.Fatalf("attest %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r
	}
	do(0, "ledger", "witness", "add", "s3://"+bucket+"/witness")
	copyDir(t, filepath.Join(dir, "attest-data"), filepath.Join(dir, "old"))
	do(0, "controls", "set", "AC-01", "--owner", "Dana Ortiz")
	if r := do(0, "verify"); !strings.Contains(r.stdout, "s3://"+bucket+"/witness: ok") || r.stderr != "" {
		t.Errorf("verify with the S3 witness:\n%s%s", r.stdout, r.stderr)
	}
	putBack(t, filepath.Join(dir, "old"), filepath.Join(dir, "attest-data"))
	if v := decode[verifyJSON](t, do(1, "verify", "--json").stdout); v.kinds() != "rolled_back" || v.Witnesses[0].Checkpoints != 2 {
		t.Errorf("verify after the rollback: %+v", v)
	}
}
