package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/web"
	"github.com/google/go-cmp/cmp"
)

// readinessData is an engagement with an exclusion and one implemented
// control with evidence.
func readinessData(t *testing.T) string {
	t.Helper()
	dir := setup(t)
	mustRun(t, dir, "engagement", "exclude", "CC6.4", "--reason", "All equipment is in the cloud provider's facilities (carved out).")
	mustRun(t, dir, "controls", "set", "AC-06", "--status", "implemented", "--owner", "Dana")
	writeFile(t, dir, "r.txt", "review")
	mustRun(t, dir, "evidence", "add", "--control", "AC-06", "--file", "r.txt", "--date", "2026-09-30")
	return dir
}

func TestReadiness(t *testing.T) {
	dir := readinessData(t)
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

// TestReadinessSameOnTheDashboard builds the readiness of one engagement
// through attest readiness and through the dashboard's API, from the same
// data directory on the same day: evidence, an exclusion, description
// inputs with gaps and a check run that fails. Both must be equal.
func TestReadinessSameOnTheDashboard(t *testing.T) {
	dir := readinessData(t)
	mustRun(t, dir, "description", "set", "services.text", "Payroll for small employers.")
	if r := run(t, dir, "", "check", "run", "--input", exports(t, dir)); r.code != 1 {
		t.Fatalf("check run: %+v", r)
	}
	if r := run(t, dir, "a password that is long enough\n", "user", "add", "--email", "v@example.com", "--name", "Vic", "--role", "viewer", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	cli := decode[readiness.Report](t, mustRun(t, dir, "readiness", "--json"))
	if len(cli.Gaps) == 0 || !slices.ContainsFunc(cli.Gaps, func(g readiness.Gap) bool { return g.Kind == readiness.FailingCheck }) ||
		!slices.ContainsFunc(cli.Gaps, func(g readiness.Gap) bool { return g.Kind == readiness.DescriptionGap }) {
		t.Fatalf("the data shows no failing check or description gap: %+v", cli.Gaps)
	}

	ctx := context.Background()
	m := &Main{Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
	m.cfg.dataDir = filepath.Join(dir, "attest-data")
	d, err := m.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg, err := m.webConfig(d, serveFlags{org: "demo"}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.db.UserByEmail(ctx, "v@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("a viewer's token"))
	if _, err := d.db.SaveToken(ctx, attest.Change{Actor: "test", At: testNow}, attest.Token{UserID: u.ID, Name: "t", Hash: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/engagements/"+cli.Engagement+"/dashboard", nil)
	req.Header.Set("Authorization", "Bearer a viewer's token")
	w := httptest.NewRecorder()
	web.New(cfg).ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("dashboard: %d %s", w.Code, w.Body)
	}
	var dash struct {
		Readiness readiness.Report `json:"readiness"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &dash); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cli, dash.Readiness); diff != "" {
		t.Errorf("attest readiness and the dashboard differ (-cli +dashboard):\n%s", diff)
	}
}
