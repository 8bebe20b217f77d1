package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/automation"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/spf13/cobra"
)

func (m *Main) checkCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "check",
		Short: "Run automated checks over collected data and keep each run as evidence",
		Long: `Checks are Rego policies (one file each, Conftest-style deny rules) that
read the records collected from your systems (attest collect) and report
which resources meet the organization's policy and which do not. Each run is
kept as dated evidence for the controls the checks support, with the input
snapshot's hash and every check's version.

A failing check is a finding against your own policy thresholds, which you
set with --params; it is not a judgement on any examination.`,
	}
	c.AddCommand(m.checkList(), m.checkRun(), m.checkTest(), m.checkParams())
	return c
}

type checkFlags struct {
	dir    string
	ids    []string
	params string
}

func (f *checkFlags) bind(c *cobra.Command) {
	c.Flags().StringVar(&f.dir, "checks", "", "also load the organization's own checks from this folder (*.rego, tests in *_test.rego)")
	c.Flags().StringArrayVar(&f.ids, "check", nil, "only this check (repeatable)")
	c.Flags().StringVar(&f.params, "params", "", "YAML or JSON file of parameter overrides: check ID to name to value (default: check-params.yaml in the data directory, if present)")
}

// checks says which checks a command runs (automation.Checks).
func (m *Main) checks(f checkFlags) automation.Checks {
	return automation.Checks{Dir: f.dir, Params: f.params, DefaultParams: filepath.Join(m.cfg.dataDir, "check-params.yaml")}
}

// checkSetup loads the checks and their parameters, reporting the files
// that do not load on stderr; the rest still run.
func (m *Main) checkSetup(f checkFlags) (*check.Set, check.Options, error) {
	s, o, err := m.checks(f).Load(m.Now(), m.warn)
	return s, o, flagNamed(err)
}

// flagNamed names a path's error by the flag that gave it.
func flagNamed(err error) error {
	return automation.Named(err, func(field string) string { return "--" + field })
}

func (m *Main) checkList() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "list",
		Short: "List the checks: built-in and your own",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := m.checks(f).Set(m.warn)
			if err != nil {
				return flagNamed(err)
			}
			return show(m, checksListed{s.Checks, attest.OrEmpty(s.Errors)}, m.printChecks)
		},
	}
	c.Flags().StringVar(&f.dir, "checks", "", "also load the organization's own checks from this folder")
	return c
}

// checksListed is what check list prints.
type checksListed struct {
	Checks []*check.Check    `json:"checks"`
	Errors []check.LoadError `json:"errors"`
}

// printChecks lists the checks; a check that did not load fails the
// command (with --json, the errors are in the JSON).
func (m *Main) printChecks(v checksListed) error {
	for _, c := range v.Checks {
		origin := "built-in"
		if !c.Builtin {
			origin = c.File
		}
		m.printf("%-34s %-8s %-16s %s (%s; reads %s)\n", c.ID, c.Severity, strings.Join(c.Controls, ","), c.Title, origin, strings.Join(c.Reads, ", "))
	}
	m.printf("%d checks.\n", len(v.Checks))
	if len(v.Errors) > 0 {
		return failure{exitFailed}
	}
	return nil
}

func (m *Main) checkParams() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "params",
		Short: "Print the data document checks see: the clock and every check's parameters (defaults merged with --params)",
		Long: `Print, as JSON, the data document a run gives the checks:
{"attest": {"now": ..., "params": {CHECK: {NAME: VALUE}}}}. Useful to see the
thresholds in force, and to run the same policies in another Rego engine
(conftest test --data).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, o, err := m.checkSetup(f)
			if err != nil {
				return err
			}
			return m.printJSON(s.ParamsDocument(o))
		},
	}
	f.bind(c)
	return c
}

func (m *Main) checkTest() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "test",
		Short: "Run the checks' own Rego unit tests (test_* rules in *_test.rego)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, o, err := m.checkSetup(f)
			if err != nil {
				return err
			}
			results, err := s.Test(cmd.Context(), f.ids, o)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if !r.Pass {
					failed++
				}
			}
			return findings(m, checksTested{failed, attest.OrEmpty(s.Errors), attest.OrEmpty(results)}, func(v checksTested) error {
				for _, r := range v.Tests {
					if !r.Pass {
						m.printf("FAIL %s %s (%s:%d): %s\n", r.Check, r.Test, r.File, r.Line, r.Error)
					}
				}
				m.printf("%d tests, %d passed, %d failed.\n", len(v.Tests), len(v.Tests)-v.Failed, v.Failed)
				return nil
			}, func(v checksTested) bool { return v.Failed > 0 || len(v.LoadErrors) > 0 })
		},
	}
	f.bind(c)
	return c
}

// checksTested is what check test prints (JSON keys in alphabetical order,
// as they have always been printed).
type checksTested struct {
	Failed     int                `json:"failed"`
	LoadErrors []check.LoadError  `json:"load_errors"`
	Tests      []check.TestResult `json:"tests"`
}

func (m *Main) checkRun() *cobra.Command {
	var f checkFlags
	var input, junit, sarif string
	var noRecord bool
	c := &cobra.Command{
		Use:   "run",
		Short: "Run the checks; exits 1 when any check finds a resource that does not meet it",
		Long: `Run every check (or those named with --check) over the latest collected
data (attest collect), or over the export files in --input DIR. The run is
recorded as evidence for the controls the checks support, unless --no-record
is given or there is no data directory. Exit status: 0 when every check that
had data passed, 1 when any failed or could not be evaluated, 2 for bad
input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runChecks(cmd.Context(), f, input, junit, sarif, noRecord)
		},
	}
	f.bind(c)
	c.Flags().StringVar(&input, "input", "", "read export files from this folder (or file) instead of the latest collection")
	c.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to this file")
	c.Flags().StringVar(&sarif, "sarif", "", "also write a SARIF 2.1.0 report to this file")
	c.Flags().BoolVar(&noRecord, "no-record", false, "do not record the run as evidence")
	return c
}

func (m *Main) runChecks(ctx context.Context, f checkFlags, input, junit, sarif string, noRecord bool) error {
	// Report files go into folders that exist: checked before anything
	// runs or is recorded, so a mistyped path costs nothing.
	for flag, path := range map[string]string{"--junit": junit, "--sarif": sarif} {
		if err := outputFolder(flag, path); err != nil {
			return err
		}
	}
	// A run builds its data once and keeps it to the end: collecting less
	// often trades a little memory for much less time in the collector.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	s, o, err := m.checkSetup(f)
	if err != nil {
		return err
	}
	var d *data
	if input == "" || !noRecord {
		if d, err = m.open(ctx); err != nil {
			if input == "" {
				return err
			}
			m.warn("the run is not recorded: " + err.Error())
			d = nil
		} else {
			defer d.Close()
		}
	}
	env := m.automation(d)
	if noRecord {
		env.Keep = nil
	}
	run, err := automation.Run(ctx, env, s, o, f.ids, input)
	if err != nil {
		return flagNamed(err)
	}
	if junit != "" {
		if err := writeReport(junit, func(b *bytes.Buffer) error { return check.WriteJUnit(b, run.Results) }); err != nil {
			return err
		}
	}
	if sarif != "" {
		if err := writeReport(sarif, func(b *bytes.Buffer) error { return check.WriteSARIF(b, s, run.Results, version) }); err != nil {
			return err
		}
	}
	return findings(m, run, m.printRun, func(run *check.Run) bool { return run.Summary.Fail > 0 || run.Summary.Errors > 0 })
}

// automation is where a command's runs and collections are read from
// and recorded: d, when there is a data directory.
func (m *Main) automation(d *data) automation.Env {
	env := automation.Env{By: m.actor(), Version: version, Now: m.Now, Getenv: m.Getenv, Warn: m.warn,
		Progress: func(s string) { m.progress("%s", s) }}
	if d != nil {
		env.Store, env.Blobs = d.db, d.blobs
		env.Keep = automation.KeepEach(d.db, d.blobs, m.change())
		env.Checkpoint = func(ctx context.Context) error { _, err := d.checkpoint(ctx); return err }
	}
	return env
}

// outputDir checks an output folder as the workflow that writes into it
// will (atomicfile.Folder: its parent exists, it is no file, and when
// empty is set it holds nothing yet), before the data directory is
// opened, naming the flag.
func outputDir(flag, path string, empty bool) error {
	if err := atomicfile.Folder(path, empty); err != nil {
		return &attest.Error{Code: attest.ErrorCode(err), Message: flag + " " + attest.ErrorMessage(err)}
	}
	return nil
}

// outputFolder refuses an output file whose folder does not exist: Attest
// writes where it is told, and never makes folders a typo named.
func outputFolder(flag, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return attest.Errorf(attest.EINVALID, "%s %s: the folder %s does not exist", flag, path, dir)
	}
	return nil
}

func writeReport(path string, fill func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := fill(&b); err != nil {
		return err
	}
	if err := atomicfile.Write(path, b.Bytes()); err != nil {
		return attest.Errorf(attest.EINVALID, "%s: %v", path, fileerr.Reason(err))
	}
	return nil
}

func (m *Main) printRun(run *check.Run) error {
	for _, r := range run.Results {
		switch r.Status {
		case check.StatusFail:
			m.printf("FAIL  %-34s %s (%s; %s)\n", r.Check, r.Title, r.Severity, strings.Join(r.Controls, ", "))
			for i, f := range r.Failing {
				if i == 10 {
					m.printf("        ... and %d more\n", len(r.Failing)-10)
					break
				}
				m.printf("        %s: %s\n", f.Resource, f.Reason)
			}
		case check.StatusPass:
			m.printf("pass  %-34s %s (%d resources)\n", r.Check, r.Title, r.Resources)
		case check.StatusNoData:
			m.printf("--    %-34s %s (no data)\n", r.Check, r.Title)
		default:
			m.printf("ERROR %-34s %s\n", r.Check, r.Error)
		}
	}
	s := run.Summary
	notLoaded := ""
	if len(run.LoadErrors) > 0 {
		notLoaded = fmt.Sprintf(" (and %s not loaded: see the warnings above)", attest.Count(len(run.LoadErrors), "check", "checks"))
	}
	m.printf("%d checks: %d pass, %d fail, %d without data, %d errors%s; %d resource checks over input %s.\n",
		s.Checks, s.Pass, s.Fail, s.NoData, s.Errors, notLoaded, s.ResourceChecks, run.Input.SHA256[:12])
	if run.Evidence != nil {
		m.printf("Recorded as evidence %d.\n", *run.Evidence)
	}
	return nil
}
