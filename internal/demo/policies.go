package demo

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/policy"
)

// harborRoles fill the templates' role variables with Harbor's titles.
var harborRoles = map[string]string{
	"org":              "Harbor Payroll, Inc.",
	"ceo":              "Chief Executive Officer",
	"cto":              "Chief Technology Officer",
	"security_officer": "Security Lead",
	"hr_lead":          "Compliance Manager",
	"privacy_officer":  "Privacy Officer",
	"engineering_lead": "Engineering Manager",
	"it_lead":          "IT Administrator",
	"finance_lead":     "Finance Lead",
	"office_manager":   "Operations Manager",
	"security_mailbox": "security@harbor.example",
}

// roleHolders are who holds each role variable at Harbor: the owner and
// the approvers of a policy are the holders of the roles its template
// names. People operations sit with the Compliance Manager since the
// People Operations Lead left.
var roleHolders = map[string]string{
	"ceo":              "Maya Lindqvist",
	"cto":              "Tomas Okafor",
	"security_officer": "Jonah Weiss",
	"hr_lead":          "Priya Raman",
	"privacy_officer":  "Priya Raman",
	"engineering_lead": "Lucia Fernandes",
	"it_lead":          "Kenji Mori",
	"office_manager":   "Grace Mensah",
}

// Policy stories the demo tells besides the rest, adopted in the period's
// second week and published six weeks in: the physical security policy,
// adopted in last year's pilot, whose annual review is now overdue; the
// privacy policy, adopted when Harbor made its privacy commitments, half
// way through; the change management policy, tightened after the change
// merged without review (CHG-03 came in then too).
const (
	pilotPolicy   = "physical-security"
	privacyPolicy = "privacy"
	editedPolicy  = "change-management"
)

// policies adopts Harbor's policies from the template library through
// the policy workflows, each act by its own account on its own day
// (start is the period's first day): adopted by the Compliance Manager,
// submitted by its owner, approved by each approver it names, published.
func (b *builder) policies(ctx context.Context, start time.Time, inScope []string) (int, error) {
	lib, err := policy.Load()
	if err != nil {
		return 0, err
	}
	n := 0
	for i, t := range lib.Templates {
		if !t.InScope(inScope) {
			continue
		}
		// Adopted in the second week of the period, approved over the
		// next weeks, published together six weeks in.
		adopt, publish := start.AddDate(0, 0, 7), start.AddDate(0, 0, 45)
		switch t.ID {
		case pilotPolicy:
			adopt, publish = start.AddDate(0, -3, 0), start.AddDate(0, -2, -15)
		case privacyPolicy:
			adopt, publish = start.AddDate(0, 5, 3), start.AddDate(0, 5, 24)
		}
		adopted, err := b.adopt(ctx, t, adopt.Add(time.Duration(9*60+i)*time.Minute), publish)
		if err != nil {
			return n, err
		}
		if t.ID == editedPolicy {
			if err := b.tighten(ctx, adopted, start.AddDate(0, 6, 4)); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}

// adopt takes one template through New, Submit, Approve and Publish; the
// approvals fall between the submission and the publication.
func (b *builder) adopt(ctx context.Context, t *policy.Template, at, publish time.Time) (*attest.PolicyChange, error) {
	priya, owner := b.users["Priya Raman"], b.users[roleHolders[t.Owner]]
	var approvers []int64
	for _, a := range t.Approvers {
		approvers = append(approvers, b.users[roleHolders[a]].ID)
	}
	pc, err := policy.New(ctx, b.Store, attest.ChangeBy(priya, at), priya, policy.NewRequest{Template: t.ID, Vars: harborRoles,
		Owner: owner.ID, Approvers: approvers})
	if err != nil {
		return nil, err
	}
	submitted := at.AddDate(0, 0, 5)
	if _, err := policy.Submit(ctx, b.Store, attest.ChangeBy(owner, submitted), owner, t.ID, "adopted from Attest's template with Harbor's roles"); err != nil {
		return nil, err
	}
	days := int(publish.Sub(submitted).Hours()/24) - 1
	last := submitted
	for k, a := range t.Approvers {
		u := b.users[roleHolders[a]]
		// Each approver reads it on a day of their own before publication,
		// the second after the first.
		on := submitted.AddDate(0, 0, 1+int(demoHash(t.ID+"/"+a)%uint32(max(days-k, 1)))+k).Add(time.Duration(k+1) * time.Hour)
		if !on.After(last) {
			on = last.Add(time.Hour)
		}
		last = on
		if _, err := policy.Approve(ctx, b.Store, attest.ChangeBy(u, on), u, t.ID, policy.ApproveRequest{Version: 1}); err != nil {
			return nil, err
		}
	}
	if _, err := policy.Publish(ctx, b.Store, attest.ChangeBy(priya, publish.Add(10*time.Hour)), priya, t.ID, "announced to every employee"); err != nil {
		return nil, err
	}
	return pc, nil
}

// tighten is the mid-year change to the change management policy: after
// a change was merged without review, the repository rules were made to
// require an approving review (CHG-03), and the policy now says so. Its
// owner edits and submits it, the CTO approves it, and it is published:
// version 2, with its diff.
func (b *builder) tighten(ctx context.Context, pc *attest.PolicyChange, at time.Time) error {
	lucia, tomas, priya := b.users["Lucia Fernandes"], b.users["Tomas Okafor"], b.users["Priya Raman"]
	old := "Branch protection enforces this and cannot be bypassed by force pushes."
	if !strings.Contains(pc.Version.Body, old) {
		return attest.Errorf(attest.EINTERNAL, "demo: the change management template no longer says %q", old)
	}
	body := strings.Replace(pc.Version.Body, old, "Repository rules enforce this on every production repository: an author cannot merge their own change without an approving review, and the rules cannot be bypassed by force pushes or by administrators. A daily check confirms the rules are in place.", 1)
	id := pc.Policy.ID
	if _, err := policy.Edit(ctx, b.Store, attest.ChangeBy(lucia, at), lucia, id, policy.EditRequest{Body: &body,
		Note: "after a change was merged without review: repository rules now require an approving review, checked daily (CHG-03)"}); err != nil {
		return err
	}
	if _, err := policy.Submit(ctx, b.Store, attest.ChangeBy(lucia, at.Add(time.Hour)), lucia, id, ""); err != nil {
		return err
	}
	if _, err := policy.Approve(ctx, b.Store, attest.ChangeBy(tomas, at.AddDate(0, 0, 2)), tomas, id, policy.ApproveRequest{Version: 2}); err != nil {
		return err
	}
	_, err := policy.Publish(ctx, b.Store, attest.ChangeBy(priya, at.AddDate(0, 0, 3)), priya, id, "announced to engineering")
	return err
}
