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
		{"id\nA\n", Spec{Name: "x.csv"}, "the key column"},
	}
	for _, tt := range bad {
		_, err := scanAll(tt.in, tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("Scan(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestDupFinder(t *testing.T) {
	find := func(keys []string) []string {
		d := NewDupFinder()
		for _, k := range keys {
			d.First([]byte(k))
		}
		need, err := d.Finish()
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		if !need {
			return nil
		}
		for i, k := range keys {
			if first := d.Second([]byte(k), i+1); first != 0 {
				found = append(found, fmt.Sprintf("%s@%d=%d", k, i+1, first))
			}
		}
		return found
	}
	keys := []string{}
	for i := 0; i < 20000; i++ {
		keys = append(keys, fmt.Sprintf("K%d", i))
	}
	if got := find(keys); got != nil {
		t.Errorf("false duplicates %v", got)
	}
	if got := find(append(keys, "K123")); len(got) != 1 || got[0] != "K123@20001=124" {
		t.Errorf("found %v", got)
	}
}

// TestDupFinderSpills crosses the in-memory chunk so the merge of spilled,
// sorted chunks is exercised.
func TestDupFinderSpills(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 9 million keys")
	}
	d := NewDupFinder()
	n := 2*chunkSize + 1000
	buf := make([]byte, 0, 16)
	for i := 0; i < n; i++ {
		d.First(fmt.Appendf(buf[:0], "K%d", i))
	}
	d.First([]byte("K5")) // a duplicate of an early key, after two spills
	need, err := d.Finish()
	if err != nil || !need {
		t.Fatalf("need second pass %v, %v", need, err)
	}
	if d.Second([]byte("K5"), 6) != 0 || d.Second([]byte("K5"), n+1) != 6 {
		t.Error("the duplicate was not confirmed")
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
