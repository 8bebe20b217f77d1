package datadir_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/ledger"
)

// outsideKey is a new key file outside any data directory, of mode perm.
func outsideKey(t *testing.T, perm os.FileMode) string {
	t.Helper()
	priv, _, err := ledger.GenerateKey("attest-outside")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ledger.key")
	if err := os.WriteFile(file, []byte(priv+"\n"), perm); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestInitWithKeyOutside: with a key file outside, Init makes the key
// there, once and readable by its owner only, and the directory keeps
// only the public half.
func TestInitWithKeyOutside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(t.TempDir(), "ledger.key")
	cfg := config(dir)
	cfg.LedgerKey = file
	mustInit(t, cfg)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file's mode is %04o, want 0600", fi.Mode().Perm())
	}
	priv := readFile(t, file)
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(datadir.PrivateKeyFile))); !os.IsNotExist(err) {
		t.Errorf("the directory holds a private key too: %v", err)
	}
	pub, _ := ledger.PublicKey(priv)
	if got := readFile(t, filepath.Join(dir, filepath.FromSlash(datadir.PublicKeyFile))); got != pub+"\n" {
		t.Errorf("keys/ledger.pub holds %q, want %q", got, pub)
	}
	d := mustOpen(t, cfg)
	if !d.KeyOutside() {
		t.Error("KeyOutside is false")
	}
	write(t, d, "e1")
	signed, _, cp, err := d.SignedNow(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Open(signed, pub); err != nil || cp.Size == 0 {
		t.Errorf("the checkpoint does not open with the file's key: %v (size %d)", err, cp.Size)
	}
	// A second init, of another directory with the same file, keeps the key.
	cfg.Dir = filepath.Join(t.TempDir(), "other")
	mustInit(t, cfg)
	if readFile(t, file) != priv {
		t.Error("init replaced the key in the file")
	}
}

// TestKeyOutsideRefused: a key file that is not the directory's, that
// others may read, that is not a key, or that is not there is refused,
// named as the key file, and nothing is signed with it.
func TestKeyOutsideRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	own := filepath.Join(t.TempDir(), "ledger.key")
	cfg := config(dir)
	cfg.LedgerKey = own
	mustInit(t, cfg)
	notKey := filepath.Join(t.TempDir(), "not.key")
	os.WriteFile(notKey, []byte("hello\n"), 0o600)
	for _, tc := range []struct {
		name  string
		file  string
		parts []string
		hint  bool
		bad   bool // the file itself is refused, whatever the directory
	}{
		{"another key", outsideKey(t, 0o600), []string{"ledger key ", "is not this data directory's key: keys/ledger.pub holds "}, true, false},
		{"readable by others", outsideKey(t, 0o640), []string{"ledger key ", "readable by others (mode 0640): chmod 600 it"}, false, true},
		{"missing", filepath.Join(t.TempDir(), "gone.key"), []string{"ledger key: no such file or directory"}, true, true},
		{"not a key", notKey, []string{"ledger signing key"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.LedgerKey = tc.file
			before := tree(t, dir)
			_, err := datadir.Open(t.Context(), c)
			wantError(t, err, attest.EINVALID, tc.parts...)
			if got := hasHint(err); got != tc.hint {
				t.Errorf("a hint: %v, want %v (%v)", got, tc.hint, err)
			}
			if after := tree(t, dir); after != before {
				t.Error("a refused key changed the directory")
			}
			d := &datadir.Dir{Path: dir, LedgerKey: tc.file}
			if _, err := d.PrivateKey(); (err != nil) != tc.bad {
				t.Errorf("PrivateKey: %v, want refused: %v", err, tc.bad)
			}
		})
	}
}

func hasHint(err error) bool {
	var ae *attest.Error
	return errors.As(err, &ae) && ae.Hint != ""
}
