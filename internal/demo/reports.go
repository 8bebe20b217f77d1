package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/automation"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/report"
)

//go:embed files
var files embed.FS

// checks collects the demo's systems three times over the last two
// months, running the checks after each collection: the first runs find
// more than the last, which still finds a few real problems. Between the
// second and the third, the access review of the identity provider runs
// from the second collection; the third confirms its revokes.
func (b *builder) checks(ctx context.Context, rs *people.Demo) (int, error) {
	dir := filepath.Join(b.Dir, "demo-exports")
	today := b.today()
	runs := 0
	var campaign int64
	for i, ago := range []int{56, 28, 1} {
		at := today.AddDate(0, 0, -ago).Add(7 * time.Hour)
		if err := writeExports(dir, at, i, rs); err != nil {
			return runs, err
		}
		col, err := b.collectAndCheck(ctx, dir, at)
		if err != nil {
			return runs, err
		}
		runs++
		b.latest = col
		switch {
		case i == 1:
			b.progress("Reviewing access to the identity provider")
			campaign, err = b.startReview(ctx, col, at)
		case i == 2 && campaign != 0:
			err = b.finishReview(ctx, campaign, col, at)
		}
		if err != nil {
			return runs, err
		}
	}
	return runs, nil
}

// collectAndCheck collects the exports in dir and runs the checks over
// what was collected, recording both as attest collect and attest check
// run do (package automation), as if it were the time at, and signs after
// each; checks that fail are part of the story, not an error.
func (b *builder) collectAndCheck(ctx context.Context, dir string, at time.Time) (*check.Collection, error) {
	ch := attest.Change{Actor: b.Operator, At: at}
	env := automation.Env{Store: b.Store, Blobs: b.Blobs, Keep: automation.KeepEach(b.Store, b.Blobs, ch), Checkpoint: b.Program.Checkpoint,
		By: b.Operator, Version: b.Version, Now: func() time.Time { return at }}
	cols, err := automation.Collect(ctx, env, automation.Collection{Source: "harbor-systems", From: dir, Label: "demo-exports"})
	if err != nil {
		return nil, err
	}
	s, o, err := automation.Checks{}.Load(at, nil)
	if err != nil {
		return nil, err
	}
	if _, err := automation.Run(ctx, env, s, o, nil, ""); err != nil {
		return nil, err
	}
	return &cols[0], nil
}

// writeExports writes Harbor's systems as their own export formats
// would show them at the given time. Round 0 has the most problems;
// later rounds fix some.
//
// It is long because it is fixture data: one block per system's export,
// each with the story of its problems by round, read top to bottom.
func writeExports(dir string, at time.Time, round int, rs *people.Demo) error {
	day := func(days int) string { return at.AddDate(0, 0, -days).Format(time.RFC3339) }
	out := map[string]string{}
	// AWS IAM credential report: Tomas had no MFA until round 1; the CI
	// deploy key was 120 days old until it was rotated in round 2.
	tomasMFA, ciRotated := "false", day(120)
	if round >= 1 {
		tomasMFA = "true"
	}
	if round >= 2 {
		ciRotated = day(3)
	}
	iam := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
	row := func(user, created, pw, pwUsed, mfa, key, keyRot, keyUsed string) string {
		return strings.Join([]string{user, "arn:aws:iam::210987654321:" + map[bool]string{true: "root", false: "user/" + user}[user == "<root_account>"],
			created, pw, pwUsed, "N/A", "N/A", mfa, key, keyRot, keyUsed, "eu-west-1", "ecr", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"}, ",") + "\n"
	}
	iam += row("<root_account>", day(900), "not_supported", day(200), "true", "false", "N/A", "N/A")
	iam += row("priya.raman", day(700), "true", day(2), "true", "false", "N/A", "N/A")
	iam += row("tomas.okafor", day(600), "true", day(5), tomasMFA, "false", "N/A", "N/A")
	iam += row("ci-deployer", day(500), "false", "N/A", "false", "true", ciRotated, day(1))
	out["aws/credential-report.csv"] = iam
	// HR roster and identity provider, from Harbor's roster: everyone
	// who had started, leavers marked terminated, and their accounts
	// deprovisioned on the day the checklist says IT did it: Hannah's
	// only in round 2.
	out["hr/roster.csv"] = hrExport(rs, at)
	okta := oktaExport(rs, at)
	// GitHub: the tax service's default branch still needs no review.
	protection := func(repo string, reviews int) map[string]any {
		p := map[string]any{
			"url":                    "https://api.github.com/repos/harbor-payroll/" + repo + "/branches/main/protection",
			"required_status_checks": map[string]any{"strict": true, "contexts": []any{"ci/test"}},
			"enforce_admins":         map[string]any{"enabled": true},
			"allow_force_pushes":     map[string]any{"enabled": false},
			"allow_deletions":        map[string]any{"enabled": false},
		}
		if reviews > 0 {
			p["required_pull_request_reviews"] = map[string]any{"required_approving_review_count": reviews, "dismiss_stale_reviews": true, "require_code_owner_reviews": true}
		}
		return p
	}
	// Trivy: one critical vulnerability with a fix, published 40 days ago.
	trivy := map[string]any{"SchemaVersion": 2, "ArtifactName": "registry.harbor.example/payroll-engine:4.12.0", "ArtifactType": "container_image",
		"Results": []any{map[string]any{"Target": "registry.harbor.example/payroll-engine:4.12.0 (debian 12.8)", "Class": "os-pkgs", "Type": "debian",
			"Vulnerabilities": []any{
				map[string]any{"VulnerabilityID": "CVE-2026-31337", "PkgName": "libexample", "InstalledVersion": "1.2.3-1", "FixedVersion": "1.2.3-2", "Severity": "CRITICAL", "PublishedDate": day(40)},
				map[string]any{"VulnerabilityID": "CVE-2026-20001", "PkgName": "zlib1g", "InstalledVersion": "1.2.13", "FixedVersion": "", "Severity": "LOW", "PublishedDate": day(70)},
			}}}}
	k8s := `apiVersion: v1
kind: Namespace
metadata: {name: payroll, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: batch, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: payroll}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: payroll-engine, namespace: payroll}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: engine
        image: registry.harbor.example/payroll-engine:4.12.0
        securityContext: {allowPrivilegeEscalation: false}
        resources: {limits: {cpu: "2", memory: 2Gi}}
`
	for name, v := range map[string]any{"idp/okta-users.json": okta, "github/payroll-engine-protection.json": protection("payroll-engine", 1),
		"github/tax-service-protection.json": protection("tax-service", 0), "scans/payroll-engine-trivy.json": trivy} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		out[name] = string(b) + "\n"
	}
	out["kubernetes/cluster.yaml"] = k8s
	plan, err := files.ReadFile("files/terraform-plan.json")
	if err != nil {
		return err
	}
	out["terraform/plan.json"] = string(plan)
	for name, text := range out {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// hrExport is the HR system's roster export as of at.
func hrExport(rs *people.Demo, at time.Time) string {
	day := at.Format(time.DateOnly)
	var b strings.Builder
	b.WriteString("employee_id,email,name,status,start_date,end_date,department,manager_email\n")
	for _, p := range rs.People {
		started, left := onRoster(p, day)
		if !started {
			continue
		}
		status, end := "active", ""
		if left {
			status, end = "terminated", p.End
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s\n", p.EmployeeID, p.Email, p.Name, status, p.Start, end, p.Department, p.Manager)
	}
	return b.String()
}

// oktaExport is the identity provider's users as of at: an account for
// everyone who had started, deprovisioned once IT disabled it; the IT
// Administrator a super admin, the CTO and the Infrastructure Lead
// production admins.
func oktaExport(rs *people.Demo, at time.Time) []any {
	day := at.Format(time.DateOnly)
	stamp := func(d string) string { t, _ := attest.ParseDate(d); return t.Add(9 * time.Hour).Format(time.RFC3339) }
	var out []any
	for _, p := range rs.People {
		started, left := onRoster(p, day)
		if !started {
			continue
		}
		status, changed := "ACTIVE", p.Start
		if left {
			if off := disabledOn(rs, p); off <= day {
				status, changed = "DEPROVISIONED", off
			}
		}
		groups := []any{"Everyone", p.Department}
		switch p.Name {
		case "Kenji Mori":
			groups = append(groups, "Okta Super Admins")
		case "Tomas Okafor", "Sam Adeyemi":
			groups = append(groups, "AWS Production Admins")
		}
		first, last, _ := strings.Cut(p.Name, " ")
		login := at.AddDate(0, 0, -1-int(demoHash(p.Email+day)%12)).Format(time.RFC3339)
		if left {
			end, _ := attest.ParseDate(p.End)
			login = end.Add(17 * time.Hour).Format(time.RFC3339)
		}
		out = append(out, map[string]any{"id": oktaID(p.Email), "status": status, "created": stamp(p.Start), "activated": stamp(p.Start), "statusChanged": stamp(changed),
			"lastLogin": login, "lastUpdated": stamp(changed), "passwordChanged": stamp(p.Start),
			"profile":     map[string]any{"login": p.Email, "email": p.Email, "firstName": first, "lastName": last, "department": p.Department, "groups": groups},
			"credentials": map[string]any{"provider": map[string]any{"type": "OKTA", "name": "OKTA"}}})
	}
	return out
}

// reports records each engagement's description inputs and what Harbor
// disclosed to its auditor, keeps an example issued report, and drafts
// the reports and letters.
func (b *builder) reports(ctx context.Context, engs []*attest.Engagement) ([]string, error) {
	for _, e := range engs {
		name := "files/description-soc2.yaml"
		switch {
		case e.Kind == attest.SOC1:
			name = "files/description-soc1.yaml"
		case e.Type == attest.Type1:
			name = "files/description-soc2-type1.yaml"
		}
		text, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if _, err := report.SaveDescription(ctx, b.Store, b.Blobs, b.change(), nil, report.DescriptionEdit{Engagement: e, Name: "demo/" + strings.TrimPrefix(name, "files/"), Content: text}); err != nil {
			return nil, err
		}
	}
	// The description inputs hold the incidents the register lists.
	if _, err := b.disclosures(ctx, engs); err != nil {
		return nil, err
	}
	var written []string
	for _, e := range engs {
		if e.Kind == attest.SOC2 && e.Type == attest.Type2 {
			pdf, err := files.ReadFile("files/example-issued-report.pdf")
			if err != nil {
				return nil, err
			}
			start, _ := attest.ParseDate(e.PeriodStart)
			prior := attest.AddMonths(start, -12).Format(time.DateOnly) + ".." + start.AddDate(0, 0, -1).Format(time.DateOnly)
			if err := b.issued(ctx, e, "SOC 2", "Type 2", prior, "harbor-payroll-soc2-type2-prior-period-EXAMPLE.pdf", pdf); err != nil {
				return nil, err
			}
		}
		drafts, err := b.drafts(ctx, e)
		if err != nil {
			return nil, err
		}
		written = append(written, drafts...)
	}
	return written, nil
}

// drafts drafts engagement e's reports (a SOC 2 Type 2's SOC 3 too) and,
// for a SOC 2 Type 2, the bridge and representation letters customers
// and the auditor need now.
func (b *builder) drafts(ctx context.Context, e *attest.Engagement) ([]string, error) {
	var docs []*report.Document
	var slugs []string
	kinds := []attest.Kind{e.Kind}
	if e.Kind == attest.SOC2 && e.Type == attest.Type2 {
		kinds = append(kinds, attest.SOC3)
	}
	for _, k := range kinds {
		typ := e.Type
		if k == attest.SOC3 {
			typ = ""
		}
		in, err := report.LoadInput(ctx, b.Store, b.Blobs, e, k, typ, b.Now())
		if err != nil {
			return nil, err
		}
		doc, err := report.Build(*in)
		if err != nil {
			return nil, err
		}
		docs, slugs = append(docs, doc), append(slugs, in.DraftSlug())
	}
	if e.Kind == attest.SOC2 && e.Type == attest.Type2 {
		desc, _, err := report.LoadDescription(ctx, b.Store, b.Blobs, e.ID)
		if err != nil {
			return nil, err
		}
		// The letter customers need now: from the prior report's end
		// to today, with what the data holds since then to confirm.
		bl, _, err := report.DraftBridge(ctx, b.Store, b.Blobs, e, desc, report.BridgeRequest{Through: b.today()}, b.Now())
		if err != nil {
			return nil, err
		}
		rl, err := report.DraftRepresentation(ctx, b.Store, b.Blobs, e, desc, nil, b.Now())
		if err != nil {
			return nil, err
		}
		docs, slugs = append(docs, bl, rl), append(slugs, report.Slug(e.ID, "bridge-letter"), report.Slug(e.ID, "representation-letter"))
	}
	var written []string
	for i, doc := range docs {
		paths, err := b.Program.Render(ctx, e, doc, slugs[i])
		if err != nil {
			return nil, err
		}
		written = append(written, paths...)
	}
	return written, nil
}

// issued keeps an example issued report of the prior period, as
// management keeps the CPA firm's final PDF (report.AddIssued), and signs
// a checkpoint over it.
func (b *builder) issued(ctx context.Context, e *attest.Engagement, kind, typ, period, name string, pdf []byte) error {
	if _, err := report.AddIssued(ctx, b.Store, b.Blobs, b.change(), nil, report.IssuedRequest{Engagement: e.ID, Kind: kind, Type: typ, Period: period, Firm: e.Firm,
		Name: name, Bytes: pdf, DistributionConfirmed: true}); err != nil {
		return err
	}
	return b.Program.Checkpoint(ctx)
}

// disclosures records what Harbor told its service auditor: each
// known deviation more than a month old was disclosed to Ana Lima at the
// status meeting ten days after it; the latest slips are still to
// disclose, as the register and readiness show.
func (b *builder) disclosures(ctx context.Context, engs []*attest.Engagement) (int, error) {
	today := b.today()
	n := 0
	for _, e := range engs {
		r, err := report.LoadRegister(ctx, b.Store, b.Blobs, e, b.Now())
		if err != nil {
			return n, err
		}
		for _, x := range r.Deviations {
			day, err := attest.ParseDate(x.Date)
			if err != nil || day.After(today.AddDate(0, -1, 0)) {
				continue
			}
			on := day.AddDate(0, 0, 10).Format(time.DateOnly)
			if _, err := deviation.Disclose(ctx, b.Store, attest.Change{Actor: "Priya Raman", At: b.Now()}, nil, r,
				deviation.DiscloseRequest{IDs: []string{x.ID}, To: "Ana Lima", On: on, Note: "at the status meeting"}); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
