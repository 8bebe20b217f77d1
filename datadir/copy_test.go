package datadir_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/datadir"
)

// source is an installation with two engagements in its ledger and one
// blob, its root hash signed.
func source(t *testing.T, cfg datadir.Config) (root string, ref blob.Ref) {
	t.Helper()
	mustInit(t, cfg)
	d := mustOpen(t, cfg)
	write(t, d, "e1")
	write(t, d, "e2")
	ref, _, err := d.Blobs.Put(strings.NewReader("evidence"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, cp, err := d.SignedNow(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	return cp.Root.String(), ref
}

// TestCopy: the copy holds the same ledger (its root hash the same), the
// same blobs and the same key, readable by its owner only, and verifies;
// the progress is told of each part.
func TestCopy(t *testing.T) {
	src := config(filepath.Join(t.TempDir(), "src"))
	root, ref := source(t, src)
	dst := config(filepath.Join(t.TempDir(), "dst"))
	var calls []string
	rep, got, err := datadir.Copy(t.Context(), src, dst, datadir.Progress{
		Database:  func() { calls = append(calls, "database") },
		Table:     func(table string, rows int) {},
		Blobs:     func(done, total int) {},
		BlobsDone: func() { calls = append(calls, "blobs done") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Errorf("root %s, want the source's %s", got, root)
	}
	if !rep.OK || rep.Entries == 0 {
		t.Errorf("the report: ok %v, %d entries; want ok, the entries", rep.OK, rep.Entries)
	}
	if strings.Join(calls, ", ") != "database, blobs done" {
		t.Errorf("progress: %v", calls)
	}
	for _, f := range []string{datadir.PrivateKeyFile, datadir.PublicKeyFile} {
		from, to := filepath.Join(src.Dir, filepath.FromSlash(f)), filepath.Join(dst.Dir, filepath.FromSlash(f))
		if readFile(t, from) != readFile(t, to) {
			t.Errorf("%s differs in the copy", f)
		}
		if fi, _ := os.Stat(to); fi.Mode().Perm() != 0o600 {
			t.Errorf("the copy's %s has mode %04o, want 0600", f, fi.Mode().Perm())
		}
	}
	d := mustOpen(t, dst)
	if n, err := d.Blobs.Verify(ref); err != nil || n != int64(len("evidence")) {
		t.Errorf("the copy's blob: %d bytes, %v", n, err)
	}
	if _, _, cp, err := d.SignedNow(t.Context()); err != nil || cp.Root.String() != root {
		t.Errorf("the copy signs %s (%v), want %s", cp.Root, err, root)
	}
}

// TestCopyRefused: a copy goes only into a new directory, leaves what was
// there as it was, and a copy that fails leaves nothing behind.
func TestCopyRefused(t *testing.T) {
	src := config(filepath.Join(t.TempDir(), "src"))
	source(t, src)
	full := filepath.Join(t.TempDir(), "full")
	os.MkdirAll(full, 0o700)
	os.WriteFile(filepath.Join(full, "notes.txt"), []byte("mine"), 0o600)
	for _, tc := range []struct {
		name  string
		dst   datadir.Config
		parts []string
		left  bool // the directory is there after
	}{
		{"not empty", config(full), []string{"is not empty: the copy needs a new data directory"}, true},
		{"the server refused", datadir.Config{Dir: filepath.Join(t.TempDir(), "new"), DB: "mysql://x"}, []string{"want a postgres:// URL"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tree(t, tc.dst.Dir)
			_, _, err := datadir.Copy(t.Context(), src, tc.dst, datadir.Progress{})
			wantError(t, err, attest.EINVALID, tc.parts...)
			_, serr := os.Stat(tc.dst.Dir)
			if left := serr == nil; left != tc.left {
				t.Fatalf("the directory is there after: %v, want %v", left, tc.left)
			}
			if after := tree(t, tc.dst.Dir); tc.left && after != before {
				t.Errorf("a refused copy changed the directory:\n%s", after)
			}
		})
	}
}

// TestCopyKeyOutside: a key kept outside stays there; the copy has only
// the public key, and verifies with the same key file.
func TestCopyKeyOutside(t *testing.T) {
	src := config(filepath.Join(t.TempDir(), "src"))
	src.LedgerKey = filepath.Join(t.TempDir(), "ledger.key")
	root, _ := source(t, src)
	dst := config(filepath.Join(t.TempDir(), "dst"))
	dst.LedgerKey = src.LedgerKey
	_, got, err := datadir.Copy(t.Context(), src, dst, datadir.Progress{})
	if err != nil || got != root {
		t.Fatalf("Copy: %s, %v; want %s", got, err, root)
	}
	if _, err := os.Stat(filepath.Join(dst.Dir, filepath.FromSlash(datadir.PrivateKeyFile))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the copy holds a private key: %v", err)
	}
	if !mustOpen(t, dst).KeyOutside() {
		t.Error("the copy's key is not outside")
	}
}
