package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/sqlite"
	"golang.org/x/mod/sumdb/tlog"
)

// A data directory:
//
//	attest.db            the SQLite database
//	blobs/               evidence bytes by SHA-256
//	keys/ledger.key      the ledger's signing key (mode 0600)
//	keys/ledger.pub      its public key, for auditors
//	ledger/checkpoint    the latest signed checkpoint, outside the database
const (
	dbName         = "attest.db"
	privateKeyFile = "keys/ledger.key"
	publicKeyFile  = "keys/ledger.pub"
	checkpointFile = "ledger/checkpoint"
)

// data is an open data directory.
type data struct {
	dir   string
	db    attest.Store
	blobs blob.Store
	m     *Main
	// witnesses are opened once per location (witnesscmd.go).
	witnesses witnessSet
}

func (d *data) Close() error { return d.db.Close() }

func (d *data) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// open opens the data directory's database (or the --db server) and its
// blob store, refusing a directory that is not an Attest one.
func (m *Main) open(ctx context.Context) (*data, error) {
	dir := m.cfg.dataDir
	st, err := os.Stat(dir)
	if err != nil {
		hint := "run `attest init --data " + dir + "` or `attest demo`, or pass --data DIR"
		if m.cfg.db != "" {
			hint = "run `attest init --db URL --data " + dir + "`: with --db the data directory holds the ledger key and the blobs"
		}
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no data directory at %s", dir), Hint: hint}
	}
	if !st.IsDir() {
		return nil, attest.Errorf(attest.EINVALID, "%s is not a directory", dir)
	}
	var db attest.Store
	if m.cfg.db != "" {
		if _, err := os.Stat(filepath.Join(dir, m.keyMarker())); err != nil {
			return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s is not an Attest data directory (no %s)", dir, m.keyMarker()), Hint: "run `attest init --db URL --data DIR` to make one"}
		}
		if db, err = m.openServer(ctx); err != nil {
			return nil, err
		}
	} else {
		path := filepath.Join(dir, dbName)
		if _, err := os.Stat(path); err != nil {
			return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s is not an Attest data directory (no %s)", dir, dbName), Hint: "run `attest init --data DIR` to make one"}
		}
		if db, err = sqlite.Open(ctx, path); err != nil {
			err = hinted(err, attest.ENOTFOUND, "no Attest database", "run `attest init` first, or pass --data DIR")
			return nil, hinted(err, attest.EINVALID, "is not an Attest database", "point --data at a directory made by `attest init`")
		}
	}
	d := &data{dir: dir, db: db, m: m}
	if m.cfg.blobs != "" {
		d.blobs, err = blob.OpenS3(ctx, m.cfg.blobs, filepath.Join(dir, "blobs"), m.s3PathStyle())
	} else {
		d.blobs, err = blob.OpenFS(filepath.Join(dir, "blobs"))
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := d.ensureKeys(); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// openServer opens the --db database server. The store's errors name no
// flag; the hint added here names the one the user gave (--db, or store
// copy's --to).
func (m *Main) openServer(ctx context.Context) (attest.Store, error) {
	u, flag := m.cfg.db, m.cfg.dbFlag
	if flag == "" {
		flag = "--db"
	}
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return nil, attest.Errorf(attest.EINVALID, "%s: want a postgres:// URL", flag)
	}
	db, err := postgres.Open(ctx, u)
	var e *attest.Error
	if errors.As(err, &e) {
		switch e.Code {
		case attest.EUNAVAILABLE:
			e.Hint = "check " + flag + " and that the server is running"
			if flag == "--db" {
				e.Hint = "check --db / ATTEST_DB and that the server is running"
			}
		case attest.EINVALID:
			e.Message = flag + ": " + e.Message
		}
	}
	return db, err
}

// ensureKeys creates the ledger's key pair if the directory has none (and
// its key does not live elsewhere, see ledgerkey.go).
func (d *data) ensureKeys() error {
	if d.m.cfg.ledgerKey != "" {
		return d.useExternalKey()
	}
	if _, err := os.Stat(d.path(privateKeyFile)); err == nil {
		return nil
	}
	if d.keyOutside() && d.m.cfg.readOnly {
		return nil
	}
	if d.keyOutside() {
		return d.keyElsewhereError()
	}
	if err := os.MkdirAll(d.path("keys"), 0o700); err != nil {
		return err
	}
	priv, pub, err := ledger.GenerateKey(newKeyName())
	if err != nil {
		return err
	}
	f, err := os.OpenFile(d.path(privateKeyFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // another process made it first
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(priv + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	return atomicfile.Write(d.path(publicKeyFile), []byte(pub+"\n"))
}

// newKeyName names a new ledger (and its key): attest- and 8 hex digits.
func newKeyName() string {
	var b [4]byte
	rand.Read(b[:])
	return "attest-" + hex.EncodeToString(b[:])
}

func (d *data) privateKey() (string, error) {
	if d.m.cfg.ledgerKey != "" {
		return d.m.externalKey()
	}
	if d.keyOutside() {
		return "", d.keyElsewhereError()
	}
	b, err := os.ReadFile(d.path(privateKeyFile))
	if err != nil {
		return "", fmt.Errorf("read the ledger's signing key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (d *data) publicKey() (string, error) {
	if d.m.cfg.ledgerKey != "" {
		priv, err := d.m.externalKey()
		if err != nil {
			return "", err
		}
		return ledger.PublicKey(priv)
	}
	b, err := os.ReadFile(d.path(publicKeyFile))
	if err != nil {
		return "", fmt.Errorf("read the ledger's public key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// checkpoint signs the current tree head, stores it and writes it to the
// checkpoint file. The file is written while the database's write lock is
// held, so concurrent processes leave the newest checkpoint there. Then
// the checkpoint goes to the data directory's witnesses (witnesscmd.go).
func (d *data) checkpoint(ctx context.Context) ([]byte, error) {
	priv, err := d.privateKey()
	if err != nil {
		return nil, err
	}
	signed, err := d.db.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) {
		signed, err := ledger.Sign(n, root, priv)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(d.path("ledger"), 0o700); err != nil {
			return nil, err
		}
		return signed, atomicfile.Write(d.path(checkpointFile), signed)
	}, d.m.Now())
	if err == nil {
		d.sendToWitnesses(ctx, signed)
	}
	return signed, err
}

// change is who does what now: --as, or the operating-system user.
func (m *Main) change() attest.Change {
	return attest.Change{Actor: m.actor(), At: m.Now()}
}

func (m *Main) actor() string {
	if m.cfg.as != "" {
		return m.cfg.as
	}
	if v := m.Getenv("ATTEST_AS"); v != "" {
		return v
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v := m.Getenv("USER"); v != "" {
		return v
	}
	return "unknown"
}

// today is the current date in UTC.
func (m *Main) today() time.Time {
	t := m.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// openEngagement opens the data directory and resolves the engagement the
// command acts on; the caller closes d.
func (m *Main) openEngagement(ctx context.Context) (*data, *attest.Engagement, error) {
	d, err := m.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	e, err := m.engagement(ctx, d.db)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, e, nil
}

// s3PathStyle is whether S3 buckets are addressed by path: whenever an
// endpoint of its own is configured, as S3-compatible servers expect.
func (m *Main) s3PathStyle() bool {
	return m.Getenv("AWS_ENDPOINT_URL") != "" || m.Getenv("AWS_ENDPOINT_URL_S3") != ""
}

// withData opens the data directory, runs fn with it and closes it: the
// prologue every command that reads or writes the data shares.
func (m *Main) withData(ctx context.Context, fn func(d *data) error) error {
	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(d)
}

// withEngagement opens the data directory, resolves the engagement the
// command acts on (--engagement, the current one, or the only one) and
// runs fn with both.
func (m *Main) withEngagement(ctx context.Context, fn func(d *data, e *attest.Engagement) error) error {
	d, e, err := m.openEngagement(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(d, e)
}

// answer prints v as JSON with --json, else the text for a person.
func (m *Main) answer(v any, format string, args ...any) error {
	if m.cfg.json {
		return m.printJSON(v)
	}
	m.printf(format, args...)
	return nil
}

// numberOf reads the number of a record of the kind named (parseNumber).
func numberOf(what string) func(string) (int64, error) {
	return func(s string) (int64, error) { return parseNumber(what, s) }
}
