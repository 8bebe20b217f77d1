package secretfile_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/attest-dev/attest/internal/secretfile"
)

func TestOwnerOnly(t *testing.T) {
	for _, tc := range []struct {
		mode fs.FileMode
		want bool
	}{
		{0o600, true},
		{0o400, true},
		{0o700, true},
		{0o000, true},
		{0o640, false}, // the group reads
		{0o620, false}, // the group writes
		{0o610, false}, // the group runs
		{0o604, false}, // others read
		{0o602, false},
		{0o601, false},
		{0o644, false},
		{0o666, false},
		{fs.ModeDir | 0o700, true}, // only the permission bits count
		{fs.ModeSetuid | 0o600, true},
	} {
		if got := secretfile.OwnerOnly(tc.mode); got != tc.want {
			t.Errorf("OwnerOnly(%v) = %v, want %v", tc.mode, got, tc.want)
		}
	}
}

// TestOwnerOnlyOnDisk reads the mode as callers do, from a file's stat.
func TestOwnerOnlyOnDisk(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mode os.FileMode
		want bool
	}{{0o600, true}, {0o640, false}, {0o400, true}, {0o604, false}} {
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := secretfile.OwnerOnly(fi.Mode()); got != tc.want {
			t.Errorf("mode %04o: OwnerOnly = %v, want %v", tc.mode, got, tc.want)
		}
	}
}
