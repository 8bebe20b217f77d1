package check

import (
	"context"
	"slices"
	"sort"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// RunsView is the recorded check runs a reader may see, newest first, and one
// of them read in full with its results split.
type RunsView struct {
	Runs []attest.Evidence `json:"runs"`
	Run  *Run              `json:"run"`
	// Failed are the results that failed or could not be evaluated;
	// Other the rest.
	Failed []Result `json:"failed"`
	Other  []Result `json:"-"`
}

// RunsStore is what reading the runs needs.
type RunsStore interface {
	LatestStore
	evidence.Reader
}

// ReadRuns is the runs sc may read and run id in full: id 0 is the latest
// recorded run (none yet: no run), which an auditor sees only when it
// supports one of their controls. A run named that sc may not read is
// refused as sc refuses; evidence that is not a run is EINVALID; a run
// whose bytes were purged is ENOTFOUND.
func ReadRuns(ctx context.Context, s RunsStore, blobs blob.Store, sc evidence.Scope, id int64) (*RunsView, error) {
	v := &RunsView{Runs: []attest.Evidence{}, Failed: []Result{}}
	evs, err := evidence.List(ctx, s, sc, "", true)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Method == attest.MethodCheck {
			v.Runs = append(v.Runs, e)
		}
	}
	sort.SliceStable(v.Runs, func(i, j int) bool { return v.Runs[i].ID > v.Runs[j].ID })
	switch {
	case id != 0:
		ev, err := evidence.Get(ctx, s, sc, id)
		if err != nil {
			return nil, err
		}
		if ev.Method != attest.MethodCheck {
			return nil, attest.Errorf(attest.EINVALID, "run: evidence %d is not a check run", id)
		}
		if ev.PurgedAt != "" {
			return nil, attest.Errorf(attest.ENOTFOUND, "run: the bytes of check run %d were purged", id)
		}
		if v.Run, err = ReadRun(blobs, ev); err != nil {
			return nil, err
		}
	default:
		v.Run, err = Latest(ctx, s, blobs)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			v.Run, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		if v.Run != nil && !slices.ContainsFunc(v.Runs, func(e attest.Evidence) bool { return e.ID == *v.Run.Evidence }) {
			v.Run = nil // the latest run supports none of the auditor's controls
		}
	}
	if v.Run != nil {
		for _, res := range v.Run.Results {
			if res.Status == StatusFail || res.Status == StatusError {
				v.Failed = append(v.Failed, res)
			} else {
				v.Other = append(v.Other, res)
			}
		}
	}
	return v, nil
}
