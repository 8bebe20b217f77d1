package automation

import (
	"bytes"
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/evidence"
)

// EvidenceAdder records evidence items.
type EvidenceAdder interface {
	AddEvidence(ctx context.Context, ch attest.Change, items []attest.Evidence) ([]attest.Evidence, error)
}

// KeepEach records each item as it comes: what a command records.
func KeepEach(s EvidenceAdder, bs blob.Store, ch attest.Change) check.Keep {
	return func(ctx context.Context, _ string, b []byte, e attest.Evidence) (*attest.Evidence, error) {
		if err := put(bs, b, &e, ch.At); err != nil {
			return nil, err
		}
		added, err := s.AddEvidence(ctx, ch, []attest.Evidence{e})
		if err != nil {
			return nil, err
		}
		return &added[0], nil
	}
}

// JobEvidence records evidence as a job's named effects.
type JobEvidence interface {
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
	AddJobEvidence(ctx context.Context, ch attest.Change, l attest.Lease, effect string, items []attest.Evidence) ([]attest.Evidence, error)
}

// KeepOnce records each item as job j's effect: an effect an earlier
// attempt recorded is returned, not recorded again.
func KeepOnce(s JobEvidence, bs blob.Store, ch attest.Change, j *attest.Job) check.Keep {
	return func(ctx context.Context, effect string, b []byte, e attest.Evidence) (*attest.Evidence, error) {
		if id, ok := j.Effects[effect]; ok {
			return s.Evidence(ctx, id)
		}
		if err := put(bs, b, &e, ch.At); err != nil {
			return nil, err
		}
		added, err := s.AddJobEvidence(ctx, ch, j.Lease(), effect, []attest.Evidence{e})
		if err != nil {
			return nil, err
		}
		return &added[0], nil
	}
}

// put stores b and fills in e's reference and size, when its content
// says the control was performed (a check run, a collection), and dates e
// the day of now when it has no date of its own.
func put(bs blob.Store, b []byte, e *attest.Evidence, now time.Time) error {
	ref, size, err := bs.Put(bytes.NewReader(b))
	if err != nil {
		return err
	}
	e.Ref, e.Size = string(ref), size
	if f := evidence.Performed(e.Name, b); e.PerformedOn == "" && !f.When.IsZero() {
		e.PerformedOn, e.PerformedFrom = f.When.UTC().Format(time.RFC3339), f.From
	}
	if e.Date == "" {
		e.Date = now.UTC().Format(time.DateOnly)
	}
	return nil
}
