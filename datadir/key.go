package datadir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
	"github.com/attest-dev/attest/internal/secretfile"
	"github.com/attest-dev/attest/ledger"
)

// The ledger's signing key is made with the data directory, in
// keys/ledger.key (mode 0600) beside its public half. It may live outside
// the directory instead (Config.LedgerKey): an older copy of the directory
// then cannot bring its own key, and a key kept apart is what makes the
// signatures on checkpoints mean more than "whoever holds this folder".
// The directory keeps only keys/ledger.pub, which is also how it says that
// its key is elsewhere.
//
// The errors about the key file outside start with "ledger key", so that
// an adapter can name its own setting there instead.

// ensureKey makes the ledger's key pair when the directory has none and
// its key does not live elsewhere; with a key file outside, it checks the
// file against the directory. readOnly opens a directory whose key is
// elsewhere without it.
func (d *Dir) ensureKey(readOnly bool) error {
	if d.LedgerKey != "" {
		return d.useOutsideKey()
	}
	if _, err := os.Stat(d.File(PrivateKeyFile)); err == nil {
		return nil
	}
	if d.KeyOutside() {
		if readOnly {
			return nil
		}
		return d.keyElsewhere()
	}
	if err := os.MkdirAll(d.File("keys"), 0o700); err != nil {
		return err
	}
	priv, pub, err := ledger.GenerateKey(newKeyName())
	if err != nil {
		return err
	}
	made, err := writeKey(d.File(PrivateKeyFile), priv)
	if err != nil || !made {
		return err // not made: another process made it first
	}
	return atomicfile.Write(d.File(PublicKeyFile), []byte(pub+"\n"))
}

// newKeyName names a new ledger (and its key): attest- and 8 hex digits.
func newKeyName() string {
	var b [4]byte
	rand.Read(b[:])
	return "attest-" + hex.EncodeToString(b[:])
}

// writeKey writes a new private key to path, which only its owner may
// read, synced (atomicfile.WriteNew). It makes nothing when path exists
// (made is false): the key there stands, whoever made it.
func writeKey(path, priv string) (made bool, err error) {
	err = atomicfile.WriteNew(path, []byte(priv+"\n"), 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}

// createKey makes a new signing key in the file outside the directory,
// unless a key is there already.
func createKey(file string) error {
	if _, err := os.Stat(file); err == nil {
		return nil
	}
	priv, _, err := ledger.GenerateKey(newKeyName())
	if err != nil {
		return err
	}
	if _, err := writeKey(file, priv); err != nil {
		return attest.Errorf(attest.EINVALID, "ledger key: %v", fileerr.Reason(err))
	}
	return nil
}

// readOutsideKey reads the key file outside the directory, which no one
// but its owner may read. Of the errors about the file, only the one for
// a file that cannot be found has a hint.
func readOutsideKey(file string) (string, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("ledger key: %v", fileerr.Reason(err)),
			Hint: "initializing a new data directory with it makes a new key there"}
	}
	if !secretfile.OwnerOnly(fi.Mode()) {
		return "", attest.Errorf(attest.EINVALID, "ledger key %s: readable by others (mode %04o): chmod 600 it", file, fi.Mode().Perm())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "ledger key: %v", fileerr.Reason(err))
	}
	priv := strings.TrimSpace(string(b))
	if _, err := ledger.PublicKey(priv); err != nil {
		return "", fmt.Errorf("ledger key %s: %w", file, err)
	}
	return priv, nil
}

// useOutsideKey checks the key file outside against the directory: its
// public half must be the one in keys/ledger.pub (written there when
// missing), so a wrong key file never signs this ledger's checkpoints.
func (d *Dir) useOutsideKey() error {
	pub, err := d.PublicKey()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(d.File(PublicKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(d.File("keys"), 0o700); err != nil {
			return err
		}
		return atomicfile.Write(d.File(PublicKeyFile), []byte(pub+"\n"))
	}
	if err != nil {
		return fmt.Errorf("read the ledger's public key: %w", err)
	}
	if have := strings.TrimSpace(string(b)); have != pub {
		return &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("ledger key %s is not this data directory's key: %s holds %s, the file's public half is %s", d.LedgerKey, PublicKeyFile, have, pub),
			Hint:    "pass the key this data directory was signed with (to move the key out, move keys/ledger.key)"}
	}
	return nil
}

// KeyOutside reports whether the directory's key lives elsewhere: it has
// a public key and no private one.
func (d *Dir) KeyOutside() bool {
	_, errPub := os.Stat(d.File(PublicKeyFile))
	_, errPriv := os.Stat(d.File(PrivateKeyFile))
	return errPub == nil && errors.Is(errPriv, fs.ErrNotExist)
}

// keyElsewhere is the error for signing when the key lives elsewhere and
// no key file is given (refused before anything changes).
func (d *Dir) keyElsewhere() error {
	return &attest.Error{Code: attest.EINVALID,
		Message: fmt.Sprintf("the ledger's signing key of %s lives outside it (%s without %s)", d.Path, PublicKeyFile, PrivateKeyFile),
		Hint:    "give the file outside that holds the key"}
}

// PrivateKey is the ledger's signing key, from the file outside or the
// directory's own.
func (d *Dir) PrivateKey() (string, error) {
	if d.LedgerKey != "" {
		return readOutsideKey(d.LedgerKey)
	}
	if d.KeyOutside() {
		return "", d.keyElsewhere()
	}
	b, err := os.ReadFile(d.File(PrivateKeyFile))
	if err != nil {
		return "", fmt.Errorf("read the ledger's signing key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// PublicKey is the key that verifies the ledger's checkpoints: the public
// half of the file outside, or the directory's keys/ledger.pub.
func (d *Dir) PublicKey() (string, error) {
	if d.LedgerKey != "" {
		priv, err := readOutsideKey(d.LedgerKey)
		if err != nil {
			return "", err
		}
		return ledger.PublicKey(priv)
	}
	b, err := os.ReadFile(d.File(PublicKeyFile))
	if err != nil {
		return "", fmt.Errorf("read the ledger's public key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
