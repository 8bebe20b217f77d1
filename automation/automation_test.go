package automation_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/automation"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

var now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// exports is a folder of GitHub branch-protection fixtures (testdata).
const exports = "../testdata/formats/github"

func TestNamed(t *testing.T) {
	flag := func(f string) string { return "--" + f }
	_, _, err := automation.Checks{Dir: filepath.Join(t.TempDir(), "gone")}.Load(now, nil)
	err = automation.Named(err, flag)
	if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), "--checks ") || !strings.HasSuffix(err.Error(), "gone: no such file or directory") {
		t.Fatalf("missing checks folder: %v", err)
	}
	_, err = automation.Run(context.Background(), automation.Env{Now: func() time.Time { return now }}, check.Builtin(), check.Options{Now: now}, nil, "gone")
	if got := automation.Named(err, func(f string) string { return `"` + f + `":` }); got == nil || got.Error() != `"input": gone: no such file or directory` {
		t.Fatalf("missing input: %v", got)
	}
	other := errors.New("not a path")
	if automation.Named(other, flag) != other {
		t.Fatal("an error that is not a path's was changed")
	}
}

// TestCollectNeedsStore: a collection is kept, so there must be a store
// to keep it in.
func TestCollectNeedsStore(t *testing.T) {
	_, err := automation.Collect(context.Background(), automation.Env{Now: func() time.Time { return now }}, automation.Collection{From: exports})
	if attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("collect with no store: %v", err)
	}
}

func TestChecksParams(t *testing.T) {
	dir := t.TempDir()
	def := filepath.Join(dir, "check-params.yaml")
	write(t, def, "github_enforce_admins: {x: 1}\n")
	_, o, err := automation.Checks{DefaultParams: def}.Load(now, nil)
	if err != nil || o.Params["github_enforce_admins"]["x"] != 1 {
		t.Fatalf("default params not read: %v %v", o.Params, err)
	}
	given := filepath.Join(dir, "mine.yaml")
	write(t, given, "github_enforce_admins: {x: 2}\n")
	if _, o, _ = (automation.Checks{Params: given, DefaultParams: def}).Load(now, nil); o.Params["github_enforce_admins"]["x"] != 2 {
		t.Fatalf("given params not preferred: %v", o.Params)
	}
	write(t, given, "- a list\n")
	if _, _, err = (automation.Checks{Params: given}).Load(now, nil); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), given) {
		t.Fatalf("bad params: %v", err)
	}
	_, _, err = automation.Checks{Params: filepath.Join(dir, "gone.yaml")}.Load(now, nil)
	var pe *automation.PathError
	if !errors.As(err, &pe) || pe.Field != "params" {
		t.Fatalf("missing params: %v", err)
	}
	if _, o, err = (automation.Checks{DefaultParams: filepath.Join(dir, "none.yaml")}).Load(now, nil); err != nil || o.Params != nil {
		t.Fatalf("a missing default file is not an error: %v %v", o.Params, err)
	}
}

// TestCollectThenRun collects a folder, runs the checks over what was
// collected and records both, signing after each; without Keep a run is
// not recorded.
func TestCollectThenRun(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ctls := storetest.Controls(2)
	ctls[0].ID, ctls[1].ID = "CHG-02", "CHG-03"
	ch := attest.Change{Actor: "ops", At: now}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	signed := 0
	env := automation.Env{Store: s, Blobs: bs, Keep: automation.KeepEach(s, bs, ch), By: "ops", Version: "test", Now: func() time.Time { return now },
		Checkpoint: func(context.Context) error { signed++; return nil }}
	cols, err := automation.Collect(ctx, env, automation.Collection{From: exports, Label: "exports"})
	if err != nil || len(cols) != 1 || cols[0].Source != "files" || cols[0].Evidence == 0 || signed != 1 {
		t.Fatalf("collect: %+v %v (signed %d)", cols, err, signed)
	}
	for _, r := range cols[0].Records {
		if filepath.IsAbs(r.Source) || strings.HasPrefix(r.Source, "..") {
			t.Fatalf("record named outside the folder: %s", r.Source)
		}
	}
	ev, err := s.Evidence(ctx, cols[0].Evidence)
	if err != nil || ev.Method != attest.MethodCollector || ev.Date != "2026-06-01" || ev.Source != "exports" {
		t.Fatalf("collection evidence: %+v %v", ev, err)
	}
	run, err := automation.Run(ctx, env, check.Builtin(), check.Options{Now: now}, nil, "")
	if err != nil || run.Evidence == nil || run.Input.From != "collected" || signed != 2 {
		t.Fatalf("run: %+v %v (signed %d)", run, err, signed)
	}
	if len(run.Input.Evidence) != 1 || run.Input.Evidence[0] != cols[0].Evidence {
		t.Fatalf("the run does not name the collection it read: %v", run.Input.Evidence)
	}
	latest, err := check.LatestEvidence(ctx, s)
	if err != nil || latest != *run.Evidence {
		t.Fatalf("latest run %d, want %d (%v)", latest, *run.Evidence, err)
	}
	env.Keep = nil
	run, err = automation.Run(ctx, env, check.Builtin(), check.Options{Now: now}, nil, exports)
	if err != nil || run.Evidence != nil || signed != 2 {
		t.Fatalf("a run without Keep was recorded: %+v %v", run, err)
	}
}

// TestKeepOnce returns the effect an earlier attempt of the job recorded
// instead of recording it again.
func TestKeepOnce(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ctls := storetest.Controls(1)
	ch := attest.Change{Actor: "attest job 7", At: now}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	first, err := automation.KeepEach(s, bs, ch)(ctx, "run", []byte("{}"), attest.Evidence{Name: "run.json", Controls: []string{ctls[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	j := &attest.Job{ID: 7, Effects: map[string]int64{"run": first.ID}}
	again, err := automation.KeepOnce(s, bs, ch, j)(ctx, "run", []byte("{}"), attest.Evidence{Name: "run.json", Controls: []string{ctls[0].ID}})
	if err != nil || again.ID != first.ID {
		t.Fatalf("kept again: %+v %v", again, err)
	}
	all, err := s.EvidenceList(ctx, ctls[0].ID, true)
	if err != nil || len(all) != 1 {
		t.Fatalf("%d evidence items, want 1 (%v)", len(all), err)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
