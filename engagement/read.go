package engagement

import (
	"context"

	"github.com/attest-dev/attest"
)

// Scope is the engagements a reader may see: auth.Scope for an account
// (an auditor sees those they audit while their window is open),
// auth.Everything for the organization's staff and the local operator.
type Scope interface {
	Engagements(engs []attest.Engagement) []attest.Engagement
}

// List is the engagements in the scope, in the store's order.
func List(ctx context.Context, s interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}, sc Scope) ([]attest.Engagement, error) {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	return sc.Engagements(engs), nil
}
