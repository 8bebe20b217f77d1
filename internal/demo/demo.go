// Package demo builds Harbor Payroll, a fictional payroll SaaS that needs
// both a SOC 1 and a SOC 2, into an empty store: its scope answers and
// engagements, owners and statuses, a year of evidence, the service
// auditor's signed fieldwork, two months of collected data and check runs,
// description inputs, disclosures, drafts, sign-in accounts and a trust
// center; and the year of its compliance program: policies, a roster of
// about 120 people with their checklists, an access review. It works
// through the feature packages' workflows; the auditor's key files and
// journal it writes beside the data directory (AuditorDir), as her own
// machine would keep them; what only the program running it can do (sign
// checkpoints, write drafts) it asks of a Program.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/report"
	"github.com/attest-dev/attest/scope"
)

// Answers describe the demo organization, Harbor Payroll: a payroll SaaS
// whose customers' auditors rely on it and whose customers' security teams
// review it, so it needs both a SOC 1 and a SOC 2.
const Answers = `# Harbor Payroll, Inc. (a fictional company)
service_types: [payroll, saas]
financial_reporting_impact: true
customer_auditor_reliance: true
customer_data: true
personal_data: true
security_reviews: true
availability_commitments: true
confidentiality_commitments: true
processing_integrity_commitments: true
privacy_commitments: false
public_trust: false
requested: ["SOC 1 Type 2", "SOC 2 Type 2"]
controls_operating_months: 14
`

// owners own the demo's controls, by the library's owner role.
var owners = map[string]string{
	"Chief Executive Officer":  "Maya Lindqvist",
	"Chief Technology Officer": "Tomas Okafor",
	"Compliance Manager":       "Priya Raman",
	"Security Lead":            "Jonah Weiss",
	"Engineering Manager":      "Lucia Fernandes",
	"Infrastructure Lead":      "Sam Adeyemi",
	"IT Administrator":         "Kenji Mori",
	"People Operations Lead":   "Hannah Cole",
	"Privacy Officer":          "Priya Raman",
	"Finance Lead":             "Oliver Brandt",
	"Operations Manager":       "Grace Mensah",
	"Customer Support Lead":    "Diego Alvarez",
	"Legal Counsel":            "Ruth Ansah",
}

// Config is what Build works on: an empty store and its blobs, the data
// directory (the demo's exports, populations and drafts go inside it, the
// auditor's key folder beside it, see AuditorDir), the clock, and where
// to tell a person what it is doing (nil for silence).
type Config struct {
	Store attest.Store
	Blobs blob.Store
	Dir   string
	Now   func() time.Time
	// Operator is who runs the demo: the local operator named on the acts
	// no demo person makes (the description inputs, the shared document).
	Operator string
	// Version is Attest's, as the check runs record it.
	Version  string
	Progress io.Writer
	Program  Program
}

// Program is what the demo asks of the program that runs it: the acts
// that belong to it rather than to a workflow.
type Program interface {
	// Checkpoint signs a checkpoint over the ledger as it stands.
	Checkpoint(ctx context.Context) error
	// Render writes a draft for engagement e under the name slug and
	// records it, returning the paths written; a format it cannot print
	// is its own concern, not an error.
	Render(ctx context.Context, e *attest.Engagement, doc *report.Document, slug string) ([]string, error)
}

// Summary is what Build made.
type Summary struct {
	Recommendation *scope.Recommendation
	// Engagements are the IDs of every engagement; Current is the SOC 2
	// Type 2 to leave current, TypeOne the SOC 2 Type 1.
	Engagements []string
	Current     string
	TypeOne     string
	Evidence    int
	CheckRuns   int
	// Policies counts the policies adopted, ChecklistItems the checklist
	// items marked done.
	Policies       int
	ChecklistItems int
	// Acknowledgements and Trainings count those recorded.
	Acknowledgements int
	Trainings        int
	Drafts           []string
	// Guide is who a summary for a person names.
	Guide Guide
}

// builder is one run of Build.
type builder struct {
	Config
	// users are the demo's accounts by name, for the acts each person
	// makes with their own account.
	users map[string]*attest.User
	// latest is the latest collection of Harbor's systems.
	latest *check.Collection
}

// Build makes Harbor Payroll in cfg's empty store. Its answers file is
// written to the data directory as demo-answers.yaml.
func Build(ctx context.Context, cfg Config) (*Summary, error) {
	b := &builder{Config: cfg}
	s := b.Store
	if engs, err := s.Engagements(ctx); err != nil {
		return nil, err
	} else if len(engs) > 0 {
		return nil, &attest.Error{Code: attest.ECONFLICT, Message: "the database already holds engagements"}
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "demo-answers.yaml"), []byte(Answers), 0o600); err != nil {
		return nil, err
	}
	b.progress("Deciding which reports Harbor Payroll needs")
	a, err := scope.ParseAnswers("demo-answers.yaml", []byte(Answers))
	if err != nil {
		return nil, err
	}
	sum := &Summary{Recommendation: scope.Decide(a, scope.DefaultOptions()), Guide: guide(b.Dir)}
	accounts, err := b.accounts(ctx)
	if err != nil {
		return nil, err
	}
	created, t1, err := b.engagements(ctx, sum, accounts)
	if err != nil {
		return nil, err
	}
	all := append(slices.Clone(created), t1)
	b.progress("Adopting, approving and publishing Harbor's policies")
	if sum.Policies, err = b.policies(ctx, periodStart(created), categories(all)); err != nil {
		return nil, err
	}
	rs, err := roster(periodStart(created), periodEnd(created), b.today())
	if err != nil {
		return nil, err
	}
	asked, err := b.askPolicies(ctx)
	if err != nil {
		return nil, err
	}
	b.progress("Importing Harbor's roster month by month, with its checklists and its people's acknowledgements")
	if sum.ChecklistItems, sum.Acknowledgements, err = b.staff(ctx, rs, periodStart(created), asked); err != nil {
		return nil, err
	}
	b.progress("Importing the training provider's exports")
	if sum.Trainings, err = b.trainings(ctx, rs, periodStart(created)); err != nil {
		return nil, err
	}
	if err := b.programEvidence(ctx); err != nil {
		return nil, err
	}
	b.progress("Adding a year of evidence, with a few gaps")
	if sum.Evidence, err = b.evidence(ctx, created); err != nil {
		return nil, err
	}
	if err := b.Program.Checkpoint(ctx); err != nil {
		return nil, err
	}
	b.progress("Collecting Harbor's systems and running the checks (two months of history)")
	if sum.CheckRuns, err = b.checks(ctx, rs); err != nil {
		return nil, err
	}
	if err := b.hiresAndLeavers(ctx, current(created), b.latest); err != nil {
		return nil, err
	}
	b.progress("Drafting the reports and letters")
	if sum.Drafts, err = b.reports(ctx, all); err != nil {
		return nil, err
	}
	b.progress("Opening the trust center and the sign-in accounts")
	if err := b.trust(ctx, created); err != nil {
		return nil, err
	}
	return sum, nil
}

// periodStart is the first day of the engagements' period (the SOC 2
// Type 2's, which the program's dates follow).
func periodStart(engs []*attest.Engagement) time.Time {
	for _, e := range engs {
		if e.Kind == attest.SOC2 && e.PeriodStart != "" {
			t, _ := attest.ParseDate(e.PeriodStart)
			return t
		}
	}
	t, _ := attest.ParseDate(engs[0].PeriodStart)
	return t
}

// current is the SOC 2 Type 2, the engagement the demo leaves current.
func current(engs []*attest.Engagement) *attest.Engagement {
	for _, e := range engs {
		if e.Kind == attest.SOC2 {
			return e
		}
	}
	return engs[0]
}

// periodEnd is the last day of the SOC 2 Type 2's period.
func periodEnd(engs []*attest.Engagement) time.Time {
	for _, e := range engs {
		if e.Kind == attest.SOC2 && e.PeriodEnd != "" {
			t, _ := attest.ParseDate(e.PeriodEnd)
			return t
		}
	}
	t, _ := attest.ParseDate(engs[0].PeriodEnd)
	return t
}

// categories are the Trust Services categories any engagement has in
// scope.
func categories(engs []*attest.Engagement) []string {
	var out []string
	for _, e := range engs {
		for _, c := range e.Categories {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// progress tells the person running the demo what it is doing.
func (b *builder) progress(format string, args ...any) {
	if b.Progress != nil {
		fmt.Fprintf(b.Progress, format+"\n", args...)
	}
}

// today is the day it is, in UTC.
func (b *builder) today() time.Time {
	t := b.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// change is a change made by the local operator, now.
func (b *builder) change() attest.Change {
	return attest.Change{Actor: b.Operator, At: b.Now()}
}

// engagements creates the engagements the scope recommends (SOC 3
// aside, which is drawn from the SOC 2), and a SOC 2 Type 1 on Security and
// Privacy: created are the recommended ones, t1 the Type 1; sum gets all
// their IDs, the SOC 2 to leave current and the Type 1.
func (b *builder) engagements(ctx context.Context, sum *Summary, accounts map[string]int64) (created []*attest.Engagement, t1 *attest.Engagement, err error) {
	s, now := b.Store, b.Now()
	// A 12-month period that started ten months ago: most of it has run,
	// the last two months are still ahead.
	start := attest.AddMonths(engagement.FirstOfNextMonth(now), -11)
	cat := catalog.MustLoad()
	for _, r := range sum.Recommendation.Reports {
		if r.Kind == attest.SOC3 {
			continue
		}
		spec := engagement.Spec{
			Kind: r.Kind, Type: attest.ReportType(*r.Type), Categories: r.Categories, Templates: r.ObjectiveTemplates,
			Name: "Harbor Payroll " + string(r.Kind) + " " + *r.Type, Firm: "Example & Partners CPAs LLP", FieldworkLagMonths: 2,
		}
		spec.PeriodStart, spec.PeriodEnd = engagement.PeriodFor(start, r.ObservationMonths)
		e, ctls, err := engagement.Build(cat, spec, now)
		if err != nil {
			return nil, nil, err
		}
		statuses(ctls, now, accounts)
		// The branch-protection check (CHG-03) came in July, after a
		// change was merged without review: in place only from then, which
		// DC9 reports as a change during the period.
		july := attest.AddMonths(start, 5)
		late := false
		for i := range ctls {
			if ctls[i].ID == "CHG-03" && e.PeriodStart != "" {
				ctls[i].Status, late = attest.InProgress, true
			}
		}
		b.progress("Creating %s with %d controls", e.ID, len(ctls))
		if err := s.CreateEngagement(ctx, attest.Change{Actor: "Priya Raman", At: now}, e, ctls); err != nil {
			return nil, nil, err
		}
		if late {
			implemented := attest.Implemented
			if _, err := s.UpdateControl(ctx, attest.Change{Actor: "Lucia Fernandes", At: july.Add(10 * time.Hour)}, e.ID, "CHG-03", attest.ControlUpdate{Status: &implemented}); err != nil {
				return nil, nil, err
			}
		}
		sum.Engagements = append(sum.Engagements, e.ID)
		created = append(created, e)
		if e.Kind == attest.SOC2 {
			sum.Current = e.ID
		}
	}
	// A SOC 2 Type 1 on Security and Privacy as of the end of last month:
	// Harbor's privacy commitments are new this year, so the design of its
	// controls is examined before Privacy joins the next Type 2. With it,
	// every kind and type renders from the demo's data.
	t1, t1ctls, err := engagement.Build(cat, engagement.Spec{Kind: attest.SOC2, Type: attest.Type1, Categories: []string{attest.Security, attest.Privacy},
		AsOf: engagement.FirstOfNextMonth(now).AddDate(0, -1, -1).Format(time.DateOnly), Name: "Harbor Payroll SOC 2 Type 1 (Security and Privacy)",
		Firm: "Example & Partners CPAs LLP", FieldworkLagMonths: 2}, now)
	if err != nil {
		return nil, nil, err
	}
	statuses(t1ctls, now, accounts)
	b.progress("Creating %s with %d controls", t1.ID, len(t1ctls))
	if err := s.CreateEngagement(ctx, attest.Change{Actor: "Priya Raman", At: now}, t1, t1ctls); err != nil {
		return nil, nil, err
	}
	sum.Engagements = append(sum.Engagements, t1.ID)
	sum.TypeOne = t1.ID
	return created, t1, nil
}

// statuses gives the demo's controls owners and realistic statuses:
// most implemented, a few still in progress, one not applicable.
func statuses(ctls []attest.Control, now time.Time, accounts map[string]int64) {
	inProgress := map[string]bool{"PI-05": true, "AVL-06": true, "CNF-01": true, "RSK-03": true, "PAY-06": true}
	notStarted := map[string]bool{"MON-02": true}
	for i := range ctls {
		c := &ctls[i]
		c.Owner = owners[c.OwnerRole]
		c.OwnerID = accounts[c.Owner]
		c.UpdatedAt = now.UTC().Format(time.RFC3339)
		switch {
		case c.ID == "PHY-03":
			c.Status = attest.NotApplicable
			c.StatusReason = "Harbor runs no equipment of its own in a data center: production runs in the cloud provider's facilities (a carved-out subservice organization), whose report is reviewed under VND-04."
		case inProgress[c.ID]:
			c.Status = attest.InProgress
		case notStarted[c.ID]:
			c.Status = attest.NotStarted
			c.Owner, c.OwnerID = "", 0
		default:
			c.Status = attest.Implemented
		}
	}
}
