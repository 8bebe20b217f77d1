// Package sqlite is Attest's embedded store: one SQLite database file in the
// data directory, through the pure-Go modernc.org/sqlite driver, so the
// binary needs no C toolchain and no server.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/sqlstore"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite store. It implements attest.Store.
type DB struct {
	*sqlstore.Store
	db   *sql.DB
	path string
}

// dialect is what the shared store needs to know of SQLite.
var dialect = sqlstore.Dialect{
	CacheStatements: true,
	AggControls:     "group_concat(control_id, ' ')",
	InsertionOrder:  "rowid",
	IsUnique: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
	},
	IsBusy: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "SQLITE_BUSY")
	},
}

var _ attest.Store = (*DB)(nil)

// dsn builds the connection string. The pragmas, applied to every pooled
// connection:
//   - journal_mode(WAL): readers do not block the writer, and a crash leaves
//     the database consistent;
//   - foreign_keys(1): SQLite leaves them off unless asked;
//   - busy_timeout(10000): wait up to 10 s for another process's write lock
//     instead of failing at once (several CLI processes may share a directory);
//   - synchronous(FULL): a committed transaction survives power loss, which
//     matters more here than write speed;
//   - cache_size(-32768): up to 32 MiB of pages per connection (the default
//     is 2 MiB), so a bulk act (an access review of 20,000 accounts) keeps
//     its dirty pages in memory until commit instead of spilling them to the
//     WAL halfway; the cache grows only as pages are read;
//   - temp_store(MEMORY): statement journals and sorts stay in memory.
//
// _txlock=immediate takes the write lock at BEGIN, so two writers queue up
// instead of failing with SQLITE_BUSY halfway through a transaction.
func dsn(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(FULL)", "cache_size(-32768)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Create makes a new database at path and applies every migration. It fails
// if the file exists.
func Create(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, attest.Errorf(attest.ECONFLICT, "%s already exists", path)
	}
	return open(ctx, path, true)
}

// Open opens an existing database and applies pending migrations. A missing
// file, a file that is not an Attest database, and a database from a newer
// Attest are refused with a hint.
func Open(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no Attest database at %s", path)}
	}
	return open(ctx, path, false)
}

func open(ctx context.Context, path string, create bool) (*DB, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// database/sql keeps two idle connections by default: under a busy
	// server every other query would open a connection, run the pragmas and
	// prepare its statements again (measured: p99 in the hundreds of
	// milliseconds at 100 concurrent requests). Keep as many idle as a busy
	// server uses, and let the ones unused for five minutes go; the number
	// open stays unbounded, as a cap could deadlock a caller that queries
	// while it iterates rows.
	db.SetMaxIdleConns(max(128, 4*runtime.GOMAXPROCS(0)))
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &DB{Store: sqlstore.New(db, dialect), db: db, path: path}
	if err := s.migrate(ctx, create); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Migrations returns the embedded migration files (for tests and tooling).
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

func (s *DB) migrate(ctx context.Context, create bool) error {
	if !create {
		if err := s.checkIsAttest(ctx); err != nil {
			return err
		}
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, Migrations())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version of %s: %w", s.path, err)
	}
	if current > target {
		return &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("%s has schema version %d, newer than this attest understands (%d)", s.path, current, target),
			Hint:    "upgrade attest to the version that wrote this data directory"}
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	return nil
}

// checkIsAttest refuses a file that is not SQLite or has no goose version
// table.
func (s *DB) checkIsAttest(ctx context.Context) error {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n)
	if err != nil || n == 0 {
		return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s is not an Attest database", s.path)}
	}
	return nil
}
