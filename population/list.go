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

// List is the populations recorded, oldest first: of one control when
// control is given (any case), and of an engagement's controls when
// engagementID is given. Whoever may read the engagement may list them
// (the adapters check that access, as for the engagement's other pages).
func List(ctx context.Context, s ListStore, engagementID, control string) ([]attest.Population, error) {
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
