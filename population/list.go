package population

import (
	"context"
	"strings"

	"github.com/attest-dev/attest"
)

// ListStore is what listing populations reads.
type ListStore interface {
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Populations(ctx context.Context, controlID string) ([]attest.Population, error)
}

// Scope is what List asks of the reader's scope (auth.Scope): whether
// they read an engagement's results, its populations among them (a prior
// period's too, for its auditor: re-performing its draws needs them).
// The engagement "" is the whole organization's.
type Scope interface {
	Results(engagementID string) error
}

// List is the populations recorded, oldest first: of one control when
// control is given (any case), and of an engagement's controls when
// engagementID is given (else of every engagement), as far as the
// reader's scope reads them.
func List(ctx context.Context, s ListStore, sc Scope, engagementID, control string) ([]attest.Population, error) {
	if err := sc.Results(engagementID); err != nil {
		return nil, err
	}
	ps, err := s.Populations(ctx, strings.ToUpper(strings.TrimSpace(control)))
	if err != nil || engagementID == "" {
		return ps, err
	}
	if _, err := s.Engagement(ctx, engagementID); err != nil {
		return nil, err
	}
	ctls, err := s.Controls(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(ctls))
	for _, c := range ctls {
		ids[c.ID] = true
	}
	out := []attest.Population{}
	for _, p := range ps {
		if ids[p.ControlID] {
			out = append(out, p)
		}
	}
	return out, nil
}
