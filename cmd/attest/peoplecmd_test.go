package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The roster from a fresh data directory: a bad file refused with its
// line and field, an import, a re-import that shows its diff until
// --confirm, checklist items done with evidence, the leavers recorded as
// a population and reconciled to an identity-provider collection, and a
// late item in the known deviations.
func TestPeopleCommand(t *testing.T) {
	dir := setup(t) // today is 2026-11-22
	mustRun(t, dir, "user", "add", "--email", "it@example.com", "--name", "Ito", "--role", "control-owner")

	writeFile(t, dir, "bad.csv", "email,name\nada@example.com,Ada\nADA@example.com,Ada again\n")
	r := run(t, dir, "", "people", "import", "bad.csv", "--json")
	if r.code != 2 || !strings.Contains(r.stdout, "bad.csv: line 3: email: ada@example.com is on line 2 too") {
		t.Errorf("duplicate address: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	writeFile(t, dir, "roster.csv", "employee_id,email,status,start_date,end_date,department,name\n"+
		"1,ada@example.com,active,2026-06-01,,Engineering,Ada\n2,bo@example.com,terminated,2020-03-02,2026-10-01,Sales,Bo\n3,cy@example.com,active,2020-01-06,,Support,Cy\n")
	var imp struct {
		Recorded bool
		Format   string
		Items    []struct {
			ID       int64
			Person   string
			Key      string
			Assignee string
		}
	}
	json.Unmarshal([]byte(mustRun(t, dir, "people", "import", "roster.csv", "--owner", "it=it@example.com", "--json")), &imp)
	if !imp.Recorded || imp.Format != "hr-roster" || len(imp.Items) != 11 {
		t.Fatalf("import: %+v", imp)
	}

	writeFile(t, dir, "roster2.csv", "employee_id,email,status,start_date,end_date,department,name\n"+
		"1,ada@example.com,active,2026-06-01,,Platform,Ada\n3,cy@example.com,active,2020-01-06,,Support,Cy\n")
	out := mustRun(t, dir, "people", "import", "roster2.csv")
	if !strings.Contains(out, "~ ada@example.com: department Engineering → Platform") || !strings.Contains(out, "? bo@example.com is not in the file") || !strings.Contains(out, "--confirm") {
		t.Errorf("re-import:\n%s", out)
	}
	if list := decode[[]map[string]any](t, mustRun(t, dir, "people", "list", "--json")); list[0]["department"] != "Engineering" || len(list) != 3 {
		t.Errorf("an unconfirmed re-import changed the roster: %v", list)
	}
	mustRun(t, dir, "people", "import", "roster2.csv", "--confirm")
	if p := decode[map[string]any](t, mustRun(t, dir, "people", "show", "ada@example.com", "--json")); p["person"].(map[string]any)["department"] != "Platform" {
		t.Errorf("confirmed: %v", p)
	}

	// Bo's access removal, due 2026-10-02, done a day late with the log.
	var sso int64
	for _, it := range imp.Items {
		if it.Person == "bo@example.com" && it.Key == "sso-disabled" {
			sso = it.ID
		}
	}
	writeFile(t, dir, "okta-log.txt", "user.lifecycle.deactivate bo@example.com 2026-10-03")
	if r := run(t, dir, "", "people", "checklist", "done", itoa(sso)); r.code != 2 || !strings.Contains(r.stderr, "by: name the account") {
		t.Errorf("done without --by: exit %d %s", r.code, r.stderr)
	}
	done := decode[map[string]any](t, mustRun(t, dir, "people", "checklist", "done", itoa(sso), "--by", "it@example.com", "--on", "2026-10-03", "--evidence", "okta-log.txt", "--json"))
	if item := done["item"].(map[string]any); item["status"] != "done-late" || done["evidence"] == nil {
		t.Fatalf("done: %v", done)
	}
	overdue := decode[[]map[string]any](t, mustRun(t, dir, "people", "checklist", "bo@example.com", "--overdue", "--json"))
	if len(overdue) != 4 {
		t.Errorf("Bo's overdue items: %d", len(overdue))
	}
	devs := mustRun(t, dir, "deviations", "list", "--json")
	if !strings.Contains(devs, "checklist:"+itoa(sso)) {
		t.Errorf("the late item is not a known deviation:\n%s", devs)
	}

	// The leavers, reconciled to the identity provider.
	os.MkdirAll(filepath.Join(dir, "exports"), 0o755)
	writeFile(t, dir, "exports/okta-users.json", `[
 {"id": "00u1", "status": "ACTIVE", "profile": {"login": "bo@example.com", "email": "bo@example.com"}},
 {"id": "00u2", "status": "ACTIVE", "profile": {"login": "ada@example.com", "email": "ada@example.com"}},
 {"id": "00u3", "status": "ACTIVE", "profile": {"login": "ghost@example.com", "email": "ghost@example.com"}}
]`)
	col := decode[map[string]any](t, mustRun(t, dir, "collect", "--from", dir+"/exports", "--source", "okta", "--json"))
	ev := col["collections"].([]any)[0].(map[string]any)["evidence"].(float64)
	// A collection that is no identity provider's is refused before
	// anything is recorded: no population is left behind.
	pops := func() int {
		return len(decode[[]any](t, mustRun(t, dir, "population", "list", "--control", "AC-04", "--json")))
	}
	before := pops()
	if r := run(t, dir, "", "people", "population", "leavers", "--reconcile-collection", "999999"); r.code == 0 {
		t.Errorf("an unknown collection was accepted: %+v", r)
	}
	if after := pops(); after != before {
		t.Errorf("a refused reconciliation left %d population(s) behind", after-before)
	}
	pop := decode[map[string]any](t, mustRun(t, dir, "people", "population", "leavers", "--reconcile-collection", itoa(int64(ev)), "--json"))
	p, rec := pop["population"].(map[string]any), pop["reconciliation"].(map[string]any)
	if p["control"] != "AC-04" || p["rows"] != 1.0 || p["key_column"] != "person_id" || !strings.Contains(p["source"].(string), "ledger entry") {
		t.Errorf("population: %v", p)
	}
	if rec["not_on_roster"].([]any)[0] != "ghost@example.com" || rec["still_active"].([]any)[0] != "bo@example.com" {
		t.Errorf("reconciliation: %v", rec)
	}

	// An access review without a roster file reads the stored roster.
	writeFile(t, dir, "accounts.csv", "system,account,email\nGitHub,ada,ada@example.com\nGitHub,ghost,ghost@example.com\n")
	started := decode[map[string]any](t, mustRun(t, dir, "review", "start", "--system", "GitHub", "--file", "accounts.csv", "--json"))
	if l := started["listing"].(map[string]any); !strings.HasPrefix(l["roster"].(string), "the roster as of ledger entry") {
		t.Errorf("review listing: %v", l)
	}
	mustRun(t, dir, "review", "export", "1", "--format", "csv", "-o", filepath.Join(dir, "review.csv"))
	if st, _ := os.ReadFile(filepath.Join(dir, "review.csv")); !strings.Contains(string(st), "not-on-roster") {
		t.Errorf("ghost not flagged:\n%s", st)
	}

	// Ada starts a week later: her open onboarding items move with her
	// start date, and the ledger still verifies.
	writeFile(t, dir, "roster3.csv", "employee_id,email,status,start_date,end_date,department,name\n"+
		"1,ada@example.com,active,2026-06-08,,Platform,Ada\n3,cy@example.com,active,2020-01-06,,Support,Cy\n")
	out = mustRun(t, dir, "people", "import", "roster3.csv", "--confirm")
	if !strings.Contains(out, "open checklist items moved with their person's start or end date") || !strings.Contains(out, "ada@example.com's") {
		t.Errorf("moved start date:\n%s", out)
	}
	mustRun(t, dir, "verify")
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
