package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// Limits on what every start of the binary pays, whatever the command.
// They are far above today's figures (docs/benchmarks.md, "Start-up
// cost") and far below what an expensive package-level value costs: the
// password hash once computed at every start took 64 MiB.
const (
	maxVersionRSS   = 48 << 20 // peak resident memory of `attest version`
	maxOwnInitBytes = 32 << 10 // allocated by the init of one of our packages
	maxInitBytes    = 6 << 20  // allocated by the inits of every linked package
)

// TestStartupCost runs `attest version` as a real process and fails if a
// package of the binary computes something expensive when it is loaded
// rather than on first use.
func TestStartupCost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is read from Linux's rusage")
	}
	bin := binary(t)
	var best int64
	for i := 0; i < 3; i++ {
		cmd := exec.Command(bin, "version")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("attest version: %v\n%s", err, out)
		}
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
		if i == 0 || rss < best {
			best = rss
		}
	}
	if best > maxVersionRSS {
		t.Errorf("attest version peaks at %d MiB resident, want at most %d MiB", best>>20, maxVersionRSS>>20)
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
