package datadir_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/storetest"
)

var testNow = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// config is an installation at dir with the test's clock.
func config(dir string) datadir.Config {
	return datadir.Config{Dir: dir, Now: func() time.Time { return testNow }}
}

// mustInit makes a new installation as cfg says.
func mustInit(t *testing.T, cfg datadir.Config) {
	t.Helper()
	created, err := datadir.Init(t.Context(), cfg)
	if err != nil || !created {
		t.Fatalf("Init: created %v, %v", created, err)
	}
}

// mustOpen opens the installation cfg names, closed when the test ends.
func mustOpen(t *testing.T, cfg datadir.Config) *datadir.Dir {
	t.Helper()
	d, err := datadir.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// wantError checks err is an *attest.Error of code whose message holds
// each of parts.
func wantError(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	var ae *attest.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an *attest.Error %s", err, code)
	}
	if ae.Code != code {
		t.Errorf("code %s, want %s (%v)", ae.Code, code, err)
	}
	for _, p := range parts {
		if !strings.Contains(ae.Message, p) {
			t.Errorf("message %q does not say %q", ae.Message, p)
		}
	}
}

// write records one engagement, so the ledger has entries to sign.
func write(t *testing.T, d *datadir.Dir, id string) {
	t.Helper()
	ch := attest.Change{Actor: "test", At: testNow}
	if err := d.Store.CreateEngagement(context.Background(), ch, storetest.Engagement(id), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInitWhere: a new installation goes into a directory that does not
// exist or is empty; one that holds anything else is refused and left as
// it was; an Attest data directory is opened and left as it was.
func TestInitWhere(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, dir string)
		created bool
		refused string // part of the error, when refused
	}{
		{"no directory", func(*testing.T, string) {}, true, ""},
		{"an empty directory", func(t *testing.T, dir string) { os.Mkdir(dir, 0o700) }, true, ""},
		{"a directory with a file", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600)
		}, false, "is not empty and is not an Attest data directory"},
		{"a directory with a folder", func(t *testing.T, dir string) { os.MkdirAll(filepath.Join(dir, "sub"), 0o700) }, false, "is not empty and is not an Attest data directory"},
		{"a file", func(t *testing.T, dir string) { os.WriteFile(dir, []byte("mine"), 0o600) }, false, "create "},
		{"an Attest data directory", func(t *testing.T, dir string) { mustInit(t, config(dir)) }, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			tc.prepare(t, dir)
			before := tree(t, dir)
			created, err := datadir.Init(t.Context(), config(dir))
			if created != tc.created {
				t.Errorf("created %v, want %v", created, tc.created)
			}
			if tc.refused != "" {
				wantError(t, err, attest.EINVALID, tc.refused)
			} else if err != nil {
				t.Fatal(err)
			}
			if !tc.created {
				if after := tree(t, dir); after != before {
					t.Errorf("Init changed what was there:\n%s\nwas\n%s", after, before)
				}
				return
			}
			for _, f := range []string{datadir.DBFile, datadir.PrivateKeyFile, datadir.PublicKeyFile, datadir.CheckpointFile, "blobs"} {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
					t.Errorf("the new directory has no %s: %v", f, err)
				}
			}
		})
	}
}

// tree lists the files under dir with their sizes and modes ("" when dir
// is not a directory), to see that nothing changed.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if fi.IsDir() {
			b.WriteString(rel + "/ " + fi.Mode().String() + "\n")
		} else {
			b.WriteString(rel + " " + fi.Mode().String() + " " + readFile(t, path) + "\n")
		}
		return nil
	})
	return b.String()
}

// TestOpenRefuses: Open opens only an Attest data directory, and says
// what it found instead.
func TestOpenRefuses(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o600)
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o700)
	keyed := filepath.Join(root, "keyed") // the marker of a directory with a database server
	os.MkdirAll(filepath.Join(keyed, "keys"), 0o700)
	os.WriteFile(filepath.Join(keyed, filepath.FromSlash(datadir.PrivateKeyFile)), nil, 0o600)
	for _, tc := range []struct {
		name  string
		cfg   datadir.Config
		code  string
		parts []string
		db    bool // a *datadir.DBError
	}{
		{"nothing there", datadir.Config{Dir: filepath.Join(root, "none")}, attest.ENOTFOUND, []string{"no data directory at " + filepath.Join(root, "none")}, false},
		{"a file", datadir.Config{Dir: file}, attest.EINVALID, []string{file + " is not a directory"}, false},
		{"no database", datadir.Config{Dir: empty}, attest.EINVALID, []string{"is not an Attest data directory (no attest.db)"}, false},
		{"a server, no key", datadir.Config{Dir: empty, DB: "postgres://x"}, attest.EINVALID, []string{"(no keys/ledger.key)"}, false},
		{"a server, no public key", datadir.Config{Dir: empty, DB: "postgres://x", LedgerKey: file}, attest.EINVALID, []string{"(no keys/ledger.pub)"}, false},
		{"a server's URL", datadir.Config{Dir: keyed, DB: "mysql://x"}, attest.EINVALID, []string{"want a postgres:// URL"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := datadir.Open(t.Context(), tc.cfg)
			wantError(t, err, tc.code, tc.parts...)
			var de *datadir.DBError
			if errors.As(err, &de) != tc.db {
				t.Errorf("a DBError: %v, want %v", !tc.db, tc.db)
			}
		})
	}
}

// TestKeyWrittenOnce: the directory's key is made once, readable by its
// owner only, beside its public half; opening again keeps it.
func TestKeyWrittenOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustInit(t, config(dir))
	keyFile := filepath.Join(dir, filepath.FromSlash(datadir.PrivateKeyFile))
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the key's mode is %04o, want 0600", fi.Mode().Perm())
	}
	priv := readFile(t, keyFile)
	pub, err := ledger.PublicKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, filepath.FromSlash(datadir.PublicKeyFile))); got != pub+"\n" {
		t.Errorf("keys/ledger.pub holds %q, want the key's public half %q", got, pub)
	}
	if !strings.HasPrefix(pub, "attest-") {
		t.Errorf("the key is named %q, want attest-...", pub)
	}
	for range 2 {
		d := mustOpen(t, config(dir))
		if got := readFile(t, keyFile); got != priv {
			t.Fatal("opening the directory again changed its key")
		}
		if got, err := d.PrivateKey(); err != nil || got+"\n" != priv {
			t.Errorf("PrivateKey: %q, %v", got, err)
		}
		if got, err := d.PublicKey(); err != nil || got != pub {
			t.Errorf("PublicKey: %q, %v; want %q", got, err, pub)
		}
		d.Close()
	}
}

// TestCheckpointVerifies: a checkpoint is signed with the directory's key
// over the ledger as it stands, stored, written to the checkpoint file and
// given to the witness; another key does not open it.
func TestCheckpointVerifies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustInit(t, config(dir))
	var witnessed [][]byte
	cfg := config(dir)
	cfg.Witness = func(_ context.Context, signed []byte) { witnessed = append(witnessed, signed) }
	d := mustOpen(t, cfg)
	write(t, d, "e1")
	write(t, d, "e2")
	signed, pub, cp, err := d.SignedNow(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	size, err := d.Store.LedgerSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != size || size == 0 {
		t.Errorf("the checkpoint covers %d entries, the ledger holds %d", cp.Size, size)
	}
	if got, err := ledger.Open(signed, pub); err != nil || got != cp {
		t.Errorf("ledger.Open: %+v, %v; want %+v", got, err, cp)
	}
	if got := readFile(t, d.File(datadir.CheckpointFile)); got != string(signed) {
		t.Errorf("the checkpoint file holds\n%s\nwant\n%s", got, signed)
	}
	stored, err := d.Store.Checkpoints(t.Context())
	if err != nil || len(stored) == 0 || string(stored[len(stored)-1]) != string(signed) {
		t.Errorf("the newest stored checkpoint is not the one signed (%d stored, %v)", len(stored), err)
	}
	if len(witnessed) != 1 || string(witnessed[0]) != string(signed) {
		t.Errorf("the witness was given %d checkpoints, want the one signed", len(witnessed))
	}
	_, other, _ := ledger.GenerateKey("attest-other")
	if _, err := ledger.Open(signed, other); err == nil {
		t.Error("another key opened the checkpoint")
	}
}

// TestCheckpointRefusedWithoutKey: a directory whose key lives elsewhere
// opens to read without it, and signs nothing.
func TestCheckpointRefusedWithoutKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustInit(t, config(dir))
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(datadir.PrivateKeyFile))); err != nil {
		t.Fatal(err)
	}
	_, err := datadir.Open(t.Context(), config(dir))
	wantError(t, err, attest.EINVALID, "lives outside it (keys/ledger.pub without keys/ledger.key)")
	cfg := config(dir)
	cfg.ReadOnly = true
	d := mustOpen(t, cfg)
	if !d.KeyOutside() {
		t.Error("KeyOutside is false")
	}
	if _, err := d.PublicKey(); err != nil {
		t.Errorf("PublicKey: %v", err)
	}
	before := tree(t, dir)
	_, err = d.Checkpoint(t.Context())
	wantError(t, err, attest.EINVALID, "lives outside it")
	if after := tree(t, dir); after != before {
		t.Error("a refused checkpoint changed the directory")
	}
}
