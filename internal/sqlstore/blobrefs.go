package sqlstore

import (
	"context"
	"database/sql"

	"github.com/attest-dev/attest"
)

// ScanBlobRefs calls fn for every record that holds a blob reference. The
// tables with a blob reference are evidence, populations and documents
// (sqlite's TestEveryBlobColumnIsScanned keeps this list honest).
func (s *Store) ScanBlobRefs(ctx context.Context, fn func(attest.BlobHolder) error) error {
	return queryEach(ctx, s.db, `SELECT 'evidence', id, ref, purged_at FROM evidence
		UNION ALL SELECT 'population', id, ref, '' FROM populations
		UNION ALL SELECT 'document', id, ref, '' FROM documents`, nil, func(rows *sql.Rows) error {
		var h attest.BlobHolder
		var purged string
		if err := rows.Scan(&h.Kind, &h.ID, &h.Ref, &purged); err != nil {
			return err
		}
		h.Purged = purged != ""
		return fn(h)
	})
}
