// Package policy is the organization's policies: a library of templates in
// our own words (information security, access control, change management
// and the rest), each mapped to the library's controls and the criteria
// it supports, and the life of each adopted policy, one workflow per act:
// adopt a template (New), write a new version (Edit), send it for review
// (Submit), approve it (Approve: only the accounts the policy names), put
// it in force (Publish). Every version is kept and compared (Diff); every
// act is a ledger entry written with its record in one transaction.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
)

// Store is what the workflows need from persistence.
type Store interface {
	// Policy is ENOTFOUND when there is no such policy.
	Policy(ctx context.Context, id string) (*attest.Policy, error)
	Policies(ctx context.Context) ([]attest.Policy, error)
	// PolicyVersions lists a policy's versions, oldest first, with their
	// bodies (every policy's when id is empty).
	PolicyVersions(ctx context.Context, id string) ([]attest.PolicyVersion, error)
	// PolicyEvents lists the acts on a policy in the order recorded
	// (every policy's when id is empty).
	PolicyEvents(ctx context.Context, id string) ([]attest.PolicyEvent, error)
	// RecordPolicy writes one change of a policy with its ledger entry of
	// type typ, in one transaction. prev is the entry the caller read the
	// policy at (-1 for a new policy): a policy changed since, or one that
	// already exists when prev is -1, is ECONFLICT.
	RecordPolicy(ctx context.Context, ch attest.Change, typ string, prev int64, c attest.PolicyChange) (*attest.PolicyChange, error)
	User(ctx context.Context, id int64) (*attest.User, error)
}

// NewStore is what adopting a template needs besides Store: the
// engagements, whose categories decide which templates may be adopted.
type NewStore interface {
	Store
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}

// maxBody bounds a policy's text.
const maxBody = 1 << 20

// NewRequest adopts a template as a policy.
type NewRequest struct {
	Template string
	// ID names the policy; default the template's ID.
	ID string
	// Vars are the organization's values for the template's variables
	// (org at least).
	Vars map[string]string
	// Owner and Approvers are accounts; either may be named later (Edit),
	// but both before the policy is submitted.
	Owner     int64
	Approvers []int64
}

// New adopts a template: the policy's first version, a draft. Management
// only (the local operator, an admin or a compliance manager).
func New(ctx context.Context, s NewStore, ch attest.Change, actor *attest.User, req NewRequest) (*attest.PolicyChange, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("only management (an admin or a compliance manager) adopts a policy")
	}
	lib, err := Load()
	if err != nil {
		return nil, err
	}
	t, err := lib.Template(req.Template)
	if err != nil {
		return nil, err
	}
	// A template for a category (privacy) needs an engagement with it in
	// scope.
	cats, err := engagement.Categories(ctx, s)
	if err != nil {
		return nil, err
	}
	if !t.InScope(cats) {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("template %s is for %s, which no engagement has in scope", t.ID, strings.Join(t.Categories, " or ")),
			Hint: "add the category to an engagement first, if the organization makes such commitments"}
	}
	id := strings.TrimSpace(req.ID)
	if id == "" {
		id = t.ID
	}
	if !idOK(id) {
		return nil, attest.Errorf(attest.EINVALID, "policy id %q: use lower-case letters, digits and '-' (at most 64)", id)
	}
	body, err := lib.Render(t, req.Vars)
	if err != nil {
		return nil, err
	}
	vals := lib.Values(t, req.Vars)
	p := attest.Policy{ID: id, Template: t.ID, Title: t.Title, OwnerRole: vals[t.Owner], Review: t.Review,
		Approvers: []int64{}, Controls: slices.Clone(t.Controls), Criteria: slices.Clone(t.Criteria),
		Status: attest.PolicyDraft, Version: 1, CreatedAt: ch.Stamp(), UpdatedAt: ch.Stamp()}
	if err := setPeople(ctx, s, &p, &req.Owner, &req.Approvers); err != nil {
		return nil, err
	}
	v := version(ch, id, 1, body, "adopted from template "+t.ID)
	return s.RecordPolicy(ctx, ch, attest.EntryPolicyCreated, -1, attest.PolicyChange{Policy: p, Version: &v})
}

func version(ch attest.Change, id string, n int, body, note string) attest.PolicyVersion {
	sum := sha256.Sum256([]byte(body))
	return attest.PolicyVersion{PolicyID: id, Version: n, Body: body, SHA256: hex.EncodeToString(sum[:]), Note: note, By: ch.Actor, At: ch.Stamp()}
}

// setPeople checks and sets the owner and approvers given (nil: keep).
// Each must be an enabled person's account; the service auditor is never
// one, since management owns and approves its policies.
func setPeople(ctx context.Context, s Store, p *attest.Policy, owner *int64, approvers *[]int64) error {
	if owner != nil && *owner != 0 {
		if _, err := person(ctx, s, *owner, "owner"); err != nil {
			return err
		}
		p.Owner = *owner
	}
	if approvers != nil && *approvers != nil {
		seen := map[int64]bool{}
		out := []int64{}
		for _, id := range *approvers {
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, err := person(ctx, s, id, "approver"); err != nil {
				return err
			}
			out = append(out, id)
		}
		p.Approvers = out
	}
	return nil
}

func person(ctx context.Context, s Store, id int64, as string) (*attest.User, error) {
	u, err := s.User(ctx, id)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, attest.Errorf(attest.EINVALID, "%s: no account %d", as, id)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case u.Disabled:
		return nil, attest.Errorf(attest.EINVALID, "%s: the account of %s is disabled", as, u.Email)
	case u.Service:
		return nil, attest.Errorf(attest.EINVALID, "%s: %s is a service account; a policy's %s is a person", as, u.Email, as)
	case u.Role == attest.RoleAuditor:
		return nil, attest.Errorf(attest.EINVALID, "%s: %s is a service auditor; management owns and approves its policies", as, u.Email)
	}
	return u, nil
}

// EditRequest changes a policy: a new text (a new version), its owner,
// its approvers or its review frequency. Nil fields are kept.
type EditRequest struct {
	Body      *string
	Owner     *int64
	Approvers *[]int64
	Review    *attest.Frequency
	Note      string
}

// Edit records a change to a policy. A new text is a new version; any
// change sends the policy back to draft, so that what is approved is
// always the current text by the current approvers. Management or the
// policy's owner.
func Edit(ctx context.Context, s Store, ch attest.Change, actor *attest.User, id string, req EditRequest) (*attest.PolicyChange, error) {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayWrite(actor, p) {
		return nil, forbidden("only management or the policy's owner edits " + p.ID)
	}
	prev := p.Entry
	next := *p
	next.Approvers = slices.Clone(p.Approvers)
	if err := setPeople(ctx, s, &next, req.Owner, req.Approvers); err != nil {
		return nil, err
	}
	if req.Review != nil {
		f, err := attest.ParseFrequency(string(*req.Review))
		if err != nil || f == attest.EventDriven || f == attest.Continuous {
			return nil, attest.Errorf(attest.EINVALID, "review: %q: a periodic frequency (monthly, quarterly, semi-annual, annual)", *req.Review)
		}
		next.Review = f
	}
	var v *attest.PolicyVersion
	if req.Body != nil {
		body := strings.ReplaceAll(*req.Body, "\r\n", "\n")
		if strings.TrimSpace(body) == "" {
			return nil, attest.Errorf(attest.EINVALID, "the new text of %s is empty", p.ID)
		}
		if len(body) > maxBody {
			return nil, attest.Errorf(attest.EINVALID, "the new text of %s is %d bytes: at most %d", p.ID, len(body), maxBody)
		}
		cur, err := current(ctx, s, p)
		if err != nil {
			return nil, err
		}
		if body != cur.Body {
			nv := version(ch, p.ID, p.Version+1, body, strings.TrimSpace(req.Note))
			v = &nv
			next.Version = nv.Version
		}
	}
	if v == nil && next.Owner == p.Owner && slices.Equal(next.Approvers, p.Approvers) && next.Review == p.Review {
		return nil, attest.Errorf(attest.EINVALID, "nothing to change in %s: the text, owner, approvers and review frequency are as given", p.ID)
	}
	next.Status = attest.PolicyDraft
	next.UpdatedAt = ch.Stamp()
	return s.RecordPolicy(ctx, ch, attest.EntryPolicyEdited, prev, attest.PolicyChange{Policy: next, Version: v})
}

// current is the policy's latest version.
func current(ctx context.Context, s Store, p *attest.Policy) (*attest.PolicyVersion, error) {
	vs, err := s.PolicyVersions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Version == p.Version {
			return &vs[i], nil
		}
	}
	return nil, fmt.Errorf("policy %s: version %d is missing", p.ID, p.Version)
}

func mayWrite(actor *attest.User, p *attest.Policy) bool {
	return attest.Manages(actor) || (p.Owner != 0 && actor.ID == p.Owner && !actor.Disabled)
}

func forbidden(msg string) error { return &attest.Error{Code: attest.EFORBIDDEN, Message: msg} }

// Submit sends a draft's current version to its approvers. The policy
// must name its owner and at least one approver. Management or the
// policy's owner.
func Submit(ctx context.Context, s Store, ch attest.Change, actor *attest.User, id, note string) (*attest.PolicyChange, error) {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayWrite(actor, p) {
		return nil, forbidden("only management or the policy's owner submits " + p.ID)
	}
	if p.Status != attest.PolicyDraft {
		return nil, attest.Errorf(attest.ECONFLICT, "%s version %d is %s, not a draft: edit it to write a new draft", p.ID, p.Version, p.Status)
	}
	if p.Owner == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: p.ID + " has no owner: every policy has one", Hint: "give it an owner, by the account's e-mail address"}
	}
	if len(p.Approvers) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: p.ID + " names no approver", Hint: "name its approvers, by their accounts' e-mail addresses"}
	}
	return act(ctx, s, ch, p, attest.EntryPolicySubmitted, attest.PolicyInReview, attest.PolicyEvent{Action: attest.PolicySubmitted, Note: note})
}

func act(ctx context.Context, s Store, ch attest.Change, p *attest.Policy, typ, status string, e attest.PolicyEvent) (*attest.PolicyChange, error) {
	prev := p.Entry
	next := *p
	next.Status, next.UpdatedAt = status, ch.Stamp()
	e.PolicyID, e.Version, e.By, e.At = p.ID, p.Version, ch.Actor, ch.Stamp()
	e.Note = strings.TrimSpace(e.Note)
	if e.Action == attest.PolicyPublish {
		next.Published, next.PublishedAt = p.Version, ch.Stamp()
	}
	return s.RecordPolicy(ctx, ch, typ, prev, attest.PolicyChange{Policy: next, Event: &e})
}

// ApproveRequest is one approver's approval.
type ApproveRequest struct {
	// Version is the version the approver read: approving is refused if
	// the policy moved on since (0: the current one).
	Version int
	// As is the approver's account when the command line's local operator
	// records an approval given by a named approver; a signed-in account
	// approves only as itself.
	As   int64
	Note string
}

// Approve records one named approver's approval of the version in review.
// Only the accounts the policy names may approve, each once per
// submission; when every one of them has, the version is approved.
func Approve(ctx context.Context, s Store, ch attest.Change, actor *attest.User, id string, req ApproveRequest) (*attest.PolicyChange, error) {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	who := req.As
	switch {
	case !attest.Staff(actor):
		return nil, forbidden("a policy is approved by the accounts it names")
	case actor == nil && who == 0:
		return nil, &attest.Error{Code: attest.EINVALID, Message: "name the approver whose approval this is", Hint: "one of the approvers the policy names, by e-mail address"}
	case actor != nil && who != 0 && who != actor.ID:
		return nil, forbidden("an approval is the approver's own: nobody approves for another account")
	case actor != nil:
		who = actor.ID
	}
	u, err := s.User(ctx, who)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(p.Approvers, who) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: fmt.Sprintf("%s is not an approver of %s: only the approvers the policy names may approve it", u.Email, p.ID),
			Hint: "the policy lists its approvers"}
	}
	if u, err = person(ctx, s, who, "approver"); err != nil {
		return nil, err
	}
	if p.Status != attest.PolicyInReview {
		return nil, attest.Errorf(attest.ECONFLICT, "%s version %d is %s, not in review", p.ID, p.Version, p.Status)
	}
	if req.Version != 0 && req.Version != p.Version {
		return nil, attest.Errorf(attest.ECONFLICT, "%s is at version %d, not %d: read the current version before approving it", p.ID, p.Version, req.Version)
	}
	got, err := approvals(ctx, s, p)
	if err != nil {
		return nil, err
	}
	if slices.Contains(got, who) {
		return nil, attest.Errorf(attest.ECONFLICT, "%s already approved %s version %d", u.Email, p.ID, p.Version)
	}
	status := attest.PolicyInReview
	if len(got)+1 == len(p.Approvers) {
		status = attest.PolicyApproved
	}
	return act(ctx, s, ch, p, attest.EntryPolicyApproved, status, attest.PolicyEvent{Action: attest.PolicyApproval, Account: who, Name: u.Name, Note: req.Note})
}

// approvals are the named approvers who approved the current version
// since its latest submission.
func approvals(ctx context.Context, s Store, p *attest.Policy) ([]int64, error) {
	es, err := s.PolicyEvents(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range es {
		switch {
		case e.Version != p.Version:
		case e.Action == attest.PolicySubmitted:
			out = nil
		case e.Action == attest.PolicyApproval && slices.Contains(p.Approvers, e.Account):
			out = append(out, e.Account)
		}
	}
	return out, nil
}

// Publish puts the approved version in force. Management only.
func Publish(ctx context.Context, s Store, ch attest.Change, actor *attest.User, id, note string) (*attest.PolicyChange, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("only management (an admin or a compliance manager) publishes a policy")
	}
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != attest.PolicyApproved {
		return nil, attest.Errorf(attest.ECONFLICT, "%s version %d is %s: only an approved version is published", p.ID, p.Version, p.Status)
	}
	return act(ctx, s, ch, p, attest.EntryPolicyPublished, attest.PolicyPublished, attest.PolicyEvent{Action: attest.PolicyPublish, Note: note})
}

// Detail is a policy with its versions (bodies left out) and the acts on
// it, and who of its approvers approved the current version so far.
type Detail struct {
	attest.Policy
	Versions []attest.PolicyVersion `json:"versions"`
	Events   []attest.PolicyEvent   `json:"events"`
	Approved []int64                `json:"approved_by"`
	Body     string                 `json:"body"`
}

// Show reads a policy with its history and its current text.
func Show(ctx context.Context, s Store, id string) (*Detail, error) {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.PolicyVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	es, err := s.PolicyEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Policy: *p, Events: es, Approved: []int64{}}
	for _, v := range vs {
		if v.Version == p.Version {
			d.Body = v.Body
		}
		v.Body = ""
		d.Versions = append(d.Versions, v)
	}
	if p.Status == attest.PolicyInReview || p.Status == attest.PolicyApproved || p.Status == attest.PolicyPublished {
		got, err := approvals(ctx, s, p)
		if err != nil {
			return nil, err
		}
		d.Approved = append(d.Approved, got...)
	}
	return d, nil
}

// Text is one version's text: the published one when n is -1, the
// current one when n is 0.
func Text(ctx context.Context, s Store, id string, n int) (*attest.Policy, *attest.PolicyVersion, error) {
	p, err := s.Policy(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	switch n {
	case 0:
		n = p.Version
	case -1:
		if p.Published == 0 {
			return nil, nil, &attest.Error{Code: attest.ENOTFOUND, Message: p.ID + " has not been published", Hint: "approve and publish it, or name a version"}
		}
		n = p.Published
	}
	vs, err := s.PolicyVersions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for i := range vs {
		if vs[i].Version == n {
			return p, &vs[i], nil
		}
	}
	return nil, nil, attest.Errorf(attest.ENOTFOUND, "%s has no version %d (versions 1 to %d)", p.ID, n, p.Version)
}

// Compare is the difference between two versions of a policy.
type Compare struct {
	Policy string `json:"policy"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	Lines  []Line `json:"lines"`
}

// DiffVersions compares two versions; to 0 is the current one, from 0 the
// one before to.
func DiffVersions(ctx context.Context, s Store, id string, from, to int) (*Compare, error) {
	p, b, err := Text(ctx, s, id, to)
	if err != nil {
		return nil, err
	}
	if from == 0 {
		from = b.Version - 1
	}
	if from < 1 {
		return nil, attest.Errorf(attest.EINVALID, "%s version %d is its first: there is nothing before it to compare", p.ID, b.Version)
	}
	_, a, err := Text(ctx, s, id, from)
	if err != nil {
		return nil, err
	}
	return &Compare{Policy: p.ID, From: a.Version, To: b.Version, Lines: Diff(a.Body, b.Body)}, nil
}
