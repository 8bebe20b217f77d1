package integrity

import (
	"context"
	"fmt"

	"github.com/attest-dev/attest/gc"
)

// Warning kinds.
const (
	OrphanBlobs = "orphan_blobs"
	StaleStaged = "stale_staged"
)

// Warning is something to attend to that is not a failure: how many of a
// kind, their bytes, and what to do.
type Warning struct {
	Kind   string `json:"kind"`
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
	Detail string `json:"detail"`
}

// findLeftovers reports blobs no record refers to and staged files left by
// interrupted writes, as `attest gc` would find them with its defaults.
func findLeftovers(ctx context.Context, in Input, r *Report) error {
	bs, ok := in.Blobs.(gc.Blobs)
	if in.Now.IsZero() || !ok {
		return nil
	}
	res, err := gc.Collect(ctx, in.Store, bs, gc.Options{Now: in.Now, Grace: gc.DefaultGrace})
	if err != nil {
		return fmt.Errorf("look for leftovers: %w", err)
	}
	if g := res.Orphans; g.Count > 0 {
		r.Warnings = append(r.Warnings, Warning{Kind: OrphanBlobs, Count: g.Count, Bytes: g.Bytes,
			Detail: fmt.Sprintf("%d blobs (%d bytes) that no record refers to, stored over %s ago by writes that did not finish; `attest gc --delete` removes them", g.Count, g.Bytes, gc.Words(gc.DefaultGrace))})
	}
	if g := res.Staged; g.Count > 0 {
		r.Warnings = append(r.Warnings, Warning{Kind: StaleStaged, Count: g.Count, Bytes: g.Bytes,
			Detail: fmt.Sprintf("%d staged files (%d bytes) untouched for over %s, left by writes that were interrupted; the next write or `attest gc --delete` removes them", g.Count, g.Bytes, gc.Words(gc.StagedAge(gc.DefaultGrace)))})
	}
	return nil
}
