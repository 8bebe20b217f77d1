// Command attest prepares SOC 1, SOC 2 and SOC 3 examinations: scoping,
// controls, evidence, the auditor's work and the report drafts. Run
// `attest --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
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
	}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
