package main

import (
	"strings"
	"testing"
)

func TestReadiness(t *testing.T) {
	dir := setup(t)
	mustRun(t, dir, "engagement", "exclude", "CC6.4", "--reason", "All equipment is in the cloud provider's facilities (carved out).")
	mustRun(t, dir, "controls", "set", "AC-06", "--status", "implemented", "--owner", "Dana")
	writeFile(t, dir, "r.txt", "review")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2026-09-30")
	r := decode[map[string]any](t, mustRun(t, dir, "readiness", "--json", "--csv", "r.csv", "--markdown", "r.md"))
	hasKeys(t, "readiness", r, "engagement", "type1", "type2", "gaps")
	t1 := r["type1"].(map[string]any)
	hasKeys(t, "type1", t1, "score", "criteria")
	crit := t1["criteria"].([]any)
	if len(crit) != 33 {
		t.Errorf("%d criteria, want the 33 common criteria", len(crit))
	}
	byID := map[string]map[string]any{}
	for _, c := range crit {
		cm := c.(map[string]any)
		hasKeys(t, "criterion", cm, "id", "score", "gaps")
		byID[cm["id"].(string)] = cm
	}
	if byID["CC6.4"]["excluded"] == nil {
		t.Error("the excluded criterion is not marked")
	}
	// Only AC-06 is implemented: CC6.2 and CC6.3 have it; CC1.1 has none.
	if byID["CC1.1"]["score"] != 0.0 || byID["CC6.2"]["score"].(float64) <= 0 {
		t.Errorf("CC1.1 %v, CC6.2 %v", byID["CC1.1"]["score"], byID["CC6.2"]["score"])
	}
	gaps := r["gaps"].([]any)
	first := gaps[0].(map[string]any)
	hasKeys(t, "gap", first, "kind", "ref", "detail", "hint")
	if first["kind"] != "criterion_without_control" {
		t.Errorf("the most blocking gap first: %v", first)
	}
	if !strings.Contains(readFile(t, dir, "r.csv"), "criterion,type1_score,type2_score") || !strings.Contains(readFile(t, dir, "r.md"), "Internal readiness indicator") {
		t.Error("CSV or Markdown output")
	}
	human := mustRun(t, dir, "readiness")
	if !strings.Contains(human, "not an assessment of design") || !strings.Contains(human, "How the scores are computed") {
		t.Errorf("human output:\n%s", human)
	}
	if r := run(t, dir, "", "readiness", "--as-of", "soon"); r.code != 2 {
		t.Errorf("bad --as-of: %+v", r)
	}
}
