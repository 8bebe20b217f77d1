package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/attest-dev/attest"
)

const documentCols = `id, engagement_id, kind, name, ref, size, media_type, meta, added_by, added_at, entry`

// AddDocument records a document whose bytes are already in the blob store.
func (s *Store) AddDocument(ctx context.Context, ch attest.Change, d attest.Document) (*attest.Document, error) {
	switch d.Kind {
	case attest.DocDescription, attest.DocRender, attest.DocIssued, attest.DocShared:
	default:
		return nil, attest.Errorf(attest.EINVALID, "unknown document kind %q", d.Kind)
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out, err := s.addDocument(ctx, tx, ch, d)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

func (s *Store) addDocument(ctx context.Context, tx *tx, ch attest.Change, d attest.Document) (*attest.Document, error) {
	var n int
	var err error
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM engagements WHERE id = ?`, d.EngagementID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such engagement: %s", d.EngagementID)
	}
	if d.ID, err = nextID(ctx, tx, "documents"); err != nil {
		return nil, err
	}
	if d.Meta == nil {
		d.Meta = map[string]string{}
	}
	d.AddedBy, d.AddedAt = ch.Actor, ch.Stamp()
	rec := d
	rec.Entry = 0
	if d.Entry, err = appendEntry(ctx, tx, ch, attest.EntryDocumentAdded, rec); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO documents (`+documentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.EngagementID, d.Kind, d.Name, d.Ref, d.Size, d.MediaType, jsonText(d.Meta), d.AddedBy, d.AddedAt, d.Entry)
	if err != nil {
		return nil, fmt.Errorf("insert document: %w", err)
	}
	return &d, nil
}

// Document returns one document, or ENOTFOUND.
func (s *Store) Document(ctx context.Context, id int64) (*attest.Document, error) {
	l, err := s.documents(ctx, `SELECT `+documentCols+` FROM documents WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such document: %d", id)
	}
	return &l[0], nil
}

// Documents lists documents, oldest first.
func (s *Store) Documents(ctx context.Context, engagementID, kind string) ([]attest.Document, error) {
	return s.documents(ctx, `SELECT `+documentCols+` FROM documents WHERE (? = '' OR engagement_id = ?) AND (? = '' OR kind = ?) ORDER BY id`,
		engagementID, engagementID, kind, kind)
}

func (s *Store) documents(ctx context.Context, q string, args ...any) ([]attest.Document, error) {
	return queryAll(ctx, s, q, args, func(rows *sql.Rows, d *attest.Document) error {
		var meta string
		if err := rows.Scan(&d.ID, &d.EngagementID, &d.Kind, &d.Name, &d.Ref, &d.Size, &d.MediaType, &meta, &d.AddedBy, &d.AddedAt, &d.Entry); err != nil {
			return err
		}
		return json.Unmarshal([]byte(meta), &d.Meta)
	})
}
