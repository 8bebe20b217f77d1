package accessreview_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/collect"
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
