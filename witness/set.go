package witness

import (
	"context"
	"sync"
)

// Pool keeps witnesses open, one per location, for a program that signs
// checkpoints all day (a server). The list of witnesses is the caller's to
// read at each use, so that a witness added while the program runs gets the
// next checkpoint.
type Pool struct {
	mu   sync.Mutex
	open map[string]Witness
}

// Set is one data directory's witnesses, open.
type Set struct {
	// Key is the ledger's public key the witnesses were added for; "" when
	// the data directory has none.
	Key string
	// Witnesses are in the order of the list.
	Witnesses []Witness
}

// Open opens the witnesses the list c names for the data directory at the
// absolute path dataDir, reusing those the pool has open; a data directory
// the list does not name has an empty set.
func (p *Pool) Open(ctx context.Context, c *Config, dataDir string, opt Options) (*Set, error) {
	entry := c.Ledger(dataDir)
	if entry == nil {
		return &Set{}, nil
	}
	s := &Set{Key: entry.Key}
	for _, loc := range entry.Witnesses {
		w, err := p.get(ctx, loc, opt)
		if err != nil {
			return nil, err
		}
		s.Witnesses = append(s.Witnesses, w)
	}
	return s, nil
}

func (p *Pool) get(ctx context.Context, location string, opt Options) (Witness, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w, ok := p.open[location]; ok {
		return w, nil
	}
	w, err := Open(ctx, location, opt)
	if err != nil {
		return nil, err
	}
	if p.open == nil {
		p.open = map[string]Witness{}
	}
	p.open[location] = w
	return w, nil
}

// Failure is a witness that did not take a checkpoint.
type Failure struct {
	// Witness is the witness's name (its location).
	Witness string
	Err     error
}

// SendAll gives a signed checkpoint to every witness of s at once and
// answers those that failed, in the order of the list. A witness that fails
// stops none of the others.
func (s *Set) SendAll(ctx context.Context, signed []byte) []Failure {
	errs := make([]error, len(s.Witnesses))
	var wg sync.WaitGroup
	for i, w := range s.Witnesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.Send(ctx, signed)
		}()
	}
	wg.Wait()
	var failed []Failure
	for i, err := range errs {
		if err != nil {
			failed = append(failed, Failure{Witness: s.Witnesses[i].Name(), Err: err})
		}
	}
	return failed
}
