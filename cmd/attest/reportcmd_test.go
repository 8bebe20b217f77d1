package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDescriptionAndReport(t *testing.T) {
	dir := setup(t)
	id := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))[0]["id"].(string)
	// Description inputs: gaps first, then a file, then one part.
	if r := run(t, dir, "", "description", "check"); r.code != 1 || !strings.Contains(r.stdout, "services") {
		t.Errorf("check without inputs: exit %d %s", r.code, r.stdout)
	}
	b, err := os.ReadFile("../../report/testdata/description.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "desc.yaml", string(b))
	set := decode[map[string]any](t, mustRun(t, dir, "description", "set", "--file", "desc.yaml", "--json"))
	if set["document"].(map[string]any)["kind"] != "description" {
		t.Errorf("set %v", set)
	}
	writeFile(t, dir, "bad.yaml", "services:\n  txt: x\n")
	if r := run(t, dir, "", "description", "set", "--file", "bad.yaml"); r.code != 2 || !strings.Contains(r.stderr, "bad.yaml") || !strings.Contains(r.stderr, "txt") {
		t.Errorf("unknown key: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "description", "set", "services.text", "Harbor runs payroll for employers and files their payroll taxes.")
	if !strings.Contains(mustRun(t, dir, "description", "show"), "files their payroll taxes") {
		t.Error("one part not set")
	}
	// An auditor's test with an exception and management's response.
	addAuditor(t, dir, "Ana Lima")
	auditorTest(t, dir, "Ana Lima", "AC-06", []string{"Q1=no-exception", "Q2=deviation:review signed 40 days late"}, "--deviations", "isolated")
	mustRun(t, dir, "test", "respond", "--test", "1", "--text", "Reviews now have a calendar reminder and a backup reviewer.")
	mustRun(t, dir, "test", "record", "--control", "AC-04", "--procedure", "inspection", "--item", "E1=no-exception", "--internal", "--as", "Priya")

	res := decode[map[string]any](t, mustRun(t, dir, "report", "build", "--kind", "SOC 2", "--type", "Type 2", "--format", "html,md", "--out", "out", "--json"))
	files := res["files"].([]any)
	rules := map[string]int{}
	for _, l := range res["lint"].([]any) {
		rules[l.(map[string]any)["rule"].(string)]++
	}
	// The new engagement's controls are not started yet: the draft must
	// not present them as in place, and the lint says so.
	if len(files) != 2 || rules["control-not-in-place"] == 0 || rules["unverifiable-claim"]+rules["certification-wording"] != 0 {
		t.Fatalf("build: %d files, lint %v", len(files), rules)
	}
	md := readFile(t, dir, filepath.Join("out", id+"-draft.md"))
	if !strings.Contains(md, "review signed 40 days late") || !strings.Contains(md, "Reviews now have a calendar reminder") || !strings.Contains(md, "DRAFT") {
		t.Errorf("draft lacks the auditor's exception or management's response")
	}
	if !strings.Contains(readFile(t, dir, filepath.Join("out", id+"-draft.html")), "Section 4") {
		t.Error("no HTML")
	}
	// Every render is in the ledger, and everything verifies.
	if l := decode[[]map[string]any](t, mustRun(t, dir, "report", "list", "--json")); len(l) != 2 || l[0]["meta"].(map[string]any)["sha256"] == "" {
		t.Errorf("renders %v", l)
	}
	mustRun(t, dir, "verify")
	// SOC 3 from the same SOC 2 Type 2 engagement; a SOC 1 is refused.
	mustRun(t, dir, "report", "build", "--kind", "SOC 3", "--format", "md", "--out", "out")
	if md := readFile(t, dir, "out/"+id+"-soc-3-draft.md"); strings.Contains(md, "Tests performed") || !strings.Contains(md, "System boundaries") {
		t.Error("SOC 3 draft content")
	}
	if r := run(t, dir, "", "report", "build", "--kind", "SOC 1", "--format", "md"); r.code != 2 {
		t.Errorf("SOC 1 from a SOC 2 engagement: exit %d", r.code)
	}
	// --type alone is not ignored: this engagement gives no Type 1.
	if r := run(t, dir, "", "report", "build", "--type", "Type 1", "--format", "md", "--out", "out"); r.code != 2 {
		t.Errorf("--type 1 on a Type 2 engagement: exit %d", r.code)
	}
	// The words are read as the web and the job read them, the flag named.
	for _, c := range [][]string{{"--kind", "SOC 9", "--kind: unknown report kind"}, {"--type", "Type 3", "--type: "}, {"--format", "docx", `--format: "docx"`}} {
		if r := run(t, dir, "", "report", "build", c[0], c[1], "--out", "out"); r.code != 2 || !strings.Contains(r.stderr, c[2]) {
			t.Errorf("%s %s: exit %d, %s", c[0], c[1], r.code, r.stderr)
		}
	}
	// One part is set by its path; a group or a list is not overwritten.
	for _, part := range []string{"incidents", "cuecs.items", "components"} {
		if r := run(t, dir, "", "description", "set", part, "x"); r.code != 2 {
			t.Errorf("description set %s: exit %d, want a refusal", part, r.code)
		}
	}
	// Lint catches planted puffery.
	mustRun(t, dir, "description", "set", "services.text", "Harbor runs the world's most secure, best-in-class payroll platform; our SOC 2 report certified it.")
	r := run(t, dir, "", "report", "lint", "--json")
	if r.code != 1 || !strings.Contains(r.stdout, "unverifiable-claim") || !strings.Contains(r.stdout, "certification-wording") {
		t.Errorf("lint exit %d %s", r.code, r.stdout)
	}
	// Letters (the bridge letter in bridgecmd_test.go).
	mustRun(t, dir, "report", "representation-letter", "--format", "md", "--out", "out")
	mustRun(t, dir, "report", "readiness-summary", "--format", "md", "--out", "out")
	// Readiness lists missing description inputs once some are removed.
	// The issued report: a PDF, kept byte for byte.
	writeFile(t, dir, "final.txt", "not a pdf")
	if r := run(t, dir, "", "report", "issued", "add", "--file", "final.txt", "--kind", "SOC 2", "--type", "2", "--period", "2025-01-01..2025-12-31", "--firm", "X"); r.code != 2 || !strings.Contains(r.stderr, "not a PDF") {
		t.Errorf("non-PDF issued: exit %d %s", r.code, r.stderr)
	}
	pdf := "%PDF-1.4\n% the CPA firm's final report\n%%EOF\n"
	writeFile(t, dir, "final.pdf", pdf)
	iss := decode[map[string]any](t, mustRun(t, dir, "report", "issued", "add", "--file", "final.pdf", "--kind", "SOC 2", "--type", "2", "--period", "2025-01-01..2025-12-31", "--firm", "Example CPA", "--confirm-distribution", "--json"))
	if iss["size"] != float64(len(pdf)) || iss["meta"].(map[string]any)["distribution_confirmed"] != "true" {
		t.Errorf("issued %v", iss)
	}
	// A report on a period not over yet is not an issued report.
	if r := run(t, dir, "", "report", "issued", "add", "--file", "final.pdf", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31", "--firm", "X"); r.code != 2 || !strings.Contains(r.stderr, "period: it ends 2026-12-31, after today") {
		t.Errorf("issued before the period ends: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "verify")
}

func TestReportPDFNeedsChromium(t *testing.T) {
	dir := setup(t)
	// Without Chromium (ATTEST_CHROME pointing nowhere): the HTML is still
	// written and the error says how to install it.
	m := runEnv(t, dir, map[string]string{"ATTEST_CHROME": filepath.Join(dir, "no-chromium")}, "report", "build", "--format", "html,pdf", "--out", "out")
	if html, _ := filepath.Glob(filepath.Join(dir, "out", "*-draft.html")); len(html) != 1 {
		t.Errorf("no HTML beside the PDF attempt: %v", html)
	}
	if m.code == 0 || !strings.Contains(m.stderr, "apt-get install chromium") {
		t.Errorf("PDF failure without the install hint: exit %d %s", m.code, m.stderr)
	}
}

// TestOutputFoldersMustExist: an output folder may be new, but only inside
// one that exists; a typo never makes a tree of folders (issue 19).
func TestOutputFoldersMustExist(t *testing.T) {
	dir := setup(t)
	for _, args := range [][]string{
		{"report", "build", "--format", "md", "--out", "nowhere/reports"},
		{"evidence", "export", "--out", "nowhere/export"},
	} {
		if r := run(t, dir, "", args...); r.code != 2 || !strings.Contains(r.stderr, "--out nowhere/") || !strings.Contains(r.stderr, "the folder nowhere does not exist") {
			t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("a folder was made")
	}
	mustRun(t, dir, "report", "build", "--format", "md", "--out", "reports")
	if l, _ := filepath.Glob(filepath.Join(dir, "reports", "*.md")); len(l) == 0 {
		t.Error("report build wrote nothing into a new folder")
	}
}
