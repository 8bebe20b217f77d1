package population

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sample"
)

// CompletenessStore is what reconciling a population reads and writes.
type CompletenessStore interface {
	Population(ctx context.Context, id int64) (*attest.Population, error)
	AddCompleteness(ctx context.Context, ch attest.Change, c attest.Completeness) (*attest.Completeness, error)
}

// Opener reads a recorded population's bytes.
type Opener interface {
	Open(r blob.Ref) (io.ReadCloser, error)
}

// ReconcileRequest names the population to show complete and how:
// reconciled to another population keyed by the same identifiers
// (Against: HR terminations against identity-provider deactivations, say),
// or compared to the number of items the source system reports
// (ControlTotal). Exactly one of the two.
type ReconcileRequest struct {
	Population   int64
	Against      int64
	ControlTotal *int
	// Note says how the comparison was made, and what the differences are.
	Note string
}

// MaxListed bounds the differences kept in a completeness record; the
// counts are always exact.
const MaxListed = 1000

// Reconcile records how a population was shown to be complete, for
// management, differences and all: reconciled to another population, the
// keys in both (matched), those only in the other (missing from it) and
// those only in it (extra); or compared to a control total, the rows
// short of it missing and the rows past it extra.
func Reconcile(ctx context.Context, s CompletenessStore, bs Opener, ch attest.Change, actor *attest.User, req ReconcileRequest) (*attest.Completeness, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("records completeness checks")
	}
	if req.Population <= 0 || (req.Against > 0) == (req.ControlTotal != nil) {
		return nil, invalid("population", "say which population to show complete, and either the population to reconcile it to or the source system's control total")
	}
	if req.ControlTotal != nil && *req.ControlTotal < 0 {
		return nil, invalid("control total", "must be 0 or more")
	}
	pop, err := s.Population(ctx, req.Population)
	if err != nil {
		return nil, err
	}
	c := attest.Completeness{PopulationID: pop.ID, Note: strings.TrimSpace(req.Note), Missing: []string{}, Extra: []string{}}
	if req.Against > 0 {
		other, err := s.Population(ctx, req.Against)
		if err != nil {
			return nil, err
		}
		if err := reconcileKeys(bs, pop, other, &c); err != nil {
			return nil, err
		}
		c.Method, c.AgainstID = attest.CompletenessReconciled, other.ID
	} else {
		total := *req.ControlTotal
		c.Method, c.ControlTotal, c.Matched = attest.CompletenessControlTotal, total, pop.Rows
		if pop.Rows < total {
			c.MissingCount = total - pop.Rows
		} else {
			c.ExtraCount = pop.Rows - total
		}
	}
	return s.AddCompleteness(ctx, ch, c)
}

// reconcileKeys compares pop's keys with other's into c: the keys in both,
// those only in pop (extra) and those only in other (missing), the lists
// bounded by MaxListed.
func reconcileKeys(bs Opener, pop, other *attest.Population, c *attest.Completeness) error {
	theirs := map[string]bool{}
	if err := scanKeys(bs, other, func(k string) { theirs[k] = true }); err != nil {
		return err
	}
	err := scanKeys(bs, pop, func(k string) {
		if theirs[k] {
			c.Matched++
			delete(theirs, k)
			return
		}
		c.ExtraCount++
		if len(c.Extra) < MaxListed {
			c.Extra = append(c.Extra, k)
		}
	})
	if err != nil {
		return err
	}
	// The keys left are in memory already: sorted whole, the ones listed
	// are the first in order, the same on every run.
	missing := make([]string, 0, len(theirs))
	for k := range theirs {
		missing = append(missing, k)
	}
	sort.Strings(missing)
	c.MissingCount = len(missing)
	c.Missing = append(c.Missing, missing[:min(len(missing), MaxListed)]...)
	return nil
}

// scanKeys streams a stored population's keys.
func scanKeys(bs Opener, p *attest.Population, fn func(string)) error {
	rc, err := bs.Open(blob.Ref(p.Ref))
	if err != nil {
		return err
	}
	defer rc.Close()
	return sample.Scan(rc, sample.Spec{Name: p.Name, Format: sample.Format(p.Format), KeyColumn: p.KeyColumn}, func(r sample.Row) error {
		fn(r.Key)
		return nil
	})
}
