// Package sqlstore is the attest.Store implementation shared by the SQL
// engines. Its SQL is portable (written with ? placeholders, rebound for
// engines that number them); what differs between engines (migrations,
// locking, an aggregate, error codes) comes from the engine's Dialect. The
// sqlite and postgres packages open the database, run their own migrations
// and wrap a Store.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/attest-dev/attest"
)

// Dialect is what an engine tells the shared store.
type Dialect struct {
	// Numbered placeholders ($1, $2, ...) instead of ?.
	Numbered bool
	// LockWrites, when set, runs first in every writing transaction to
	// serialize writers (ledger appends must never interleave). SQLite
	// needs none: its connections BEGIN IMMEDIATE.
	LockWrites string
	// AggControls joins the ordered control IDs of the subquery "ec" with
	// spaces.
	AggControls string
	// InsertionOrder is a column that orders engagements created in the
	// same instant.
	InsertionOrder string
	// SkipLocked ends the query that picks a job to claim, so concurrent
	// claimers pass over rows another claimer holds (PostgreSQL's FOR
	// UPDATE SKIP LOCKED). SQLite needs none: BEGIN IMMEDIATE serializes
	// claimers.
	SkipLocked string
	// ForUpdate ends a query that reads a row the transaction will change.
	ForUpdate string
	// CopyFrom, when set, writes many rows into a table on the connection
	// of a transaction begun with beginConn (PostgreSQL: COPY).
	CopyFrom func(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) (int64, error)
	// CacheStatements prepares each query once per connection and reuses
	// it (for drivers that do not cache statements themselves).
	CacheStatements bool
	// IsBusy recognizes a lock that could not be had in time (SQLite's
	// SQLITE_BUSY); short job and session transactions retry it.
	IsBusy func(error) bool
	// IsUnique recognizes a unique-constraint violation.
	IsUnique func(error) bool
	// IsUnavailable recognizes errors that mean the database cannot be
	// reached (reported as such, not as internal errors).
	IsUnavailable func(error) bool
}

// Store implements attest.Store over database/sql.
type Store struct {
	raw *sql.DB
	db  rebinder
	d   Dialect
}

// New wraps an open database.
func New(db *sql.DB, d Dialect) *Store {
	if d.IsUnique == nil {
		d.IsUnique = func(error) bool { return false }
	}
	r := rebinder{q: db, numbered: d.Numbered}
	if d.CacheStatements {
		r.stmts = &stmtCache{db: db}
	}
	return &Store{raw: db, db: r, d: d}
}

// Close closes the database.
func (s *Store) Close() error { return s.raw.Close() }

// SQL returns the underlying handle, for tests and tools.
func (s *Store) SQL() *sql.DB { return s.raw }

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rebinder turns ? placeholders into $n for engines that number them.
type rebinder struct {
	q        querier
	numbered bool
	// stmts, when set, prepares each query once and reuses it (reads and
	// writes outside transactions).
	stmts *stmtCache
}

// stmtCache keeps prepared statements by query text. database/sql prepares
// a statement again on each connection that runs it and keeps those too.
// Queries built from data are rare here; past maxStatements the cache
// stops growing and such queries run unprepared.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxStatements = 1000

func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil {
		return st
	}
	if len(c.m) >= maxStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		// Let the plain call report the error.
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (r rebinder) rebind(query string) string {
	if !r.numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// badText refuses a statement's text argument that is not UTF-8, before
// the engine sees it: PostgreSQL refuses it with an error of its own, and
// SQLite keeps the bytes, which no ledger entry can record as they are
// (appendEntry refuses such a value too, naming its field).
func badText(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && !utf8.ValidString(s) {
			return &attest.Error{Code: attest.EINVALID, Message: "a text value is not valid UTF-8; send text encoded as UTF-8"}
		}
	}
	return nil
}

func (r rebinder) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := badText(args); err != nil {
		return nil, err
	}
	query = r.rebind(query)
	if r.stmts != nil {
		if st := r.stmts.get(ctx, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return r.q.ExecContext(ctx, query, args...)
}

func (r rebinder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := badText(args); err != nil {
		return nil, err
	}
	query = r.rebind(query)
	if r.stmts != nil {
		if st := r.stmts.get(ctx, query); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return r.q.QueryContext(ctx, query, args...)
}

func (r rebinder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query = r.rebind(query)
	if r.stmts != nil {
		if st := r.stmts.get(ctx, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return r.q.QueryRowContext(ctx, query, args...)
}

// tx is a writing transaction that holds the engine's write lock.
type tx struct {
	rebinder
	t *sql.Tx
}

func (t *tx) Commit() error   { return t.t.Commit() }
func (t *tx) Rollback() error { return t.t.Rollback() }

func (s *Store) begin(ctx context.Context) (*tx, error) { return s.beginTx(ctx, true) }

// beginLocal starts a writing transaction without the ledger's write lock,
// for tables that hold no ledger state (jobs, sessions): their rows are
// locked one by one, so servers do not queue behind each other's appends.
func (s *Store) beginLocal(ctx context.Context) (*tx, error) { return s.beginTx(ctx, false) }

func (s *Store) beginTx(ctx context.Context, lock bool) (*tx, error) {
	t, err := s.raw.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap(err)
	}
	if lock && s.d.LockWrites != "" {
		if _, err := t.ExecContext(ctx, s.d.LockWrites); err != nil {
			t.Rollback()
			return nil, s.wrap(err)
		}
	}
	return &tx{rebinder{q: t, numbered: s.d.Numbered}, t}, nil
}

// retryBusy runs fn again, a few times with a growing pause, while the
// engine reports its lock busy. Many short transactions from several
// workers (job claims) can see SQLite give up waiting under load; a retry
// is safe because fn is a whole transaction.
func (s *Store) retryBusy(ctx context.Context, fn func() error) error {
	err := fn()
	for i := 1; i <= 5 && err != nil && s.d.IsBusy != nil && s.d.IsBusy(err); i++ {
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i*i) * 10 * time.Millisecond):
		}
		err = fn()
	}
	return err
}

// Unavailable reports whether err means the database cannot be reached,
// so callers (the web server) can answer 503 rather than 500.
// Only the store's own outage errors count (Unreachable): an
// EUNAVAILABLE a workflow or an adapter returns ("this server has no
// evidence store", "the single sign-on provider does not answer") says
// what it means in words for the user, and is shown as it is.
func (s *Store) Unavailable(err error) bool {
	var u *unreachable
	if errors.As(err, &u) {
		return true
	}
	var ae *attest.Error
	if errors.As(err, &ae) {
		return false
	}
	return err != nil && s.d.IsUnavailable != nil && s.d.IsUnavailable(err)
}

// unreachable is a database that cannot be reached: an EUNAVAILABLE
// *attest.Error to every caller (the CLI prints it, with the driver's
// cause, for its operator), which Unavailable tells apart so that the web
// answers it without the cause.
type unreachable struct{ ae *attest.Error }

func (u *unreachable) Error() string { return u.ae.Error() }
func (u *unreachable) Unwrap() error { return u.ae }

// Unreachable is err as the store reports a database it cannot reach.
func Unreachable(err error) error {
	return &unreachable{&attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("the database is unavailable: %v", err), Hint: "check that the database server is running and reachable"}}
}

// writeTx is a writing transaction of either kind.
type writeTx interface {
	querier
	Commit() error
	Rollback() error
}

// connTx is a writing transaction begun by hand on one pooled connection,
// so the engine's bulk path (COPY) can use the driver's connection inside
// it. It holds the write lock as begin's transactions do.
type connTx struct {
	rebinder
	c    *sql.Conn
	done bool
}

func (s *Store) beginConn(ctx context.Context) (*connTx, error) {
	c, err := s.raw.Conn(ctx)
	if err != nil {
		return nil, s.wrap(err)
	}
	t := &connTx{rebinder{q: c, numbered: s.d.Numbered}, c, false}
	if _, err := c.ExecContext(ctx, `BEGIN`); err != nil {
		c.Close()
		return nil, s.wrap(err)
	}
	if s.d.LockWrites != "" {
		if _, err := c.ExecContext(ctx, s.d.LockWrites); err != nil {
			t.Rollback()
			return nil, s.wrap(err)
		}
	}
	return t, nil
}

func (t *connTx) Commit() error {
	t.done = true
	defer t.c.Close()
	_, err := t.c.ExecContext(context.Background(), `COMMIT`)
	return err
}

func (t *connTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	defer t.c.Close()
	_, err := t.c.ExecContext(context.Background(), `ROLLBACK`)
	return err
}

// wrap reports an unreachable database as such.
func (s *Store) wrap(err error) error {
	if err != nil && s.d.IsUnavailable != nil && s.d.IsUnavailable(err) {
		return Unreachable(err)
	}
	return err
}

func notFound(what, id string) error {
	return attest.Errorf(attest.ENOTFOUND, "no such %s: %s", what, id)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// nextID is the next row ID of a table. Writers hold the write lock, so two
// cannot take the same one.
func nextID(ctx context.Context, tx *tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id) + 1, 1) FROM `+table).Scan(&id)
	return id, err
}

// queryAll runs a read and scans every row into a T with scan: the one
// loop of the lists (an empty list, never nil, when there are no rows). An
// unreachable database, whether the query or the reading of its rows finds
// it, is reported as such.
func queryAll[T any](ctx context.Context, s *Store, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	out, err := appendRows(ctx, s.db, []T{}, q, args, scan)
	return out, s.wrap(err)
}

// appendRows is queryAll's loop for the lists that read on a transaction
// or know how many rows to expect: it appends every row of a read on q
// (the store's handle or a transaction) to out. Errors are returned as
// they are.
func appendRows[T any](ctx context.Context, q querier, out []T, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	err := queryEach(ctx, q, query, args, func(rows *sql.Rows) error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanInto adapts a scan helper shared with the single-row reads
// (scanPolicy and the like, given a *sql.Row or *sql.Rows) to queryAll.
func scanInto[T any](scan func(interface{ Scan(...any) error }) (*T, error)) func(*sql.Rows, *T) error {
	return func(rows *sql.Rows, v *T) error {
		got, err := scan(rows)
		if err != nil {
			return err
		}
		*v = *got
		return nil
	}
}

// queryEach runs a read on q (the store's handle or a transaction) and
// calls fn for every row, stopping at fn's first error: for the reads that
// stream their rows or build something other than a list. Errors are
// returned as they are; a caller wraps them as it needs.
func queryEach(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
