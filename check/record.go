package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
)

// Meta is what a run says about itself besides what it found: who ran
// it, with which version of Attest, and where its input came from.
type Meta struct {
	By, Version string
	Input       RunInput
}

// Execute runs the checks ids (all when empty) over in and returns the
// run document, with the input snapshot's bytes when keepSnapshot is set
// (encoded and hashed while the checks run). attest check run and the
// check-run job both run checks through it.
func (s *Set) Execute(ctx context.Context, in *Input, ids []string, o Options, meta Meta, keepSnapshot bool) (*Run, []byte, error) {
	run := &Run{RunAt: o.Now.UTC().Format(time.RFC3339), By: meta.By, AttestVersion: meta.Version, LoadErrors: s.Errors, Input: meta.Input}
	type snap struct {
		b    []byte
		hash string
		err  error
	}
	snapped := make(chan snap, 1)
	go func() {
		b, h, err := in.Snapshot(keepSnapshot)
		snapped <- snap{b, h, err}
	}()
	run.Input.Records = map[string]int{}
	for _, t := range in.Types() {
		run.Input.Records[t] = in.Count(t)
	}
	results, err := s.Run(ctx, in, ids, o)
	sn := <-snapped
	if err != nil {
		return nil, nil, attest.Errorf(attest.EINVALID, "%v", err)
	}
	if sn.err != nil {
		return nil, nil, sn.err
	}
	run.Input.SHA256 = sn.hash
	run.Results, run.Summary = results, Summarize(results)
	run.Params = s.ParamsDocument(o)["attest"].(map[string]any)["params"].(map[string]any)
	for _, r := range results {
		c := s.Get(r.Check)
		run.Checks = append(run.Checks, RunCheck{ID: c.ID, Version: c.Version, File: c.File, Builtin: c.Builtin})
	}
	return run, sn.b, nil
}

// Keep stores bytes as an evidence item. effect names what the bytes are
// within one piece of work ("input", "run"), so a job that is retried
// keeps each once.
type Keep func(ctx context.Context, effect string, b []byte, e attest.Evidence) (*attest.Evidence, error)

// RecordStore is what recording a run needs: the engagements' controls,
// and the setting that names the latest run.
type RecordStore interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	SettingWriter
}

// NotRecorded is the warning Record returns when no evaluated check
// supports a control of any engagement, so there is nothing to keep the
// run as evidence for.
const NotRecorded = "the run is not recorded: none of the evaluated checks supports a control in an engagement"

// Record keeps run as evidence for the controls its evaluated checks
// support (those of an engagement), beside the input snapshot when
// withSnapshot (an input read from files for this run), and makes it the
// latest run (RecordLatest), for actor (nil: the local operator or a job).
// Only management records runs. It sets run.Evidence, or returns
// NotRecorded as a warning when there was nothing to record it for.
func Record(ctx context.Context, s RecordStore, keep Keep, actor *attest.User, run *Run, snapshot []byte, withSnapshot bool, now time.Time) (warning string, err error) {
	if !attest.Manages(actor) {
		return "", &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager records check runs"}
	}
	known, err := engagement.ControlIDs(ctx, s)
	if err != nil {
		return "", err
	}
	var controls []string
	for _, r := range run.Results {
		if r.Status != StatusPass && r.Status != StatusFail {
			continue
		}
		for _, c := range r.Controls {
			if known[c] && !slices.Contains(controls, c) {
				controls = append(controls, c)
			}
		}
	}
	if len(controls) == 0 {
		return NotRecorded, nil
	}
	slices.Sort(controls)
	stamp := now.UTC().Format("20060102T150405Z")
	if withSnapshot {
		ev, err := keep(ctx, "input", snapshot, attest.Evidence{Name: "check-input-" + stamp + ".json", MediaType: "application/json",
			Controls: controls, Method: attest.MethodCollector, Source: run.Input.From, Note: "input snapshot " + run.Input.SHA256})
		if err != nil {
			return "", err
		}
		run.Input.Evidence = []int64{ev.ID}
	}
	// The evidence holds what the run found, not how long it took, so the
	// same input and checks always give the same bytes.
	kept := *run
	kept.Results = slices.Clone(run.Results)
	for i := range kept.Results {
		kept.Results[i].Millis = 0
	}
	b, err := json.MarshalIndent(kept, "", "  ")
	if err != nil {
		return "", err
	}
	sum := run.Summary
	ev, err := keep(ctx, "run", b, attest.Evidence{Name: "check-run-" + stamp + ".json", MediaType: "application/json",
		Controls: controls, Method: attest.MethodCheck, Source: "attest check run",
		Note: fmt.Sprintf("%d checks: %d pass, %d fail, %d without data; input %s", sum.Checks, sum.Pass, sum.Fail, sum.NoData, run.Input.SHA256)})
	if err != nil {
		return "", err
	}
	if err := RecordLatest(ctx, s, ev.ID); err != nil {
		return "", err
	}
	run.Evidence = &ev.ID
	return "", nil
}
