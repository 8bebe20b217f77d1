package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
)

func TestPutOpenVerify(t *testing.T) {
	s, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("quarterly access review, Q1, signed off")
	ref, n, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := Ref("sha256:" + hex.EncodeToString(sum[:])); ref != want || n != int64(len(data)) {
		t.Errorf("Put = %s, %d; want %s, %d", ref, n, want, len(data))
	}
	rc, err := s.Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("read back %q", got)
	}
	if _, err := s.Verify(ref); err != nil {
		t.Errorf("Verify: %v", err)
	}
	// Identical content is stored once.
	ref2, _, err := s.Put(bytes.NewReader(data))
	if err != nil || ref2 != ref {
		t.Errorf("second Put: %s, %v", ref2, err)
	}
	count := 0
	s.Walk(func(Ref) error { count++; return nil })
	if count != 1 {
		t.Errorf("%d blobs stored, want 1", count)
	}
	if entries, _ := os.ReadDir(filepath.Join(s.dir, "tmp")); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	s, _ := OpenFS(t.TempDir())
	ref, _, _ := s.Put(strings.NewReader("original evidence"))
	p := s.path(ref)
	os.Chmod(p, 0o600)
	b, _ := os.ReadFile(p)
	b[3] ^= 0x01
	os.WriteFile(p, b, 0o600)
	if _, err := s.Verify(ref); err == nil || !strings.Contains(err.Error(), "now hash to") {
		t.Errorf("Verify after a flipped bit: %v", err)
	}
	os.Remove(p)
	if _, err := s.Verify(ref); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("Verify of a missing blob: %v", err)
	}
}

func TestSizeLimit(t *testing.T) {
	s, _ := OpenFS(t.TempDir())
	s.MaxSize = 1 << 20
	if _, _, err := s.Put(bytes.NewReader(make([]byte, 1<<20))); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
	_, _, err := s.Put(bytes.NewReader(make([]byte, 1<<20+1)))
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("over the limit: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(s.dir, "tmp")); len(entries) != 0 {
		t.Errorf("temporary files left after a refused blob: %d", len(entries))
	}
}

func TestBatchCommit(t *testing.T) {
	s, _ := OpenFS(t.TempDir())
	var ps []*Pending
	for i := 0; i < 20; i++ {
		p, err := s.Stage(strings.NewReader(strings.Repeat("x", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		if s.Has(p.Ref) {
			t.Fatal("a staged blob is visible before Commit")
		}
		ps = append(ps, p)
	}
	if err := s.Commit(ps); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if _, err := s.Verify(p.Ref); err != nil {
			t.Error(err)
		}
	}
}

func TestParseRef(t *testing.T) {
	good := "sha256:" + strings.Repeat("ab", 32)
	if _, err := ParseRef(good); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "sha256:", "md5:" + strings.Repeat("ab", 32), "sha256:" + strings.Repeat("AB", 32), "sha256:" + strings.Repeat("zz", 32), good + "00"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

func TestReadAllChecksTheHash(t *testing.T) {
	s, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ref, _, err := s.Put(strings.NewReader("the collection"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ReadAll(s, ref); err != nil || string(b) != "the collection" {
		t.Fatalf("%q %v", b, err)
	}
	if err := os.Chmod(s.path(ref), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.path(ref), []byte("the collectioN"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAll(s, ref); err == nil {
		t.Error("changed bytes were read without an error")
	}
}

// leftover writes a staged file as a killed writer would leave it, last
// written age ago.
func leftover(t *testing.T, s *FS, name string, age time.Duration) string {
	t.Helper()
	p := filepath.Join(s.dir, "tmp", name)
	if err := os.WriteFile(p, []byte("half of a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
	return p
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// The next write removes staged files older than an hour and keeps younger
// ones, which may belong to a writer still at work; it looks again only an
// hour later.
func TestStageRemovesStaleStagedFiles(t *testing.T) {
	s, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stale := leftover(t, s, "blob-stale", StaleAge+time.Minute)
	young := leftover(t, s, "blob-young", StaleAge-5*time.Minute)
	if _, _, err := s.Put(strings.NewReader("the next write")); err != nil {
		t.Fatal(err)
	}
	if exists(stale) {
		t.Error("a staged file older than an hour survived the next write")
	}
	if !exists(young) {
		t.Error("a staged file younger than an hour was removed")
	}
	later := leftover(t, s, "blob-later", 2*StaleAge)
	if _, _, err := s.Put(strings.NewReader("another write, the same minute")); err != nil {
		t.Fatal(err)
	}
	if !exists(later) {
		t.Error("the staging folder was swept again within the hour")
	}
	s.mu.Lock()
	s.swept = s.swept.Add(-StaleAge)
	s.mu.Unlock()
	if _, _, err := s.Put(strings.NewReader("a write an hour later")); err != nil {
		t.Fatal(err)
	}
	if exists(later) {
		t.Error("the staging folder was not swept an hour later")
	}
}

// A write that finds its bytes already stored makes that blob young again,
// so a collector that read the records before this write does not take it
// for an old leftover.
func TestCommitRefreshesAnExistingBlob(t *testing.T) {
	s, _ := OpenFS(t.TempDir())
	ref, _, err := s.Put(strings.NewReader("bytes an interrupted run stored"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-72 * time.Hour)
	if err := os.Chtimes(s.path(ref), old, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Put(strings.NewReader("bytes an interrupted run stored")); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(info.ModTime) > time.Minute {
		t.Errorf("the blob stored again still dates from %s", info.ModTime)
	}
}

// Verify reads through the pooled buffer: it allocated io.Copy's 32 KiB
// for every blob when the file's WriteTo took over the copy.
func TestVerifyAllocatesNoCopyBuffer(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector's sync.Pool drops buffers at random; .ci/run runs this test without -race")
	}
	s, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ref, _, err := s.Put(bytes.NewReader(bytes.Repeat([]byte("evidence "), 10000)))
	if err != nil {
		t.Fatal(err)
	}
	s.Verify(ref) // fills the pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 20
	for range n {
		if _, err := s.Verify(ref); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per >= 16<<10 {
		t.Errorf("Verify allocates %d bytes per blob, want less than 16 KiB", per)
	}
}
