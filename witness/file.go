package witness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
)

// maxText bounds what a witness's history may weigh when read back: about
// a million checkpoints.
const maxText = 256 << 20

// File is a witness kept in a file: every checkpoint it received, in the
// order received, a blank line between two. Each Send rewrites the file
// atomically (a temporary file beside it, synced, renamed over it, the
// folder synced) under a lock on the folder, so concurrent writers lose
// nothing and a crash leaves the old history or the new one. The folder
// must exist: a witness on an unmounted volume fails rather than write
// to the mount point.
type File struct {
	path string
}

// NewFile returns the file witness at path.
func NewFile(path string) *File { return &File{path: path} }

// Name is file: and the path.
func (f *File) Name() string { return "file:" + f.path }

// Send adds a signed checkpoint to the file.
func (f *File) Send(ctx context.Context, signed []byte) error {
	unlock, err := lockDir(filepath.Dir(f.path))
	if err != nil {
		return f.unreachable(err)
	}
	defer unlock()
	held, err := f.read()
	if err != nil {
		return err
	}
	if holds(held, signed) {
		return nil
	}
	if err := checkOrigin(f.Name(), held, signed); err != nil {
		return err
	}
	return writeAtomic(f.path, Format(append(held, signed)))
}

// Checkpoints reads every checkpoint in the file; none when the file does
// not exist yet.
func (f *File) Checkpoints(ctx context.Context) ([][]byte, error) {
	if _, err := os.Stat(filepath.Dir(f.path)); err != nil {
		return nil, f.unreachable(err)
	}
	return f.read()
}

func (f *File) read() ([][]byte, error) {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, f.unreachable(err)
	}
	defer file.Close()
	text, err := io.ReadAll(io.LimitReader(file, maxText+1))
	if err != nil {
		return nil, f.unreachable(err)
	}
	if len(text) > maxText {
		return nil, attest.Errorf(attest.EINVALID, "witness file %s is larger than %d MiB", f.path, maxText>>20)
	}
	notes, err := Parse(text)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "witness file %s: %s", f.path, attest.ErrorMessage(err))
	}
	return notes, nil
}

func (f *File) unreachable(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s %s: %w", pe.Op, pe.Path, pe.Err)
	}
	return &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("witness %s: %v", f.Name(), err),
		Hint: "is the volume that holds it mounted?"}
}

// writeAtomic replaces path with data: a reader sees the old file or the
// new one, and after a crash the folder holds one of them.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write witness file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write witness file %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
