package main

import (
	"context"
	"os/user"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/witness"
)

// data is an open installation (package datadir) as the commands hold
// it: its store and blobs under the short names every command uses, and
// the witnesses its checkpoints go to, opened once per location
// (witnesscmd.go).
type data struct {
	dir       string
	db        attest.Store
	blobs     blob.Store
	m         *Main
	witnesses witness.Pool
}

func (d *data) Close() error { return d.db.Close() }

// installation is d as package datadir holds it, which keeps the key and
// signs checkpoints.
func (d *data) installation() *datadir.Dir {
	return &datadir.Dir{Path: d.dir, Store: d.db, Blobs: d.blobs, LedgerKey: d.m.cfg.ledgerKey, Now: d.m.Now, Witness: d.sendToWitnesses}
}

func (d *data) path(name string) string { return d.installation().File(name) }

// checkpoint signs a checkpoint of the ledger now (datadir.Dir.Checkpoint):
// it is stored, written to the checkpoint file and sent to the witnesses.
func (d *data) checkpoint(ctx context.Context) ([]byte, error) {
	signed, err := d.installation().Checkpoint(ctx)
	return signed, keyNamed(err)
}

// signedNow signs a checkpoint now and opens it with the ledger's public
// key (datadir.Dir.SignedNow).
func (d *data) signedNow(ctx context.Context) ([]byte, string, ledger.Checkpoint, error) {
	signed, pub, cp, err := d.installation().SignedNow(ctx)
	return signed, pub, cp, keyNamed(err)
}

func (d *data) privateKey() (string, error) {
	priv, err := d.installation().PrivateKey()
	return priv, keyNamed(err)
}

func (d *data) publicKey() (string, error) {
	pub, err := d.installation().PublicKey()
	return pub, keyNamed(err)
}

// open opens the data directory's database (or the --db server) and its
// blob store, refusing a directory that is not an Attest one.
func (m *Main) open(ctx context.Context) (*data, error) { return m.openPlace(ctx, m.here()) }

// openToRead opens the data directory for a command that signs nothing
// (verify, ledger key), which needs no signing key: a data directory whose
// key lives elsewhere is checked with its public key alone.
func (m *Main) openToRead(ctx context.Context) (*data, error) {
	p := m.here()
	p.readOnly = true
	return m.openPlace(ctx, p)
}

// openPlace opens an installation with this Main's clock, key and
// witnesses.
func (m *Main) openPlace(ctx context.Context, p place) (*data, error) {
	inst, err := datadir.Open(ctx, m.dataConfig(p))
	if err != nil {
		return nil, m.dataHints(err, p)
	}
	return &data{dir: inst.Path, db: inst.Store, blobs: inst.Blobs, m: m}, nil
}

// dataConfig is what package datadir needs to know of p and of the
// command line's settings.
func (m *Main) dataConfig(p place) datadir.Config {
	return datadir.Config{Dir: p.dir, DB: p.db, Blobs: p.blobs, S3PathStyle: m.s3PathStyle(),
		LedgerKey: m.cfg.ledgerKey, ReadOnly: p.readOnly, Now: m.Now, Witness: (&data{m: m}).sendToWitnesses}
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
