package period

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

func TestParseEvents(t *testing.T) {
	evs, err := ParseEvents("t.csv", strings.NewReader("\ufeffDate,ticket,ID,Description\n2026-01-05,x,CHG-1, deploy \n2026-01-06,y,CHG-2,\n"))
	if err != nil || len(evs) != 2 || evs[0].Key != "CHG-1" || evs[0].Description != "deploy" || evs[1].Date != "2026-01-06" {
		t.Fatalf("%+v %v", evs, err)
	}
	bad := []struct{ in, want string }{
		{"", "line 1: want a header"},
		{"id,when\n", "needs columns id and date"},
		{"id,date\nA,2026-13-01\n", "t.csv: line 2: date"},
		{"id,date\nA,2026-01-01\nA,2026-01-02\n", `line 3: id "A" already on line 2`},
		{"id,date\n,2026-01-01\n", "line 2: id is empty"},
		{"id,date\nA\n", "line 2: want at least"},
		{"id,date\n\"A,2026-01-01\n", "t.csv"},
	}
	for _, tt := range bad {
		_, err := ParseEvents("t.csv", strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("ParseEvents(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add("id,date,description\nT-1,2026-02-03,left\n")
	f.Add("date,id\n2026-01-01,a\n")
	f.Fuzz(func(t *testing.T, in string) {
		evs, err := ParseEvents("fuzz.csv", strings.NewReader(in))
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("error code %s", attest.ErrorCode(err))
			}
			return
		}
		for _, e := range evs {
			if e.Key == "" {
				t.Fatal("event without id")
			}
			if _, err := attest.ParseDate(e.Date); err != nil {
				t.Fatalf("bad date %q", e.Date)
			}
		}
	})
}
