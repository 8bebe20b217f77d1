package authtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/policy"
)

// The compliance program's workflows: policies and access reviews. They
// belong to the organization, not to one engagement: management acts, a
// policy's owner edits and submits it, only its named approvers approve
// it, a reviewer decides and signs off only the accounts assigned to
// them, a service account never approves or decides, and the service
// auditor reads only what is relevant to one of their engagements (in
// force during it, or supporting its controls) and writes nothing. The
// reads (policy.Read, accessreview.Read) join the table with the web's
// program branch; p-read, p-draft, Campaign and OldCampaign are here for
// them: in force or run during the period, and not.

var (
	readers     = slices.Concat(staff, []string{attest.RoleViewer})
	auditors    = slices.Concat(readers, []string{"auditor-named", "auditor-other"})
	ownerOnly   = []string{"operator", attest.RoleOwner}
	policyOwner = slices.Concat(management, []string{attest.RoleOwner})
)

// owner is the control owner's account: p-work's owner and approver, and
// the reviewer of the access reviews' accounts.
func (w *World) owner() *attest.User { return w.Users[attest.RoleOwner] }

// reopen gives p-work a new text as the local operator: a draft again.
func (w *World) reopen(ctx context.Context) error {
	_, v, err := policy.Text(ctx, w.Store, "p-work", 0)
	if err != nil {
		return err
	}
	body := v.Body + "\n" + w.reason() + "\n"
	_, err = policy.Edit(ctx, w.Store, w.ch(), nil, "p-work", policy.EditRequest{Body: &body})
	return err
}

// inReview is p-work reopened and submitted by the local operator.
func (w *World) inReview(ctx context.Context) error {
	if err := w.reopen(ctx); err != nil {
		return err
	}
	_, err := policy.Submit(ctx, w.Store, w.ch(), nil, "p-work", "")
	return err
}

// approver is who approves: the signed-in account itself, or, for the
// local operator, the approver it records.
func (w *World) approver(actor *attest.User) int64 {
	if actor == nil {
		return w.owner().ID
	}
	return 0
}

// flipReview changes a policy's review frequency as actor: a change
// every time it runs.
func (w *World) flipReview(ctx context.Context, a *attest.User, id string) error {
	p, err := w.Store.Policy(ctx, id)
	if err != nil {
		return err
	}
	review := attest.Annual
	if p.Review == attest.Annual {
		review = attest.Quarterly
	}
	_, err = policy.Edit(ctx, w.Store, w.ch(), a, id, policy.EditRequest{Review: &review})
	return err
}

var policyCases = []Case{
	{"adopt a policy", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := policy.New(ctx, w.Store, w.ch(), a, policy.NewRequest{Template: "backup", ID: "p-" + w.reason(), Vars: map[string]string{"org": "Example"}})
		return err
	}},
	{"edit the policy it owns", policyOwner, func(ctx context.Context, w *World, a *attest.User) error {
		return w.flipReview(ctx, a, "p-work")
	}},
	{"edit a policy it does not own", management, func(ctx context.Context, w *World, a *attest.User) error {
		return w.flipReview(ctx, a, "p-draft")
	}},
	{"submit the policy it owns", policyOwner, func(ctx context.Context, w *World, a *attest.User) error {
		if err := w.reopen(ctx); err != nil {
			return err
		}
		_, err := policy.Submit(ctx, w.Store, w.ch(), a, "p-work", "")
		return err
	}},
	{"approve a policy as its named approver", ownerOnly, func(ctx context.Context, w *World, a *attest.User) error {
		if err := w.inReview(ctx); err != nil {
			return err
		}
		_, err := policy.Approve(ctx, w.Store, w.ch(), a, "p-work", policy.ApproveRequest{As: w.approver(a)})
		return err
	}},
	{"publish an approved policy", management, func(ctx context.Context, w *World, a *attest.User) error {
		if err := w.inReview(ctx); err != nil {
			return err
		}
		if _, err := policy.Approve(ctx, w.Store, w.ch(), nil, "p-work", policy.ApproveRequest{As: w.owner().ID}); err != nil {
			return err
		}
		_, err := policy.Publish(ctx, w.Store, w.ch(), a, "p-work", "")
		return err
	}},
}

// campaign starts a fresh access review of accounts as the local operator
// and assigns each to the control owner.
func (w *World) campaign(ctx context.Context, ch attest.Change, accounts ...string) (int64, error) {
	var accts []accessreview.Account
	for _, a := range accounts {
		accts = append(accts, accessreview.Account{Account: a, Roles: []string{"member"}})
	}
	c, _, err := accessreview.Start(ctx, w.Store, ch, nil, accessreview.StartRequest{System: "GitHub", Accounts: accts,
		Listing: attest.Listing{Source: "file github.csv", ExtractedAt: ch.At.Format(attest.DateLayout)}})
	if err != nil {
		return 0, err
	}
	_, err = accessreview.Assign(ctx, w.Store, ch, nil, c.ID, accessreview.AssignRequest{Owner: w.owner().Email})
	return c.ID, err
}

// decided is a fresh campaign of one account decided (keep or revoke) by
// its reviewer, the control owner.
func (w *World) decided(ctx context.Context, decision string) (int64, error) {
	id, err := w.campaign(ctx, w.ch(), "acct")
	if err != nil {
		return 0, err
	}
	_, err = accessreview.Decide(ctx, w.Store, w.ch(), nil, w.owner(), id, []accessreview.DecisionInput{{Account: "acct", Decision: decision, Reason: "matrix"}})
	return id, err
}

// reviewer is whose decisions the local operator records: the owner's.
func (w *World) reviewer(actor *attest.User) *attest.User {
	if actor == nil {
		return w.owner()
	}
	return nil
}

// readCases are the reads of the program's records: staff read every
// one; an auditor, inside the window, those in force or run during an
// engagement they audit.
var readCases = []Case{
	{"read a policy in force during the period", auditors, func(ctx context.Context, w *World, a *attest.User) error {
		return w.readPolicy(ctx, a, "p-read")
	}},
	{"read a policy never in force", readers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.readPolicy(ctx, a, "p-draft")
	}},
	{"read an access review run during the period", auditors, func(ctx context.Context, w *World, a *attest.User) error {
		return w.readCampaign(ctx, a, w.Campaign)
	}},
	{"read an access review completed before the period", readers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.readCampaign(ctx, a, w.OldCampaign)
	}},
}

// readPolicy reads a policy, its text and its diff as actor.
func (w *World) readPolicy(ctx context.Context, a *attest.User, id string) error {
	sc, err := w.Env.Policy.Scope(ctx, a)
	if err != nil {
		return err
	}
	if _, err := policy.Read(ctx, w.Store, a, sc, id, w.Env.Policy.Now); err != nil {
		return err
	}
	_, _, err = policy.ReadText(ctx, w.Store, a, sc, id, 0)
	return err
}

// readCampaign reads an access review as actor.
func (w *World) readCampaign(ctx context.Context, a *attest.User, id int64) error {
	sc, err := w.Env.Policy.Scope(ctx, a)
	if err != nil {
		return err
	}
	_, err = accessreview.Read(ctx, w.Store, a, sc, id, w.Env.Policy.Now)
	return err
}

var reviewCases = []Case{
	{"start an access review", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, _, err := accessreview.Start(ctx, w.Store, w.ch(), a, accessreview.StartRequest{System: "Okta", Accounts: []accessreview.Account{{Account: w.reason()}},
			Listing: attest.Listing{Source: "file okta.csv", ExtractedAt: w.ch().At.Format(attest.DateLayout)}})
		return err
	}},
	{"assign an access review", management, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := accessreview.Assign(ctx, w.Store, w.ch(), a, w.Campaign, accessreview.AssignRequest{Accounts: []string{"to-assign"}, Reviewer: w.owner().Email})
		return err
	}},
	{"decide the accounts assigned to the control owner", ownerOnly, func(ctx context.Context, w *World, a *attest.User) error {
		_, err := accessreview.Decide(ctx, w.Store, w.ch(), a, w.reviewer(a), w.Campaign, []accessreview.DecisionInput{{Account: "assigned", Decision: "change", Reason: w.reason()}})
		return err
	}},
	{"sign off the control owner's part", ownerOnly, func(ctx context.Context, w *World, a *attest.User) error {
		id, err := w.decided(ctx, attest.DecisionKeep)
		if err != nil {
			return err
		}
		_, err = accessreview.SignOff(ctx, w.Store, w.ch(), a, w.reviewer(a), id, "")
		return err
	}},
	{"confirm revokes by a later listing", management, func(ctx context.Context, w *World, a *attest.User) error {
		id, err := w.decided(ctx, attest.DecisionRevoke)
		if err != nil {
			return err
		}
		later := attest.Listing{Source: "file github-later.csv", ExtractedAt: w.ch().At.Add(time.Hour).Format(time.RFC3339)}
		_, err = accessreview.Confirm(ctx, w.Store, w.ch(), a, id, later, nil)
		return err
	}},
	{"link a ticket to a revoke", management, func(ctx context.Context, w *World, a *attest.User) error {
		id, err := w.decided(ctx, attest.DecisionRevoke)
		if err != nil {
			return err
		}
		return accessreview.LinkTicket(ctx, w.Store, w.ch(), a, id, "acct", "OPS-1")
	}},
	{"complete an access review", management, func(ctx context.Context, w *World, a *attest.User) error {
		id, err := w.decided(ctx, attest.DecisionKeep)
		if err != nil {
			return err
		}
		if _, err := accessreview.SignOff(ctx, w.Store, w.ch(), nil, w.owner(), id, ""); err != nil {
			return err
		}
		_, err = accessreview.Complete(ctx, w.Store, w.Blobs, w.ch(), a, id, nil)
		return err
	}},
}

// setupProgram adds the program's records: policies p-read (published
// within the period), p-draft (never published, linked to no control of
// the engagements), both owned by the compliance manager, and p-work
// (owned by the control owner); each approved by the control owner;
// the open access review and one completed in 2025.
func setupProgram(t *testing.T, w *World) {
	t.Helper()
	ctx := context.Background()
	ch := attest.Change{Actor: "setup", At: Inside}
	owner, compliance := w.owner().ID, w.Users[attest.RoleCompliance].ID
	for _, p := range []struct {
		id, template string
		owner        int64
	}{{"p-read", "backup", compliance}, {"p-draft", "encryption", compliance}, {"p-work", "access-control", owner}} {
		_, err := policy.New(ctx, w.Store, ch, nil, policy.NewRequest{Template: p.template, ID: p.id, Vars: map[string]string{"org": "Example", "security_officer": "Head of Security"},
			Owner: p.owner, Approvers: []int64{owner}})
		mustNil(t, err)
	}
	_, err := policy.Submit(ctx, w.Store, ch, nil, "p-read", "")
	mustNil(t, err)
	_, err = policy.Approve(ctx, w.Store, ch, nil, "p-read", policy.ApproveRequest{As: owner})
	mustNil(t, err)
	_, err = policy.Publish(ctx, w.Store, ch, nil, "p-read", "")
	mustNil(t, err)

	w.Campaign, err = w.campaign(ctx, ch, "assigned", "to-assign")
	mustNil(t, err)
	old := attest.Change{Actor: "setup", At: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	w.OldCampaign, err = w.campaign(ctx, old, "acct")
	mustNil(t, err)
	_, err = accessreview.Decide(ctx, w.Store, old, nil, w.owner(), w.OldCampaign, []accessreview.DecisionInput{{Account: "acct", Decision: "keep"}})
	mustNil(t, err)
	_, err = accessreview.SignOff(ctx, w.Store, old, nil, w.owner(), w.OldCampaign, "")
	mustNil(t, err)
	if _, err = accessreview.Complete(ctx, w.Store, w.Blobs, old, nil, w.OldCampaign, nil); err != nil {
		t.Fatal(fmt.Errorf("complete the 2025 review: %w", err))
	}
}
