package people_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

var ctx = context.Background()

func change(day string) attest.Change {
	t, _ := time.Parse(time.DateOnly, day)
	return attest.Change{Actor: "tester", At: t.Add(9 * time.Hour)}
}

const attestCSV = `email,name,kind,start,end,manager,department,title,role,in_scope
ada@example.com,Ada,employee,2026-03-02,,,Engineering,CTO,,true
bo@example.com,Bo,contractor,2025-01-06,2026-02-27,ada@example.com,Support,Agent,,false
`

const hrCSV = `Employee ID,Email,Status,Start Date,End Date,Manager Email,Worker Type,Department,Title,Name
E1,ADA@example.com,active,2026-03-02,,,employee,Engineering,CTO,Ada
E2,bo@example.com,terminated,2025-01-06,2026-02-27,ada@example.com,contractor,Support,Agent,Bo
`

func TestReadCSV(t *testing.T) {
	for _, c := range []struct {
		name, data, format string
	}{{"attest", attestCSV, people.FormatAttest}, {"hr", hrCSV, people.FormatHR}} {
		format, rows, err := people.ReadCSV("roster.csv", []byte(c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if format != c.format || len(rows) != 2 || rows[0].Person.Email != "ada@example.com" || rows[1].Person.End != "2026-02-27" || rows[1].Line != 3 || rows[1].Person.Manager != "ada@example.com" {
			t.Fatalf("%s: %s %+v", c.name, format, rows)
		}
	}
}

func TestReadCSVRefuses(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"email,name\nada@example.com,Ada\n,Nobody\n", "roster.csv: line 3: email:"},
		{"email,name\nada@example.com,Ada\nADA@example.com,Ada again\n", "roster.csv: line 3: email: ada@example.com is on line 2 too"},
		{"email,start\nada@example.com,March\n", "roster.csv: line 2: start:"},
		{"email,kind\nada@example.com,intern\n", "roster.csv: line 2: kind:"},
		{"email,in_scope\nada@example.com,maybe\n", "roster.csv: line 2: in_scope:"},
		{"email,shoe_size\nada@example.com,9\n", "roster.csv: line 1: shoe_size:"},
		{"name\nAda\n", "roster.csv: line 1: email:"},
		{"email,name\nada,Ada\n", "roster.csv: line 2: email:"},
		{"email,start,end\nada@example.com,2026-03-02,2026-03-01\n", "roster.csv: line 2: end:"},
		{"employee_id,email,status\nE1,ada@example.com,active\nE2,ada@example.com,active\n", "roster.csv: line 3: email:"},
		{"employee_id,email,status\nE1,ada@example.com,retired\n", "roster.csv: line 2: status"},
		{"email,name\nada@example.com,Ada\nbo@example.com,Bo\xff\n", "roster.csv: line 3: name: not valid UTF-8 text"},
		{"email,name\nada@example.com,\"Ada\nLovelace\"\n", "roster.csv: line 2: name: holds a control character"},
		{"email,title\nada@example.com,Engineer \u202eregnaM\n", "roster.csv: line 2: title: holds a character that reorders"},
	} {
		_, _, err := people.ReadCSV("roster.csv", []byte(c.data))
		if err == nil || attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.data, err, c.want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(attestCSV))
	f.Add([]byte(hrCSV))
	f.Add([]byte("email\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, rows, err := people.ReadCSV("f.csv", data)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("a bad file is EINVALID, got %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if r.Person.Email == "" || seen[r.Person.Email] {
				t.Fatalf("accepted a row without a unique address: %+v", r)
			}
			seen[r.Person.Email] = true
		}
	})
}

// An import records people and opens checklists for the hires and leavers
// since the cut-off; a re-import answers its diff and changes nothing
// until confirmed; people not in the file are reported, not removed.
func TestImport(t *testing.T) {
	s := sqlitetest.Create(t)
	opts := people.Options{Since: "2026-01-01", Owners: map[string]string{"it": "it@example.com"}}
	got, err := people.Import(ctx, s, change("2026-03-01"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(hrCSV), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Recorded || len(got.People) != 2 || got.Format != people.FormatHR || len(got.Diff.Added) != 2 {
		t.Fatalf("first import: %+v", got)
	}
	// Ada started in 2026 (engineering: onboarding), Bo left in 2026
	// (support: offboarding); Bo's 2025 start opens nothing.
	kinds := map[string]int{}
	for _, it := range got.Items {
		kinds[it.Person+" "+it.Checklist+" "+it.Role]++
	}
	if kinds["ada@example.com onboarding engineering"] != 6 || kinds["bo@example.com offboarding support"] != 5 || len(kinds) != 2 {
		t.Fatalf("items: %v", kinds)
	}
	for _, it := range got.Items {
		if it.Key == "sso-disabled" && (it.Due != "2026-03-02" || it.Assignee != "it@example.com") { // Friday + 1 business day
			t.Fatalf("sso item: %+v", it)
		}
		if it.Key == "background-check" && it.Due != "2026-03-01" {
			t.Fatalf("background check: %+v", it)
		}
	}
	size, _ := s.LedgerSize(ctx)

	// The re-import: Ada moved, Bo gone from the file, Cy new.
	next := "Employee ID,Email,Status,Start Date,Department,Name\nE1,ada@example.com,active,2026-03-02,Platform,Ada\nE3,cy@example.com,active,2026-04-01,Sales,Cy\n"
	diff, err := people.Import(ctx, s, change("2026-03-05"), nil, people.ImportRequest{Name: "roster2.csv", Data: []byte(next), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if diff.Recorded || !diff.NeedsConfirm || len(diff.Diff.Added) != 1 || len(diff.Diff.Changed) != 1 || len(diff.Diff.NotInFile) != 1 || diff.Diff.Items != 5 {
		t.Fatalf("unconfirmed diff: %+v", diff.Diff)
	}
	if f := diff.Diff.Changed[0].Fields; len(f) != 1 || f[0] != (people.FieldChange{Field: "department", From: "Engineering", To: "Platform"}) {
		t.Fatalf("changed fields: %+v", f)
	}
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatal("an unconfirmed re-import wrote to the ledger")
	}
	done, err := people.Import(ctx, s, change("2026-03-05"), nil, people.ImportRequest{Name: "roster2.csv", Data: []byte(next), Confirm: true, Options: opts})
	if err != nil || !done.Recorded || len(done.People) != 2 || len(done.Items) != 5 {
		t.Fatalf("confirmed: %+v, %v", done, err)
	}
	if n, _ := s.LedgerSize(ctx); n != size+1 {
		t.Fatalf("a confirmed import wrote %d entries, want 1", n-size)
	}
	all, _ := s.People(ctx)
	if len(all) != 3 {
		t.Fatalf("Bo was removed: %+v", all)
	}

	// Not management: refused.
	_, err = people.Import(ctx, s, change("2026-03-05"), &attest.User{ID: 5, Role: attest.RoleOwner}, people.ImportRequest{Name: "r.csv", Data: []byte(next)})
	if attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("a control owner's import: %v", err)
	}
}

// A confirmation names the SHA-256 of the file whose diff was shown: sent
// with another file it is refused and records nothing; with that file it
// records.
func TestImportShown(t *testing.T) {
	s := sqlitetest.Create(t)
	opts := people.Options{Since: "2026-01-01"}
	req := people.ImportRequest{Name: "roster.csv", Data: []byte(hrCSV), Preview: true, Options: opts}
	shown, err := people.Import(ctx, s, change("2026-03-01"), nil, req)
	if err != nil || shown.Recorded {
		t.Fatalf("preview: %+v %v", shown, err)
	}
	req.Shown = strings.Repeat("0", 64)
	if _, err := people.Import(ctx, s, change("2026-03-01"), nil, req); err != people.ErrNotShown {
		t.Fatalf("another file's confirmation: %v", err)
	}
	if ps, _ := s.People(ctx); len(ps) != 0 {
		t.Fatalf("a refused confirmation recorded %d people", len(ps))
	}
	sum := sha256.Sum256([]byte(hrCSV))
	req.Shown = hex.EncodeToString(sum[:])
	got, err := people.Import(ctx, s, change("2026-03-01"), nil, req)
	if err != nil || !got.Recorded || len(got.People) != 2 {
		t.Fatalf("confirmed: %+v %v", got, err)
	}
}

// The owners of the group items, as the CLI's --owner and the import
// form give them: GROUP=EMAIL, several to a value; a group the roster
// resolves itself (manager, person), an unknown one or no address is
// refused, and the import refuses them from any caller.
func TestParseOwners(t *testing.T) {
	got, err := people.ParseOwners([]string{"it=it@example.com, security = sec@example.com", "people-ops=ops@example.com\n"})
	if err != nil || len(got) != 3 || got["security"] != "sec@example.com" || got["people-ops"] != "ops@example.com" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := people.ParseOwners([]string{"it=a@example.com", "it=b@example.com"}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "the group it is given twice") {
		t.Errorf("a group twice: %v", err)
	}
	for _, bad := range []string{"boss=x@example.com", "manager=m@example.com", "it", "it=nobody"} {
		if _, err := people.ParseOwners([]string{bad}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "want GROUP=EMAIL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	s := sqlitetest.Create(t)
	_, err = people.Import(ctx, s, change("2026-03-01"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(attestCSV), Options: people.Options{Owners: map[string]string{"boss": "x@example.com"}}})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "owners: ") {
		t.Errorf("import with an unknown group: %v", err)
	}
}
