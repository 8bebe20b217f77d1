package sample

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

type rec struct {
	line   int
	fields []string
}

func readFast(in string) ([]rec, error) {
	c := newCSVReader(strings.NewReader(in))
	var out []rec
	for {
		f, err := c.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		r := rec{line: c.line}
		for _, x := range f {
			r.fields = append(r.fields, string(x))
		}
		out = append(out, r)
	}
}

func readStd(in string) ([]rec, error) {
	c := csv.NewReader(strings.NewReader(in))
	c.FieldsPerRecord = -1
	var out []rec
	for {
		f, err := c.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		line, _ := c.FieldPos(0)
		out = append(out, rec{line: line, fields: append([]string(nil), f...)})
	}
}

func same(a, b []rec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].line != b[i].line || strings.Join(a[i].fields, "\x00") != strings.Join(b[i].fields, "\x00") || len(a[i].fields) != len(b[i].fields) {
			return false
		}
	}
	return true
}

func TestCSVFastMatchesEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n1,2\r\n\r\n3,4",
		"id,title\n1,\"x, y\"\n2,\"multi\nline\"\n3,\"q \"\"quoted\"\"\"\n4,z\n",
		"\n\na\n\nb,\n,\n",
		"x\n\"unterminated\n",
		"a,b\"c\n",
	} {
		fast, ferr := readFast(in)
		std, serr := readStd(in)
		if (ferr == nil) != (serr == nil) || !same(fast, std) {
			t.Errorf("%q:\n fast %v %v\n std  %v %v", in, fast, ferr, std, serr)
		}
	}
}

// FuzzCSVFast checks the fast reader against encoding/csv: the same records
// on the same lines, and an error exactly when encoding/csv has one.
func FuzzCSVFast(f *testing.F) {
	f.Add("a,b\n\"c\nd\",e\n")
	f.Add("x,\"y\"\"z\"\r\n\n1\n")
	f.Fuzz(func(t *testing.T, in string) {
		fast, ferr := readFast(in)
		std, serr := readStd(in)
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("%q: fast err %v, std err %v", in, ferr, serr)
		}
		if ferr == nil && !same(fast, std) {
			t.Fatalf("%q:\n fast %v\n std  %v", in, fast, std)
		}
	})
}
