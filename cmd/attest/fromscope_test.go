package main

import (
	"strings"
	"testing"
)

// The engagement takes the period and as-of date the scope advice
// recommends, from an answers file or from saved `attest scope` output.
func TestEngagementFromScopeDates(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	writeFile(t, dir, "a.yaml", "service_types: [claims]\ncontrols_operating_months: 8\ncustomer_fiscal_year_ends: [Oct 31]\n")
	rec := decode[map[string]any](t, mustRun(t, dir, "scope", "--answers", "a.yaml", "--out", "rec.json", "--json"))
	soc1 := rec["reports"].([]any)[0].(map[string]any)
	if soc1["period_start"] != "2026-03-01" || soc1["period_end"] != "2026-10-31" {
		t.Fatalf("recommended period %v..%v", soc1["period_start"], soc1["period_end"])
	}
	for _, from := range []string{"a.yaml", "rec.json"} {
		out := decode[map[string]any](t, mustRun(t, dir, "engagement", "create", "--from-scope", from, "--json"))
		e := out["created"].([]any)[0].(map[string]any)["engagement"].(map[string]any)
		if e["period_start"] != soc1["period_start"] || e["period_end"] != soc1["period_end"] {
			t.Errorf("from %s: engagement period %v..%v, want the recommended one", from, e["period_start"], e["period_end"])
		}
	}
	writeFile(t, dir, "t1.yaml", "security_reviews: true\ncontrols_operating_months: 1\nreport_needed_within_months: 2\n")
	out := decode[map[string]any](t, mustRun(t, dir, "engagement", "create", "--from-scope", "t1.yaml", "--json"))
	if e := out["created"].([]any)[0].(map[string]any)["engagement"].(map[string]any); e["as_of"] != "2026-11-30" {
		t.Errorf("Type 1 as of %v, want the recommended 2026-11-30", e["as_of"])
	}
}

// A request the advice cannot read is named, and the rest is answered.
func TestScopeUnknownRequest(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", "requested: [SOC 5, SOC 2 Type 2]\ncontrols_operating_months: 4\n")
	r := run(t, dir, "", "scope", "--answers", "a.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, `"SOC 5" is not understood`) || !strings.Contains(r.stdout, "SOC 2 Type 2") {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
