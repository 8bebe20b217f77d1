// Package blob stores evidence bytes by content: a blob's reference is
// "sha256:<hex>" of its bytes, so identical evidence is stored once and any
// read can be checked against its name. Writes go to a temporary file that
// is synced before it is renamed into place, so a crash never leaves a
// truncated blob under a real reference.
package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
)

// DefaultMaxSize is the default limit for one blob: 512 MiB.
const DefaultMaxSize = 512 << 20

// Ref is a blob reference, "sha256:" followed by 64 lowercase hex digits.
type Ref string

// ParseRef checks that s is a well-formed reference.
func ParseRef(s string) (Ref, error) {
	hexPart, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(hexPart) != 64 || strings.ToLower(hexPart) != hexPart {
		return "", attest.Errorf(attest.EINVALID, "blob reference %q: want sha256:<64 lowercase hex digits>", s)
	}
	if _, err := hex.DecodeString(hexPart); err != nil {
		return "", attest.Errorf(attest.EINVALID, "blob reference %q: want sha256:<64 lowercase hex digits>", s)
	}
	return Ref(s), nil
}

func (r Ref) hex() string { return strings.TrimPrefix(string(r), "sha256:") }

// FS is a blob store in a directory:
//
//	DIR/sha256/ab/abcdef...   the blobs, read-only
//	DIR/tmp/                  blobs being written
type FS struct {
	dir     string
	MaxSize int64

	mu    sync.Mutex
	swept time.Time // when Stage last removed stale staged files, by the file system's clock
}

// OpenFS opens (creating if needed) a blob store in dir.
func OpenFS(dir string) (*FS, error) {
	for _, d := range []string{dir, filepath.Join(dir, "sha256"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blob store %s: %w", dir, err)
		}
	}
	return &FS{dir: dir, MaxSize: DefaultMaxSize}, nil
}

func (s *FS) path(r Ref) string {
	h := r.hex()
	return filepath.Join(s.dir, "sha256", h[:2], h)
}

// bufPool holds copy buffers: larger than io.Copy's 32 KiB, so a big file
// takes fewer system calls.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// Pending is a blob written to a temporary file but not yet in the store.
// Commit makes it durable and visible; Abort removes it.
type Pending struct {
	Ref  Ref
	Size int64
	tmp  string
}

// Stage streams r into a temporary file, hashing as it goes, and stops with
// an error past MaxSize. Nothing is visible in the store until Commit. The
// first Stage of a store, and one an hour after, also removes staged files
// older than StaleAge, which killed writers left behind.
func (s *FS) Stage(r io.Reader) (*Pending, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "blob-*")
	if err != nil {
		return nil, fmt.Errorf("stage blob: %w", err)
	}
	s.sweepStaged(f)
	h := sha256.New()
	limit := s.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	buf := bufPool.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(f, h), io.LimitReader(r, limit+1), *buf)
	bufPool.Put(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("file is larger than the %d MiB limit for one piece of evidence", limit>>20)}
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &Pending{Ref: Ref("sha256:" + hex.EncodeToString(h.Sum(nil))), Size: n, tmp: f.Name()}, nil
}

// Abort removes staged files that will not be committed.
func (s *FS) Abort(ps []*Pending) {
	for _, p := range ps {
		if p != nil && p.tmp != "" {
			os.Remove(p.tmp)
		}
	}
}

// Commit makes staged blobs durable and visible: their data is synced to
// disk, then each is renamed to its reference (or dropped when the store
// already has those bytes), then the directories are synced.
func (s *FS) Commit(ps []*Pending) error {
	if err := syncFiles(s.dir, ps); err != nil {
		s.Abort(ps)
		return fmt.Errorf("sync blobs: %w", err)
	}
	dirs := map[string]bool{}
	for _, p := range ps {
		final := s.path(p.Ref)
		if _, err := os.Stat(final); err == nil {
			refresh(final, p.tmp)
			os.Remove(p.tmp) // identical content is stored once
			p.tmp = ""
			continue
		}
		d := filepath.Dir(final)
		if !dirs[d] {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return err
			}
			dirs[d] = true
		}
		if err := os.Rename(p.tmp, final); err != nil {
			return fmt.Errorf("store blob %s: %w", p.Ref, err)
		}
		p.tmp = ""
		os.Chmod(final, 0o400)
	}
	dirs[filepath.Join(s.dir, "sha256")] = true
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// SetMaxSize sets the largest blob accepted.
func (s *FS) SetMaxSize(n int64) { s.MaxSize = n }

// Put stores the bytes of r and returns their reference and size.
func (s *FS) Put(r io.Reader) (Ref, int64, error) {
	p, err := s.Stage(r)
	if err != nil {
		return "", 0, err
	}
	if err := s.Commit([]*Pending{p}); err != nil {
		return "", 0, err
	}
	return p.Ref, p.Size, nil
}

// Open returns a reader of the blob's bytes, unchecked; use Verify, or
// ReadAll for small blobs, to check them.
func (s *FS) Open(r Ref) (io.ReadCloser, error) {
	f, err := os.Open(s.path(r))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, attest.Errorf(attest.ENOTFOUND, "blob %s is missing from the store", r)
	}
	return f, err
}

// Has reports whether the blob is present.
func (s *FS) Has(r Ref) bool {
	_, err := os.Stat(s.path(r))
	return err == nil
}

// Verify re-hashes the blob and returns its size; an error says how it
// differs from its reference.
func (s *FS) Verify(r Ref) (int64, error) {
	f, err := s.Open(r)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return checkHash(r, f)
}

// checkHash reads rc to the end and compares the bytes' hash with r.
func checkHash(r Ref, rc io.Reader) (int64, error) {
	h := sha256.New()
	buf := bufPool.Get().(*[]byte)
	// Only rc's Read is offered: an *os.File's WriteTo would leave buf
	// unused and allocate io.Copy's 32 KiB for every blob verify reads.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{rc}, *buf)
	bufPool.Put(buf)
	if err != nil {
		return n, fmt.Errorf("read blob %s: %w", r, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != r.hex() {
		return n, attest.Errorf(attest.EINVALID, "blob %s: its bytes now hash to sha256:%s", r, got)
	}
	return n, nil
}

// Delete removes a blob's bytes (for a retention purge).
func (s *FS) Delete(r Ref) error {
	err := os.Remove(s.path(r))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Walk calls fn for every blob in the store.
func (s *FS) Walk(fn func(Ref) error) error {
	return filepath.WalkDir(filepath.Join(s.dir, "sha256"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ref, perr := ParseRef("sha256:" + d.Name())
		if perr != nil {
			return nil // not a blob: ignored
		}
		return fn(ref)
	})
}

// CleanTemp removes staged files older than age, left by writers that
// were killed. Younger ones may belong to a process still writing. Stage
// already does this with StaleAge, once an hour, so callers need not.
// Age is judged by the file system's own clock, as Stage judges it: the
// time of a file made for the purpose, since the files' times are the
// file system's and a clock passed in (a test's, a demo's) need not agree.
func (s *FS) CleanTemp(age time.Duration) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "clock-*")
	if err != nil {
		return
	}
	st, err := f.Stat()
	f.Close()
	os.Remove(f.Name())
	if err == nil {
		s.removeStaged(st.ModTime().Add(-age))
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// fsyncEach syncs every staged file; the portable fallback of syncFiles.
func fsyncEach(ps []*Pending) error {
	for _, p := range ps {
		f, err := os.OpenFile(p.tmp, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ReadAll returns a small blob's bytes after checking them against their
// reference, so what is read is what was stored.
func ReadAll(s Store, r Ref) ([]byte, error) {
	rc, err := s.Open(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	if _, err := checkHash(r, bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return b, nil
}

// Store is what Attest needs of a blob backend; FS and S3 implement it.
type Store interface {
	// Stage hashes r into a temporary file; nothing is visible yet.
	Stage(r io.Reader) (*Pending, error)
	// Commit makes staged blobs durable and visible.
	Commit(ps []*Pending) error
	// Abort drops staged blobs.
	Abort(ps []*Pending)
	// Put stages and commits one blob.
	Put(r io.Reader) (Ref, int64, error)
	Open(r Ref) (io.ReadCloser, error)
	Has(r Ref) bool
	Verify(r Ref) (int64, error)
	Delete(r Ref) error
	Walk(fn func(Ref) error) error
	SetMaxSize(n int64)
	CleanTemp(age time.Duration)
}

var (
	_ Store = (*FS)(nil)
	_ Store = (*S3)(nil)
)

// Copy copies into to every blob of from that to lacks, checking that
// each one's bytes still hash to its reference, and committing in
// batches; progress, when given, is told how many of the total are done.
// A blob whose bytes no longer match is not copied, and the copy stops
// there, naming it.
func Copy(from, to Store, progress func(done, total int)) error {
	var refs []Ref
	if err := from.Walk(func(r Ref) error { refs = append(refs, r); return nil }); err != nil {
		return err
	}
	var batch []*Pending
	flush := func() error {
		err := to.Commit(batch)
		batch = nil
		return err
	}
	for i, r := range refs {
		if to.Has(r) {
			continue
		}
		rc, err := from.Open(r)
		if err != nil {
			to.Abort(batch)
			return err
		}
		p, err := to.Stage(rc)
		rc.Close()
		if err != nil {
			to.Abort(batch)
			return err
		}
		if p.Ref != r {
			to.Abort(append(batch, p))
			return fmt.Errorf("blob %s: its bytes hash to %s in the source store", r, p.Ref)
		}
		batch = append(batch, p)
		if len(batch) == 64 {
			if err := flush(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(i+1, len(refs))
		}
	}
	return flush()
}
