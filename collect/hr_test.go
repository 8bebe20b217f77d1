package collect

import (
	"os"
	"strings"
	"testing"
)

func TestHRRoster(t *testing.T) {
	f, err := os.Open("testdata/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := HRRoster("roster.csv", f)
	if err != nil {
		t.Fatal(err)
	}
	byID := records(t, res)
	if len(byID) != 4 {
		t.Errorf("%d records: %v", len(byID), res.Records)
	}
	ana := byID["E001"]
	if ana.Type != "hr.employee" || ana.Line != 2 || ana.Source != "roster.csv" {
		t.Errorf("record %+v", ana)
	}
	check(t, ana, map[string]any{
		"employee_id": "E001", "name": "Rivera, Ana", "email": "ana.rivera@example.com", "status": "active",
		"start_date": "2021-04-12", "end_date": nil, "department": "Engineering", "title": "Staff Engineer",
		"manager_email": "cto@example.com", "worker_type": "employee", "cost_center": "CC-100",
	})
	check(t, byID["E002"], map[string]any{"status": "terminated", "end_date": "2026-01-31", "manager_email": nil, "worker_type": "employee"})
	check(t, byID["E003"], map[string]any{"status": "leave", "start_date": "2023-09-01", "title": nil, "worker_type": "contractor", "cost_center": nil})
	check(t, byID["E009"], map[string]any{"start_date": nil, "worker_type": nil})

	want := []struct {
		line int
		has  string
	}{
		{5, `status "retired" is not one of active, leave, terminated`},
		{6, `start_date "03/01/2024" is not a date`},
		{7, "no email"},
		{8, "employee_id E001 is on line 2 too"},
		{9, "4 columns, the header has 11"},
		{11, `worker_type "intern"`},
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems %v", res.Problems)
	}
	for i, w := range want {
		if p := res.Problems[i]; p.Line != w.line || !strings.Contains(p.Detail, w.has) || p.File != "roster.csv" {
			t.Errorf("problem %d: %v, want line %d: %s", i, p, w.line, w.has)
		}
	}
}

func TestHRRosterRefused(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"employee_id,name,status\n", "no email column"},
		{"Employee-ID,EMAIL\n", "no status column"},
		{"employee_id,email,status,Email\n", "columns 2 and 4 are both email"},
		{"", "header"},
	} {
		_, err := HRRoster("r.csv", strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "r.csv: line 1: ") {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
	// An unterminated quote ends the file with a problem, not an error.
	res, err := HRRoster("r.csv", strings.NewReader("employee_id,email,status\n1,a@x,active\n2,\"b@x,active\n"))
	if err != nil || len(res.Records) != 1 || len(res.Problems) != 1 || res.Problems[0].Line != 3 {
		t.Errorf("%v %v", res, err)
	}
}

func FuzzHRRoster(f *testing.F) {
	f.Add("employee_id,email,status,start_date,end_date,worker_type\n1,a@x,active,2024-01-01,,employee\n2,b@x,gone,x,,\n")
	f.Add("\ufeffEmployee ID,E mail,Status\n\"1\",a,leave\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := HRRoster("fuzz.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		sane(t, res, "hr.employee")
		for _, r := range res.Records {
			if r.Line < 2 || !rosterValues["status"][r.Fields["status"].(string)] {
				t.Fatalf("record %+v", r)
			}
		}
	})
}
