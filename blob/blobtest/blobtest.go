// Package blobtest is the conformance suite every blob.Store backend must
// pass: the filesystem store and the S3-compatible one.
package blobtest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/google/go-cmp/cmp"
)

// Run runs every conformance test against stores made by open; each call
// must return an empty store.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	t.Run("PutOpenVerify", func(t *testing.T) { testPutOpenVerify(t, open(t)) })
	t.Run("StoredOnce", func(t *testing.T) { testStoredOnce(t, open(t)) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, open(t)) })
	t.Run("SizeLimit", func(t *testing.T) { testSizeLimit(t, open(t)) })
	t.Run("StagedIsInvisible", func(t *testing.T) { testStaged(t, open(t)) })
	t.Run("Large", func(t *testing.T) { testLarge(t, open(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open(t)) })
	t.Run("List", func(t *testing.T) { testList(t, open(t)) })
	t.Run("Staging", func(t *testing.T) { testStaging(t, open(t)) })
}

func put(t *testing.T, s blob.Store, data []byte) blob.Ref {
	t.Helper()
	p, err := s.Stage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit([]*blob.Pending{p}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := blob.Ref("sha256:" + hex.EncodeToString(sum[:])); p.Ref != want || p.Size != int64(len(data)) {
		t.Fatalf("staged %s %d, want %s %d", p.Ref, p.Size, want, len(data))
	}
	return p.Ref
}

func read(t *testing.T, s blob.Store, r blob.Ref) []byte {
	t.Helper()
	rc, err := s.Open(r)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testPutOpenVerify(t *testing.T, s blob.Store) {
	data := []byte("change ticket CHG-1042 approved by two reviewers")
	r := put(t, s, data)
	if got := read(t, s, r); !bytes.Equal(got, data) {
		t.Errorf("read back %q", got)
	}
	if n, err := s.Verify(r); err != nil || n != int64(len(data)) {
		t.Errorf("Verify: %d %v", n, err)
	}
	if !s.Has(r) {
		t.Error("Has is false after Commit")
	}
}

func testStoredOnce(t *testing.T, s blob.Store) {
	a := put(t, s, []byte("same bytes"))
	b := put(t, s, []byte("same bytes"))
	c := put(t, s, []byte("other bytes"))
	if a != b || a == c {
		t.Errorf("refs %s %s %s", a, b, c)
	}
	n := 0
	if err := s.Walk(func(blob.Ref) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d blobs stored, want 2", n)
	}
}

func testMissing(t *testing.T, s blob.Store) {
	r := blob.Ref("sha256:" + strings.Repeat("0", 64))
	if _, err := s.Open(r); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("Open of a missing blob: %v", err)
	}
	if _, err := s.Verify(r); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("Verify of a missing blob: %v", err)
	}
	if s.Has(r) {
		t.Error("Has of a missing blob")
	}
}

func testSizeLimit(t *testing.T, s blob.Store) {
	s.SetMaxSize(1 << 20)
	if _, err := s.Stage(bytes.NewReader(make([]byte, 1<<20+1))); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("over the limit: %v", err)
	}
	p, err := s.Stage(bytes.NewReader(make([]byte, 1<<20)))
	if err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	s.Abort([]*blob.Pending{p})
}

func testStaged(t *testing.T, s blob.Store) {
	p, err := s.Stage(strings.NewReader("not yet"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Has(p.Ref) {
		t.Error("a staged blob is visible before Commit")
	}
	s.Abort([]*blob.Pending{p})
	if s.Has(p.Ref) {
		t.Error("an aborted blob is visible")
	}
}

func testLarge(t *testing.T, s blob.Store) {
	data := make([]byte, 40<<20+12345) // more than one upload part
	rand.Read(data)
	r := put(t, s, data)
	if n, err := s.Verify(r); err != nil || n != int64(len(data)) {
		t.Errorf("Verify large: %d %v", n, err)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	r := put(t, s, []byte("to be purged"))
	if err := s.Delete(r); err != nil {
		t.Fatal(err)
	}
	if s.Has(r) {
		t.Error("deleted blob still there")
	}
	if err := s.Delete(r); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func testList(t *testing.T, s blob.Store) {
	l, ok := s.(blob.Lister)
	if !ok {
		t.Skip("this store cannot list its blobs")
	}
	want := map[blob.Ref]int64{}
	for _, b := range []string{"first blob", "the second, longer blob"} {
		want[put(t, s, []byte(b))] = int64(len(b))
	}
	got := map[blob.Ref]int64{}
	var last blob.Ref
	err := l.List(func(i blob.Info) error {
		if i.ModTime.IsZero() || i.Name != "" {
			t.Errorf("listed %+v: want a time and no name", i)
		}
		if i.Ref <= last {
			t.Errorf("listed %s after %s: want the order of references", i.Ref, last)
		}
		last = i.Ref
		got[i.Ref] = i.Size
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	for r, n := range want {
		if i, err := l.Stat(r); err != nil || i.Ref != r || i.Size != n || i.ModTime.IsZero() {
			t.Errorf("Stat(%s) = %+v, %v", r, i, err)
		}
	}
	if _, err := l.Stat(blob.Ref("sha256:" + strings.Repeat("0", 64))); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("Stat of a missing blob: %v", err)
	}
}

func testStaging(t *testing.T, s blob.Store) {
	st, ok := s.(blob.Staging)
	if !ok {
		t.Skip("this store stages nothing locally")
	}
	p, err := s.Stage(strings.NewReader("staged, never committed"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := st.StagedFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Size != p.Size || files[0].Name == "" || files[0].ModTime.IsZero() {
		t.Fatalf("staged files %+v, want the one staged (%d bytes)", files, p.Size)
	}
	if err := st.RemoveStaged(files[0].Name); err != nil {
		t.Fatal(err)
	}
	if files, _ := st.StagedFiles(); len(files) != 0 {
		t.Errorf("after RemoveStaged: %+v", files)
	}
	if err := st.RemoveStaged(files[0].Name); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	for _, bad := range []string{"", "..", "../attest.db", "sub/file"} {
		if err := st.RemoveStaged(bad); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("RemoveStaged(%q): %v, want invalid", bad, err)
		}
	}
	if err := s.Commit([]*blob.Pending{p}); err == nil {
		t.Error("a removed staged file was committed")
	}
}
