package sqlstore

import (
	"context"

	"github.com/attest-dev/attest"
)

// ScanBlobRefs calls fn for every record that holds a blob reference. The
// tables with a blob reference are evidence, populations and documents
// (sqlite's TestEveryBlobColumnIsScanned keeps this list honest).
func (s *Store) ScanBlobRefs(ctx context.Context, fn func(attest.BlobHolder) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT 'evidence', id, ref, purged_at FROM evidence
		UNION ALL SELECT 'population', id, ref, '' FROM populations
		UNION ALL SELECT 'document', id, ref, '' FROM documents`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h attest.BlobHolder
		var purged string
		if err := rows.Scan(&h.Kind, &h.ID, &h.Ref, &purged); err != nil {
			return err
		}
		h.Purged = purged != ""
		if err := fn(h); err != nil {
			return err
		}
	}
	return rows.Err()
}
