package atomicfile_test

import (
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
