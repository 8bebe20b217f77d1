package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
)

// SaveNDA adds a new version of the NDA.
func (s *Store) SaveNDA(ctx context.Context, ch attest.Change, text string) (*attest.NDA, error) {
	if strings.TrimSpace(text) == "" {
		return nil, attest.Errorf(attest.EINVALID, "the NDA text is empty")
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sum := sha256.Sum256([]byte(text))
	n := attest.NDA{Text: text, SHA256: hex.EncodeToString(sum[:]), CreatedAt: ch.Stamp()}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version) + 1, 1) FROM trust_ndas`).Scan(&n.Version); err != nil {
		return nil, err
	}
	if n.Entry, err = appendEntry(ctx, tx, ch, attest.EntryNDASaved, n); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trust_ndas (version, text, sha256, created_at, entry) VALUES (?, ?, ?, ?, ?)`,
		n.Version, n.Text, n.SHA256, n.CreatedAt, n.Entry); err != nil {
		return nil, fmt.Errorf("save NDA: %w", err)
	}
	return &n, tx.Commit()
}

// NDAs lists the NDA versions, oldest first.
func (s *Store) NDAs(ctx context.Context) ([]attest.NDA, error) {
	return queryAll(ctx, s, `SELECT version, text, sha256, created_at, entry FROM trust_ndas ORDER BY version`, nil, func(rows *sql.Rows, n *attest.NDA) error {
		return rows.Scan(&n.Version, &n.Text, &n.SHA256, &n.CreatedAt, &n.Entry)
	})
}

const accessCols = `id, document_id, name, email, company, requester, reason, status, created_at, confirmed_at,
	nda_version, nda_sha256, nda_name, nda_accepted_at, nda_ip, nda_user_agent, decided_by, decided_at, override, note,
	expires_at, revoked_at, email_hash, link_hash`

// SaveAccessRequest creates or updates an access request and records it,
// without its token hashes, in the ledger.
func (s *Store) SaveAccessRequest(ctx context.Context, ch attest.Change, typ string, r attest.AccessRequest) (*attest.AccessRequest, error) {
	if !slices.Contains(attest.AccessEntries, typ) {
		return nil, fmt.Errorf("save access request: entry type %q is not an access entry", typ)
	}
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
	if r.Email == "" || !strings.Contains(r.Email, "@") || r.EmailHash == "" {
		return nil, attest.Errorf(attest.EINVALID, "access request: an e-mail address and its confirmation token are required")
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	link := sql.NullString{String: r.LinkHash, Valid: r.LinkHash != ""}
	if r.ID == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, r.DocumentID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such document: %d", r.DocumentID)
		}
		if r.ID, err = nextID(ctx, tx, "trust_requests"); err != nil {
			return nil, err
		}
		r.CreatedAt = ch.Stamp()
		_, err = tx.ExecContext(ctx, `INSERT INTO trust_requests (`+accessCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.DocumentID, r.Name, r.Email, r.Company, r.Requester, r.Reason, r.Status, r.CreatedAt, r.ConfirmedAt,
			r.NDAVersion, r.NDASHA256, r.NDAName, r.NDAAcceptedAt, r.NDAIP, r.NDAUserAgent, r.DecidedBy, r.DecidedAt, r.Override, r.Note,
			r.ExpiresAt, r.RevokedAt, r.EmailHash, link)
	} else {
		// What the visitor submitted (document, who, why) never changes.
		var res sql.Result
		res, err = tx.ExecContext(ctx, `UPDATE trust_requests SET status = ?, confirmed_at = ?, nda_version = ?, nda_sha256 = ?, nda_name = ?,
			nda_accepted_at = ?, nda_ip = ?, nda_user_agent = ?, decided_by = ?, decided_at = ?, override = ?, note = ?, expires_at = ?,
			revoked_at = ?, link_hash = ? WHERE id = ?`,
			r.Status, r.ConfirmedAt, r.NDAVersion, r.NDASHA256, r.NDAName, r.NDAAcceptedAt, r.NDAIP, r.NDAUserAgent,
			r.DecidedBy, r.DecidedAt, r.Override, r.Note, r.ExpiresAt, r.RevokedAt, link, r.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return nil, attest.Errorf(attest.ENOTFOUND, "no such access request: %d", r.ID)
			}
		}
	}
	if s.d.IsUnique(err) {
		return nil, attest.Errorf(attest.ECONFLICT, "access request: token already in use")
	}
	if err != nil {
		return nil, fmt.Errorf("save access request: %w", err)
	}
	l, err := s.accessRequests(ctx, tx, `WHERE id = ?`, r.ID)
	if err != nil {
		return nil, err
	}
	if _, err := appendEntry(ctx, tx, ch, typ, l[0]); err != nil {
		return nil, err
	}
	return &l[0], tx.Commit()
}

func (s *Store) accessRequests(ctx context.Context, q querier, where string, args ...any) ([]attest.AccessRequest, error) {
	out, err := appendRows(ctx, q, []attest.AccessRequest{}, `SELECT `+accessCols+` FROM trust_requests `+where+` ORDER BY id`, args, func(rows *sql.Rows, r *attest.AccessRequest) error {
		var link sql.NullString
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.Name, &r.Email, &r.Company, &r.Requester, &r.Reason, &r.Status, &r.CreatedAt, &r.ConfirmedAt,
			&r.NDAVersion, &r.NDASHA256, &r.NDAName, &r.NDAAcceptedAt, &r.NDAIP, &r.NDAUserAgent, &r.DecidedBy, &r.DecidedAt, &r.Override, &r.Note,
			&r.ExpiresAt, &r.RevokedAt, &r.EmailHash, &link); err != nil {
			return err
		}
		r.LinkHash = link.String
		return nil
	})
	return out, s.wrap(err)
}

// AccessRequest returns a request by ID, or ENOTFOUND.
func (s *Store) AccessRequest(ctx context.Context, id int64) (*attest.AccessRequest, error) {
	l, err := s.accessRequests(ctx, s.db, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such access request: %d", id)
	}
	return &l[0], nil
}

// AccessRequestByHash finds a request by its e-mail token's or link's hash.
func (s *Store) AccessRequestByHash(ctx context.Context, which, hash string) (*attest.AccessRequest, error) {
	col := map[string]string{"email": "email_hash", "link": "link_hash"}[which]
	if col == "" {
		return nil, fmt.Errorf("access request by hash: %q is neither email nor link", which)
	}
	l, err := s.accessRequests(ctx, s.db, `WHERE `+col+` = ?`, hash)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 || hash == "" {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such link")
	}
	return &l[0], nil
}

// AccessRequests lists every request, oldest first.
func (s *Store) AccessRequests(ctx context.Context) ([]attest.AccessRequest, error) {
	return s.accessRequests(ctx, s.db, "")
}

const downloadCols = `id, document_id, request_id, name, email, company, ip, user_agent, at, sha256, watermark, entry`

// AddDownload records a delivered copy.
func (s *Store) AddDownload(ctx context.Context, ch attest.Change, d attest.Download) (*attest.Download, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if d.ID, err = nextID(ctx, tx, "trust_downloads"); err != nil {
		return nil, err
	}
	d.At = ch.Stamp()
	if d.Entry, err = appendEntry(ctx, tx, ch, attest.EntryDownload, d); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trust_downloads (`+downloadCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.DocumentID, d.RequestID, d.Name, d.Email, d.Company, d.IP, d.UserAgent, d.At, d.SHA256, d.Watermark, d.Entry); err != nil {
		return nil, fmt.Errorf("record download: %w", err)
	}
	return &d, tx.Commit()
}

// Downloads lists every delivered copy, oldest first.
func (s *Store) Downloads(ctx context.Context) ([]attest.Download, error) {
	return queryAll(ctx, s, `SELECT `+downloadCols+` FROM trust_downloads ORDER BY id`, nil, func(rows *sql.Rows, d *attest.Download) error {
		return rows.Scan(&d.ID, &d.DocumentID, &d.RequestID, &d.Name, &d.Email, &d.Company, &d.IP, &d.UserAgent, &d.At, &d.SHA256, &d.Watermark, &d.Entry)
	})
}

// CountPublicDownload adds one to a public document's downloads on day.
func (s *Store) CountPublicDownload(ctx context.Context, documentID int64, day string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO public_downloads (document_id, day, count) VALUES (?, ?, 1)
		ON CONFLICT (document_id, day) DO UPDATE SET count = public_downloads.count + 1`, documentID, day)
	if err != nil {
		return fmt.Errorf("count public download: %w", s.wrap(err))
	}
	return nil
}

// PublicDownloads lists the public documents' download counts by day.
func (s *Store) PublicDownloads(ctx context.Context) ([]attest.PublicDownloads, error) {
	return queryAll(ctx, s, `SELECT document_id, day, count FROM public_downloads ORDER BY day, document_id`, nil, func(rows *sql.Rows, p *attest.PublicDownloads) error {
		return rows.Scan(&p.DocumentID, &p.Day, &p.Count)
	})
}
