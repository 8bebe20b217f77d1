package engagement

import (
	"context"
	"slices"
	"strings"

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

// ControlFilter narrows an engagement's controls; empty fields match all.
// Owner is an e-mail address or a name, resolved as OwnerAccount does: a
// control matches when its owner account is that account, or, for an
// owner recorded by name only (not yet linked), when the name is the
// same. "-" is the controls without an owner.
type ControlFilter struct {
	Status    string
	Owner     string
	Criterion string
	Objective string
}

// FindControls is the controls of engagement e that f keeps, and how many
// the engagement has in all.
func FindControls(ctx context.Context, s interface {
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	userLister
}, e string, f ControlFilter) (found []attest.Control, total int, err error) {
	ctls, err := s.Controls(ctx, e)
	if err != nil {
		return nil, 0, err
	}
	var st attest.Status
	if f.Status != "" {
		if st, err = attest.ParseStatus(f.Status); err != nil {
			return nil, 0, err
		}
	}
	owner := strings.TrimSpace(f.Owner)
	var account *attest.User
	if owner != "" && owner != "-" {
		if account, err = OwnerAccount(ctx, s, owner); err != nil {
			return nil, 0, err
		}
	}
	owned := func(c attest.Control) bool {
		switch {
		case owner == "":
			return true
		case owner == "-":
			return c.Owner == "" && c.OwnerID == 0
		case account != nil:
			return c.OwnerID == account.ID
		}
		return c.OwnerID == 0 && strings.EqualFold(c.Owner, owner)
	}
	crit, obj := strings.ToUpper(strings.TrimSpace(f.Criterion)), strings.ToUpper(strings.TrimSpace(f.Objective))
	found = []attest.Control{}
	for _, c := range ctls {
		if (st == "" || c.Status == st) && owned(c) &&
			(crit == "" || slices.Contains(c.Criteria, crit)) &&
			(obj == "" || slices.Contains(c.Objectives, obj)) {
			found = append(found, c)
		}
	}
	return found, len(ctls), nil
}

// Summary is an engagement at a glance: its controls by status and the
// criteria proposed as not relevant (JSON keys in alphabetical order, as
// attest engagement show has always printed them).
type Summary struct {
	ByStatus   map[attest.Status]int `json:"by_status"`
	Controls   int                   `json:"controls"`
	Engagement *attest.Engagement    `json:"engagement"`
	Exclusions []attest.Exclusion    `json:"exclusions"`
}

// Summarize is e's Summary.
func Summarize(ctx context.Context, s interface {
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Exclusions(ctx context.Context, engagementID string) ([]attest.Exclusion, error)
}, e *attest.Engagement) (Summary, error) {
	ctls, err := s.Controls(ctx, e.ID)
	if err != nil {
		return Summary{}, err
	}
	xs, err := s.Exclusions(ctx, e.ID)
	if err != nil {
		return Summary{}, err
	}
	by := map[attest.Status]int{}
	for _, c := range ctls {
		by[c.Status]++
	}
	return Summary{by, len(ctls), e, xs}, nil
}
