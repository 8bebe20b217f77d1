package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

const userCols = `id, email, name, role, password_hash, disabled, service, created_at, updated_at`

// SaveUser creates or updates a user and records it (without its password
// hash) in the ledger.
func (s *Store) SaveUser(ctx context.Context, ch attest.Change, u attest.User) (*attest.User, error) {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return nil, attest.Errorf(attest.EINVALID, "user e-mail %q: want an address like name@example.com", u.Email)
	}
	if !attest.ValidRole(u.Role) {
		return nil, attest.Errorf(attest.EINVALID, "role %q: want one of %s", u.Role, strings.Join(attest.Roles, ", "))
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u.UpdatedAt = ch.Stamp()
	if u.ID == 0 {
		if u.ID, err = nextID(ctx, tx, "users"); err != nil {
			return nil, err
		}
		u.CreatedAt = u.UpdatedAt
		_, err = tx.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled, u.Service, u.CreatedAt, u.UpdatedAt)
	} else {
		var res interface{ RowsAffected() (int64, error) }
		res, err = tx.ExecContext(ctx, `UPDATE users SET email = ?, name = ?, role = ?, password_hash = ?, disabled = ?, service = ?, updated_at = ? WHERE id = ?`,
			u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled, u.Service, u.UpdatedAt, u.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return nil, attest.Errorf(attest.ENOTFOUND, "no such user: %d", u.ID)
			}
		}
	}
	if s.d.IsUnique(err) {
		return nil, attest.Errorf(attest.ECONFLICT, "a user with e-mail %s already exists", u.Email)
	}
	if err != nil {
		return nil, fmt.Errorf("save user: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT created_at FROM users WHERE id = ?`, u.ID).Scan(&u.CreatedAt); err != nil {
		return nil, err
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryUserSaved, u); err != nil {
		return nil, err
	}
	return &u, tx.Commit()
}

func (s *Store) users(ctx context.Context, where string, args ...any) ([]attest.User, error) {
	return queryAll(ctx, s, `SELECT `+userCols+` FROM users `+where+` ORDER BY id`, args, func(rows *sql.Rows, u *attest.User) error {
		return rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.Service, &u.CreatedAt, &u.UpdatedAt)
	})
}

// User returns a user by ID, or ENOTFOUND.
func (s *Store) User(ctx context.Context, id int64) (*attest.User, error) {
	l, err := s.users(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such user: %d", id)
	}
	return &l[0], nil
}

// UserByEmail returns a user by e-mail address (any case), or ENOTFOUND.
func (s *Store) UserByEmail(ctx context.Context, email string) (*attest.User, error) {
	l, err := s.users(ctx, `WHERE email = ?`, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such user: %s", email)
	}
	return &l[0], nil
}

// Users lists every user.
func (s *Store) Users(ctx context.Context) ([]attest.User, error) { return s.users(ctx, "") }

const tokenCols = `id, user_id, name, hash, created_at, revoked_at`

// SaveToken creates or updates (revokes) an API token and records it,
// without its hash, in the ledger.
func (s *Store) SaveToken(ctx context.Context, ch attest.Change, t attest.Token) (*attest.Token, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if t.ID == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, t.UserID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such user: %d", t.UserID)
		}
		if t.ID, err = nextID(ctx, tx, "tokens"); err != nil {
			return nil, err
		}
		t.CreatedAt = ch.Stamp()
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?)`, t.ID, t.UserID, t.Name, t.Hash, t.CreatedAt, t.RevokedAt)
	} else {
		var cur attest.Token
		err = tx.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ?`, t.ID).Scan(&cur.ID, &cur.UserID, &cur.Name, &cur.Hash, &cur.CreatedAt, &cur.RevokedAt)
		if err != nil {
			return nil, attest.Errorf(attest.ENOTFOUND, "no such token: %d", t.ID)
		}
		cur.RevokedAt = t.RevokedAt
		t = cur
		_, err = tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, t.RevokedAt, t.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("save token: %w", err)
	}
	if _, err := appendEntry(ctx, tx, ch, attest.EntryTokenSaved, t); err != nil {
		return nil, err
	}
	return &t, tx.Commit()
}

func (s *Store) tokens(ctx context.Context, where string, args ...any) ([]attest.Token, error) {
	return queryAll(ctx, s, `SELECT `+tokenCols+` FROM tokens `+where+` ORDER BY id`, args, func(rows *sql.Rows, t *attest.Token) error {
		return rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &t.RevokedAt)
	})
}

// TokenByHash finds a token by the SHA-256 of its secret, or ENOTFOUND.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*attest.Token, error) {
	l, err := s.tokens(ctx, `WHERE hash = ?`, hash)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attest.Errorf(attest.ENOTFOUND, "no such token")
	}
	return &l[0], nil
}

// Tokens lists a user's tokens (all when userID is 0).
func (s *Store) Tokens(ctx context.Context, userID int64) ([]attest.Token, error) {
	return s.tokens(ctx, `WHERE ? = 0 OR user_id = ?`, userID, userID)
}
