package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/collect"
)

// Run is the document `attest check run` keeps as evidence for every run
// (docs/checks.md), and what the command line and the pages read back.
type Run struct {
	RunAt         string         `json:"run_at"`
	By            string         `json:"by"`
	AttestVersion string         `json:"attest_version"`
	Input         RunInput       `json:"input"`
	Checks        []RunCheck     `json:"checks"`
	Params        map[string]any `json:"params"`
	Summary       Summary        `json:"summary"`
	Results       []Result       `json:"results"`
	LoadErrors    []LoadError    `json:"load_errors,omitempty"`
	// Evidence is the evidence item the run is kept as: set once it is
	// recorded, and when it is read back.
	Evidence *int64 `json:"evidence,omitempty"`
}

// RunInput is what a run read: the input snapshot's hash, where the
// records came from and how many of each type there were.
type RunInput struct {
	SHA256   string            `json:"sha256"`
	From     string            `json:"from"`
	Evidence []int64           `json:"evidence,omitempty"`
	Records  map[string]int    `json:"records"`
	Problems []collect.Problem `json:"problems,omitempty"`
}

// RunCheck names one check of a run with its version.
type RunCheck struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	File    string `json:"file"`
	Builtin bool   `json:"builtin"`
}

// latestKey is the setting that holds the latest run's evidence ID. Only
// RecordLatest writes it and only this file reads it.
const latestKey = "check.latest_run"

// SettingWriter keeps a setting.
type SettingWriter interface {
	SetSetting(ctx context.Context, key, value string) error
}

// LatestStore is what reading the latest run needs.
type LatestStore interface {
	Setting(ctx context.Context, key string) (string, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// RecordLatest makes the run kept as evidence item evidenceID the latest
// one, the run the dashboard and attest readiness report failing checks
// from.
func RecordLatest(ctx context.Context, s SettingWriter, evidenceID int64) error {
	return s.SetSetting(ctx, latestKey, strconv.FormatInt(evidenceID, 10))
}

// LatestEvidence is the evidence ID of the latest recorded run, whether
// or not it was retracted since; ENOTFOUND when no run was recorded.
func LatestEvidence(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
}) (int64, error) {
	v, err := s.Setting(ctx, latestKey)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return 0, &attest.Error{Code: attest.ENOTFOUND, Message: "no check run is recorded"}
	}
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("setting %s: %w", latestKey, err)
	}
	return id, nil
}

// Latest reads the latest recorded run. It is ENOTFOUND when no run was
// recorded, or when the latest one was retracted or its bytes purged: a
// withdrawn run reports nothing, and an earlier one does not stand in.
func Latest(ctx context.Context, s LatestStore, blobs blob.Store) (*Run, error) {
	id, err := LatestEvidence(ctx, s)
	if err != nil {
		return nil, err
	}
	ev, err := s.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Retraction != nil || ev.PurgedAt != "" {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("the latest check run (evidence %d) was withdrawn", id)}
	}
	return ReadRun(blobs, ev)
}

// ReadRun reads the run kept as evidence item ev.
func ReadRun(blobs blob.Store, ev *attest.Evidence) (*Run, error) {
	if blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("there is no evidence store to read check run %d from", ev.ID)}
	}
	b, err := blob.ReadAll(blobs, blob.Ref(ev.Ref))
	if err != nil {
		return nil, fmt.Errorf("check run evidence %d: %w", ev.ID, err)
	}
	var run Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("check run evidence %d: %w", ev.ID, err)
	}
	run.Evidence = &ev.ID
	return &run, nil
}

// Failure is a check that failed in a run, with the controls it bears on
// that the reader keeps.
type Failure struct {
	*Result
	// Controls are the result's controls kept, sorted.
	Controls []string
}

// Day is the run's date (YYYY-MM-DD).
func (r *Run) Day() string { return r.RunAt[:min(10, len(r.RunAt))] }

// Failures are the run's failed checks, each with the controls keep
// keeps (nil keeps every one); a check left with none is left out. A nil
// run has none.
func (r *Run) Failures(keep func(control string) bool) []Failure {
	if r == nil {
		return nil
	}
	var out []Failure
	for i := range r.Results {
		res := &r.Results[i]
		if res.Status != StatusFail {
			continue
		}
		var ctls []string
		for _, c := range res.Controls {
			if keep == nil || keep(c) {
				ctls = append(ctls, c)
			}
		}
		if len(ctls) > 0 {
			slices.Sort(ctls)
			out = append(out, Failure{res, ctls})
		}
	}
	return out
}
