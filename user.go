package attest

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Roles, from most to least privileged. What each may do is enforced by
// the server (DESIGN.md section 6).
const (
	RoleAdmin      = "admin"
	RoleCompliance = "compliance-manager"
	RoleOwner      = "control-owner"
	RoleAuditor    = "auditor"
	RoleViewer     = "viewer"
)

// RoleEmployee is the employee portal's principal: a person on the roster
// signed in with an e-mailed link, who has no staff account. It is not in
// Roles: no account can hold it, no staff route or workflow lists it, and
// the only acts it may make are its own (acknowledging a policy asked of
// it). Build one with Employee.
const RoleEmployee = "employee"

// Employee is the principal of a person signed in to the employee portal:
// no account (ID 0), the person's roster ID in Person.
func Employee(p *Person) *User {
	return &User{Email: p.Email, Name: p.Name, Role: RoleEmployee, Person: p.ID}
}

// IsEmployee reports whether u is the employee portal's principal.
func (u *User) IsEmployee() bool { return u != nil && u.Role == RoleEmployee && u.Person != 0 }

// ChangeBy is a change u makes at at, with the actor named as the ledger
// names an account: "Name <e-mail>", and the employee portal's principal
// "e-mail (employee portal)". Every adapter names an account's acts this
// way, so the same act reads the same from the CLI and the web.
func ChangeBy(u *User, at time.Time) Change {
	if u.IsEmployee() {
		return Change{Actor: u.Email + " (employee portal)", At: at}
	}
	return Change{Actor: u.Name + " <" + u.Email + ">", At: at}
}

// Staff reports whether u acts as the organization's staff or its
// auditors: the local operator or an account holding one of Roles. A
// check written as "any role but X" must start from here, so that the
// employee principal (or any role added later) is never let through.
func Staff(u *User) bool { return u == nil || (u.ID != 0 && ValidRole(u.Role)) }

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleCompliance, RoleOwner, RoleAuditor, RoleViewer}

// ValidRole reports whether r is a role.
func ValidRole(r string) bool { return slices.Contains(Roles, r) }

// Manages reports whether u acts as the organization's management: the
// CLI's local operator (nil), an admin or a compliance manager.
func Manages(u *User) bool {
	return u == nil || u.Role == RoleAdmin || u.Role == RoleCompliance
}

// User is a person who signs in to the server. The password hash is never
// in JSON or the ledger.
type User struct {
	ID           int64  `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	PasswordHash string `json:"-"`
	Disabled     bool   `json:"disabled"`
	// Service marks a service account: automation (CI, collectors) acting
	// through API tokens. It never signs in with a password and can never
	// hold the auditor role.
	Service bool `json:"service,omitempty"`
	// Person is the roster ID of the employee portal's principal
	// (RoleEmployee); 0 for every account.
	Person    int64  `json:"person,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// Validate checks the rules every account obeys, whoever creates it.
func (u *User) Validate() error {
	if u.Service && u.Role == RoleAuditor {
		return Errorf(EINVALID, "a service account cannot hold the auditor role: the auditor's acts are a person's")
	}
	return nil
}

// Token is an API token for CI and collectors: random, shown once, kept
// only as its SHA-256. A token acts for the account that holds it, with
// that account's role, never more.
type Token struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"user"`
	Name      string `json:"name"`
	Hash      string `json:"-"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
}

// UserStore keeps users and API tokens.
type UserStore interface {
	// SaveUser creates (ID 0) or updates a user; an e-mail address is
	// unique, case-insensitively.
	SaveUser(ctx context.Context, ch Change, u User) (*User, error)
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]User, error)
	// SaveToken creates (ID 0) or updates (revokes) a token.
	SaveToken(ctx context.Context, ch Change, t Token) (*Token, error)
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	Tokens(ctx context.Context, userID int64) ([]Token, error)
}

// Named is the accounts that may stand for a person recorded by name:
// enabled people (not service accounts) whose name is exactly name, among
// the auditors when auditor is set, else among everyone else (a control
// owner is never the service auditor). One match links the name; none or
// several leave it to an administrator, never guessed.
func Named(us []User, name string, auditor bool) []User {
	name = strings.TrimSpace(name)
	var out []User
	for _, u := range us {
		if !u.Service && !u.Disabled && name != "" && strings.TrimSpace(u.Name) == name && (u.Role == RoleAuditor) == auditor {
			out = append(out, u)
		}
	}
	return out
}
