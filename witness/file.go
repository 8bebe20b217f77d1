package witness

import (
	"bytes"
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

// maxNote bounds one signed checkpoint in a witness.
const maxNote = 64 << 10

// File is a witness kept in a file: every checkpoint it received, in the
// order received, each followed by a blank line. Send appends under a lock
// on the folder (writers in several processes take turns) and syncs the
// file before it returns, so its cost does not grow with the history. A
// crash in the middle of an append leaves an incomplete last record, which
// readers ignore and the next Send cuts off: every complete record stays
// as it was. The folder must exist: a witness on an unmounted volume
// fails rather than write to the mount point.
type File struct {
	path string
}

// NewFile returns the file witness at path.
func NewFile(path string) *File { return &File{path: path} }

// Name is file: and the path.
func (f *File) Name() string { return "file:" + f.path }

// Send appends a signed checkpoint to the file, unless it is the last one
// there already.
func (f *File) Send(ctx context.Context, signed []byte) error {
	unlock, err := lockDir(filepath.Dir(f.path))
	if err != nil {
		return f.unreachable(err)
	}
	defer unlock()
	file, err := os.OpenFile(f.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return f.unreachable(err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return f.unreachable(err)
	}
	last, cut, clean, err := f.tail(file, st.Size())
	if err != nil {
		return err
	}
	if last != nil && bytes.Equal(body(last), body(signed)) {
		return nil
	}
	if last != nil {
		if err := checkOrigin(f.Name(), [][]byte{last}, signed); err != nil {
			return err
		}
	}
	return f.append(file, st.Size(), cut, clean, signed)
}

// append writes signed and its blank line at the end of the complete
// records (cutting off an incomplete one), then syncs the file, and the
// folder when the file is new.
func (f *File) append(file *os.File, size, cut int64, clean bool, signed []byte) error {
	rec := append(append([]byte{}, signed...), '\n')
	at := size
	if !clean {
		if err := file.Truncate(cut); err != nil {
			return fmt.Errorf("witness %s: cut off an incomplete record: %w", f.Name(), err)
		}
		at = cut
		if cut > 0 {
			rec = append([]byte{'\n'}, rec...)
		}
	}
	if _, err := file.WriteAt(rec, at); err != nil {
		return fmt.Errorf("witness %s: %w", f.Name(), err)
	}
	if err := file.Sync(); err != nil {
		return fmt.Errorf("witness %s: %w", f.Name(), err)
	}
	if size == 0 {
		return syncDir(filepath.Dir(f.path))
	}
	return nil
}

// tail reads the end of the file: its last complete checkpoint, where the
// complete records end, and whether only their blank line follows.
func (f *File) tail(file *os.File, size int64) (last []byte, cut int64, clean bool, err error) {
	if size == 0 {
		return nil, 0, true, nil
	}
	n := min(size, 2*maxNote)
	buf := make([]byte, n)
	if _, err := file.ReadAt(buf, size-n); err != nil {
		return nil, 0, false, f.unreachable(err)
	}
	base := size - n
	end := completeLen(buf)
	if end == 0 && base > 0 {
		return nil, 0, false, attest.Errorf(attest.EINVALID, "witness %s: no complete checkpoint in its last %d bytes", f.Name(), n)
	}
	rest := buf[end:]
	clean = len(bytes.Trim(rest, "\n")) == 0 && len(rest) > 0
	start := 0
	if base > 0 {
		start = recordStart(buf[:end])
	}
	notes, err := Parse(buf[start:end])
	if err != nil {
		return nil, 0, false, attest.Errorf(attest.EINVALID, "witness file %s, near its end: %s", f.Name(), attest.ErrorMessage(err))
	}
	if len(notes) > 0 {
		last = notes[len(notes)-1]
	}
	return last, base + int64(end), clean, nil
}

// completeLen is the length of text up to the end of its last complete
// record: the newline after the last signature line. What follows is a
// blank line, or a record that a crash left incomplete.
func completeLen(text []byte) int {
	end := len(text)
	for end > 0 {
		if text[end-1] != '\n' { // a line cut short
			end = bytes.LastIndexByte(text[:end], '\n') + 1
			continue
		}
		start := bytes.LastIndexByte(text[:end-1], '\n') + 1
		if bytes.HasPrefix(text[start:end], []byte(sigPrefix)) {
			return end
		}
		end = start
	}
	return 0
}

// recordStart finds where the first whole record begins in a window that
// may start in the middle of one: after the first blank line that is
// followed by a checkpoint's text rather than a signature.
func recordStart(text []byte) int {
	for i := 0; ; {
		j := bytes.Index(text[i:], []byte("\n\n"))
		if j < 0 {
			return len(text)
		}
		k := i + j + 2
		for k < len(text) && text[k] == '\n' {
			k++
		}
		if k < len(text) && !bytes.HasPrefix(text[k:], []byte(sigPrefix)) {
			return k
		}
		i = k
	}
}

// Checkpoints reads every complete checkpoint in the file; none when the
// file does not exist yet.
func (f *File) Checkpoints(ctx context.Context) ([][]byte, error) {
	if _, err := os.Stat(filepath.Dir(f.path)); err != nil {
		return nil, f.unreachable(err)
	}
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
	notes, err := Parse(text[:completeLen(text)])
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

// syncDir makes a new file's name durable.
func syncDir(dir string) error {
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
