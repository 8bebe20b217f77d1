package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want []Line
	}{
		{"", "", nil},
		{"a\n", "a\n", []Line{{" ", "a"}}},
		{"a\nb\nc\n", "a\nc\n", []Line{{" ", "a"}, {"-", "b"}, {" ", "c"}}},
		{"a\nc\n", "a\nb\nc\n", []Line{{" ", "a"}, {"+", "b"}, {" ", "c"}}},
		{"a\nb\n", "a\nx\n", []Line{{" ", "a"}, {"-", "b"}, {"+", "x"}}},
		{"x\na\ny\nb\n", "a\nz\nb\n", []Line{{"-", "x"}, {" ", "a"}, {"-", "y"}, {"+", "z"}, {" ", "b"}}},
	} {
		if diff := cmp.Diff(tt.want, Diff(tt.a, tt.b)); diff != "" {
			t.Errorf("Diff(%q, %q) (-want +got):\n%s", tt.a, tt.b, diff)
		}
	}
	got := Unified("v1", "v2", Diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n"), 1)
	want := "--- v1\n+++ v2\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n"
	if got != want {
		t.Errorf("Unified:\n%s\nwant:\n%s", got, want)
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Diff(a, b)
		var old, nw []string
		for _, l := range d {
			if l.Op != "+" {
				old = append(old, l.Text)
			}
			if l.Op != "-" {
				nw = append(nw, l.Text)
			}
		}
		if strings.Join(old, "\n") != strings.Join(lines(a), "\n") || strings.Join(nw, "\n") != strings.Join(lines(b), "\n") {
			t.Fatalf("the diff does not rebuild both texts")
		}
	})
}
