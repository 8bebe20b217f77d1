package auditsig

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// TestWriteKeyFiles: a new key pair is the private key, readable by its
// owner only, and FILE.pub naming the auditor; ReadKey reads back the
// same key, and neither file is ever written over.
func TestWriteKeyFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ana.key")
	fp, pubFile, err := WriteKeyFiles(path, "Ana  Lima")
	if err != nil {
		t.Fatal(err)
	}
	if pubFile != path+".pub" {
		t.Errorf("public key file %s, want %s.pub", pubFile, path)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v %v, want mode 0600", st, err)
	}
	priv, err := ReadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	pubText, _ := os.ReadFile(pubFile)
	pub, err := ParsePublic(string(pubText))
	if err != nil || !pub.Equal(priv.Public()) {
		t.Errorf("FILE.pub %q is not the private key's public half: %v", pubText, err)
	}
	if !strings.HasSuffix(string(pubText), " Ana Lima\n") || Fingerprint(pub) != fp {
		t.Errorf("FILE.pub %q, fingerprint %s, want the name as comment and %s", pubText, fp, Fingerprint(pub))
	}
	before, _ := os.ReadFile(path)
	if _, _, err := WriteKeyFiles(path, "Ana Lima"); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "never overwritten") {
		t.Errorf("a second key over the first: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the key file was changed")
	}
	if _, _, err := WriteKeyFiles(filepath.Join(path+"-missing", "k.key"), ""); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a key in a missing folder: %v", err)
	}
}

// TestWriteKeyGiven: a given key (the demo's, derived from a fixed text)
// is written as it is.
func TestWriteKeyGiven(t *testing.T) {
	pub, priv, _ := NewKey()
	path := filepath.Join(t.TempDir(), "k")
	fp, _, err := WriteKey(path, "", priv)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ReadKey(path); err != nil || !got.Equal(priv) || fp != Fingerprint(pub) {
		t.Errorf("read back %v, fingerprint %s: %v", got, fp, err)
	}
}

// TestReadKeyRefuses: a missing or unreadable key file is the caller's
// to fix, named.
func TestReadKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadKey(filepath.Join(dir, "none")); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "auditor key: ") {
		t.Errorf("a missing key: %v", err)
	}
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, err := ReadKey(bad); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), bad+": not a PEM private key") {
		t.Errorf("a file that is not a key: %v", err)
	}
}
