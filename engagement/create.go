package engagement

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

// CreateStore is what creating engagements needs.
type CreateStore interface {
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	CreateEngagement(ctx context.Context, ch attest.Change, e *attest.Engagement, controls []attest.Control) error
}

// Created is an engagement just created, with how many library controls
// it was given.
type Created struct {
	Engagement *attest.Engagement `json:"engagement"`
	Controls   int                `json:"controls"`
}

// Create builds one engagement per spec with its library controls and
// records each with its ledger entry, for actor (nil: the local operator).
// Only management creates engagements. A spec without an ID gets the
// default one (DefaultID), with a numeric suffix when that is taken; an ID
// the spec names must be free.
func Create(ctx context.Context, s CreateStore, cat *catalog.Catalog, ch attest.Change, actor *attest.User, specs []Spec) ([]Created, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager creates engagements"}
	}
	// Every spec is built first: one that does not hold leaves nothing
	// created, not the engagements before it.
	type built struct {
		e    *attest.Engagement
		ctls []attest.Control
	}
	var bs []built
	for _, spec := range specs {
		e, ctls, err := Build(cat, spec, ch.At)
		if err != nil {
			return nil, err
		}
		bs = append(bs, built{e, ctls})
	}
	var out []Created
	for i, spec := range specs {
		e, ctls := bs[i].e, bs[i].ctls
		var err error
		if spec.ID == "" {
			if e.ID, err = freeID(ctx, s, e.ID); err != nil {
				return out, err
			}
			for i := range ctls {
				ctls[i].EngagementID = e.ID
			}
		}
		if err = s.CreateEngagement(ctx, ch, e, ctls); err != nil {
			return out, err
		}
		out = append(out, Created{e, len(ctls)})
	}
	return out, nil
}

// freeID returns id, or id with a numeric suffix when it is taken.
func freeID(ctx context.Context, s CreateStore, id string) (string, error) {
	for i := 1; ; i++ {
		try := id
		if i > 1 {
			try = fmt.Sprintf("%s-%d", id, i)
		}
		_, err := s.Engagement(ctx, try)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return try, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// ExclusionStore is what excluding criteria needs.
type ExclusionStore interface {
	PutExclusion(ctx context.Context, ch attest.Change, x attest.Exclusion) error
	DeleteExclusion(ctx context.Context, ch attest.Change, engagementID, criterionID string) error
}

// Exclude records management's proposal that criterion id of e is not
// relevant to the system, with the reason (CheckExclusion's rules). It
// returns the exclusion and the warnings to show.
func Exclude(ctx context.Context, s ExclusionStore, cat *catalog.Catalog, ch attest.Change, actor *attest.User, e *attest.Engagement, id, reason string) (*attest.Exclusion, []string, error) {
	if !attest.Manages(actor) {
		return nil, nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager proposes exclusions"}
	}
	id, warnings, err := CheckExclusion(cat, e, id, reason)
	if err != nil {
		return nil, nil, err
	}
	x := attest.Exclusion{EngagementID: e.ID, CriterionID: id, Reason: strings.TrimSpace(reason), CreatedAt: ch.At.UTC().Format(time.RFC3339)}
	if err := s.PutExclusion(ctx, ch, x); err != nil {
		return nil, nil, err
	}
	return &x, warnings, nil
}

// Include withdraws an exclusion: criterion id of engagement engID is in
// scope again. It returns the criterion's ID as stored.
func Include(ctx context.Context, s ExclusionStore, ch attest.Change, actor *attest.User, engID, id string) (string, error) {
	if !attest.Manages(actor) {
		return "", &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager withdraws exclusions"}
	}
	id = strings.ToUpper(strings.TrimSpace(id))
	return id, s.DeleteExclusion(ctx, ch, engID, id)
}

// Directory is what reading every engagement's controls needs.
type Directory interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
}

// ControlIDs is the set of control IDs of every engagement.
func ControlIDs(ctx context.Context, s Directory) (map[string]bool, error) {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, e := range engs {
		ctls, err := s.Controls(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range ctls {
			known[c.ID] = true
		}
	}
	return known, nil
}

// Categories are the Trust Services categories of every engagement, in
// the order first met.
func Categories(ctx context.Context, s interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}) ([]string, error) {
	es, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, e := range es {
		for _, c := range e.Categories {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// KnownControl is control id as stored (trimmed, in upper case) when some
// engagement holds it, ENOTFOUND when none does.
func KnownControl(ctx context.Context, s Directory, id string) (string, error) {
	known, err := ControlIDs(ctx, s)
	if err != nil {
		return "", err
	}
	up := strings.ToUpper(strings.TrimSpace(id))
	if !known[up] {
		return "", &attest.Error{Code: attest.ENOTFOUND, Message: "no such control: " + id}
	}
	return up, nil
}
