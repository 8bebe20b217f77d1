// Package postgres is Attest's store on a PostgreSQL server, for teams: the
// same attest.Store, the same conformance suite and the same migration
// version numbers as the embedded SQLite store, through pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the PostgreSQL store. It implements attest.Store.
type DB struct {
	*sqlstore.Store
	db *sql.DB
}

var _ attest.Store = (*DB)(nil)

// writeLock is the advisory lock every writing transaction takes first, so
// ledger appends from any number of processes are serialized by the
// database and the tree cannot fork. The key is "attest" in ASCII, as a number.
const writeLock = `SELECT pg_advisory_xact_lock(107152796906356)`

var dialect = sqlstore.Dialect{
	Numbered:       true,
	LockWrites:     writeLock,
	AggControls:    "string_agg(control_id, ' ' ORDER BY control_id)",
	InsertionOrder: "ord",
	SkipLocked:     "FOR UPDATE SKIP LOCKED",
	ForUpdate:      "FOR UPDATE",
	IsUnique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	IsUnavailable: unavailable,
	CopyFrom:      copyFrom,
}

// copyFrom writes rows with COPY, on the connection of the transaction in
// progress: one round trip for any number of rows.
func copyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) (int64, error) {
	var n int64
	err := conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection", table)
		}
		var err error
		n, err = pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	return n, err
}

// unavailable recognizes errors that mean the server cannot be reached or
// is shutting down.
func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P03"
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "connect")
}

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// Open connects to the database at url (postgres://...), applies pending
// migrations, and refuses a database that holds other tables but no Attest
// schema, or a schema newer than this binary knows.
func Open(ctx context.Context, url string) (*DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "database URL: %v", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("cannot reach the PostgreSQL server: %v", redact(err.Error(), url)), Hint: "check the database URL and that the server is running"}
	}
	s := &DB{Store: sqlstore.New(db, dialect), db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// redact keeps a password in the URL out of messages.
func redact(msg, url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.Index(url[i+3:], "@"); j >= 0 {
			if k := strings.Index(url[i+3:i+3+j], ":"); k >= 0 {
				pw := url[i+3+k+1 : i+3+j]
				if pw != "" {
					msg = strings.ReplaceAll(msg, pw, "***")
				}
			}
		}
	}
	return msg
}

func (s *DB) migrate(ctx context.Context) error {
	var tables, gooseTable int
	err := s.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE table_name = 'goose_db_version')
		FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables, &gooseTable)
	if err != nil {
		return fmt.Errorf("inspect database: %w", err)
	}
	if tables > 0 && gooseTable == 0 {
		return &attest.Error{Code: attest.EINVALID, Message: "the database holds other tables and no Attest schema", Hint: "use an empty database, or a schema of its own, for Attest"}
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db, Migrations())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > target {
		return &attest.Error{Code: attest.EINVALID,
			Message: fmt.Sprintf("the database has schema version %d, newer than this attest understands (%d)", current, target),
			Hint:    "upgrade attest to the version that wrote this database"}
	}
	// Two processes starting at once must not both migrate.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(30796665482998885)`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(30796665482998885)`)
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
