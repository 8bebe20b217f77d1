package attest

import "context"

// Kinds of record that hold a blob reference.
const (
	HolderEvidence   = "evidence"
	HolderPopulation = "population"
	HolderDocument   = "document"
)

// BlobHolder is a record that holds a blob reference: what kind of record,
// its ID, the reference, and, for evidence, whether its bytes were purged
// (the record then no longer needs them).
type BlobHolder struct {
	Kind   string `json:"kind"`
	ID     int64  `json:"id"`
	Ref    string `json:"ref"`
	Purged bool   `json:"purged,omitempty"`
}

// BlobRefStore lists the blob references records hold, so that bytes no
// record needs can be found without reading whole records.
type BlobRefStore interface {
	// ScanBlobRefs calls fn for every record that holds a blob reference:
	// evidence (retracted and purged included), populations and documents
	// of every kind.
	ScanBlobRefs(ctx context.Context, fn func(BlobHolder) error) error
}
