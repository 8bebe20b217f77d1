// Package program is the state of the organization's compliance program
// at a glance, for the dashboard, the program's overview page and the
// API: what is due or late across its parts. Each part reads through its
// own feature package's read workflow, so the same authorization holds;
// a new part (acknowledgements outstanding, onboarding and offboarding
// items late) is a field here and a few lines in Load.
package program

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/policy"
)

// Store is what Load reads.
type Store interface {
	policy.Store
	accessreview.ReadStore
}

// Scope says which of the organization's records an auditor may read
// (auth.Scope).
type Scope interface {
	Relevant(what, from, to string, controls []string) error
}

// Status is the program's state for one reader.
type Status struct {
	Policies Policies `json:"policies"`
	Reviews  Reviews  `json:"access_reviews"`
}

// Policies counts the policies and names those that need attention.
type Policies struct {
	Total     int `json:"total"`
	Published int `json:"published"`
	// InReview are waiting for their approvers.
	InReview int `json:"in_review"`
	// Due come due for review within policy.DueSoonDays; Overdue are past
	// their review date.
	Due     []policy.Summary `json:"due"`
	Overdue []policy.Summary `json:"overdue"`
}

// Reviews counts the access reviews and names the open ones.
type Reviews struct {
	Total int `json:"total"`
	// Open are the campaigns not yet completed, with their blockers.
	Open []OpenReview `json:"open"`
	// OpenRevokes counts, over every campaign, revokes not yet shown done.
	OpenRevokes int `json:"open_revokes"`
}

// OpenReview is an open campaign's progress.
type OpenReview struct {
	ID        int64  `json:"id"`
	System    string `json:"system"`
	Due       string `json:"due"`
	Overdue   bool   `json:"overdue"`
	Accounts  int    `json:"accounts"`
	Undecided int    `json:"undecided"`
	// OpenRevokes are revokes not yet shown done.
	OpenRevokes int `json:"open_revokes"`
}

// Load reads the program's state as of now, as the reader may see it.
func Load(ctx context.Context, s Store, actor *attest.User, sc Scope, now time.Time) (*Status, error) {
	ps, err := policy.List(ctx, s, actor, sc, now)
	if err != nil {
		return nil, err
	}
	rs, err := accessreview.List(ctx, s, actor, sc, now)
	if err != nil {
		return nil, err
	}
	st := &Status{Policies: Policies{Total: len(ps), Due: []policy.Summary{}, Overdue: []policy.Summary{}}, Reviews: Reviews{Total: len(rs), Open: []OpenReview{}}}
	for _, p := range ps {
		switch {
		case p.ReviewState == policy.ReviewOverdue:
			st.Policies.Overdue = append(st.Policies.Overdue, p)
		case p.ReviewState == policy.ReviewDue:
			st.Policies.Due = append(st.Policies.Due, p)
		}
		if p.Published > 0 {
			st.Policies.Published++
		}
		if p.Status == attest.PolicyInReview {
			st.Policies.InReview++
		}
	}
	for _, r := range rs {
		st.Reviews.OpenRevokes += r.Open
		if r.Campaign.Status != attest.CampaignOpen {
			continue
		}
		st.Reviews.Open = append(st.Reviews.Open, OpenReview{ID: r.Campaign.ID, System: r.Campaign.System, Due: r.Campaign.Due, Overdue: r.Overdue,
			Accounts: r.Campaign.Accounts, Undecided: r.Campaign.Accounts - r.Decided, OpenRevokes: r.Open})
	}
	return st, nil
}
