// Command attest prepares SOC 1, SOC 2 and SOC 3 examinations: scoping,
// controls, evidence, the auditor's work and the report drafts. Run
// `attest --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:      os.Getenv,
		Now:         time.Now,
		Interactive: term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())),
		Invoked:     invokedAs(os.Args[0]),
	}
	// ATTEST_CPUPROFILE=FILE writes a CPU profile of the command, for
	// performance work (go tool pprof).
	if f := os.Getenv("ATTEST_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			pprof.StartCPUProfile(out)
			defer func() { pprof.StopCPUProfile(); out.Close() }()
		}
	}
	code := m.Run(ctx, os.Args[1:])
	stop()
	if code != 0 {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}

// invokedAs is how to type the program again: its path as given when it
// was started by a path (./attest), else its name (found on the PATH).
func invokedAs(arg0 string) string {
	if strings.Contains(arg0, "/") && !strings.Contains(arg0, "go-build") {
		return arg0
	}
	return "attest"
}
