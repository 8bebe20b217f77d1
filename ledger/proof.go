package ledger

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/tlog"
)

// Proof is what `attest ledger prove` writes and `attest ledger
// verify-proof` checks without the data directory: one entry, its inclusion
// in the tree of Checkpoint, and optionally the consistency of an older
// checkpoint with that tree.
type Proof struct {
	Entry       int64       `json:"entry"`
	Record      string      `json:"record"` // the entry's canonical JSON, base64
	Checkpoint  string      `json:"checkpoint"`
	Inclusion   []tlog.Hash `json:"inclusion"`
	OldSize     int64       `json:"old_size,omitempty"`
	Consistency []tlog.Hash `json:"consistency,omitempty"`
}

// Result is what a verified proof establishes.
type Result struct {
	Entry      Entry      `json:"entry"`
	Checkpoint Checkpoint `json:"-"`
	Size       int64      `json:"size"`
	Root       string     `json:"root"`
	OldSize    int64      `json:"old_size,omitempty"`
	OldRoot    string     `json:"old_root,omitempty"`
}

// ParseProof reads a proof file strictly.
func ParseProof(b []byte) (*Proof, error) {
	if len(b) > 1<<20 {
		return nil, attest.Errorf(attest.EINVALID, "proof: %d bytes is too large", len(b))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Proof
	if err := dec.Decode(&p); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "proof: not a ledger proof: %v", err)
	}
	if p.Entry < 0 || p.OldSize < 0 {
		return nil, attest.Errorf(attest.EINVALID, "proof: negative entry or size")
	}
	if len(p.Inclusion) > 64 || len(p.Consistency) > 128 {
		return nil, attest.Errorf(attest.EINVALID, "proof: too many hashes")
	}
	return &p, nil
}

// Verify checks p against the public key and, when trusted is not nil, a
// checkpoint the verifier saved earlier: the proof's checkpoint must be
// signed by the key, the entry must be in its tree, and the trusted
// checkpoint must be a prefix of that tree (or be that very tree).
func Verify(p *Proof, publicKey string, trusted []byte) (*Result, error) {
	cp, err := Open([]byte(p.Checkpoint), publicKey)
	if err != nil {
		return nil, fmt.Errorf("the proof's checkpoint: %w", err)
	}
	record, err := base64.StdEncoding.DecodeString(p.Record)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "proof: record is not base64")
	}
	if p.Entry >= cp.Size {
		return nil, attest.Errorf(attest.EINVALID, "proof: entry %d is beyond the checkpoint's %d entries", p.Entry, cp.Size)
	}
	if err := tlog.CheckRecord(p.Inclusion, cp.Size, cp.Root, p.Entry, LeafHash(record)); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "inclusion proof fails: entry %d as given is not in the tree of size %d: %v", p.Entry, cp.Size, err)
	}
	e, err := Decode(record)
	if err != nil || e.Seq != p.Entry {
		return nil, attest.Errorf(attest.EINVALID, "proof: the record is not entry %d", p.Entry)
	}
	res := &Result{Entry: e, Checkpoint: cp, Size: cp.Size, Root: cp.Root.String()}
	if trusted == nil {
		return res, nil
	}
	old, err := Open(trusted, publicKey)
	if err != nil {
		return nil, fmt.Errorf("the trusted checkpoint: %w", err)
	}
	if old.Origin != cp.Origin {
		return nil, attest.Errorf(attest.EINVALID, "the trusted checkpoint is for log %q, the proof for %q", old.Origin, cp.Origin)
	}
	if old.Size > cp.Size {
		return nil, attest.Errorf(attest.EINVALID, "the log shrank: the trusted checkpoint has %d entries, the proof's only %d (truncated or rolled back)", old.Size, cp.Size)
	}
	if old.Size == cp.Size {
		if old.Root != cp.Root {
			return nil, attest.Errorf(attest.EINVALID, "the log forked: two checkpoints of size %d with different roots", old.Size)
		}
	} else {
		if p.OldSize != old.Size {
			return nil, attest.Errorf(attest.EINVALID, "the proof's consistency part is from size %d, the trusted checkpoint has %d: make the proof again against this checkpoint", p.OldSize, old.Size)
		}
		if err := tlog.CheckTree(p.Consistency, cp.Size, cp.Root, old.Size, old.Root); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "consistency proof fails: entries before %d were changed, removed or reordered since the trusted checkpoint: %v", old.Size, err)
		}
	}
	res.OldSize, res.OldRoot = old.Size, old.Root.String()
	return res, nil
}

// Records is a stored ledger: its entries' records and its tree's hashes.
type Records interface {
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
}

// Record reads the record of entry n of a stored ledger.
func Record(ctx context.Context, s Records, n int64) ([]byte, error) {
	var record []byte
	err := s.ScanLedger(ctx, n, n+1, func(_ int64, rec []byte) error { record = rec; return nil })
	if err == nil && record == nil {
		err = attest.Errorf(attest.ENOTFOUND, "no entry %d in the ledger", n)
	}
	return record, err
}

// hashReader reads a stored ledger's tree hashes for tlog.
func hashReader(ctx context.Context, s Records) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, idx) })
}

// ProveStored is Prove over a stored ledger: the proof of its entry n in
// the tree of size t signed in checkpoint, with consistency from oldSize
// when oldSize > 0. Every proof Attest hands out (attest ledger prove, the
// ledger page, the evidence and working-papers exports) is built here.
func ProveStored(ctx context.Context, s Records, n, t int64, checkpoint []byte, oldSize int64) (*Proof, error) {
	if n < 0 || n >= t {
		return nil, outOfTree(n, t)
	}
	record, err := Record(ctx, s, n)
	if err != nil {
		return nil, err
	}
	return Prove(hashReader(ctx, s), record, n, t, checkpoint, oldSize)
}

// ProveEntry is the proof of entry n in the tree the signed checkpoint
// holds (opened with publicKey: OpenOrParse), with consistency from
// oldSize when oldSize > 0. may, when given, decides from the entry's
// data whether the reader may see the entry at all: one they may not is
// refused before anything is proved, saying why in mayNot. attest ledger
// prove and the ledger page both prove through here.
func ProveEntry(ctx context.Context, s Records, signed []byte, publicKey string, n, oldSize int64, may func(data []byte) bool, mayNot string) (*Proof, Checkpoint, error) {
	cp, err := OpenOrParse(signed, publicKey)
	if err != nil {
		return nil, cp, err
	}
	if may != nil && n >= 0 && n < cp.Size {
		rec, err := Record(ctx, s, n)
		if err != nil {
			return nil, cp, err
		}
		if e, err := Decode(rec); err != nil || !may(e.Data) {
			return nil, cp, attest.Errorf(attest.EFORBIDDEN, "entry %d %s", n, mayNot)
		}
	}
	p, err := ProveStored(ctx, s, n, cp.Size, signed, oldSize)
	return p, cp, err
}

// Recent is the newest entries, up to limit, of a stored ledger of size n
// whose data keep accepts (every entry when keep is nil), newest first
// and without their data: what the ledger page lists. A reader who sees
// few entries (an auditor, those of their engagements) is served by
// reading back in chunks until there are enough.
func Recent(ctx context.Context, s interface {
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
}, n int64, limit int, keep func(data []byte) bool) ([]Entry, error) {
	out := []Entry{}
	chunk := int64(limit)
	if keep != nil {
		chunk = 1000
	}
	for to := n; to > 0 && len(out) < limit; to -= chunk {
		var got []Entry
		err := s.ScanLedger(ctx, max(0, to-chunk), to, func(_ int64, rec []byte) error {
			e, err := Decode(rec)
			if err != nil {
				return err
			}
			if keep == nil || keep(e.Data) {
				e.Data = nil
				got = append(got, e)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for i := len(got) - 1; i >= 0 && len(out) < limit; i-- {
			out = append(out, got[i])
		}
	}
	return out, nil
}

func outOfTree(n, t int64) error {
	return attest.Errorf(attest.ENOTFOUND, "no entry %d: the signed checkpoint holds %d entries (0 to %d)", n, t, t-1)
}

// Prove builds a proof of entry n in the tree of size t signed in
// checkpoint, with consistency from oldSize when oldSize > 0.
func Prove(r tlog.HashReader, record []byte, n, t int64, checkpoint []byte, oldSize int64) (*Proof, error) {
	if n < 0 || n >= t {
		return nil, outOfTree(n, t)
	}
	incl, err := tlog.ProveRecord(t, n, r)
	if err != nil {
		return nil, err
	}
	p := &Proof{Entry: n, Record: base64.StdEncoding.EncodeToString(record), Checkpoint: string(checkpoint), Inclusion: incl}
	if oldSize > 0 && oldSize < t {
		cons, err := tlog.ProveTree(t, oldSize, r)
		if err != nil {
			return nil, err
		}
		p.OldSize, p.Consistency = oldSize, cons
	} else if oldSize > t {
		return nil, attest.Errorf(attest.EINVALID, "the given checkpoint has %d entries but the ledger only %d: the log was truncated, or the checkpoint is from another data directory", oldSize, t)
	}
	return p, nil
}

// Reader is what the ledger's reads ask of the reader's scope
// (auth.Scope): whether they read the ledger at all (management and the
// auditors; the ledger is a working paper), which entries (an auditor:
// those of their engagements), and whether that is every entry.
type Reader interface {
	ReadsPapers() error
	Entry(data []byte) bool
	All() bool
}

// entries is which entries sc reads: nil (every one, read without
// decoding each) for a reader of the whole ledger.
func entries(sc Reader) func(data []byte) bool {
	if sc.All() {
		return nil
	}
	return sc.Entry
}

// View is the ledger's state as a reader reads it: its size, the latest
// signed checkpoint, the key that verifies it and the newest entries the
// reader may read.
type View struct {
	Size        int64   `json:"size"`
	Checkpoints int     `json:"checkpoints"`
	Checkpoint  string  `json:"checkpoint"`
	Signed      int64   `json:"checkpoint_size"`
	Root        string  `json:"checkpoint_root"`
	Key         string  `json:"key"`
	Recent      []Entry `json:"recent"`
}

// ViewStore is what Read reads.
type ViewStore interface {
	LedgerSize(ctx context.Context) (int64, error)
	Checkpoints(ctx context.Context) ([][]byte, error)
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
}

// Read is the ledger's state with up to limit of the newest entries sc
// reads, checkpoints verified with publicKey.
func Read(ctx context.Context, s ViewStore, sc Reader, publicKey string, limit int) (*View, error) {
	if err := sc.ReadsPapers(); err != nil {
		return nil, err
	}
	n, err := s.LedgerSize(ctx)
	if err != nil {
		return nil, err
	}
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	v := &View{Size: n, Checkpoints: len(cps), Key: publicKey}
	if len(cps) > 0 {
		v.Checkpoint = string(cps[len(cps)-1])
		if cp, err := OpenOrParse(cps[len(cps)-1], publicKey); err == nil {
			v.Signed, v.Root = cp.Size, cp.Root.String()
		}
	}
	v.Recent, err = Recent(ctx, s, n, limit, entries(sc))
	return v, err
}

// ProveFor is ProveEntry for a reader, in the signed checkpoint that
// checkpoint gives (called once the reader may read the ledger): refused
// when sc does not read the ledger or entry n.
func ProveFor(ctx context.Context, s Records, sc Reader, checkpoint func() ([]byte, error), publicKey string, n int64) (*Proof, error) {
	if err := sc.ReadsPapers(); err != nil {
		return nil, err
	}
	signed, err := checkpoint()
	if err != nil {
		return nil, err
	}
	p, _, err := ProveEntry(ctx, s, signed, publicKey, n, 0, entries(sc), "does not concern an engagement you audit")
	return p, err
}
