package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
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

// loadChecks loads the built-in checks and the user's, reporting the files
// that do not load on stderr; the rest still run.
func (m *Main) loadChecks(f checkFlags) (*check.Set, error) {
	s := check.Builtin()
	if f.dir != "" {
		if err := s.AddDir(f.dir); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "--checks: %v", unwrapPathErr(err))
		}
	}
	for _, e := range s.Errors {
		m.warn("check not loaded: " + e.Error())
	}
	return s, nil
}

// checkSetup is what every run of the checks starts from: the checks
// loaded (loadChecks) and the options with their parameters (checkOptions).
func (m *Main) checkSetup(f checkFlags) (*check.Set, check.Options, error) {
	s, err := m.loadChecks(f)
	if err != nil {
		return nil, check.Options{}, err
	}
	o, err := m.checkOptions(f)
	return s, o, err
}

func (m *Main) checkOptions(f checkFlags) (check.Options, error) {
	o := check.Options{Now: m.Now()}
	path := f.params
	if path == "" {
		def := filepath.Join(m.cfg.dataDir, "check-params.yaml")
		if _, err := os.Stat(def); err == nil {
			path = def
		}
	}
	if path == "" {
		return o, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return o, attest.Errorf(attest.EINVALID, "--params: %v", unwrapPathErr(err))
	}
	var p map[string]map[string]any
	if err := yaml.Unmarshal(b, &p); err != nil {
		return o, attest.Errorf(attest.EINVALID, "%s: %v (want a mapping of check ID to parameter name to value)", path, err)
	}
	o.Params = p
	return o, nil
}

func (m *Main) checkList() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "list",
		Short: "List the checks: built-in and your own",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := m.loadChecks(f)
			if err != nil {
				return err
			}
			return show(m, checksListed{s.Checks, orEmpty(s.Errors)}, m.printChecks)
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

func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
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
			return findings(m, checksTested{failed, orEmpty(s.Errors), orEmpty(results)}, func(v checksTested) error {
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
	var rec recorder
	if d != nil && !noRecord {
		rec = m.cliRecorder(d)
	}
	run, err := m.checkRunOnce(ctx, d, s, o, f.ids, input, "--input", m.actor(), rec)
	if err != nil {
		return err
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

// recorder keeps bytes as evidence (check.Keep): for a command, or once
// per effect for a job.
type recorder = check.Keep

// cliRecorder records evidence for a command.
func (m *Main) cliRecorder(d *data) recorder {
	ch := m.change()
	return func(ctx context.Context, _ string, b []byte, e attest.Evidence) (*attest.Evidence, error) {
		return m.storeEvidence(ctx, d, ch, b, e)
	}
}

// checkRunOnce runs the checks over input (or, when input is empty, the
// latest collections in d) and, when rec is set, records the run as
// evidence. attest check run and the check-run job both use it; field
// is what gave input, for its errors (the flag, or the payload's field).
func (m *Main) checkRunOnce(ctx context.Context, d *data, s *check.Set, o check.Options, ids []string, input, field, by string, rec recorder) (*check.Run, error) {
	var meta check.Meta
	var records []collect.Record
	var in *check.Input
	var err error
	switch doc, isDoc := inputDocument(input); {
	case isDoc:
		// A check input document (a run's snapshot, or generated): read
		// straight into the checks' form.
		if in, _, err = check.ReadDocument(input, doc); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%v", err)
		}
		meta.Input.From = input
	case input != "":
		res, err := readExports(field, input)
		if err != nil {
			return nil, err
		}
		for _, p := range res.Problems {
			m.warn(p.String())
		}
		records, meta.Input.From, meta.Input.Problems = res.Records, input, res.Problems
	default:
		if d == nil {
			return nil, attest.Errorf(attest.EINVALID, "no input: give --input, or collect first")
		}
		col, left, err := check.LoadLatestCollections(ctx, d.db, d.blobs)
		if err != nil {
			return nil, err
		}
		for _, w := range left {
			m.warn(w)
		}
		for _, c := range col {
			records = append(records, c.Records...)
			meta.Input.Evidence = append(meta.Input.Evidence, c.Evidence)
			meta.Input.Problems = append(meta.Input.Problems, c.Problems...)
		}
		meta.Input.From = "collected"
	}
	if in == nil {
		if in, err = check.NewInput(records); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%v", err)
		}
	}
	record := d != nil && rec != nil
	meta.By, meta.Version = by, version
	m.progress("running %d checks", len(s.Checks))
	run, snapshot, err := s.Execute(ctx, in, ids, o, meta, record)
	if err != nil || !record {
		return run, err
	}
	warning, err := check.Record(ctx, d.db, rec, nil, run, snapshot, input != "", m.Now())
	if err != nil {
		return nil, err
	}
	if warning != "" {
		m.warn(warning)
		return run, nil
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return nil, err
	}
	return run, nil
}

// inputDocument reads the --input file when it is a check input document.
func inputDocument(path string) ([]byte, bool) {
	if path == "" {
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := f.Read(head)
	if st, err := f.Stat(); err != nil || st.IsDir() || !bytes.HasPrefix(bytes.TrimLeft(head[:n], " \t\r\n\ufeff"), []byte(collect.InputMarker)) {
		return nil, false
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}

// readExports reads a folder of export files, or one file, given by
// field: a command's flag (--input), or a job payload's field ("input":).
func readExports(field, path string) (*collect.Result, error) {
	res, err := collect.ReadPath(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s %v", field, err)
	}
	return res, nil
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
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return attest.Errorf(attest.EINVALID, "%s: %v", path, unwrapPathErr(err))
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
	m.printf("%d checks: %d pass, %d fail, %d without data, %d errors; %d resource checks over input %s.\n",
		s.Checks, s.Pass, s.Fail, s.NoData, s.Errors, s.ResourceChecks, run.Input.SHA256[:12])
	if run.Evidence != nil {
		m.printf("Recorded as evidence %d.\n", *run.Evidence)
	}
	return nil
}

// storeEvidence writes bytes to the blob store and records one evidence
// item for them, dated today.
func (m *Main) storeEvidence(ctx context.Context, d *data, ch attest.Change, b []byte, e attest.Evidence) (*attest.Evidence, error) {
	if err := m.putEvidence(d, b, &e); err != nil {
		return nil, err
	}
	added, err := d.db.AddEvidence(ctx, ch, []attest.Evidence{e})
	if err != nil {
		return nil, err
	}
	return &added[0], nil
}

// putEvidence stores b and fills in e's reference, size and when the
// control was performed as b records it, and dates e today when it has no
// date of its own.
func (m *Main) putEvidence(d *data, b []byte, e *attest.Evidence) error {
	ref, size, err := d.blobs.Put(bytes.NewReader(b))
	if err != nil {
		return err
	}
	e.Ref, e.Size = string(ref), size
	stampPerformed(e, b)
	if e.Date == "" {
		e.Date = m.today().Format(time.DateOnly)
	}
	return nil
}
