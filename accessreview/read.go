package accessreview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/remind"
)

// Scope says which of the organization's records an auditor may read:
// those relevant to one of their engagements (auth.Scope).
type Scope interface {
	Relevant(what, from, to string, controls []string) error
}

// ReadStore is what the reads need.
type ReadStore interface {
	StatusStore
	Campaigns(ctx context.Context) ([]attest.Campaign, error)
	ReviewItems(ctx context.Context, campaign int64) ([]attest.ReviewItem, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// mayRead refuses a reader who may not read campaign c: the
// organization's staff read every campaign (the local operator, nil,
// too); the service auditor one that ran during an engagement's period
// or became evidence for one of its controls; anyone else none.
func mayRead(ctx context.Context, s ReadStore, actor *attest.User, sc Scope, c *attest.Campaign) error {
	switch {
	case actor == nil:
		return nil
	case actor.Role == attest.RoleAuditor:
		what := fmt.Sprintf("access review %d", c.ID)
		if sc == nil {
			return attest.Errorf(attest.EFORBIDDEN, "%s: an auditor reads the organization's records only when they bear on one of their engagements", what)
		}
		var controls []string
		if c.EvidenceID != 0 {
			ev, err := s.Evidence(ctx, c.EvidenceID)
			if err != nil {
				return err
			}
			controls = ev.Controls
		}
		return sc.Relevant(what, c.CreatedAt, c.CompletedAt, controls)
	case attest.ValidRole(actor.Role):
		return nil
	}
	return attest.Errorf(attest.EFORBIDDEN, "only the organization's staff and its service auditor read access reviews")
}

// List is the campaigns the reader may read, newest first, each with its
// status as of now.
func List(ctx context.Context, s ReadStore, actor *attest.User, sc Scope, now time.Time) ([]Status, error) {
	if actor != nil && !attest.ValidRole(actor.Role) {
		return nil, attest.Errorf(attest.EFORBIDDEN, "only the organization's staff and its service auditor read access reviews")
	}
	cs, err := s.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	out := []Status{}
	for i := len(cs) - 1; i >= 0; i-- {
		if mayRead(ctx, s, actor, sc, &cs[i]) != nil {
			continue
		}
		st, err := LoadStatus(ctx, s, cs[i].ID, now)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, nil
}

// View is one campaign as its page shows it to one reader: the status,
// the accounts the reader may see (every one for management, the
// auditor and viewers; a reviewer who does not manage sees those
// assigned to them), and what the reader may do now.
type View struct {
	Status
	Items []attest.ReviewItem `json:"items"`
	// Mine counts the accounts assigned to the reader, Undecided those
	// of them still to decide.
	Mine      int  `json:"assigned_to_you"`
	Undecided int  `json:"undecided_by_you"`
	SignedOff bool `json:"signed_off_by_you"`
	// MayDecide and MaySignOff say whether Decide and SignOff would take
	// the reader's batch and sign-off now.
	MayDecide  bool `json:"may_decide"`
	MaySignOff bool `json:"may_sign_off"`
	// MayManage says whether the reader may assign, link tickets to
	// revokes and complete the campaign (management, while it is open).
	MayManage bool `json:"may_manage"`
}

// Read is one campaign for a reader who may read it.
func Read(ctx context.Context, s ReadStore, actor *attest.User, sc Scope, campaign int64, now time.Time) (*View, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	if err := mayRead(ctx, s, actor, sc, c); err != nil {
		return nil, err
	}
	st, err := LoadStatus(ctx, s, campaign, now)
	if err != nil {
		return nil, err
	}
	items, err := s.ReviewItems(ctx, campaign)
	if err != nil {
		return nil, err
	}
	v := &View{Status: *st, Items: []attest.ReviewItem{}}
	every := actor == nil || attest.Manages(actor) || actor.Role == attest.RoleAuditor || actor.Role == attest.RoleViewer
	for _, it := range items {
		mine := actor != nil && it.ReviewerID == actor.ID
		if mine {
			v.Mine++
			if it.Decision == "" {
				v.Undecided++
			}
		}
		if every || mine {
			v.Items = append(v.Items, it)
		}
	}
	for _, so := range st.Signoffs {
		if actor != nil && so.ReviewerID == actor.ID {
			v.SignedOff = true
		}
	}
	open := c.Status == attest.CampaignOpen && actor != nil && actor.Role != attest.RoleAuditor
	v.MayDecide = open && v.Mine > 0
	v.MaySignOff = open && v.Mine > 0 && v.Undecided == 0 && !v.SignedOff
	v.MayManage = c.Status == attest.CampaignOpen && attest.Manages(actor)
	return v, nil
}

// Reminder is a reviewer with accounts still to decide in an open
// campaign past its due date, and the message that reminds them.
type Reminder struct {
	Campaign int64  `json:"campaign"`
	System   string `json:"system"`
	Due      string `json:"due"`
	Reviewer string `json:"reviewer"`
	// To is whom the reminder goes to: the reviewer, or for accounts
	// without one the address the caller named ("" when it named none:
	// the accounts are only counted).
	To        string `json:"to"`
	Undecided int    `json:"undecided"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
}

// RemindedKey is the setting that keeps when each reviewer was last
// reminded of each campaign (remind.Rounds).
const RemindedKey = "review-reminders.last"

// RemindStore is what Remind reads, and the setting it keeps its rounds
// in.
type RemindStore interface {
	ReadStore
	remind.Store
}

// Remind is Reminders for a job that mails them: an address reminded of a
// campaign less than every ago (0: remind.DefaultEvery), as its reviewer
// or of its accounts without one, is not reminded of it again, so a
// retried or daily job mails no one twice within the interval (of two
// runs at the same moment on two servers, one is refused as a conflict).
// Such a reminder stays in the list, for the count of what is undecided,
// with To empty: nothing to send. The round is kept before the list is returned for the caller to
// send.
func Remind(ctx context.Context, s RemindStore, actor *attest.User, now time.Time, every time.Duration, unassigned string) ([]Reminder, error) {
	rs, err := Reminders(ctx, s, actor, now, unassigned)
	if err != nil {
		return nil, err
	}
	rounds, err := remind.Load(ctx, s, RemindedKey)
	if err != nil {
		return nil, err
	}
	// Who is due is decided on the rounds as loaded, then marked: one
	// address may have several reminders in a run (a reviewer who is also
	// told of the accounts without one).
	due := make([]bool, len(rs))
	key := func(r Reminder) string {
		role := "reviewer"
		if r.Reviewer == "" {
			role = "unassigned"
		}
		return fmt.Sprintf("%d %s %s", r.Campaign, role, strings.ToLower(r.To))
	}
	for i, r := range rs {
		due[i] = r.To != "" && rounds.Due(key(r), now, every)
	}
	for i, r := range rs {
		if !due[i] {
			rs[i].To = ""
			continue
		}
		rounds.Mark(key(r), now)
	}
	if err := rounds.Save(ctx, s); err != nil {
		return nil, err
	}
	return rs, nil
}

// Reminders lists, for the follow-up of open campaigns past their due
// date, each reviewer with accounts still undecided, with the reminder
// to send them. Accounts without a reviewer (or whose reviewer has no
// account) are counted together, one reminder per campaign with Reviewer
// "", addressed to unassigned (when given).
// Management only (the local operator, or a job acting for it); sending
// is the caller's.
func Reminders(ctx context.Context, s ReadStore, actor *attest.User, now time.Time, unassigned string) ([]Reminder, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("follows up access reviews")
	}
	cs, err := s.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	today := now.UTC().Format(time.DateOnly)
	out := []Reminder{}
	for _, c := range cs {
		if c.Status != attest.CampaignOpen || today <= c.Due {
			continue
		}
		sum, err := s.ReviewSummary(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		none := -1 // the campaign's reminder about accounts without a reviewer
		for _, r := range sum {
			if r.Decided >= r.Items {
				continue
			}
			if r.ReviewerID == 0 {
				// Accounts of no one, or of a name no account has: one
				// reminder for them all.
				if none < 0 {
					none = len(out)
					out = append(out, Reminder{Campaign: c.ID, System: c.System, Due: c.Due, To: unassigned})
				}
				out[none].Undecided += r.Items - r.Decided
				continue
			}
			rm := Reminder{Campaign: c.ID, System: c.System, Due: c.Due, Reviewer: r.Reviewer, To: r.Reviewer, Undecided: r.Items - r.Decided}
			rm.Subject = fmt.Sprintf("Access review %d of %s: %d accounts still to decide", c.ID, c.System, rm.Undecided)
			rm.Body = fmt.Sprintf("The access review of %s was due on %s. You still have %d of your %d accounts to decide: keep, change or revoke each, with a reason for a change or a revoke, then sign off your part.\n", c.System, c.Due, rm.Undecided, r.Items)
			out = append(out, rm)
		}
		if none >= 0 {
			rm := &out[none]
			rm.Subject = fmt.Sprintf("Access review %d of %s: %d accounts have no reviewer", c.ID, c.System, rm.Undecided)
			rm.Body = fmt.Sprintf("The access review of %s was due on %s. %d of its accounts have no reviewer yet: assign them, so that they can be decided.\n", c.System, c.Due, rm.Undecided)
		}
	}
	return out, nil
}
