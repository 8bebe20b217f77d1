package main

import (
	"context"
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

// The ledger's signing key may live outside the data directory
// (--ledger-key FILE, ATTEST_LEDGER_KEY): an older copy of the directory
// then cannot bring its own key, and a key kept apart is what makes the
// signatures on checkpoints mean more than "whoever holds this folder".
// The directory keeps only keys/ledger.pub, which is also how it says
// that its key is elsewhere.

// keyMarker is the file that shows a directory with a database server
// (--db) to be an Attest data directory.
func (m *Main) keyMarker() string {
	if m.cfg.ledgerKey != "" {
		return publicKeyFile
	}
	return privateKeyFile
}

// externalKey reads the --ledger-key file, which no one but its owner may
// read.
func (m *Main) externalKey() (string, error) {
	file := m.cfg.ledgerKey
	fi, err := os.Stat(file)
	if err != nil {
		return "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("--ledger-key: %v", fileerr.Reason(err)),
			Hint: "`attest init --ledger-key FILE` makes a new key there for a new data directory"}
	}
	if !secretfile.OwnerOnly(fi.Mode()) {
		return "", attest.Errorf(attest.EINVALID, "--ledger-key %s: readable by others (mode %04o): chmod 600 it", file, fi.Mode().Perm())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "--ledger-key: %v", fileerr.Reason(err))
	}
	priv := strings.TrimSpace(string(b))
	if _, err := ledger.PublicKey(priv); err != nil {
		return "", fmt.Errorf("--ledger-key %s: %w", file, err)
	}
	return priv, nil
}

// createLedgerKey makes a new signing key at the --ledger-key path for
// `attest init`, unless a key is there already.
func (m *Main) createLedgerKey() error {
	if _, err := os.Stat(m.cfg.ledgerKey); err == nil {
		return nil
	}
	priv, _, err := ledger.GenerateKey(newKeyName())
	if err != nil {
		return err
	}
	f, err := os.OpenFile(m.cfg.ledgerKey, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return attest.Errorf(attest.EINVALID, "--ledger-key: %v", fileerr.Reason(err))
	}
	_, err = f.WriteString(priv + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(m.cfg.ledgerKey)
		return attest.Errorf(attest.EINVALID, "--ledger-key: write %s: %v", m.cfg.ledgerKey, err)
	}
	return nil
}

// useExternalKey checks the --ledger-key file against the directory: its
// public half must be the one in keys/ledger.pub (written there when
// missing), so a wrong key file never signs this ledger's checkpoints.
func (d *data) useExternalKey() error {
	priv, err := d.m.externalKey()
	if err != nil {
		return err
	}
	pub, err := ledger.PublicKey(priv)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(d.path(publicKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(d.path("keys"), 0o700); err != nil {
			return err
		}
		return atomicfile.Write(d.path(publicKeyFile), []byte(pub+"\n"))
	}
	if err != nil {
		return fmt.Errorf("read the ledger's public key: %w", err)
	}
	if have := strings.TrimSpace(string(b)); have != pub {
		return &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("--ledger-key %s is not this data directory's key: %s holds %s, the file's public half is %s", d.m.cfg.ledgerKey, publicKeyFile, have, pub),
			Hint:    "pass the key this data directory was signed with (to move the key out, move keys/ledger.key)"}
	}
	return nil
}

// keyOutside reports whether the directory's key lives elsewhere: it has
// a public key and no private one.
func (d *data) keyOutside() bool {
	_, errPub := os.Stat(d.path(publicKeyFile))
	_, errPriv := os.Stat(d.path(privateKeyFile))
	return errPub == nil && errors.Is(errPriv, fs.ErrNotExist)
}

// openToRead opens the data directory for a command that signs nothing
// (verify, ledger key), which needs no signing key: a data directory whose
// key lives elsewhere is checked with its public key alone.
func (m *Main) openToRead(ctx context.Context) (*data, error) {
	m.cfg.readOnly = true
	defer func() { m.cfg.readOnly = false }()
	return m.open(ctx)
}

// withLedger opens the data directory to read (openToRead) and runs fn
// with it and the ledger's public key, which checks what it signed.
func (m *Main) withLedger(ctx context.Context, fn func(d *data, pub string) error) error {
	d, err := m.openToRead(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	pub, err := d.publicKey()
	if err != nil {
		return err
	}
	return fn(d, pub)
}

// keyElsewhereError is what a command that may sign says when the key is
// elsewhere and --ledger-key is not given (before it changes anything).
func (d *data) keyElsewhereError() error {
	return &attest.Error{Code: attest.EINVALID,
		Message: fmt.Sprintf("the ledger's signing key of %s lives outside it (%s without %s)", d.dir, publicKeyFile, privateKeyFile),
		Hint:    "pass --ledger-key FILE or set ATTEST_LEDGER_KEY"}
}
