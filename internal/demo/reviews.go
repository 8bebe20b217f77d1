package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/check"
)

// reviewedSystem is the system of the demo's access review.
const reviewedSystem = "Okta"

// listing is a collection's provenance as an access review records it.
func listing(c *check.Collection) attest.Listing {
	return attest.Listing{Source: fmt.Sprintf("collection %d (%s)", c.Evidence, c.Source), Collection: c.Evidence,
		ExtractedAt: c.CollectedAt, ExtractedBy: c.By}
}

// startReview runs the access review of the identity provider's accounts
// from the collection taken at: the Compliance Manager starts it over
// its listing, with the HR roster of the same collection (accounts of
// leavers flagged), each account given to its holder's manager, or the
// system owner (the IT Administrator) when the manager has no account;
// every reviewer decides their batch with their own account and signs
// off over the next days.
// The revokes stay open until a later collection shows them done.
func (b *builder) startReview(ctx context.Context, col *check.Collection, at time.Time) (int64, error) {
	accts, err := accessreview.FromRecords(col.Records, reviewedSystem)
	if err != nil {
		return 0, err
	}
	priya := b.users["Priya Raman"]
	l := listing(col)
	l.Completeness = fmt.Sprintf("the collection read every record of its source without a problem; %d active accounts agreed to the count on the identity provider's admin console", len(accts))
	l.Roster = fmt.Sprintf("collection %d (the HR roster collected with the accounts)", col.Evidence)
	start := at.Add(2 * time.Hour)
	c, _, err := accessreview.Start(ctx, b.Store, attest.Change{Actor: priya.Name, At: start}, priya, accessreview.StartRequest{System: reviewedSystem,
		Due: start.AddDate(0, 0, 21).Format(time.DateOnly), Accounts: accts, Listing: l, Roster: accessreview.RosterFrom(col.Records)})
	if err != nil {
		return 0, err
	}
	if _, err := accessreview.Assign(ctx, b.Store, attest.Change{Actor: priya.Name, At: start.Add(time.Hour)}, priya, c.ID,
		accessreview.AssignRequest{Owner: "kenji.mori@harbor.example", ByManager: true}); err != nil {
		return 0, err
	}
	items, err := b.Store.ReviewItems(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	batches := map[int64][]accessreview.DecisionInput{}
	var order []int64
	for _, it := range items {
		if _, ok := batches[it.ReviewerID]; !ok {
			order = append(order, it.ReviewerID)
		}
		batches[it.ReviewerID] = append(batches[it.ReviewerID], decide(it))
	}
	for i, id := range order {
		u := b.userByID(id)
		on := start.AddDate(0, 0, 1+i%5).Add(time.Duration(i) * time.Hour)
		if _, err := accessreview.Decide(ctx, b.Store, attest.Change{Actor: u.Name, At: on}, u, nil, c.ID, batches[id]); err != nil {
			return 0, fmt.Errorf("demo review decisions of %s: %w", u.Email, err)
		}
		if _, err := accessreview.SignOff(ctx, b.Store, attest.Change{Actor: u.Name, At: on.Add(20 * time.Minute)}, u, nil, c.ID, "every account of my batch decided"); err != nil {
			return 0, err
		}
	}
	return c.ID, nil
}

// decide is a reviewer's decision on one account: a leaver's account or
// one of no one on the roster revoked, the standing production admin
// rights of the Infrastructure Lead changed to the break-glass role,
// privileged accounts kept for a stated need, the rest kept.
func decide(it attest.ReviewItem) accessreview.DecisionInput {
	d := accessreview.DecisionInput{Account: it.Account, Decision: attest.DecisionKeep}
	switch {
	case slices.Contains(it.Flags, attest.FlagLeft):
		d.Decision, d.Reason = attest.DecisionRevoke, "No longer employed: the roster shows the person left, and the account is still active. Disable it now."
	case slices.Contains(it.Flags, attest.FlagNotOnRoster):
		d.Decision, d.Reason = attest.DecisionRevoke, "No one on the roster answers for this account."
	case it.Person == "sam.adeyemi@harbor.example":
		d.Decision, d.Reason = attest.DecisionChange, "Standing production admin no longer needed: move to the break-glass role, granted per incident."
	case it.Privileged:
		d.Reason = "Needed for the role: administers the identity provider or production; checked against the admin list."
	}
	return d
}

// userByID is the demo account with that ID.
func (b *builder) userByID(id int64) *attest.User {
	for _, u := range b.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// finishReview confirms the review's revokes from the collection taken
// at, which no longer lists the accounts revoked, and completes it: its
// decisions become evidence for the access review control (AC-06).
func (b *builder) finishReview(ctx context.Context, campaign int64, col *check.Collection, at time.Time) error {
	accts, err := accessreview.FromRecords(col.Records, reviewedSystem)
	if err != nil {
		return err
	}
	priya := b.users["Priya Raman"]
	fu, err := accessreview.Confirm(ctx, b.Store, attest.Change{Actor: priya.Name, At: at.Add(2 * time.Hour)}, priya, campaign, listing(col), accts)
	if err != nil {
		return err
	}
	if len(fu.Open) > 0 {
		return attest.Errorf(attest.EINTERNAL, "demo: the last collection still lists revoked accounts %v", fu.Open)
	}
	_, err = accessreview.Complete(ctx, b.Store, b.Blobs, attest.Change{Actor: priya.Name, At: at.Add(3 * time.Hour)}, priya, campaign, []string{"AC-06"})
	return err
}
