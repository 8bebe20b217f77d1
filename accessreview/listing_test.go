package accessreview_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "a.csv: line 1: want a header row"},
		{"account\nx\n", "a.csv: line 1: system: the header has no system column"},
		{"system,account\ngh,\n", "a.csv: line 2: account: empty"},
		{"system,account\n,x\n", "a.csv: line 2: system: empty"},
		{"system,account\ngh,x\ngh,y\ngh,x\n", `a.csv: line 4: account: "x" is listed twice (first on line 2)`},
		{"system,account,privileged\ngh,x,maybe\n", `a.csv: line 2: privileged: "maybe": want true or false`},
		{"system,account,email\ngh,x,not-mail\n", `a.csv: line 2: email: "not-mail" is not an e-mail address`},
		{"system,account\ngh,\"x\n", "a.csv: line 2: extraneous"},
		{"system,account\nokta,x\n", `a.csv: no accounts of system "gh"`},
	} {
		_, _, err := accessreview.ReadCSV("a.csv", strings.NewReader(tc.in), "gh")
		if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
	accts, _, err := accessreview.ReadCSV("a.csv", strings.NewReader("\ufeffSystem,Account,Roles\nGH,x, Org Owner ; member\n"), "gh")
	if err != nil || len(accts) != 1 || !accts[0].Privileged || len(accts[0].Roles) != 2 {
		t.Errorf("%+v, %v", accts, err)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(listing)
	f.Add("system,account,privileged\ngh,x,yes\ngh,\"y\"\"\",\n")
	f.Add("system,account\n\"gh\nx")
	f.Fuzz(func(t *testing.T, in string) {
		accts, left, err := accessreview.ReadCSV("f.csv", strings.NewReader(in), "github")
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error %v (code %s)", err, attest.ErrorCode(err))
			}
			return
		}
		if len(accts) == 0 || left < 0 {
			t.Fatalf("no accounts and no error")
		}
		seen := map[string]bool{}
		for _, a := range accts {
			if a.Account == "" || seen[a.Account] || a.System != "github" {
				t.Fatalf("bad account %+v", a)
			}
			seen[a.Account] = true
		}
	})
}

func TestFromRecords(t *testing.T) {
	recs := []collect.Record{
		{Type: "idp.user", ID: "00u1", Fields: map[string]any{"status": "active", "login": "ana@example.com", "email": "Ana@Example.com", "firstname": "Ana", "lastname": "Lima",
			"profile": map[string]any{"groups": []any{"Admins", "eng"}}}},
		{Type: "idp.user", ID: "00u2", Fields: map[string]any{"status": "deprovisioned", "login": "old@example.com"}},
		{Type: "aws.iam_user", ID: "<root_account>", Fields: map[string]any{"root": true}},
		{Type: "hr.employee", ID: "1", Fields: map[string]any{"email": "ana@example.com", "manager_email": "mia@example.com", "status": "active"}},
	}
	idp, err := accessreview.FromRecords(recs, "okta")
	if err != nil || len(idp) != 1 || idp[0].Person != "ana@example.com" || !idp[0].Privileged || idp[0].Name != "Ana Lima" {
		t.Errorf("okta: %+v, %v", idp, err)
	}
	aws, err := accessreview.FromRecords(recs, "AWS production")
	if err != nil || len(aws) != 1 || !aws[0].Privileged {
		t.Errorf("aws: %+v, %v", aws, err)
	}
	if _, err := accessreview.FromRecords(recs[3:], "x"); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a roster read as accounts: %v", err)
	}
	if r := accessreview.RosterFrom(recs); r["ana@example.com"].Manager != "mia@example.com" || len(r) != 1 {
		t.Errorf("roster %+v", r)
	}
}

// A review's listing from a collection: the accounts it read with the
// collection's provenance, only from a collection that read every
// record of its source.
func TestFromCollection(t *testing.T) {
	recs := []collect.Record{{Type: "idp.user", ID: "00u1", Fields: map[string]any{"status": "active", "login": "ana@example.com", "email": "ana@example.com"}}}
	c := check.NewCollection("okta", "connector okta", "ops", time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC), &collect.Result{Records: recs})
	c.Evidence = 41
	accts, l, err := accessreview.FromCollection(&c, "Okta")
	if err != nil || len(accts) != 1 || l.Collection != 41 || l.Source != "collection 41 (okta, connector okta)" || l.ExtractedAt != "2026-11-30T06:00:00Z" || l.ExtractedBy != "ops" || l.Completeness == "" {
		t.Fatalf("%+v %+v %v", accts, l, err)
	}
	c.Complete, c.Problems = false, []collect.Problem{{File: "users.json", Detail: "no id"}}
	if _, _, err := accessreview.FromCollection(&c, "Okta"); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "collection 41 had 1 rows it could not read") {
		t.Errorf("an incomplete collection: %v", err)
	}
}

// Without a roster file, a review reads the roster Attest keeps, named
// by its latest entry; none when no one is on it.
func TestKeptRoster(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	if r, name, err := accessreview.KeptRoster(ctx, s); r != nil || name != "" || err != nil {
		t.Fatalf("empty: %v %q %v", r, name, err)
	}
	ps, err := s.RecordPeople(ctx, attest.Change{Actor: "t"}, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{
		{Email: "ana@example.com", Name: "Ana", Kind: attest.PersonEmployee, Status: attest.PersonActive, Manager: "mia@example.com", Source: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	r, name, err := accessreview.KeptRoster(ctx, s)
	if err != nil || r["ana@example.com"].Manager != "mia@example.com" || name != fmt.Sprintf("the roster as of ledger entry %d", ps[0].Entry) {
		t.Errorf("%v %q %v", r, name, err)
	}
}

func FuzzReadDecisions(f *testing.F) {
	f.Add("account,decision,reason\nx,revoke,left\n")
	f.Add("decision,account\n\"x")
	f.Fuzz(func(t *testing.T, in string) {
		ds, err := accessreview.ReadDecisions("d.csv", strings.NewReader(in))
		if err != nil && (attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), "d.csv: line ")) {
			t.Fatalf("error %v", err)
		}
		for _, d := range ds {
			if d.Line < 2 {
				t.Fatalf("decision without its line: %+v", d)
			}
		}
	})
}

// TestFromFile: a listing read from a file carries the file's SHA-256,
// who extracted it and when, and the rows of other systems left out.
func TestFromFile(t *testing.T) {
	b := []byte("system,account\ngh,x\ngh,y\nokta,z\n")
	accts, l, err := accessreview.FromFile("a.csv", b, "gh", "2026-12-01T09:00:00Z", "Priya")
	sum := sha256.Sum256(b)
	if err != nil || len(accts) != 2 || l.File != hex.EncodeToString(sum[:]) || l.Source != "file a.csv" || l.LeftOut != 1 || l.ExtractedAt != "2026-12-01T09:00:00Z" || l.ExtractedBy != "Priya" {
		t.Errorf("%+v %+v, %v", accts, l, err)
	}
	if _, _, err := accessreview.FromFile("a.csv", []byte("account\nx\n"), "gh", "", ""); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a file without a system column: %v", err)
	}
}

// TestRosterFromFile: an HR export is a roster; a file that is not one
// is refused, saying why.
func TestRosterFromFile(t *testing.T) {
	r, name, err := accessreview.RosterFromFile("roster.csv", strings.NewReader("employee_id,email,status,manager_email,end_date\n1,ana@example.com,active,mia@example.com,\n2,bo@example.com,terminated,mia@example.com,2026-10-01\n"))
	if err != nil || len(r) != 2 || name != "file roster.csv" {
		t.Errorf("%v %q, %v", r, name, err)
	}
	for in, want := range map[string]string{
		"system,account\ngh,x\n": "not a format Attest reads",
		"":                       "",
	} {
		_, _, err := accessreview.RosterFromFile("x.csv", strings.NewReader(in))
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// TestRosterFromCollection: a whole collection with HR rows is a roster;
// one with unread rows, or without a single HR row, is refused.
func TestRosterFromCollection(t *testing.T) {
	hr := collect.Record{Type: "hr.employee", Fields: map[string]any{"email": "Ana@Example.com", "status": "active"}}
	other := collect.Record{Type: "idp.user", Fields: map[string]any{"email": "bo@example.com"}}
	r, name, err := accessreview.RosterFromCollection(&check.Collection{Complete: true, Evidence: 4, Source: "hr-roster", Records: []collect.Record{hr, other}})
	if err != nil || len(r) != 1 || r["ana@example.com"].Status != "active" || name != "collection 4 (hr-roster)" {
		t.Errorf("%v %q, %v", r, name, err)
	}
	for what, c := range map[string]*check.Collection{
		"unread rows": {Complete: false, Evidence: 5, Records: []collect.Record{hr}},
		"no HR rows":  {Complete: true, Evidence: 6, Records: []collect.Record{other}},
		"nothing":     {Complete: true, Evidence: 7},
	} {
		if _, _, err := accessreview.RosterFromCollection(c); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%s: %v", what, err)
		}
	}
}
