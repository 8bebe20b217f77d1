package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bridge letter follows the issued report's own record, lists what
// the data holds since its period for management to confirm, and is
// refused without an issued report or with dates it cannot cover.
func TestBridgeLetterCommand(t *testing.T) {
	dir := setup(t) // SOC 2 Type 2 for 2026; today is 2026-11-22
	id := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))[0]["id"].(string)
	b, err := os.ReadFile("../../report/testdata/description.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "desc.yaml", string(b))
	mustRun(t, dir, "description", "set", "--file", "desc.yaml")
	r := run(t, dir, "", "report", "bridge-letter", "--format", "md", "--out", "out")
	if r.code != 2 || !strings.Contains(r.stderr, "no issued SOC 2 report is on file") || !strings.Contains(r.stderr, "attest report issued add") {
		t.Fatalf("without an issued report: exit %d %s", r.code, r.stderr)
	}
	writeFile(t, dir, "final.pdf", "%PDF-1.4\n% last year's report\n%%EOF\n")
	if r := run(t, dir, "", "report", "issued", "add", "--file", "final.pdf", "--kind", "SOC 2", "--type", "2", "--period", "2025-01-01..2025-12-31", "--firm", "Example CPA", "--report-date", "Feb 20"); r.code != 2 || !strings.Contains(r.stderr, "--report-date") {
		t.Errorf("bad report date: exit %d %s", r.code, r.stderr)
	}
	mustRun(t, dir, "report", "issued", "add", "--file", "final.pdf", "--kind", "SOC 2", "--type", "2", "--period", "2025-01-01..2025-12-31", "--firm", "Example CPA", "--report-date", "2026-02-20")
	if l := mustRun(t, dir, "report", "issued", "list"); !strings.HasPrefix(l, "ID") || !strings.Contains(l, "PERIOD") || !strings.Contains(l, "SOC 2 Type 2") || !strings.Contains(l, "2025-01-01..2025-12-31") {
		t.Errorf("report issued list:\n%s", l)
	}
	for through, want := range map[string]string{"2025-12-15": "is not after 2025-12-31", "2025-12-31": "is not after 2025-12-31", "2026-11-30": "after today", "12/01/2026": "--through"} {
		if r := run(t, dir, "", "report", "bridge-letter", "--through", through, "--format", "md", "--out", "out"); r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("--through %s: exit %d %s", through, r.code, r.stderr)
		}
	}
	// What the data holds: an implemented quarterly control with no
	// evidence, and the auditor's exception.
	mustRun(t, dir, "controls", "set", "AC-06", "--status", "implemented", "--owner", "Jonah Weiss")
	addAuditor(t, dir, "Ana Lima")
	auditorTest(t, dir, "Ana Lima", "CHG-02", []string{"C1=no-exception", "C2=deviation:merged without review"}, "--deviations", "isolated")
	if r := run(t, dir, "", "report", "bridge-letter", "--confirm-none", "--format", "md", "--out", "out"); r.code != 2 || !strings.Contains(r.stderr, "matters were found") {
		t.Errorf("--confirm-none beside matters: exit %d %s", r.code, r.stderr)
	}
	r = run(t, dir, "", "report", "bridge-letter", "--matter", "The tax-rate service moved to a new provider.", "--format", "md", "--out", "out", "--json")
	if r.code != 0 || !strings.Contains(r.stderr, "more than three months") || !strings.Contains(r.stdout, "7 matters found since 2025-12-31") {
		t.Fatalf("bridge letter: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	md := readFile(t, dir, filepath.Join("out", id+"-bridge-letter-2026-11-22.md"))
	for _, want := range []string{
		"SOC 2 Type 2 report on Harbor Payroll Platform for the period January 1, 2025 to December 31, 2025, dated February 20, 2026, issued by Example CPA (final.pdf)",
		"January 1, 2026 to November 22, 2026",
		"AC-06: 3 missed occurrences (due 2026-04-30, 2026-07-30, 2026-10-30).",
		"CHG-02: the service auditor recorded an exception", "merged without review",
		"2026-07-01: Moved the databases to managed PostgreSQL",
		"2026-05-14: incident: A configuration change delayed direct deposits",
		"The tax-rate service moved to a new provider.",
		"We expect the next SOC 2 Type 2 report, for the period January 1, 2026 to December 31, 2026",
		"Nothing here is confirmed yet"} {
		if !strings.Contains(md, want) {
			t.Errorf("bridge letter lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "There were no") || strings.Contains(md, "February 1, 2026 to January 31, 2027") {
		t.Error("none stated beside matters, or the current period cited as the issued report")
	}
	// The report's assertion carries the same known deviations as matters
	// to discuss with the service auditor.
	mustRun(t, dir, "report", "build", "--format", "md", "--out", "out")
	draft := readFile(t, dir, filepath.Join("out", id+"-draft.md"))
	for _, want := range []string{"Matters to discuss with the service auditor", "AC-06: 3 missed occurrences", "CHG-02: the service auditor recorded an exception"} {
		if !strings.Contains(draft, want) {
			t.Errorf("assertion placeholder lacks %q", want)
		}
	}
}

func TestRepresentationLetterSignatories(t *testing.T) {
	dir := setup(t)
	id := decode[[]map[string]any](t, mustRun(t, dir, "engagement", "list", "--json"))[0]["id"].(string)
	mustRun(t, dir, "report", "representation-letter", "--format", "md", "--out", "out")
	md := readFile(t, dir, filepath.Join("out", id+"-representation-letter.md"))
	if !strings.Contains(md, "[name], Chief Executive Officer. Signed:") || !strings.Contains(md, "[name], Chief Financial Officer. Signed:") {
		t.Errorf("default signatories:\n%s", md)
	}
	mustRun(t, dir, "report", "representation-letter", "--signatory", "Ruth Ansah, Chief Financial Officer", "--signatory", "Jonah Weiss, Chief Information Security Officer", "--format", "md", "--out", "out")
	md = readFile(t, dir, filepath.Join("out", id+"-representation-letter.md"))
	if !strings.Contains(md, "Ruth Ansah, Chief Financial Officer. Signed:") || !strings.Contains(md, "Jonah Weiss, Chief Information Security Officer. Signed:") || strings.Contains(md, "[name]") {
		t.Errorf("given signatories:\n%s", md)
	}
	if r := run(t, dir, "", "report", "representation-letter", "--signatory", "Ruth Ansah"); r.code != 2 || !strings.Contains(r.stderr, "Name, Title") {
		t.Errorf("bad signatory: exit %d %s", r.code, r.stderr)
	}
}
