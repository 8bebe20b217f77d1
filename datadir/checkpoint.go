package datadir

import (
	"context"
	"os"

	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint signs the ledger's current tree head, stores it and writes it
// to the checkpoint file, dated by d.Now. The file is written while the
// database's write lock is held, so concurrent processes leave the newest
// checkpoint there. Then the checkpoint goes to d.Witness.
func (d *Dir) Checkpoint(ctx context.Context) ([]byte, error) {
	priv, err := d.PrivateKey()
	if err != nil {
		return nil, err
	}
	signed, err := d.Store.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) {
		signed, err := ledger.Sign(n, root, priv)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(d.File("ledger"), 0o700); err != nil {
			return nil, err
		}
		return signed, atomicfile.Write(d.File(CheckpointFile), signed)
	}, d.Now())
	if err == nil && d.Witness != nil {
		d.Witness(ctx, signed)
	}
	return signed, err
}

// SignedNow signs a checkpoint now (Checkpoint) and opens it with the
// ledger's public key: the signed note, the key and the tree head it
// holds.
func (d *Dir) SignedNow(ctx context.Context) ([]byte, string, ledger.Checkpoint, error) {
	signed, err := d.Checkpoint(ctx)
	if err != nil {
		return nil, "", ledger.Checkpoint{}, err
	}
	pub, err := d.PublicKey()
	if err != nil {
		return nil, "", ledger.Checkpoint{}, err
	}
	cp, err := ledger.Open(signed, pub)
	return signed, pub, cp, err
}
