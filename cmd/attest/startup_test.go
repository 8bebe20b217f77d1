package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// Limits on what every start of the binary pays, whatever the command.
// They are well above today's figures (docs/benchmarks.md, "Start-up
// cost") and far below what an expensive package-level value costs: the
// password hash once computed at every start took 64 MiB.
const (
	maxStartRSS     = 42 << 20 // peak resident memory of a command that has just started
	maxOwnInitBytes = 32 << 10 // allocated by the init of one of our packages
	maxInitBytes    = 6 << 20  // allocated by the inits of every linked package
)

// TestStartupCost runs the binary as a real process and fails if a package
// computes something expensive when it is loaded rather than on first use.
func TestStartupCost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from Linux's /proc")
	}
	bin := readBack(t, binary(t))
	best := startRSS(t, bin)
	for i := 0; i < 2; i++ {
		best = min(best, startRSS(t, bin))
	}
	t.Logf("attest scope --interactive peaks at %.1f MiB once started", float64(best)/(1<<20))
	if best > maxStartRSS {
		t.Errorf("attest peaks at %d MiB resident once started, want at most %d MiB", best>>20, maxStartRSS>>20)
	}

	inits := initAllocations(t, bin)
	var total int64
	for pkg, n := range inits {
		total += n
		if strings.HasPrefix(pkg, "github.com/attest-dev/attest") && n > maxOwnInitBytes {
			t.Errorf("package %s allocates %d KiB when loaded, want at most %d KiB: compute it on first use (sync.OnceValue)", pkg, n>>10, maxOwnInitBytes>>10)
		}
	}
	if total > maxInitBytes {
		t.Errorf("package inits allocate %d KiB in all, want at most %d KiB; the largest: %s", total>>10, maxInitBytes>>10, largest(inits, 5))
	}
}

// startRSS starts `attest scope --interactive`, waits for its first
// question (the process, its start done, then waits for an answer) and
// returns the peak resident memory of its own address space, VmHWM.
// The child's rusage would not do: Go starts a child with vfork, so the
// child's maxrss counts this test process's peak too.
func startRSS(t *testing.T, bin string) int64 {
	t.Helper()
	cmd := exec.Command(bin, "scope", "--interactive")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	asked := make(chan error, 1)
	go func() {
		_, err := bufio.NewReader(stderr).ReadString('>')
		asked <- err
	}()
	select {
	case err := <-asked:
		if err != nil {
			t.Fatalf("attest scope --interactive asked nothing: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("attest scope --interactive asked nothing in a minute")
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		var kib int64
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kib); err == nil {
			return kib << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status:\n%s", cmd.Process.Pid, status)
	return 0
}

// initAllocations runs `attest version` with the runtime's init trace and
// returns the bytes each package's initialization allocated.
func initAllocations(t *testing.T, bin string) map[string]int64 {
	t.Helper()
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("attest version: %v\n%s", err, stderr.String())
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @0.52 ms, 0.010 ms clock, 256 bytes, 2 allocs
		var pkg, at string
		var clock float64
		var n int64
		if _, err := fmt.Sscanf(sc.Text(), "init %s %s ms, %g ms clock, %d bytes,", &pkg, &at, &clock, &n); err == nil {
			out[pkg] += n
		}
	}
	if len(out) < 50 {
		t.Fatalf("read %d package inits from GODEBUG=inittrace=1; its format may have changed:\n%.2000s", len(out), stderr.String())
	}
	return out
}

// largest names the n packages whose inits allocate the most.
func largest(inits map[string]int64, n int) string {
	pkgs := make([]string, 0, len(inits))
	for p := range inits {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool { return inits[pkgs[i]] > inits[pkgs[j]] })
	var b strings.Builder
	for i, p := range pkgs[:min(n, len(pkgs))] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d KiB", p, inits[p]>>10)
	}
	return b.String()
}

// readBack returns a copy of the binary whose pages are dropped from the
// page cache, so that it is read from disk as an installed binary is. How
// the cached pages came to be changes what a start maps around each page
// it touches: `attest version` peaks at about 33 MiB read back from disk,
// 44 MiB from the file the linker has just written and 61 MiB from a copy
// just written with write(2) (Linux 6.18).
func readBack(t *testing.T, bin string) string {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "attest")
	f, err := os.OpenFile(cp, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil { // only clean pages can be dropped
		t.Fatal(err)
	}
	if err := dropCached(f); err != nil {
		t.Fatal(err)
	}
	return cp
}
