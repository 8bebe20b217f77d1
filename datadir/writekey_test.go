package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteKey: a key is written once, whole and readable by its owner
// only; a key already there stands; a file that cannot be made is an
// error and leaves nothing.
func TestWriteKey(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		path    string
		before  string // the file's content before, "" for none
		made    bool
		failed  bool
		content string // the file's content after, "" for none
	}{
		{"new", filepath.Join(dir, "new.key"), "", true, false, "PRIVATE+KEY\n"},
		{"there already", filepath.Join(dir, "old.key"), "OLD+KEY\n", false, false, "OLD+KEY\n"},
		{"no folder", filepath.Join(dir, "none", "new.key"), "", false, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != "" {
				if err := os.WriteFile(tc.path, []byte(tc.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			made, err := writeKey(tc.path, "PRIVATE+KEY")
			if made != tc.made || (err != nil) != tc.failed {
				t.Fatalf("writeKey: made %v, %v; want made %v, failed %v", made, err, tc.made, tc.failed)
			}
			if err != nil && strings.HasPrefix(err.Error(), "write ") {
				t.Errorf("a file that was never made is a write error: %v", err)
			}
			b, err := os.ReadFile(tc.path)
			if tc.content == "" {
				if !errors.Is(err, os.ErrNotExist) {
					t.Errorf("left %q behind (%v)", b, err)
				}
				return
			}
			if string(b) != tc.content {
				t.Errorf("the file holds %q, want %q", b, tc.content)
			}
			if fi, _ := os.Stat(tc.path); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
			}
		})
	}
}
