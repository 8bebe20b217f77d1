// Package atomicfile writes files so that a reader sees the old file or the
// new one, never half of one.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/fileerr"
)

// Write writes data to a temporary file beside path, syncs it and renames
// it over path, so a reader sees the old file or the new one, never half
// of one. Its errors name path once (not the temporary file).
func Write(path string, data []byte) error {
	fail := func(err error) error {
		return attest.Errorf(attest.EINVALID, "write %s: %v", path, fileerr.Reason(err))
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fail(err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	return nil
}

// WriteNew writes data to path, which must not exist yet, with mode perm
// and synced: a key or another file that is written once and never
// replaced. When path exists, or cannot be made, the error is the one
// making it gave (errors.Is(err, fs.ErrExist) when it exists); a file it
// made but could not write whole is removed, and the error says "write
// PATH: why".
func WriteNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, fileerr.Reason(err))
	}
	return nil
}

// Folder checks that path can be an output folder: its parent exists (a
// typo is refused, never made into folders) and path is not a file. When
// empty is set, path must also be new or empty, so that nothing already
// there is overwritten.
func Folder(path string, empty bool) error {
	path = filepath.Clean(path)
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return attest.Errorf(attest.EINVALID, "%s: the folder %s does not exist", path, filepath.Dir(path))
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if !st.IsDir() {
		return attest.Errorf(attest.EINVALID, "%s: a file, not a folder", path)
	}
	if !empty {
		return nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return attest.Errorf(attest.EINVALID, "%s: %v", path, fileerr.Reason(err))
	}
	if len(entries) > 0 {
		return attest.Errorf(attest.EINVALID, "%s is not empty: name a new or empty folder", path)
	}
	return nil
}
