package training

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestReadCSV(t *testing.T) {
	in := "\ufeffUser Email,Course Name,Completion Date,Score,Certificate ID\n" +
		"Ada@Example.com,Security Awareness 2026,2026-02-01T10:03:00Z,92,C-1\n" +
		"\n" +
		"bo@example.com,Phishing basics,2026-02-03,,\n"
	got, err := ReadCSV("export.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Email: "ada@example.com", Course: "Security Awareness 2026", Completed: "2026-02-01", Score: "92", Certificate: "C-1"},
		{Line: 4, Email: "bo@example.com", Course: "Phishing basics", Completed: "2026-02-03"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "t.csv: line 1: the file is empty"},
		{"no course column", "email,completed\na@x.com,2026-01-01\n", "t.csv: line 1: course: no column for it"},
		{"bad address", "email,course,completed\nnobody,Sec,2026-01-01\n", `t.csv: line 2: email: "nobody" is not an e-mail address`},
		{"no course", "email,course,completed\na@x.com,,2026-01-01\n", "t.csv: line 2: course: empty"},
		{"ambiguous date", "email,course,completed\na@x.com,Sec,03/04/2026\n", `t.csv: line 2: completed: "03/04/2026" is not a date: write YYYY-MM-DD`},
		{"impossible date", "email,course,completed\na@x.com,Sec,2026-02-30\n", "t.csv: line 2: completed"},
		{"only a header", "email,course,completed\n", "t.csv: line 2: no completions after the header"},
		{"bad quoting", "email,course,completed\na@x.com,\"Sec,2026-01-01\n", "t.csv: line 2"},
		{"second of two", "email,course,completed\na@x.com,Sec,2026-01-01\nb@x.com,Sec,soon\n", "t.csv: line 3: completed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV("t.csv", strings.NewReader(c.in))
			if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want EINVALID saying %q", err, c.want)
			}
		})
	}
}

// FuzzReadCSV: any input is read or refused with an EINVALID naming the
// file; rows read are well formed.
func FuzzReadCSV(f *testing.F) {
	f.Add("email,course,completed\na@x.com,Security,2026-01-01\n")
	f.Add("User Email,Course Name,Completion Date,Score\nA@x.com,\"Sec, basics\",2026-01-01 10:00,90\n")
	f.Add("email,course,completed\n\"a@x.com\",Sec\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadCSV("f.csv", strings.NewReader(in))
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(err.Error(), "f.csv: line ") {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Course == "" || !strings.Contains(r.Email, "@") || len(r.Completed) != 10 || r.Line < 2 {
				t.Fatalf("row %+v", r)
			}
		}
	})
}
