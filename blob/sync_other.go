//go:build !linux

package blob

// syncFiles makes the staged files' data durable, one fsync per file.
func syncFiles(dir string, ps []*Pending) error { return fsyncEach(ps) }
