package blob

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/attest-dev/attest"
)

// StaleAge is how long a staged file may go unwritten before it counts as
// left behind by a writer that was killed: a live writer writes its file
// without pauses and commits or aborts it when the batch is staged.
const StaleAge = time.Hour

// Info describes a stored blob (Ref set) or a staged file (Name set).
type Info struct {
	Ref     Ref       `json:"ref,omitempty"`
	Name    string    `json:"name,omitempty"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modified"`
}

// Lister is a blob store that can list the blobs it holds with their size
// and time: an optional capability, found by type assertion (FS and S3
// have it).
type Lister interface {
	// List calls fn for every blob, in the order of their references.
	List(fn func(Info) error) error
	// Stat describes one blob; ENOTFOUND when it is not there.
	Stat(r Ref) (Info, error)
}

// Staging is a blob store that stages blobs in local files and can list and
// remove the ones interrupted writers left (FS, and S3 for its local
// staging folder).
type Staging interface {
	// StagedFiles lists the files in the staging folder, by name.
	StagedFiles() ([]Info, error)
	// RemoveStaged removes one staged file (no error when it is gone).
	RemoveStaged(name string) error
}

var (
	_ Lister  = (*FS)(nil)
	_ Lister  = (*S3)(nil)
	_ Staging = (*FS)(nil)
	_ Staging = (*S3)(nil)
)

// List calls fn for every blob in the store.
func (s *FS) List(fn func(Info) error) error {
	return filepath.WalkDir(filepath.Join(s.dir, "sha256"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ref, perr := ParseRef("sha256:" + d.Name())
		if perr != nil {
			return nil // not a blob: ignored
		}
		st, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the directory was read
		}
		if err != nil {
			return err
		}
		return fn(Info{Ref: ref, Size: st.Size(), ModTime: st.ModTime()})
	})
}

// Stat describes one blob.
func (s *FS) Stat(r Ref) (Info, error) {
	st, err := os.Stat(s.path(r))
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, attest.Errorf(attest.ENOTFOUND, "blob %s is missing from the store", r)
	}
	if err != nil {
		return Info{}, err
	}
	return Info{Ref: r, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// StagedFiles lists the files in the staging folder.
func (s *FS) StagedFiles() ([]Info, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "tmp"))
	if err != nil {
		return nil, fmt.Errorf("list staged files: %w", err)
	}
	out := []Info{}
	for _, e := range entries {
		st, err := e.Info()
		if err != nil || !st.Mode().IsRegular() {
			continue // committed or aborted since the directory was read
		}
		out = append(out, Info{Name: e.Name(), Size: st.Size(), ModTime: st.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveStaged removes one file from the staging folder.
func (s *FS) RemoveStaged(name string) error {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name {
		return attest.Errorf(attest.EINVALID, "staged file %q: want a file name in the staging folder", name)
	}
	err := os.Remove(filepath.Join(s.dir, "tmp", name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// sweepStaged removes stale staged files when none were removed in the
// last StaleAge. The time is the new staged file's own, so it is the clock
// of the file system that stamped the stale files too.
func (s *FS) sweepStaged(f *os.File) {
	st, err := f.Stat()
	if err != nil {
		return
	}
	now := st.ModTime()
	s.mu.Lock()
	due := s.swept.IsZero() || now.Sub(s.swept) >= StaleAge
	if due {
		s.swept = now
	}
	s.mu.Unlock()
	if due {
		s.removeStaged(now.Add(-StaleAge))
	}
}

// removeStaged removes staged files last written before cutoff.
func (s *FS) removeStaged(cutoff time.Time) {
	files, err := s.StagedFiles()
	if err != nil {
		return
	}
	for _, f := range files {
		if f.ModTime.Before(cutoff) {
			s.RemoveStaged(f.Name)
		}
	}
}

// refresh gives a stored blob that a new write found already there the
// staged file's time, so that the blob counts as just written: `attest gc`
// must not take bytes that a record is about to refer to for old leftovers.
func refresh(final, tmp string) {
	if st, err := os.Stat(tmp); err == nil {
		os.Chtimes(final, st.ModTime(), st.ModTime())
	}
}
