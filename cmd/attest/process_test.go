package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the attest binary once for tests that run it as a real
// process.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "attest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "attest")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func runBin(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

func countEvidence(t *testing.T, dir string) int {
	out, code := runBin(t, dir, "evidence", "list", "--all", "--json")
	if code != 0 {
		t.Fatalf("evidence list: %s", out)
	}
	return strings.Count(out, `"ledger_entry"`) - strings.Count(out, `"retraction"`)
}

// TestKillWhileAdding kills `attest evidence add` with SIGKILL at random
// points while it adds large evidence: afterwards nothing half-written is
// referenced, the database and the ledger agree, verify passes, and a retry
// succeeds.
func TestKillWhileAdding(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes; skipped with -short")
	}
	dir := setup(t)
	big := filepath.Join(dir, "big")
	os.MkdirAll(big, 0o755)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	const files = 24
	for i := 0; i < files; i++ {
		b := make([]byte, 2<<20)
		rng.Read(b)
		os.WriteFile(filepath.Join(big, fmt.Sprintf("part-%02d.bin", i)), b, 0o644)
	}
	have := 0
	killedMidway := 0
	for round := 0; round < 8; round++ {
		cmd := exec.Command(binary(t), "evidence", "add", "--control", "AC-06", "--dir", "big", "--date", "2026-03-31")
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(round*75+rng.Intn(75)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err != nil {
			killedMidway++
		}
		n := countEvidence(t, dir)
		if n != have && n != have+files {
			t.Fatalf("round %d: %d evidence items after the kill, want %d or %d (all or nothing)", round, n, have, have+files)
		}
		have = n
		if out, code := runBin(t, dir, "verify"); code != 0 {
			t.Fatalf("round %d: verify after SIGKILL: %s", round, out)
		}
	}
	if out, code := runBin(t, dir, "evidence", "add", "--control", "AC-06", "--dir", "big", "--date", "2026-03-31"); code != 0 {
		t.Fatalf("retry: %s", out)
	}
	if n := countEvidence(t, dir); n != have+files {
		t.Errorf("after the retry: %d items, want %d", n, have+files)
	}
	if out, code := runBin(t, dir, "verify"); code != 0 {
		t.Fatalf("verify after the retry: %s", out)
	}
	t.Logf("%d of 8 rounds killed mid-way", killedMidway)
}

// TestConcurrentProcesses adds evidence from several processes at once on
// one data directory: the ledger neither forks nor loses an entry.
func TestConcurrentProcesses(t *testing.T) {
	dir := setup(t)
	const procs, each = 4, 6
	var wg sync.WaitGroup
	errs := make(chan string, procs*each)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				name := fmt.Sprintf("p%d-%d.txt", p, i)
				os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644)
				cmd := exec.Command(binary(t), "evidence", "add", "--control", "AC-06", "--file", name, "--date", "2026-03-31", "--as", fmt.Sprintf("proc%d", p))
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Sprintf("%s: %v: %s", name, err, out)
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := countEvidence(t, dir); n != procs*each {
		t.Errorf("%d evidence items, want %d", n, procs*each)
	}
	out, code := runBin(t, dir, "verify", "--json")
	if code != 0 || !strings.Contains(out, fmt.Sprintf(`"entries": %d`, 1+procs*each)) {
		t.Errorf("verify: %s", out)
	}
}
