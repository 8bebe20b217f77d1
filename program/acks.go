package program

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/training"
)

func forbidden(what string) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) " + what}
}

// Acknowledgements is where acknowledgements stand on now's day, for
// management: per policy and per person, those with the most overdue,
// then outstanding, first (ack.Load computes them).
func Acknowledgements(ctx context.Context, s ack.Store, actor *attest.User, f ack.Filter, now time.Time) (*ack.Status, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("reads everyone's acknowledgements")
	}
	st, err := ack.Load(ctx, s, now.UTC().Format(attest.DateLayout), f)
	if err != nil {
		return nil, err
	}
	first := func(a, b ack.Counts) int {
		return cmp.Or(b.Overdue-a.Overdue, (b.Outstanding+b.Outdated)-(a.Outstanding+a.Outdated))
	}
	slices.SortStableFunc(st.People, func(a, b ack.PersonStatus) int { return first(a.Counts, b.Counts) })
	slices.SortStableFunc(st.Policies, func(a, b ack.PolicyStatus) int { return first(a.Counts, b.Counts) })
	return st, nil
}

// Training is security training per in-scope person on now's day, for
// management: overdue first, then due, then current. Courses, when
// given, are the courses that count (training.Security).
func Training(ctx context.Context, s training.Store, actor *attest.User, person int64, courses []string, now time.Time) (*training.Status, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("reads everyone's training")
	}
	st, err := training.Load(ctx, s, now.UTC().Format(attest.DateLayout), person, courses)
	if err != nil {
		return nil, err
	}
	rank := map[string]int{training.Overdue: 0, training.Due: 1, training.Current: 2}
	slices.SortStableFunc(st.People, func(a, b training.PersonStatus) int { return rank[a.State] - rank[b.State] })
	return st, nil
}

// PersonID is the roster ID of the person with the e-mail address, for a
// status read about one person (0 for "": everyone). An address on no one
// is not found, saying so.
func PersonID(ctx context.Context, s interface {
	PersonByEmail(ctx context.Context, email string) (*attest.Person, error)
}, email string) (int64, error) {
	if email = strings.TrimSpace(email); email == "" {
		return 0, nil
	}
	p, err := s.PersonByEmail(ctx, email)
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}
