// Package automation is the automated side of evidence: collecting
// records from the organization's systems (export files, or connectors)
// and running the checks over them, each kept as evidence. attest
// collect, attest check run and their background jobs all go through it,
// so a run recorded from a terminal and one recorded by a job are the
// same record.
package automation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/internal/fileerr"
	"gopkg.in/yaml.v3"
)

// Store is what a recorded run or collection reads and writes: the
// engagements' controls, the evidence of earlier collections, and the
// settings that name the latest of each.
type Store interface {
	check.RecordStore
	check.CollectionStore
	check.EvidenceReader
}

// Env is where a run or a collection is read from and recorded: a data
// directory's store and blobs, who acts and when, and where warnings and
// progress go. A zero Store means nothing is read from or recorded in a
// data directory.
type Env struct {
	Store Store
	Blobs blob.Store
	// Keep records evidence (a command records each item; a job records
	// each effect once); nil: a check run is not recorded.
	Keep check.Keep
	// Checkpoint signs the ledger after a recording.
	Checkpoint func(context.Context) error
	// By names who acts in what is recorded; Version is Attest's own.
	By, Version string
	// Now is the clock, read when a run or a collection is made.
	Now func() time.Time
	// Getenv reads the connectors' credentials (read in cmd, passed down).
	Getenv func(string) string
	// Warn reports what does not stop the work; Progress what is under
	// way. Either may be nil.
	Warn, Progress func(string)
}

func (e Env) warn(msg string) {
	if e.Warn != nil {
		e.Warn(msg)
	}
}

func (e Env) progress(format string, args ...any) {
	if e.Progress != nil {
		e.Progress(fmt.Sprintf(format, args...))
	}
}

func (e Env) checkpoint(ctx context.Context) error {
	if e.Checkpoint == nil {
		return nil
	}
	return e.Checkpoint(ctx)
}

// A PathError is a path given to a run or a collection that cannot be
// read. Field is which one ("checks", "params", "input", "from",
// "config"); each adapter names it its own way (Named).
type PathError struct {
	Field string
	Err   error // names the path
}

func (e *PathError) Error() string { return e.Field + " " + e.Err.Error() }

func (e *PathError) Unwrap() error { return e.Err }

// pathError is path's error without the file system's own copy of the
// path, under field.
func pathError(field, path string, err error) *PathError {
	return &PathError{Field: field, Err: fmt.Errorf("%s: %w", path, fileerr.Reason(err))}
}

// Named turns a PathError into an invalid-input error that names the
// field as the adapter knows it (a command's --flag, a payload's
// "field":); other errors pass unchanged.
func Named(err error, name func(field string) string) error {
	var pe *PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &attest.Error{Code: attest.EINVALID, Message: name(pe.Field) + " " + pe.Err.Error()}
}

// Checks says which checks a run uses: the built-in ones and the
// organization's own from Dir, with the parameter overrides read from
// Params (else from DefaultParams, the data directory's file, when it
// exists). Which of them run is the run's choice (Run's ids).
type Checks struct {
	Dir           string
	Params        string
	DefaultParams string
}

// Set loads the checks. Check files that do not load are in the set's
// Errors and are reported through warn; the rest still run.
func (c Checks) Set(warn func(string)) (*check.Set, error) {
	s := check.Builtin()
	if c.Dir != "" {
		if err := s.AddDir(c.Dir); err != nil {
			return nil, pathError("checks", c.Dir, err)
		}
	}
	for _, e := range s.Errors {
		if warn != nil {
			warn("check not loaded: " + e.Error())
		}
	}
	return s, nil
}

// Load loads the checks (Set) and their parameters, with now as the
// checks' clock.
func (c Checks) Load(now time.Time, warn func(string)) (*check.Set, check.Options, error) {
	s, err := c.Set(warn)
	if err != nil {
		return nil, check.Options{}, err
	}
	o, err := c.options(now)
	return s, o, err
}

func (c Checks) options(now time.Time) (check.Options, error) {
	o := check.Options{Now: now}
	path := c.Params
	if path == "" && c.DefaultParams != "" {
		if _, err := os.Stat(c.DefaultParams); err == nil {
			path = c.DefaultParams
		}
	}
	if path == "" {
		return o, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return o, pathError("params", path, err)
	}
	var p map[string]map[string]any
	if err := yaml.Unmarshal(b, &p); err != nil {
		return o, attest.Errorf(attest.EINVALID, "%s: %v (want a mapping of check ID to parameter name to value)", filepath.Clean(path), err)
	}
	o.Params = p
	return o, nil
}
