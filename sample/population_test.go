package sample

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

func scanAll(in string, spec Spec) ([]Row, error) {
	var rows []Row
	err := Scan(strings.NewReader(in), spec, func(r Row) error { rows = append(rows, r); return nil })
	return rows, err
}

func TestScan(t *testing.T) {
	csvIn := "\ufeffChange,Merged At,title\nCHG-1,2026-01-05,\"a, b\"\nCHG-2,2026-02-01T10:00:00Z,x\n"
	rows, err := scanAll(csvIn, Spec{Name: "c.csv", Format: CSV, KeyColumn: "change", DateColumn: "merged at"})
	if err != nil || len(rows) != 2 || rows[1].Key != "CHG-2" || rows[1].Date.Format("2006-01-02") != "2026-02-01" || rows[1].Line != 3 {
		t.Fatalf("csv: %+v %v", rows, err)
	}
	jl := `{"id": 17, "at": "2026-03-01"}` + "\n\n" + `{"id": "T-9", "at": "2026-03-02"}` + "\n"
	rows, err = scanAll(jl, Spec{Name: "p.jsonl", Format: JSONLines, KeyColumn: "id", DateColumn: "at"})
	if err != nil || len(rows) != 2 || rows[0].Key != "17" || rows[1].Line != 3 {
		t.Fatalf("jsonl: %+v %v", rows, err)
	}
	if rows, err := scanAll("id\n", Spec{Name: "e.csv", KeyColumn: "id"}); err != nil || len(rows) != 0 {
		t.Errorf("an empty population is valid: %v %v", rows, err)
	}
	bad := []struct {
		in   string
		spec Spec
		want string
	}{
		{"", Spec{Name: "x.csv", KeyColumn: "id"}, "x.csv: line 1: the file is empty"},
		{"a,b\n1,2\n", Spec{Name: "x.csv", KeyColumn: "id"}, `x.csv: line 1: no column "id"`},
		{"id,d\nA,2026-01-01\n,2026-01-02\n", Spec{Name: "x.csv", KeyColumn: "id", DateColumn: "d"}, "x.csv: line 3: the key \"id\" is empty"},
		{"id,d\nA,01/02/2026\n", Spec{Name: "x.csv", KeyColumn: "id", DateColumn: "d"}, "x.csv: line 2: d \"01/02/2026\""},
		{"id,d\nA,\"2026\n", Spec{Name: "x.csv", KeyColumn: "id"}, "x.csv: line 2"},
		{"{\"id\":1}\nnot json\n", Spec{Name: "x.jsonl", Format: JSONLines, KeyColumn: "id"}, "x.jsonl: line 2: not a JSON object"},
		{"{\"id\":null}\n", Spec{Name: "x.jsonl", Format: JSONLines, KeyColumn: "id"}, "x.jsonl: line 1: the key"},
		{"id\nA\n", Spec{Name: "x.csv"}, "--key"},
	}
	for _, tt := range bad {
		_, err := scanAll(tt.in, tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("Scan(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestDupFinder(t *testing.T) {
	d := NewDupFinder()
	keys := []string{}
	for i := 0; i < 20000; i++ {
		keys = append(keys, fmt.Sprintf("K%d", i))
	}
	keys = append(keys, "K123") // line 20001 repeats line 124
	for _, k := range keys {
		d.First(k)
	}
	if !d.NeedsSecondPass() {
		t.Fatal("a duplicate left no candidate")
	}
	var found []string
	for i, k := range keys {
		if first := d.Second(k, i+1); first != 0 {
			found = append(found, fmt.Sprintf("%s@%d=%d", k, i+1, first))
		}
	}
	if len(found) != 1 || found[0] != "K123@20001=124" {
		t.Errorf("found %v", found)
	}
	clean := NewDupFinder()
	for _, k := range keys[:20000] {
		clean.First(k)
	}
	for i, k := range keys[:20000] {
		if clean.Second(k, i+1) != 0 {
			t.Fatalf("false duplicate %s", k)
		}
	}
}

func FuzzScan(f *testing.F) {
	f.Add("id,date\nA,2026-01-01\nB,2026-01-02\n", false)
	f.Add(`{"id":"a","date":"2026-01-01"}`+"\n", true)
	f.Fuzz(func(t *testing.T, in string, jsonl bool) {
		spec := Spec{Name: "fuzz", Format: CSV, KeyColumn: "id", DateColumn: "date"}
		if jsonl {
			spec.Format = JSONLines
		}
		err := Scan(strings.NewReader(in), spec, func(r Row) error {
			if r.Key == "" || r.Date.IsZero() || r.Line < 1 {
				t.Fatalf("row %+v", r)
			}
			return nil
		})
		if err != nil && attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("error code %s: %v", attest.ErrorCode(err), err)
		}
	})
}
