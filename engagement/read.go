package engagement

import (
	"context"
	"fmt"
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
// Owner is an e-mail address or a name: a control matches when its owner
// account is the account with that address, or the one account with that
// name (ignoring case; a disabled account's controls are found too, as
// they are the ones to give a new owner); a name no account carries finds
// the controls recorded under it, not yet linked. "-" is the controls
// without an owner.
type ControlFilter struct {
	Status    string
	Owner     string
	Criterion string
	Objective string
}

// FindControls is the controls of engagement e that f keeps, and how many
// the engagement has in all, when the reader's scope (sc, auth.Scope)
// reads e. A name two accounts carry is refused: the address says which.
func FindControls(ctx context.Context, s interface {
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	userLister
}, sc interface{ Engagement(id string) error }, e string, f ControlFilter) (found []attest.Control, total int, err error) {
	if err := sc.Engagement(e); err != nil {
		return nil, 0, err
	}
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
	owned, err := ownerFilter(ctx, s, strings.TrimSpace(f.Owner))
	if err != nil {
		return nil, 0, err
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

// ReadControl is control id (in any case) of engagement e, when the
// reader's scope (sc, auth.Scope) reads e.
func ReadControl(ctx context.Context, s interface {
	Control(ctx context.Context, engagementID, controlID string) (*attest.Control, error)
}, sc interface{ Engagement(id string) error }, e, id string) (*attest.Control, error) {
	if err := sc.Engagement(e); err != nil {
		return nil, err
	}
	return s.Control(ctx, e, strings.ToUpper(id))
}

// ownerFilter is which controls an owner filter keeps (ControlFilter).
func ownerFilter(ctx context.Context, s userLister, owner string) (func(attest.Control) bool, error) {
	switch owner {
	case "":
		return func(attest.Control) bool { return true }, nil
	case "-":
		return func(c attest.Control) bool { return c.Owner == "" && c.OwnerID == 0 }, nil
	}
	us, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	address := strings.Contains(owner, "@")
	var ids []int64
	if address {
		u := byAddress(us, owner, true)
		if u == nil {
			return nil, invalid("owner: no account has the address " + owner)
		}
		ids = append(ids, u.ID)
	}
	for _, u := range us {
		if !address && !u.Service && strings.EqualFold(strings.TrimSpace(u.Name), owner) {
			ids = append(ids, u.ID)
		}
	}
	switch {
	case len(ids) > 1:
		return nil, invalid(fmt.Sprintf("owner: %d accounts are named %s: give the owner's e-mail address", len(ids), owner))
	case len(ids) == 1:
		id := ids[0]
		return func(c attest.Control) bool {
			return c.OwnerID == id || (c.OwnerID == 0 && !address && strings.EqualFold(c.Owner, owner))
		}, nil
	}
	return func(c attest.Control) bool { return c.OwnerID == 0 && strings.EqualFold(c.Owner, owner) }, nil
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
