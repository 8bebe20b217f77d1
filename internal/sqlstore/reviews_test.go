package sqlstore

import (
	"encoding/json"
	"slices"
	"testing"
)

// fastList writes what json.Marshal writes, and decodeLists reads back
// what was written, by either path.
func FuzzFastList(f *testing.F) {
	f.Add("member", "org admin")
	f.Add(`a"b`, "é")
	f.Add("", "<x>")
	f.Add(`","`, `\`)
	f.Fuzz(func(t *testing.T, a, b string) {
		xs := []string{a, b}
		got := fastList(xs)
		want, _ := json.Marshal(xs)
		if got != string(want) {
			t.Fatalf("fastList(%q) = %s, json %s", xs, got, want)
		}
		var back []string
		if err := decodeLists(&back, got); err != nil {
			t.Fatal(err)
		}
		var ref []string
		json.Unmarshal(want, &ref)
		if !slices.Equal(back, ref) {
			t.Fatalf("read back %q, want %q", back, ref)
		}
	})
}
