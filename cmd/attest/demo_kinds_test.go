package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoRendersEveryKindAndType builds each kind and type from the
// demo's own data, checks each carries its own assertion form, that its
// description names the cloud host as a carved-out subservice organization
// with its CSOCs and leaves the vendor out, and that attest verify passes.
func TestDemoRendersEveryKindAndType(t *testing.T) {
	dir := t.TempDir()
	out := decode[map[string]any](t, demoCopy(t, dir, "attest-data"))
	ids := map[string]bool{}
	for _, id := range out["engagements"].([]any) {
		ids[id.(string)] = true
	}
	for _, c := range []struct {
		engagement, kind, typ string
		want, not             []string
	}{
		{"soc1-type2-2026", "SOC 1", "Type 2", []string{"suitably designed and operated effectively throughout the period", "Criteria for the controls (AT-C section 320)"}, []string{"would be achieved"}},
		{"soc2-type2-2026", "SOC 2", "Type 2", []string{"operated effectively throughout the period", "were achieved based on the applicable trust services criteria"}, nil},
		{"soc2-type1-2026", "SOC 2", "Type 1", []string{"were suitably designed as of", "would be achieved based on the applicable trust services criteria if the controls operated effectively"}, []string{"operated effectively throughout", "Significant changes during the period"}},
		{"soc2-type2-2026", "SOC 3", "", []string{"were effective throughout the period", "were achieved"}, []string{"readers with sufficient knowledge", "Complementary subservice organization controls"}},
	} {
		t.Run(c.kind+" "+c.typ, func(t *testing.T) {
			if !ids[c.engagement] {
				t.Fatalf("the demo has no %s: %v", c.engagement, out["engagements"])
			}
			args := []string{"report", "build", "--engagement", c.engagement, "--kind", c.kind, "--format", "md", "--out", "kinds"}
			if c.typ != "" {
				args = append(args, "--type", c.typ)
			}
			mustRun(t, dir, args...)
			md := readDraft(t, filepath.Join(dir, "kinds"), c.engagement, c.kind == "SOC 3")
			assertion := md[strings.Index(md, "## Section 2: Management's assertion"):]
			assertion = strings.Join(strings.Fields(assertion[:strings.Index(assertion, "## Section 3")]), " ")
			for _, w := range c.want {
				if !strings.Contains(assertion, w) {
					t.Errorf("the assertion lacks %q:\n%s", w, assertion)
				}
			}
			for _, w := range c.not {
				if strings.Contains(md, w) {
					t.Errorf("the draft says %q", w)
				}
			}
			if c.kind == "SOC 3" {
				return
			}
			for _, w := range []string{"| Amazon Web Services | Hosting, databases and backups | carve-out | VND-04 |", "Complementary subservice organization controls: Amazon Web Services", "wiped or destroyed"} {
				if !strings.Contains(md, w) {
					t.Errorf("DC7 lacks %q", w)
				}
			}
			if strings.Contains(md, "Slack") {
				t.Error("the vendor is described as a subservice organization")
			}
		})
	}
	// The third parties and their CSOCs as description check sees them.
	chk := decode[map[string]any](t, mustRun(t, dir, "description", "check", "--json"))
	if m := chk["missing_csocs"].([]any); len(m) != 0 {
		t.Errorf("the demo misses CSOCs: %v", m)
	}
	roles := map[string]string{}
	for _, x := range chk["third_parties"].([]any) {
		roles[x.(map[string]any)["name"].(string)] = x.(map[string]any)["role"].(string)
	}
	if roles["Amazon Web Services"] != "subservice organization" || roles["Slack"] != "vendor" {
		t.Errorf("third parties: %v", roles)
	}
	if r := run(t, dir, "", "verify"); r.code != 0 {
		t.Errorf("verify: %+v", r)
	}
	// The representation letter lists the register's known deviations with
	// their disclosures.
	mustRun(t, dir, "report", "representation-letter", "--format", "md", "--out", "letters")
	letter := readMatching(t, filepath.Join(dir, "letters"), "representation-letter")
	if !strings.Contains(letter, "Known deviations disclosed") || !strings.Contains(letter, "| Ana Lima, ") {
		t.Errorf("representation letter:\n%s", letter)
	}
}

// TestDescriptionCheckListsMissingCSOCs takes the demo's inputs, drops all
// but two of the cloud host's CSOCs, and expects check to list the rest
// under it; an unknown service type is refused naming the line and the
// known ones.
func TestDescriptionCheckListsMissingCSOCs(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	mustRun(t, dir, "engagement", "create", "--kind", "SOC 2", "--type", "2", "--period", "2026-01-01..2026-12-31", "--categories", "security,availability")
	b, err := os.ReadFile("../../internal/demo/files/description-soc2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "      - covers: media-disposal")
	end := strings.Index(text, "  - name: Slack")
	writeFile(t, dir, "d.yaml", text[:start]+text[end:])
	mustRun(t, dir, "description", "set", "--file", "d.yaml")
	r := run(t, dir, "", "description", "check", "--json")
	if r.code != 1 {
		t.Fatalf("check: %+v", r)
	}
	chk := decode[map[string]any](t, r.stdout)
	m := chk["missing_csocs"].([]any)
	if len(m) != 1 {
		t.Fatalf("missing_csocs: %v", m)
	}
	aws := m[0].(map[string]any)
	var topics []string
	for _, s := range aws["missing"].([]any) {
		topics = append(topics, s.(map[string]any)["topic"].(string))
	}
	if aws["subservice_organization"] != "Amazon Web Services" || strings.Join(topics, ",") != "media-disposal,infrastructure-access,tenant-isolation,infrastructure-change,provider-monitoring,backup-replication,restore,encryption-at-rest,database-patching" {
		t.Errorf("missing CSOCs of %v: %v", aws["subservice_organization"], topics)
	}
	if !strings.Contains(r.stdout, "no CSOC covers media-disposal") {
		t.Error("the gaps do not name the missing CSOC")
	}
	writeFile(t, dir, "bad.yaml", "organization: X\nthird_parties:\n  - name: Cloudy\n    service_types: [cloud]\n")
	r = run(t, dir, "", "description", "set", "--file", "bad.yaml")
	if r.code != 2 || !strings.Contains(r.stderr, "bad.yaml: line 4") || !strings.Contains(r.stderr, `"cloud"`) || !strings.Contains(r.stderr, "infrastructure-hosting, managed-database") {
		t.Errorf("unknown service type: %+v", r)
	}
}

func readDraft(t *testing.T, dir, engagement string, soc3 bool) string {
	t.Helper()
	name := engagement + "-draft.md"
	if soc3 {
		name = engagement + "-soc-3-draft.md"
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readMatching(t *testing.T, dir, contains string) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), contains) && strings.HasSuffix(e.Name(), ".md") {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no %s in %s", contains, dir)
	return ""
}
