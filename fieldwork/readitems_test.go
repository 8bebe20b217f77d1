package fieldwork_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/google/go-cmp/cmp"
)

// TestReadItems: the item results of a CSV file, after those given on
// the command line, and every refusal named by file and line.
func TestReadItems(t *testing.T) {
	a := attest.ItemResult{Key: "A", Result: "no-exception"}
	for _, c := range []struct {
		name  string
		csv   string
		given []attest.ItemResult
		want  []attest.ItemResult
		err   string
	}{
		{"key, result and note", "key,result,note\nA,No-Exception,\nB, deviation ,approved late: by 3 days\n", nil,
			[]attest.ItemResult{a, {Key: "B", Result: "deviation", Note: "approved late: by 3 days"}}, ""},
		{"columns in any order and case, a byte-order mark", "\ufeffResult, KEY ,Note,extra\nno-exception,A,,x\n", nil, []attest.ItemResult{a}, ""},
		{"no note column, blank lines", "key,result\n\nA,no-exception\n\n", nil, []attest.ItemResult{a}, ""},
		{"after the items given", "key,result\nB,deviation\n", []attest.ItemResult{a}, []attest.ItemResult{a, {Key: "B", Result: "deviation"}}, ""},
		{"a short row", "key,result,note\nA\n", nil, []attest.ItemResult{{Key: "A"}}, ""},
		{"a header alone", "key,result\n", nil, nil, ""},
		{"empty", "", nil, nil, "items.csv: line 1: want a header row with key,result"},
		{"no result column", "key,outcome\nA,ok\n", nil, nil, `items.csv: line 1: the header needs a "result" column`},
		{"a key twice", "key,result\nA,no-exception\nA,deviation\n", nil, nil, "items.csv: line 3: item A is given twice"},
		{"a key given before", "key,result\nA,deviation\n", []attest.ItemResult{a}, nil, "items.csv: line 2: item A is given twice"},
		{"no key", "key,result\n ,deviation\n", nil, nil, "items.csv: line 2: an item needs a key"},
		{"the line after a cell of two lines", "key,result,comment\nA,deviation,\"two\nlines\"\nA,no-exception,\n", nil, nil, "items.csv: line 4: item A is given twice"},
		{"a note of two lines", "key,result,note\nA,deviation,\"two\nlines\"\n", nil, nil, "items.csv: line 2: item A: the note has a line break: write it on one line"},
		{"not CSV, said first", "key,result\nA,x\nA,y\nB,\"z\"q\n", nil, nil, `items.csv: parse error on line 4, column 5: extraneous or missing " in quoted-field`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := fieldwork.ReadItems("items.csv", strings.NewReader(c.csv), c.given)
			if c.err != "" {
				if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != c.err {
					t.Errorf("got %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzReadItems: any input is read or refused as the caller's to fix,
// named by the file; what is read has each key once, trimmed, results in
// lower case, and reads back the same written as CSV again.
func FuzzReadItems(f *testing.F) {
	for _, s := range []string{
		"key,result,note\nA,no-exception,\nB,deviation,late: by 3 days\n",
		"\ufeffResult,KEY\nno-exception,A\n",
		"key,result,note\nA,deviation,\"two\nlines\"\n",
		"key,result\nA,x\nA,y\n",
		"key,result\nB,\"z\"q\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := fieldwork.ReadItems("f.csv", strings.NewReader(in), nil)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "f.csv: ") {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, it := range got {
			if it.Key == "" || it.Key != strings.TrimSpace(it.Key) || seen[it.Key] || it.Result != strings.ToLower(strings.TrimSpace(it.Result)) || it.Note != strings.TrimSpace(it.Note) {
				t.Fatalf("item %+v of %+v", it, got)
			}
			seen[it.Key] = true
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"key", "result", "note"})
		for _, it := range got {
			w.Write([]string{it.Key, it.Result, it.Note})
		}
		w.Flush()
		again, err := fieldwork.ReadItems("f.csv", &b, nil)
		if err != nil || !cmp.Equal(got, again) {
			t.Fatalf("written again and read back: %+v %v, want %+v", again, err, got)
		}
		// What the file gives, the auditor's client sends as the form's
		// lines (ItemsText), and the server reads the same items back.
		var sent fieldwork.Items
		if err := sent.AddLines(fieldwork.ItemsText(got)); err != nil || !cmp.Equal(got, sent.List()) && len(got) > 0 {
			t.Fatalf("sent as lines and read back: %+v %v, want %+v", sent.List(), err, got)
		}
	})
}
