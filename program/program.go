// Package program is the state of the organization's compliance program
// at a glance, for the dashboard, the program's overview page and the
// API: what is due or late across its parts. Each part reads through its
// own feature package's read workflow, so the same authorization holds;
// a new part (acknowledgements outstanding, onboarding and offboarding
// items late) is a field here and a few lines in Load.
package program

import (
	"context"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/policy"
)

// Store is what Load reads.
type Store interface {
	policy.Store
	accessreview.ReadStore
	people.ReadStore
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
	// Checklists are the onboarding and offboarding items overdue or done
	// late, as the reader may see them.
	Checklists Checklists `json:"checklists"`
}

// Checklists counts the onboarding and offboarding items overdue, and
// those done late within the last LateDays, and lists them: every item
// for management, the items assigned to them for anyone else on the
// staff (people.Checklist decides). Shown is false for a reader who reads
// no checklists (the service auditor).
type Checklists struct {
	Shown       bool                `json:"shown"`
	Onboarding  Late                `json:"onboarding"`
	Offboarding Late                `json:"offboarding"`
	Items       []people.ItemStatus `json:"items"`
}

// Late counts one checklist's items overdue today and done late.
type Late struct {
	Overdue  int `json:"overdue"`
	DoneLate int `json:"done_late"`
}

// LateDays is how far back items done late are counted: older ones stay
// known deviations of their period, not the program's news.
const LateDays = 365

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
// c decides acknowledgement and training items (nil: open until recorded).
func Load(ctx context.Context, s Store, c people.Completions, actor *attest.User, sc Scope, now time.Time) (*Status, error) {
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
	if st.Checklists, err = LoadChecklists(ctx, s, c, actor, now); err != nil {
		return nil, err
	}
	return st, nil
}

// For is the status as actor reads it, from management's (Load with no
// actor) as of now: the organization's staff read every policy and access
// review, so only the checklists differ, which are read again for anyone
// outside management (the items assigned to them). An auditor, whose
// reads are scoped to their engagements, and anyone who is not staff
// must call Load instead: For refuses them.
func For(ctx context.Context, s people.ReadStore, c people.Completions, managers *Status, actor *attest.User, now time.Time) (*Status, error) {
	if !attest.Staff(actor) || actor != nil && actor.Role == attest.RoleAuditor {
		return nil, attest.Errorf(attest.EFORBIDDEN, "the program's state is read for an auditor by their scope: load it for them")
	}
	if attest.Manages(actor) {
		return managers, nil
	}
	mine := *managers
	var err error
	mine.Checklists, err = LoadChecklists(ctx, s, c, actor, now)
	return &mine, err
}

// LoadChecklists reads the checklist items overdue today or done late
// within LateDays, through people.Checklist as actor may read them: the
// overdue first, most days late first.
func LoadChecklists(ctx context.Context, s people.ReadStore, c people.Completions, actor *attest.User, now time.Time) (Checklists, error) {
	out := Checklists{Items: []people.ItemStatus{}}
	if actor != nil && actor.Role == attest.RoleAuditor {
		return out, nil
	}
	its, err := people.Checklist(ctx, s, c, actor, people.ChecklistQuery{Overdue: true, Late: true}, now)
	if err != nil {
		return out, err
	}
	out.Shown = true
	since := now.UTC().AddDate(0, 0, -LateDays).Format(time.DateOnly)
	for _, it := range its {
		if it.Status == people.DoneLate && it.Due < since {
			continue
		}
		l := &out.Onboarding
		if it.Checklist == attest.Offboarding {
			l = &out.Offboarding
		}
		if it.Status == people.Overdue {
			l.Overdue++
		} else {
			l.DoneLate++
		}
		out.Items = append(out.Items, it)
	}
	slices.SortStableFunc(out.Items, func(a, b people.ItemStatus) int {
		if (a.Status == people.Overdue) != (b.Status == people.Overdue) {
			if a.Status == people.Overdue {
				return -1
			}
			return 1
		}
		return b.DaysLate - a.DaysLate
	})
	return out, nil
}
