package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/scope"
	"github.com/spf13/cobra"
)

// demoAnswers describe the demo organization, Harbor Payroll: a payroll SaaS
// whose customers' auditors rely on it and whose customers' security teams
// review it, so it needs both a SOC 1 and a SOC 2.
const demoAnswers = `# Harbor Payroll, Inc. (a fictional company)
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

// demoMarker marks a data directory made by the demo.
const demoMarker = "DEMO"

// demoPeople own the demo's controls, by the library's owner role.
var demoPeople = map[string]string{
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

func (m *Main) demoCommand() *cobra.Command {
	var pdf, serve bool
	var sf serveFlags
	c := &cobra.Command{
		Use:   "demo",
		Short: "Build a demo organization in a fresh data directory",
		Long: `Build Harbor Payroll, a fictional payroll SaaS that needs both a SOC 1 and a
SOC 2, in a fresh data directory (--data, default ./attest-data): scope
answers, a SOC 1 Type 2 and a SOC 2 Type 2 engagement over the same period
and a SOC 2 Type 1 on Security and Privacy as of the end of last month,
owners and statuses for every control, a year of evidence, the auditor's
sample and tests, two months of collected data with check runs, description
inputs, an example issued report, and the drafts (SOC 1, SOC 2, SOC 3,
bridge and representation letters) in the data directory's reports folder.
The SOC 2 engagement is left current. Needs no network and no set-up;
--pdf also prints the drafts to PDF, which needs Chromium.

The demo also has a sign-in account for every role (password
` + demoPassword + `) and a trust center with an NDA and example SOC 1, SOC 2
and SOC 3 reports. --serve then runs the server on it (as attest serve
does, on --addr) until stopped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.runDemo(cmd.Context(), pdf); err != nil || !serve {
				return err
			}
			d, err := m.open(cmd.Context())
			if err != nil {
				return err
			}
			defer d.Close()
			return m.serve(cmd.Context(), d, sf, func(url string) {
				m.printf("\nServing Harbor Payroll at %s/ (trust center: %s/trust/%s). Sign in as:\n", url, url, sf.org)
				for _, u := range demoUsers {
					m.printf("  %-20s %s\n", u.Role, u.Email)
				}
				m.printf("with the password %s. Stop with Ctrl-C.\n", demoPassword)
			})
		},
	}
	c.Flags().BoolVar(&pdf, "pdf", false, "also render the drafts to PDF (needs Chromium)")
	c.Flags().BoolVar(&serve, "serve", false, "then serve the demo (web app, API and trust center) until stopped")
	sf.register(c)
	return c
}

func (m *Main) runDemo(ctx context.Context, pdf bool) error {
	dir := m.cfg.dataDir
	if _, err := os.Stat(filepath.Join(dir, demoMarker)); err == nil {
		// A directory the demo made itself holds nothing but demo data:
		// rebuild it, so the README's command can be run again.
		m.progress("Replacing the previous demo in %s", dir)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("%s already exists and is not empty", dir), Hint: "the demo needs a fresh directory: pass --data DIR with a new path"}
	}
	m.progress("Creating the data directory %s", dir)
	if _, err := m.initDataDir(ctx, dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, demoMarker), []byte("This data directory was made by `attest demo`, which replaces it when run again.\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo-answers.yaml"), []byte(demoAnswers), 0o600); err != nil {
		return err
	}
	m.progress("Deciding which reports Harbor Payroll needs")
	a, err := scope.ParseAnswers("demo-answers.yaml", []byte(demoAnswers))
	if err != nil {
		return err
	}
	rec := scope.Decide(a, scope.DefaultOptions())

	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	s := d.db
	if engs, err := s.Engagements(ctx); err != nil {
		return err
	} else if len(engs) > 0 {
		return &attest.Error{Code: attest.ECONFLICT, Message: "the database already holds engagements", Hint: "the demo needs an empty database: pass --db with a new one"}
	}
	now := m.Now()
	accounts, err := m.demoAccounts(ctx, d)
	if err != nil {
		return err
	}
	created, t1, ids, soc2, err := m.demoEngagements(ctx, s, rec, now, accounts)
	if err != nil {
		return err
	}
	if err := s.SetSetting(ctx, currentEngagementKey, soc2); err != nil {
		return err
	}
	m.progress("Adding a year of evidence, with a few gaps")
	nEvidence, err := m.demoEvidence(ctx, d, created)
	if err != nil {
		return err
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return err
	}
	m.progress("Collecting Harbor's systems and running the checks (two months of history)")
	runs, err := m.demoChecks(ctx, d)
	if err != nil {
		return err
	}
	m.progress("Drafting the reports and letters")
	drafts, err := m.demoReports(ctx, d, append(slices.Clone(created), t1), pdf, func() error {
		_, err := m.demoDisclosures(ctx, d, append(slices.Clone(created), t1))
		return err
	})
	if err != nil {
		return err
	}
	m.progress("Opening the trust center and the sign-in accounts")
	if err := m.demoTrust(ctx, d, created); err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	if m.cfg.json {
		return m.printJSON(map[string]any{"data": abs, "engagements": ids, "current": soc2, "evidence": nEvidence, "check_runs": runs, "drafts": drafts, "recommendation": rec})
	}
	m.printDemoSummary(ctx, s, dir, abs, ids, soc2, t1.ID, nEvidence, runs, drafts)
	return nil
}

// demoEngagements creates the engagements the scope recommends (SOC 3
// aside, which is drawn from the SOC 2), and a SOC 2 Type 1 on Security and
// Privacy: created are the recommended ones, t1 the Type 1, ids all of
// them, and soc2 the SOC 2 that becomes the current engagement.
func (m *Main) demoEngagements(ctx context.Context, s attest.Store, rec *scope.Recommendation, now time.Time, accounts map[string]int64) (created []*attest.Engagement, t1 *attest.Engagement, ids []string, soc2 string, err error) {
	// A 12-month period that started ten months ago: most of it has run,
	// the last two months are still ahead.
	start := attest.AddMonths(engagement.FirstOfNextMonth(now), -11)
	cat := m.catalog()
	for _, r := range rec.Reports {
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
			return nil, nil, nil, "", err
		}
		demoStatuses(ctls, now, accounts)
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
		m.progress("Creating %s with %d controls", e.ID, len(ctls))
		if err := s.CreateEngagement(ctx, attest.Change{Actor: "Priya Raman", At: now}, e, ctls); err != nil {
			return nil, nil, nil, "", err
		}
		if late {
			implemented := attest.Implemented
			if _, err := s.UpdateControl(ctx, attest.Change{Actor: "Lucia Fernandes", At: july.Add(10 * time.Hour)}, e.ID, "CHG-03", attest.ControlUpdate{Status: &implemented}); err != nil {
				return nil, nil, nil, "", err
			}
		}
		ids = append(ids, e.ID)
		created = append(created, e)
		if e.Kind == attest.SOC2 {
			soc2 = e.ID
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
		return nil, nil, nil, "", err
	}
	demoStatuses(t1ctls, now, accounts)
	m.progress("Creating %s with %d controls", t1.ID, len(t1ctls))
	if err := s.CreateEngagement(ctx, attest.Change{Actor: "Priya Raman", At: now}, t1, t1ctls); err != nil {
		return nil, nil, nil, "", err
	}
	ids = append(ids, t1.ID)
	return created, t1, ids, soc2, nil
}

// printDemoSummary tells what the demo made and which commands to try
// next.
func (m *Main) printDemoSummary(ctx context.Context, s attest.Store, dir, abs string, ids []string, soc2, t1 string, nEvidence, runs int, drafts []string) {
	m.printf("Harbor Payroll (a fictional payroll SaaS) is ready in %s.\n\n", abs)
	m.printf("Its customers' auditors rely on it and its customers' security teams review it, so\n`attest scope` recommends both reports, over one combined examination period:\n")
	for _, id := range ids {
		e, _ := s.Engagement(ctx, id)
		m.printf("  %-20s %s, %s\n", id, label(e), describeWhen(e))
	}
	m.printf("\n%d evidence items cover the period so far, with a few deliberate gaps and late\noccurrences for `attest period status` to catch; `attest verify` proves the record intact.\nThe service auditor, Ana Lima, signs every act with her own key (kept in %s,\nas on her own machine): she has drawn her binding sample of changes (CHG-02), tested them to an\ninterim date and rolled forward, evaluated the one exception (with management's response),\nand made her requests; her change-review result also serves the SOC 1.\n", nEvidence, demoAuditorDir(dir))
	m.printf("\nHarbor's AWS, identity provider, HR roster, GitHub, scanner and Kubernetes exports\nwere collected %d times over two months and checked each time; the latest run still\nfinds a few real problems. Drafts (%s) are in %s.\n", runs, countFormats(drafts), filepath.Join(abs, "reports"))
	m.printf("\nCurrent engagement: %s. Try next:\n", soc2)
	flag := ""
	if dir != "attest-data" {
		flag = " --data " + dir
	}
	bin := m.Invoked
	if bin == "" {
		bin = "attest"
	}
	for _, c := range []string{
		bin + " scope --answers " + filepath.Join(dir, "demo-answers.yaml"),
		bin + " engagement list" + flag,
		bin + " engagement show" + flag,
		bin + " controls list" + flag + " --status in-progress",
		bin + " readiness" + flag,
		bin + " period status" + flag,
		bin + " period status --control AC-06" + flag,
		bin + " deviations list" + flag,
		bin + " verify" + flag,
		bin + " evidence list --control AC-04" + flag,
		bin + " ledger checkpoint --out checkpoint.txt" + flag,
		bin + " population list" + flag,
		bin + " sample list" + flag,
		bin + " test list" + flag,
		bin + " engagement auditor fingerprint" + flag,
		bin + " auditor verify --auditor-key " + filepath.Join(demoAuditorDir(dir), "ana-lima.key") + flag,
		bin + " request list" + flag,
		bin + " controls show CHG-03" + flag,
		bin + " check run" + flag,
		bin + " check list",
		bin + " evidence list --control AC-02" + flag,
		bin + " description check --json" + flag,
		bin + " report build --engagement " + t1 + " --format html --out reports" + flag,
		bin + " report build --format html,pdf --out reports" + flag,
		bin + " report lint" + flag,
		bin + " report issued list" + flag,
		bin + " catalog criteria --category availability --long",
		bin + " serve" + flag + "   (sign in as kenji.mori@harbor.example, password " + demoPassword + ")",
	} {
		m.printf("  %s\n", c)
	}
}

// demoStatuses gives the demo's controls owners and realistic statuses:
// most implemented, a few still in progress, one not applicable.
func demoStatuses(ctls []attest.Control, now time.Time, accounts map[string]int64) {
	inProgress := map[string]bool{"PI-05": true, "AVL-06": true, "CNF-01": true, "RSK-03": true, "PAY-06": true}
	notStarted := map[string]bool{"MON-02": true}
	for i := range ctls {
		c := &ctls[i]
		c.Owner = demoPeople[c.OwnerRole]
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
