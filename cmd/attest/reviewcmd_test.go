package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/xuri/excelize/v2"
)

// An access review from a fresh data directory to its completion: a CSV
// listing, a roster, assignment by manager, decisions with a refused batch
// that writes nothing, sign-offs, a revoke closed by the next listing, the
// decisions kept as evidence for AC-06, and both exports.
func TestReviewCommand(t *testing.T) {
	dir := setup(t) // today is 2026-11-22
	for _, u := range [][]string{{"mia@example.com", "Mia"}, {"olu@example.com", "Olu"}, {"ana@example.com", "Ana"}} {
		mustRun(t, dir, "user", "add", "--email", u[0], "--name", u[1], "--role", "control-owner")
	}
	writeFile(t, dir, "accounts.csv", "system,account,email,roles\nGitHub,ana,ana@example.com,member\nGitHub,bo,bo@example.com,admin\nGitHub,ghost,ghost@example.com,member\nAWS,x,x@example.com,\n")
	writeFile(t, dir, "roster.csv", "employee_id,email,status,manager_email,end_date\n1,ana@example.com,active,mia@example.com,\n2,bo@example.com,terminated,mia@example.com,2026-10-01\n")

	// Bad input: a clear error, exit 2, nothing written.
	writeFile(t, dir, "bad.csv", "system,account\nGitHub,a\nGitHub,\n")
	r := run(t, dir, "", "review", "start", "--system", "GitHub", "--file", "bad.csv", "--json")
	if r.code != 2 || !strings.Contains(r.stdout+r.stderr, "bad.csv: line 3: account: empty") {
		t.Errorf("bad listing: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, dir, "", "review", "start", "--system", "GitHub"); r.code != 2 {
		t.Errorf("no listing: exit %d", r.code)
	}

	var c struct {
		ID       int64
		Accounts int
		Listing  map[string]any
	}
	json.Unmarshal([]byte(mustRun(t, dir, "review", "start", "--system", "GitHub", "--file", "accounts.csv", "--extracted", "2026-11-20",
		"--roster-file", "roster.csv", "--due", "2026-12-15", "--json")), &c)
	if c.ID != 1 || c.Accounts != 3 || c.Listing["extracted_at"] != "2026-11-20" || len(c.Listing["file_sha256"].(string)) != 64 || c.Listing["left_out"] != 1.0 {
		t.Fatalf("started %+v", c)
	}
	mustRun(t, dir, "review", "assign", "1", "--owner", "olu@example.com", "--by-manager")

	writeFile(t, dir, "mia.csv", "account,decision,reason\nana,keep,\nbo,revoke,\n")
	r = run(t, dir, "", "review", "decide", "1", "--reviewer", "mia@example.com", "--file", "mia.csv")
	if r.code != 2 || !strings.Contains(r.stderr, "mia.csv: line 3: reason: a decision to revoke needs its reason") {
		t.Errorf("revoke without reason: exit %d\n%s", r.code, r.stderr)
	}
	// ana may not decide mia's accounts, nor her own.
	if r := run(t, dir, "", "review", "decide", "1", "--reviewer", "ana@example.com", "--account", "ana", "--decision", "keep"); r.code != 2 || !strings.Contains(r.stderr, "assigned to mia@example.com") {
		t.Errorf("ana decided: exit %d %s", r.code, r.stderr)
	}
	writeFile(t, dir, "mia.csv", "account,decision,reason\nana,keep,\nbo,revoke,left in October\n")
	mustRun(t, dir, "review", "decide", "1", "--reviewer", "mia@example.com", "--file", "mia.csv")
	mustRun(t, dir, "review", "decide", "1", "--reviewer", "olu@example.com", "--account", "ghost", "--decision", "keep")
	mustRun(t, dir, "review", "signoff", "1", "--reviewer", "mia@example.com")
	mustRun(t, dir, "review", "signoff", "1", "--reviewer", "olu@example.com")

	st := decode[accessreview.Status](t, mustRun(t, dir, "review", "status", "1", "--json"))
	if st.Decided != 3 || st.Open != 1 || st.Flagged != 2 || len(st.Blockers) != 1 {
		t.Errorf("status %+v", st)
	}
	// Every review: the campaigns as printed before, with their status.
	l := decode[struct {
		Campaigns []attest.Campaign
		Reviews   []accessreview.Status
	}](t, mustRun(t, dir, "review", "status", "--json"))
	if len(l.Campaigns) != 1 || l.Campaigns[0].System != "GitHub" || len(l.Reviews) != 1 || l.Reviews[0].Decided != 3 {
		t.Errorf("review status: %+v", l)
	}
	if out := mustRun(t, dir, "review", "status"); !strings.Contains(out, "DECIDED") || !strings.Contains(out, "GitHub") {
		t.Errorf("review status:\n%s", out)
	}
	if r := run(t, dir, "", "review", "complete", "1", "--control", "AC-06"); r.code == 0 || !strings.Contains(r.stderr, "1 revokes are not yet shown done") {
		t.Errorf("completed with an open revoke: exit %d %s", r.code, r.stderr)
	}
	// A listing with none of the system's accounts (another system's
	// file) shows nothing done: refused, naming what the file holds.
	writeFile(t, dir, "other.csv", "system,account\nOkta,ana\n")
	if r := run(t, dir, "", "review", "confirm", "1", "--file", "other.csv", "--extracted", "2026-11-22T09:45:00Z"); r.code != 2 || !strings.Contains(r.stderr, `other.csv: no accounts of system "GitHub"`) {
		t.Errorf("confirm from another system's listing: %+v", r)
	}
	// The next listing no longer holds bo.
	writeFile(t, dir, "later.csv", "system,account\nGitHub,ana\nGitHub,ghost\n")
	fu := decode[accessreview.FollowUp](t, mustRun(t, dir, "review", "confirm", "1", "--file", "later.csv", "--extracted", "2026-11-22T09:45:00Z", "--json"))
	if len(fu.Closed) != 1 || fu.Closed[0] != "bo" {
		t.Errorf("follow-up %+v", fu)
	}
	out := mustRun(t, dir, "review", "complete", "1", "--control", "AC-06")
	if !strings.Contains(out, "evidence") {
		t.Errorf("complete: %s", out)
	}
	ev := mustRun(t, dir, "evidence", "list", "--control", "AC-06")
	if !strings.Contains(ev, "access-review-1-github.csv") {
		t.Errorf("evidence list lacks the review:\n%s", ev)
	}

	csvOut := mustRun(t, dir, "review", "export", "1", "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(csvOut), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[1], "1,GitHub,1,bo,") {
		t.Errorf("csv export:\n%s", csvOut)
	}
	mustRun(t, dir, "review", "export", "1", "--format", "xlsx", "-o", filepath.Join(dir, "r.xlsx"))
	f, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Decisions")
	if len(rows) != 4 || rows[1][11] != "revoke" {
		t.Errorf("xlsx rows %q", rows)
	}
	if r := run(t, dir, "", "review", "export", "1", "--format", "pdf"); r.code != 2 {
		t.Errorf("pdf export: exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "verify")
}
