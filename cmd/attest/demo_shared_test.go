package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/attest-dev/attest/internal/demo"
)

// sharedDemo is the demo built once for this test binary, the first time
// a test asks for it (demoCopy): dir holds the data directory
// attest-data and the auditor's folder beside it, out is demo --json's
// answer. A demo takes seconds to build, a minute under the race
// detector; the tests that only read it, or change a copy of their own,
// need not each build one. TestDemo builds its own: the command is what
// it tests.
var sharedDemo struct {
	once     sync.Once
	dir, out string
	failed   string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDemo.dir != "" {
		os.RemoveAll(sharedDemo.dir)
	}
	os.Exit(code)
}

// demoCopy puts a copy of the shared demo at dir/name, with its
// auditor's folder beside it (demo.AuditorDir), as `attest demo --data
// name --json` run in dir would leave it, and returns that command's
// answer.
func demoCopy(t *testing.T, dir, name string) string {
	t.Helper()
	sharedDemo.once.Do(func() {
		d, err := os.MkdirTemp("", "attest-demo-")
		if err != nil {
			sharedDemo.failed = err.Error()
			return
		}
		sharedDemo.dir = d
		r := run(t, d, "", "demo", "--data", "attest-data", "--json")
		if r.code != 0 {
			sharedDemo.failed = "attest demo: " + r.stderr
		}
		sharedDemo.out = r.stdout
	})
	if sharedDemo.failed != "" {
		t.Fatal(sharedDemo.failed)
	}
	src := filepath.Join(sharedDemo.dir, "attest-data")
	copyDir(t, src, filepath.Join(dir, name))
	copyDir(t, demo.AuditorDir(src), demo.AuditorDir(filepath.Join(dir, name)))
	return sharedDemo.out
}
