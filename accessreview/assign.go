package accessreview

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// AssignRequest says who reviews which accounts.
type AssignRequest struct {
	// Owner is the system owner's e-mail address: the reviewer of every
	// account no one else is given.
	Owner string `json:"owner"`
	// ByManager gives each account to its holder's manager (from the
	// roster) when the manager has an account that may review.
	ByManager bool `json:"by_manager"`
	// Accounts, when named, are the only ones assigned (decided ones
	// cannot be); otherwise every account without a reviewer is.
	Accounts []string `json:"accounts"`
	// Reviewer, when given, reviews the accounts named (or every one
	// without a reviewer), before the manager or the owner.
	Reviewer string `json:"reviewer"`
}

// AssignStore is what Assign needs.
type AssignStore interface {
	Campaign(ctx context.Context, id int64) (*attest.Campaign, error)
	ReviewKeys(ctx context.Context, campaign int64) ([]attest.ReviewItem, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
	AssignReviewers(ctx context.Context, ch attest.Change, campaign int64, as []attest.Assignment, digest string) error
}

// Assigned counts the accounts each reviewer was given.
type Assigned struct {
	Campaign int64          `json:"campaign"`
	Accounts int            `json:"accounts"`
	By       map[string]int `json:"by_reviewer"`
}

// Assign gives accounts of an open campaign their reviewers, for
// management only: the named reviewer, else the holder's manager (with
// ByManager), else the system owner; never the account's own holder, and
// only a person's enabled account that is not the service auditor's.
// All or none, in one transaction with one ledger entry.
func Assign(ctx context.Context, s AssignStore, ch attest.Change, actor *attest.User, campaign int64, req AssignRequest) (*Assigned, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("assigns access reviews")
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	if c.Status != attest.CampaignOpen {
		return nil, attest.Errorf(attest.ECONFLICT, "access review %d is %s", campaign, c.Status)
	}
	items, err := s.ReviewKeys(ctx, campaign)
	if err != nil {
		return nil, err
	}
	targets, err := pick(items, req.Accounts, campaign)
	if err != nil {
		return nil, err
	}
	users := reviewers{s: s, m: map[string]*attest.User{}}
	as := make([]attest.Assignment, 0, len(targets))
	out := &Assigned{Campaign: campaign, By: map[string]int{}}
	for _, it := range targets {
		var cands []string
		if req.Reviewer != "" {
			cands = append(cands, req.Reviewer)
		}
		if req.ByManager && it.Manager != "" {
			cands = append(cands, it.Manager)
		}
		if req.Owner != "" {
			cands = append(cands, req.Owner)
		}
		u, err := users.first(ctx, cands, it)
		if err != nil {
			return nil, err
		}
		as = append(as, attest.Assignment{Seq: it.Seq, ReviewerID: u.ID, Reviewer: u.Email})
		out.By[u.Email]++
	}
	if len(as) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("every account of access review %d already has a reviewer", campaign),
			Hint: "name accounts (--account) to give them another reviewer"}
	}
	slices.SortFunc(as, func(a, b attest.Assignment) int { return a.Seq - b.Seq })
	if err := s.AssignReviewers(ctx, ch, campaign, as, Digest(as)); err != nil {
		return nil, err
	}
	out.Accounts = len(as)
	return out, nil
}

// pick is the items named, or those without a reviewer.
func pick(items []attest.ReviewItem, names []string, campaign int64) ([]attest.ReviewItem, error) {
	if len(names) == 0 {
		out := make([]attest.ReviewItem, 0, len(items))
		for _, it := range items {
			if it.ReviewerID == 0 {
				out = append(out, it)
			}
		}
		return out, nil
	}
	by := make(map[string]attest.ReviewItem, len(items))
	for _, it := range items {
		by[it.Account] = it
	}
	var out []attest.ReviewItem
	for _, n := range names {
		it, ok := by[strings.TrimSpace(n)]
		if !ok {
			return nil, attest.Errorf(attest.ENOTFOUND, "access review %d has no account %q", campaign, n)
		}
		if it.Decision != "" {
			return nil, attest.Errorf(attest.ECONFLICT, "account %q is already decided: it keeps its reviewer", n)
		}
		out = append(out, it)
	}
	return out, nil
}

// reviewers finds the accounts that may review, by e-mail, once each.
type reviewers struct {
	s interface {
		UserByEmail(ctx context.Context, email string) (*attest.User, error)
	}
	m map[string]*attest.User
}

// first is the first candidate who may review it, or an error naming why
// none may.
func (r reviewers) first(ctx context.Context, cands []string, it attest.ReviewItem) (*attest.User, error) {
	var why []string
	for _, e := range cands {
		e = strings.ToLower(strings.TrimSpace(e))
		u, err := r.get(ctx, e)
		if err != nil {
			return nil, err
		}
		switch {
		case u == nil:
			why = append(why, e+" has no account")
		case u.Disabled || u.Service:
			why = append(why, e+" is not an enabled person's account")
		case u.Role == attest.RoleAuditor:
			why = append(why, e+" is the service auditor, who does not operate the organization's controls")
		case ownAccess(u, it):
			why = append(why, e+" holds the account: nobody reviews their own access")
		default:
			return u, nil
		}
	}
	if len(cands) == 0 {
		why = append(why, "no reviewer was named")
	}
	return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("account %q has no one to review it: %s", it.Account, strings.Join(why, "; ")),
		Hint: "name the system owner (--owner EMAIL), someone with an account who does not hold it"}
}

func (r reviewers) get(ctx context.Context, email string) (*attest.User, error) {
	if u, ok := r.m[email]; ok {
		return u, nil
	}
	u, err := r.s.UserByEmail(ctx, email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		u, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.m[email] = u
	return u, nil
}

// ownAccess reports whether u holds the account under review.
func ownAccess(u *attest.User, it attest.ReviewItem) bool {
	e := strings.ToLower(u.Email)
	return e != "" && (e == strings.ToLower(it.Person) || e == strings.ToLower(it.Account))
}
