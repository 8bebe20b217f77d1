// Package atomicfile writes files so that a reader sees the old file or the
// new one, never half of one.
package atomicfile

import (
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
)

// Write writes data to a temporary file beside path, syncs it and
// renames it over path, so a reader sees the old file or the new one, never
// half of one.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, err)
	}
	return nil
}
