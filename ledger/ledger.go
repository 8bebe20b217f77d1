// Package ledger makes Attest's record tamper-evident. Every change that
// matters is an entry in an append-only log; each entry, encoded as
// canonical JSON (RFC 8785), is a leaf of an RFC 6962-style Merkle tree whose
// hashing and proofs come from golang.org/x/mod/sumdb/tlog. Checkpoints (the
// tree's size and root hash) are signed with ed25519 in the
// golang.org/x/mod/sumdb/note format, so anyone holding a saved checkpoint
// and the public key can later check that nothing before it changed
// (consistency proof) and that an entry is in the log (inclusion proof).
package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/tlog"
)

// Entry is one record of the log.
type Entry struct {
	Seq   int64           `json:"seq"`
	Type  string          `json:"type"`
	Time  string          `json:"time"`
	Actor string          `json:"actor"`
	Data  json.RawMessage `json:"data"`
	// Statement is the hash of the service auditor's signed statement of
	// this change, when it is one of the auditor's acts.
	Statement string `json:"statement,omitempty"`
}

// Encode returns the entry's canonical JSON, the bytes its leaf hash covers.
func Encode(e Entry) ([]byte, error) {
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode ledger entry: %w", err)
	}
	return jcs.Transform(b)
}

// Decode parses a canonical record back into an entry.
func Decode(record []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(record, &e); err != nil {
		return e, fmt.Errorf("decode ledger entry: %w", err)
	}
	return e, nil
}

// Canonical reports whether record is exactly the canonical encoding of
// itself (an edited record usually is not).
func Canonical(record []byte) bool {
	c, err := jcs.Transform(record)
	return err == nil && string(c) == string(record)
}

// LeafHash is the Merkle leaf hash of a record.
func LeafHash(record []byte) tlog.Hash { return tlog.RecordHash(record) }

// Memory is an in-memory tree of stored hashes, for rebuilding a log from
// its records (verification) and for tests. It implements tlog.HashReader.
type Memory struct {
	hashes []tlog.Hash
	n      int64
}

// ReadHashes implements tlog.HashReader.
func (m *Memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("hash index %d out of range", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// Append adds a record and returns the hashes it added, in stored order.
func (m *Memory) Append(record []byte) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashes(m.n, record, m)
	if err != nil {
		return nil, err
	}
	m.hashes = append(m.hashes, hs...)
	m.n++
	return hs, nil
}

// Size is the number of records.
func (m *Memory) Size() int64 { return m.n }

// Root is the tree hash of the first n records.
func (m *Memory) Root(n int64) (tlog.Hash, error) {
	if n == 0 {
		return tlog.Hash{}, nil
	}
	return tlog.TreeHash(n, m)
}

// Stored returns the stored hash at index i (for comparing with a store).
func (m *Memory) Stored(i int64) tlog.Hash { return m.hashes[i] }

// StoredCount is the number of stored hashes.
func (m *Memory) StoredCount() int64 { return int64(len(m.hashes)) }
