package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// appendEntry adds a ledger entry inside tx: the record, its leaf and the
// tree hashes it completes. The caller's transaction holds SQLite's write
// lock (BEGIN IMMEDIATE), so appends from several processes are serialized
// and the tree cannot fork.
func appendEntry(ctx context.Context, tx querier, ch attest.Change, typ string, data any) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries`).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger size: %w", err)
	}
	// JSON cannot hold a string that is not UTF-8: the entry would keep
	// U+FFFD where the record keeps the bytes, and the two would never
	// match again. Refused here, every writer's one way into the ledger,
	// before anything is written.
	for _, v := range []struct {
		what string
		v    any
	}{{"", data}, {"the actor's name", ch.Actor}} {
		if p := ledger.InvalidText(v.v); p != "" {
			return 0, &attest.Error{Code: attest.EINVALID, Message: cmp.Or(v.what, p) + ": not valid UTF-8 text; send text encoded as UTF-8"}
		}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	entry := ledger.Entry{Seq: n, Type: typ, Time: ch.Stamp(), Actor: ch.Actor, Data: raw}
	if ch.Statement != nil {
		entry.Statement = ch.Statement.Hash
		if err := insertStatement(ctx, tx, ch, n); err != nil {
			return 0, err
		}
	}
	record, err := ledger.Encode(entry)
	if err != nil {
		return 0, err
	}
	hashes, err := tlog.StoredHashes(n, record, hashReader{ctx, tx})
	if err != nil {
		return 0, fmt.Errorf("ledger hashes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_entries (seq, type, record, created_at) VALUES (?, ?, ?, ?)`, n, typ, record, ch.Stamp()); err != nil {
		return 0, fmt.Errorf("append ledger entry: %w", err)
	}
	first := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`, first+int64(i), h[:]); err != nil {
			return 0, fmt.Errorf("append ledger hash: %w", err)
		}
	}
	return n, nil
}

type hashReader struct {
	ctx context.Context
	q   querier
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return readHashes(r.ctx, r.q, indexes)
}

func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	got := map[int64]tlog.Hash{}
	err := queryEach(ctx, q, `SELECT idx, hash FROM ledger_hashes WHERE idx IN (?`+strings.Repeat(",?", len(indexes)-1)+`)`, args, func(rows *sql.Rows) error {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return err
		}
		if len(b) != tlog.HashSize {
			return fmt.Errorf("ledger hash %d has %d bytes", idx, len(b))
		}
		var h tlog.Hash
		copy(h[:], b)
		got[idx] = h
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, fmt.Errorf("ledger hash %d is missing", x)
		}
		out[i] = h
	}
	return out, nil
}

// LedgerSize returns the number of ledger entries.
func (s *Store) LedgerSize(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries`).Scan(&n)
	return n, err
}

// ScanLedger calls fn for each entry with from <= seq < to, in order. Rows
// are read as stored: a gap or a reordered row is for the caller to notice.
func (s *Store) ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error {
	return queryEach(ctx, s.db, `SELECT seq, record FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq`, []any{from, to}, func(rows *sql.Rows) error {
		var seq int64
		var rec []byte
		if err := rows.Scan(&seq, &rec); err != nil {
			return err
		}
		return fn(seq, rec)
	})
}

// ScanHashes calls fn for every stored hash in index order.
func (s *Store) ScanHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	return queryEach(ctx, s.db, `SELECT idx, hash FROM ledger_hashes ORDER BY idx`, nil, func(rows *sql.Rows) error {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return err
		}
		var h tlog.Hash
		copy(h[:], b)
		return fn(idx, h)
	})
}

// ReadHashes reads stored hashes by index.
func (s *Store) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db, indexes)
}

// Checkpoint signs and stores the current tree head under the write lock,
// so concurrent writers store checkpoints in order of size.
func (s *Store) Checkpoint(ctx context.Context, sign func(size int64, root tlog.Hash) ([]byte, error), at time.Time) ([]byte, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries`).Scan(&n); err != nil {
		return nil, err
	}
	var root tlog.Hash
	if n > 0 {
		if root, err = tlog.TreeHash(n, hashReader{ctx, tx}); err != nil {
			return nil, fmt.Errorf("tree hash: %w", err)
		}
	}
	signed, err := sign(n, root)
	if err != nil {
		return nil, err
	}
	var last string
	err = tx.QueryRowContext(ctx, `SELECT note FROM ledger_checkpoints ORDER BY id DESC LIMIT 1`).Scan(&last)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	if !ledger.Equal([]byte(last), signed) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_checkpoints (size, note, created_at) VALUES (?, ?, ?)`, n, string(signed), at.UTC().Format(time.RFC3339Nano)); err != nil {
			return nil, err
		}
	}
	return signed, tx.Commit()
}

// Checkpoints returns every stored signed checkpoint, oldest first.
func (s *Store) Checkpoints(ctx context.Context) ([][]byte, error) {
	return queryAll(ctx, s, `SELECT note FROM ledger_checkpoints ORDER BY id`, nil, func(rows *sql.Rows, note *[]byte) error {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		*note = []byte(n)
		return nil
	})
}
