package demo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/demo"
)

// TestFresh replaces what an earlier demo made and refuses anything else:
// a data directory that is not empty, an auditor's folder it did not make.
func TestFresh(t *testing.T) {
	root := t.TempDir()
	conflict := func(dir, want string) {
		t.Helper()
		err := demo.Fresh(dir, nil)
		var ae *attest.Error
		if !errors.As(err, &ae) || ae.Code != attest.ECONFLICT || !strings.Contains(ae.Message, want) {
			t.Errorf("Fresh(%s) = %v, want a conflict saying %q", dir, err, want)
		}
	}
	full := filepath.Join(root, "full")
	write(t, filepath.Join(full, "x"))
	conflict(full, "already exists and is not empty")
	foreign := filepath.Join(root, "foreign")
	write(t, filepath.Join(demo.AuditorDir(foreign), "y"))
	conflict(foreign, "was not made by the demo")

	dir := filepath.Join(root, "data")
	var progress bytes.Buffer
	for range 2 {
		if err := demo.Fresh(dir, &progress); err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(os.MkdirAll(dir, 0o700), demo.Mark(dir)); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "attest.db"))
		write(t, filepath.Join(demo.AuditorDir(dir), "ana-lima.key"))
	}
	if want := "Replacing the previous demo in " + dir + "\n"; progress.String() != want {
		t.Errorf("progress %q, want %q", progress.String(), want)
	}
	if err := demo.Fresh(dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the earlier demo's data directory is still there: %v", err)
	}
	if entries, err := os.ReadDir(demo.AuditorDir(dir)); err != nil || len(entries) != 1 || entries[0].Name() != demo.Marker {
		t.Errorf("the auditor's folder holds %v (%v), want only its marker", entries, err)
	}
}

// TestJobs: each of the demo's jobs has its own key and a JSON payload.
func TestJobs(t *testing.T) {
	keys := map[string]bool{}
	for _, j := range demo.Jobs() {
		if !json.Valid(j.Payload) || j.Kind == "" || keys[j.Key] {
			t.Errorf("job %+v: want a kind, a key of its own and a JSON payload", j)
		}
		keys[j.Key] = true
	}
	if len(keys) != 3 {
		t.Errorf("%d jobs, want the three reminders", len(keys))
	}
}

func write(t *testing.T, path string) {
	t.Helper()
	if err := errors.Join(os.MkdirAll(filepath.Dir(path), 0o700), os.WriteFile(path, []byte("x"), 0o600)); err != nil {
		t.Fatal(err)
	}
}
