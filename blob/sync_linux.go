package blob

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// syncFiles makes the staged files' data durable. For a few files it syncs
// each; for a batch, one syncfs(2) of the store's file system writes them
// all out together, as `cp` followed by `sync` would, which is much faster
// than one fsync per file on most disks.
func syncFiles(dir string, ps []*Pending) error {
	if len(ps) < 8 {
		return fsyncEach(ps)
	}
	d, err := os.Open(filepath.Join(dir, "tmp"))
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fsyncEach(ps)
	}
	return nil
}
