package policy

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-dev/attest"
)

// Scope says which of the organization's records an auditor may read:
// those relevant to one of their engagements (auth.Scope.Relevant, which
// refuses the others naming the rule). The staff's scope covers every
// record.
type Scope interface {
	Relevant(what, from, to string, controls []string) error
}

// DueSoonDays is how far ahead a review coming due is shown as due.
const DueSoonDays = 30

// Review states of a policy in force.
const (
	ReviewDue     = "due"
	ReviewOverdue = "overdue"
)

// Summary is a policy as the list shows it: its owner's name, since when
// it is in force and when its next review is due.
type Summary struct {
	attest.Policy
	OwnerName string `json:"owner_name"`
	// InForce is the day the policy was first published ("" when never).
	InForce string `json:"in_force_since,omitempty"`
	// NextReview is the day its next review is due ("" before it is in
	// force); ReviewState is ReviewDue within DueSoonDays of that day,
	// ReviewOverdue after it, else "".
	NextReview  string `json:"next_review,omitempty"`
	ReviewState string `json:"review_state,omitempty"`
}

// mayRead refuses a reader who may not read p: the organization's staff
// read every policy (the local operator, nil, too); the service auditor
// only one relevant to an engagement they audit (in force during its
// period, or supporting one of its controls); anyone else none.
func mayRead(actor *attest.User, sc Scope, p *attest.Policy, inForce string) error {
	switch {
	case actor == nil:
		return nil
	case actor.Role == attest.RoleAuditor:
		if sc == nil {
			return forbidden("policy " + p.ID + ": an auditor reads the organization's records only when they bear on one of their engagements")
		}
		return sc.Relevant("policy "+p.ID, inForce, "", p.Controls)
	case attest.ValidRole(actor.Role):
		return nil
	}
	return forbidden("only the organization's staff and its service auditor read its policies")
}

// List is the policies the reader may read, with their review dates as
// of now.
func List(ctx context.Context, s Store, actor *attest.User, sc Scope, now time.Time) ([]Summary, error) {
	if actor != nil && !attest.ValidRole(actor.Role) {
		return nil, forbidden("only the organization's staff and its service auditor read its policies")
	}
	ps, err := s.Policies(ctx)
	if err != nil {
		return nil, err
	}
	es, err := s.PolicyEvents(ctx, "")
	if err != nil {
		return nil, err
	}
	since := firstPublished(es)
	acts := map[string][]attest.PolicyEvent{}
	for _, e := range es {
		acts[e.PolicyID] = append(acts[e.PolicyID], e)
	}
	names := map[int64]string{0: "not named"}
	out := []Summary{}
	for i := range ps {
		p := &ps[i]
		if mayRead(actor, sc, p, since[p.ID]) != nil {
			continue
		}
		if _, ok := names[p.Owner]; !ok {
			u, err := s.User(ctx, p.Owner)
			if err != nil {
				return nil, err
			}
			names[p.Owner] = u.Name
		}
		sum := Summary{Policy: *p, OwnerName: names[p.Owner], InForce: day(since[p.ID])}
		sum.NextReview, sum.ReviewState = NextReview(p.Review, acts[p.ID], now)
		out = append(out, sum)
	}
	return out, nil
}

// firstPublished is the time each policy was first published.
func firstPublished(es []attest.PolicyEvent) map[string]string {
	out := map[string]string{}
	for _, e := range es {
		if _, ok := out[e.PolicyID]; !ok && e.Action == attest.PolicyPublish {
			out[e.PolicyID] = e.At
		}
	}
	return out
}

// months is a review frequency's interval in months (0: counted in days).
func months(f attest.Frequency) int {
	switch f {
	case attest.Monthly:
		return 1
	case attest.Quarterly:
		return 3
	case attest.SemiAnnual:
		return 6
	case attest.Weekly, attest.BiWeekly, attest.SemiMonthly, attest.Daily, attest.MultipleDaily:
		return 0
	}
	return 12 // annual, and what a policy's review is when unsaid
}

// days is the interval in days of a review more frequent than monthly.
func days(f attest.Frequency) int {
	switch f {
	case attest.Weekly:
		return 7
	case attest.BiWeekly:
		return 14
	case attest.SemiMonthly:
		return 15
	}
	return 1
}

// View is a policy as its page and attest policy show show it: its
// history and current text (Detail), its review date, and the names and
// addresses of its owner and approvers.
type View struct {
	*Detail
	OwnerName   string           `json:"owner_name"`
	InForce     string           `json:"in_force_since,omitempty"`
	NextReview  string           `json:"next_review,omitempty"`
	ReviewState string           `json:"review_state,omitempty"`
	Names       map[int64]string `json:"names"`
	// Emails are the owner's and approvers' addresses, by account.
	Emails map[int64]string `json:"emails"`
}

// Read is one policy for a reader who may read it (see List).
func Read(ctx context.Context, s Store, actor *attest.User, sc Scope, id string, now time.Time) (*View, error) {
	d, err := Show(ctx, s, id)
	if err != nil {
		return nil, err
	}
	v := &View{Detail: d, Names: map[int64]string{}, Emails: map[int64]string{}, OwnerName: "not named", InForce: day(firstPublished(d.Events)[d.ID])}
	if err := mayRead(actor, sc, &d.Policy, v.InForce); err != nil {
		return nil, err
	}
	v.NextReview, v.ReviewState = NextReview(d.Review, d.Events, now)
	for _, id := range append([]int64{d.Owner}, d.Approvers...) {
		if id == 0 {
			continue
		}
		u, err := s.User(ctx, id)
		switch {
		case attest.ErrorCode(err) == attest.ENOTFOUND:
			// The policy still reads; the missing account is named as such.
			v.Names[id] = fmt.Sprintf("account %d (not found)", id)
			continue
		case err != nil:
			return nil, err
		}
		v.Names[id], v.Emails[id] = u.Name, u.Email
	}
	if d.Owner != 0 {
		v.OwnerName = v.Names[d.Owner]
	}
	return v, nil
}

// ReadDiff is DiffVersions for a reader who may read the policy.
func ReadDiff(ctx context.Context, s Store, actor *attest.User, sc Scope, id string, from, to int) (*Compare, error) {
	if err := readable(ctx, s, actor, sc, id); err != nil {
		return nil, err
	}
	return DiffVersions(ctx, s, id, from, to)
}

// ReadText is Text for a reader who may read the policy.
func ReadText(ctx context.Context, s Store, actor *attest.User, sc Scope, id string, n int) (*attest.Policy, *attest.PolicyVersion, error) {
	if err := readable(ctx, s, actor, sc, id); err != nil {
		return nil, nil, err
	}
	return Text(ctx, s, id, n)
}

func readable(ctx context.Context, s Store, actor *attest.User, sc Scope, id string) error {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return err
	}
	es, err := s.PolicyEvents(ctx, id)
	if err != nil {
		return err
	}
	return mayRead(actor, sc, p, firstPublished(es)[id])
}

// Acts are the acts a reader may make on a policy now: what its page
// offers. The workflows decide again when an act is made.
type Acts struct {
	Edit    bool `json:"edit"`
	Submit  bool `json:"submit"`
	Approve bool `json:"approve"`
	Publish bool `json:"publish"`
}

// Acts says what actor may do with the policy as read: edit it or submit
// its draft (management or its owner), approve the version in review
// (only a named approver who has not yet), publish an approved version
// (management).
func (v *View) Acts(actor *attest.User) Acts {
	if actor != nil && (actor.Role == attest.RoleAuditor || !attest.ValidRole(actor.Role)) {
		return Acts{}
	}
	write := mayWrite(actor, &v.Policy)
	return Acts{
		Edit:    write,
		Submit:  write && v.Status == attest.PolicyDraft,
		Approve: actor != nil && v.Status == attest.PolicyInReview && slices.Contains(v.Approvers, actor.ID) && !slices.Contains(v.Approved, actor.ID),
		Publish: attest.Manages(actor) && v.Status == attest.PolicyApproved,
	}
}

// BodyHTML is a policy's text as an HTML fragment: the Markdown subset
// the templates use, every character of the text escaped.
func BodyHTML(md string) string { return markdownHTML(md) }
