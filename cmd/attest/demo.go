package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/internal/demo"
	"github.com/attest-dev/attest/report"
	"github.com/attest-dev/attest/server"
	"github.com/spf13/cobra"
)

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
Its compliance program too: policies adopted, approved and published, a
roster of about 120 people with onboarding and offboarding checklists, their
acknowledgements and training, and an access review of the identity provider. The SOC 2 engagement is left current. Needs no network and no set-up;
--pdf also prints the drafts to PDF, which needs Chromium.

The demo also has a sign-in account for every role (password
` + demo.Password + `) and a trust center with an NDA and example SOC 1, SOC 2
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
				for _, u := range demo.Users {
					m.printf("  %-20s %s\n", u.Role, u.Email)
				}
				m.printf("with the password %s. Stop with Ctrl-C.\n", demo.Password)
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
	var progress io.Writer
	if m.Interactive && !m.cfg.json {
		progress = m.Stderr
	}
	if err := demo.Fresh(dir, progress); err != nil {
		err = hinted(err, attest.ECONFLICT, "already exists and is not empty", "the demo needs a fresh directory: pass --data DIR with a new path")
		return hinted(err, attest.ECONFLICT, "was not made by the demo", "the demo keeps its auditor's key beside the data directory: pass --data DIR with a new path")
	}
	m.progress("Creating the data directory %s", dir)
	if _, err := m.initDataDir(ctx, dir); err != nil {
		return err
	}
	if err := demo.Mark(dir); err != nil {
		return err
	}
	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	r := report.Rendering{Formats: map[string]bool{"html": true, "md": true, "pdf": pdf}, Print: m.pdfPrinter(), Folder: filepath.Join(d.dir, "reports")}
	sum, err := demo.Build(ctx, demo.Config{Store: d.db, Blobs: d.blobs, Dir: dir, Now: m.Now, Operator: m.actor(), Version: version, Progress: progress,
		Program: &demoProgram{m: m, d: d, rendering: r}})
	if err != nil {
		return hinted(err, attest.ECONFLICT, "already holds engagements", "the demo needs an empty database: pass --db with a new one")
	}
	if _, err := engagement.Use(ctx, d.db, sum.Current); err != nil {
		return err
	}
	queued, err := m.queueDemoJobs(ctx, d)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	if m.cfg.json {
		return m.printJSON(map[string]any{"data": abs, "engagements": sum.Engagements, "current": sum.Current, "evidence": sum.Evidence,
			"check_runs": sum.CheckRuns, "policies": sum.Policies, "checklist_items_done": sum.ChecklistItems,
			"acknowledgements": sum.Acknowledgements, "training_completions": sum.Trainings, "drafts": sum.Drafts, "recommendation": sum.Recommendation, "jobs_queued": queued})
	}
	m.printDemoSummary(ctx, d.db, dir, abs, sum, queued)
	return nil
}

// queueDemoJobs queues the demo's jobs (demo.Jobs) once each, as attest
// job enqueue would, so that attest demo --serve runs them at once. It
// returns the kinds queued.
func (m *Main) queueDemoJobs(ctx context.Context, d *data) ([]string, error) {
	var kinds []string
	for _, j := range demo.Jobs() {
		j.MaxAttempts = server.DefaultMaxAttempts
		if _, _, err := server.Enqueue(ctx, d.db, j, m.Now()); err != nil {
			return nil, err
		}
		kinds = append(kinds, j.Kind)
	}
	return kinds, nil
}

// demoProgram is what the demo asks of the command line: checkpoints and
// drafts written to the reports folder.
type demoProgram struct {
	m         *Main
	d         *data
	rendering report.Rendering
}

func (p *demoProgram) Checkpoint(ctx context.Context) error {
	_, err := p.d.checkpoint(ctx)
	return err
}

// Render writes a draft to the reports folder; a format that cannot be
// printed (no Chromium for the PDF) is a warning.
func (p *demoProgram) Render(ctx context.Context, e *attest.Engagement, doc *report.Document, slug string) ([]string, error) {
	files, _, err := p.m.render(ctx, p.d, e, p.rendering, doc, slug)
	if err != nil {
		p.m.warn("demo drafts: " + attest.ErrorMessage(err))
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	return paths, nil
}

// printDemoSummary tells what the demo made and which commands to try
// next.
func (m *Main) printDemoSummary(ctx context.Context, s attest.Store, dir, abs string, sum *demo.Summary, queued []string) {
	m.printf("Harbor Payroll (a fictional payroll SaaS) is ready in %s.\n\n", abs)
	m.printf("Its customers' auditors rely on it and its customers' security teams review it, so\n`attest scope` recommends both reports over one combined examination period. The demo's\nengagements (their period is the demo's own, not the one scope works out from today):\n")
	for _, id := range sum.Engagements {
		e, _ := s.Engagement(ctx, id)
		m.printf("  %-20s %s, %s\n", id, label(e), e.When())
	}
	m.printf("\n%d evidence items cover the period so far, with a few deliberate gaps and late\noccurrences for `attest period status` to catch; `attest verify` proves the record intact.\nThe service auditor, %s, signs every act with her own key (kept in %s,\nas on her own machine): she has drawn her binding sample of changes (CHG-02), tested them to an\ninterim date and rolled forward, evaluated the one exception (with management's response),\nand made her requests; her change-review result also serves the SOC 1.\n", sum.Evidence, sum.Guide.Auditor, demo.AuditorDir(dir))
	m.printf("\nHarbor's AWS, identity provider, HR roster, GitHub, scanner and Kubernetes exports\nwere collected %d times over two months and checked each time; the latest run still\nfinds a few real problems. Drafts (%s) are in %s.\n", sum.CheckRuns, countFormats(sum.Drafts), filepath.Join(abs, "reports"))
	m.printf("\nIts compliance program ran the year through the same workflows: %d policies adopted,\napproved by their named approvers and published (one edited mid-year, one overdue for\nreview); a roster of about 120 people imported month by month, with onboarding and\noffboarding checklists (%d items done, some late); %d acknowledgements of the policies\nasked of people, given in the employee portal (a few outstanding); %d training completions\nimported from the provider's exports (a few people overdue); an access review of the\nidentity provider, its revoke confirmed by the next collection.\n", sum.Policies, sum.ChecklistItems, sum.Acknowledgements, sum.Trainings)
	m.printf("\nQueued for attest serve, which runs them when it starts: %s\n(mail goes to the outbox admins see on /admin/trust when no mail server is set).\n", strings.Join(queued, ", "))
	m.printf("\nCurrent engagement: %s. Try next:\n", sum.Current)
	flag := ""
	if dir != "attest-data" {
		flag = " --data " + dir
	}
	bin := m.Invoked
	if bin == "" {
		bin = "attest"
	}
	g := sum.Guide
	for _, c := range []string{
		bin + " scope --answers " + filepath.Join(dir, "demo-answers.yaml"),
		bin + " engagement list" + flag,
		bin + " engagement show" + flag,
		bin + " controls list" + flag + " --status in-progress",
		bin + " controls list" + flag + " --owner " + g.Owner,
		bin + " readiness" + flag,
		bin + " period status" + flag,
		bin + " period status --control AC-06" + flag,
		bin + " deviations list" + flag,
		bin + " verify" + flag,
		bin + " evidence list --control AC-04" + flag,
		bin + " evidence export --control AC-04 --out evidence-export" + flag,
		bin + " policy list" + flag,
		bin + " policy show access-control" + flag,
		bin + " policy diff change-management" + flag,
		bin + " people checklist --late" + flag,
		bin + " people checklist --overdue" + flag,
		bin + " review status" + flag,
		bin + " review status 1" + flag,
		bin + " ack status" + flag,
		bin + " training status" + flag,
		bin + " ledger checkpoint --out checkpoint.txt" + flag,
		bin + " population list" + flag,
		bin + " sample list" + flag,
		bin + " test list" + flag,
		bin + " test show 1" + flag,
		bin + " engagement auditor fingerprint" + flag,
		bin + " auditor verify --auditor-key " + g.AuditorKey + flag,
		bin + " request list" + flag,
		bin + " job list" + flag,
		bin + " token list" + flag + "   (the CI's token, held by the service account " + demo.ServiceAccount + ")",
		bin + " controls show CHG-03" + flag,
		bin + " check run" + flag,
		bin + " check list",
		bin + " evidence list --control AC-02" + flag,
		bin + " description check --json" + flag,
		bin + " report build --engagement " + sum.TypeOne + " --format html --out reports" + flag,
		bin + " report build --format html,pdf --out reports" + flag,
		bin + " report lint" + flag,
		bin + " report issued list" + flag,
		bin + " catalog criteria --category availability --long",
		bin + " serve" + flag + "   (sign in as " + g.Admin + ", password " + demo.Password + ";",
		"    as " + g.Viewer + ", a viewer, the same password: the controls and evidence, not the working papers)",
	} {
		m.printf("  %s\n", c)
	}
}

func countFormats(paths []string) string {
	n := map[string]int{}
	for _, p := range paths {
		n[strings.TrimPrefix(filepath.Ext(p), ".")]++
	}
	var parts []string
	for _, f := range []string{"pdf", "html", "md"} {
		if n[f] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[f], f))
		}
	}
	return strings.Join(parts, ", ")
}
