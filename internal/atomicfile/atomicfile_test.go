package atomicfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	for _, body := range []string{"first", "second"} {
		if err := atomicfile.Write(path, []byte(body)); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != body {
			t.Fatalf("read back %q, %v; want %q", b, err, body)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".out.txt.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	gone := filepath.Join(dir, "no-such-folder", "out.txt")
	err := atomicfile.Write(gone, []byte("x"))
	if attest.ErrorCode(err) != attest.EINVALID || err.Error() != "write "+gone+": no such file or directory" || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("into a folder that is not there: %v", err)
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	full := filepath.Join(dir, "full")
	os.WriteFile(file, []byte("x"), 0o644)
	os.Mkdir(full, 0o755)
	os.WriteFile(filepath.Join(full, "a"), []byte("x"), 0o644)
	cases := []struct {
		path  string
		empty bool
		says  string // "" when the folder will do
	}{
		{filepath.Join(dir, "new"), true, ""},
		{dir + "/new/", false, ""},
		{full, false, ""},
		{full, true, "is not empty"},
		{file, false, "a file, not a folder"},
		{filepath.Join(dir, "no", "new"), false, "the folder " + filepath.Join(dir, "no") + " does not exist"},
		{filepath.Join(file, "new"), false, "does not exist"},
	}
	for _, c := range cases {
		err := atomicfile.Folder(c.path, c.empty)
		if c.says == "" && err != nil || c.says != "" && (attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("Folder(%s, %v) = %v, want %q", c.path, c.empty, err, c.says)
		}
	}
}

// TestWriteNew: a new file is written whole with its mode; one that is
// there already stands and the error says it exists; one that cannot be
// made leaves nothing.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	if err := atomicfile.WriteNew(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi, err)
	}
	if err := atomicfile.WriteNew(p, []byte("two"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("the file holds %q", b)
	}
	missing := filepath.Join(dir, "none", "k")
	if err := atomicfile.WriteNew(missing, []byte("x"), 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("in a missing folder: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("left something behind: %v", err)
	}
}
