package blob

import (
	"os"
	"strings"
	"testing"
)

// TestCopy: what the target lacks is copied, what it has is left; a
// source blob whose bytes no longer match its reference stops the copy,
// named, and does not reach the target.
func TestCopy(t *testing.T) {
	from, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	to, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var refs []Ref
	for _, s := range []string{"one", "two", "three"} {
		r, _, err := from.Put(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	if _, _, err := to.Put(strings.NewReader("two")); err != nil {
		t.Fatal(err)
	}
	var last [2]int
	if err := Copy(from, to, func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if _, err := to.Verify(r); err != nil {
			t.Errorf("%s after the copy: %v", r, err)
		}
	}
	if last[1] != 3 {
		t.Errorf("progress ended at %v", last)
	}

	again, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(from.path(refs[0]), []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Copy(from, again, nil)
	if err == nil || !strings.Contains(err.Error(), string(refs[0])) {
		t.Fatalf("a changed source blob: %v", err)
	}
	if again.Has(refs[0]) {
		t.Error("the changed blob reached the target")
	}
}
