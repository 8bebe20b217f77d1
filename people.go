package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Kinds of person on the roster.
const (
	PersonEmployee   = "employee"
	PersonContractor = "contractor"
)

// Roster statuses, as HR systems export them.
const (
	PersonActive     = "active"
	PersonLeave      = "leave"
	PersonTerminated = "terminated"
)

// Person is one person on the organization's roster: an employee or a
// contractor, with the dates the engagement's hire and leaver populations
// are drawn from. ID is immutable and is what every other record refers
// to; Email is a login attribute, unique on the roster, that may change.
// A person need not have a staff account (Account 0): most employees only
// ever use the employee portal.
type Person struct {
	ID         int64  `json:"id"`
	EmployeeID string `json:"employee_id,omitempty"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	// Start and End are YYYY-MM-DD ("" when not known or not ended).
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
	// Manager is the manager's e-mail address as the roster gives it.
	Manager    string `json:"manager,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
	// Role names the onboarding and offboarding checklists that apply.
	Role string `json:"role,omitempty"`
	// InScope marks people whose work touches the system under
	// examination (their hires and departures are the populations).
	InScope bool `json:"in_scope"`
	// Account is the person's staff account, 0 when they have none.
	Account int64 `json:"account,omitempty"`
	// Source names where the row last came from: "roster.csv line 12",
	// "entered".
	Source    string `json:"source,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
	// Entry is the ledger entry that last changed the person.
	Entry int64 `json:"ledger_entry,omitempty"`
}

// Employed reports whether the person works for the organization on day
// (YYYY-MM-DD): started on or before it and not ended before it.
func (p *Person) Employed(day string) bool {
	if p.Start != "" && p.Start > day {
		return false
	}
	return p.End == "" || p.End >= day
}

// RosterChange is the ledger entry of a change to the roster, whether one
// person entered by hand or a whole import: where the rows came from, how
// many, and the SHA-256 of the rows as written (PeopleDigest), which the
// store keeps row by row so that verify can recompute it.
type RosterChange struct {
	// Source names the input: "file roster.csv", "entered".
	Source string `json:"source"`
	// File is the SHA-256 of the file read, when there was one.
	File    string `json:"file_sha256,omitempty"`
	Added   int    `json:"added"`
	Changed int    `json:"changed"`
	Rows    int    `json:"rows"`
	Digest  string `json:"rows_sha256"`
	// Items counts the checklist items the change created, ItemsDigest
	// their SHA-256 (ChecklistDigest); empty when it created none.
	Items       int    `json:"items,omitempty"`
	ItemsDigest string `json:"items_sha256,omitempty"`
}

// PeopleDigest is the SHA-256 of people as written, each one's JSON on a
// line of its own, in the order given; Entry and UpdatedAt are left out
// (the entry's own seq and time say them).
func PeopleDigest(people []Person) string {
	h := sha256.New()
	for _, p := range people {
		p.Entry, p.UpdatedAt = 0, ""
		b, _ := json.Marshal(p)
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PeopleStore keeps the roster. A change of any size is one transaction
// with one ledger entry.
type PeopleStore interface {
	// RecordPeople writes people with one ledger entry of type typ
	// (EntryRosterImported or EntryPersonSaved) holding rc, its Rows,
	// Added, Changed and Digest filled in by the store: a person with ID 0
	// is added under the next free ID, any other replaces the person with
	// that ID (ENOTFOUND when there is none). An e-mail address another
	// person has is ECONFLICT. It returns the people as written.
	RecordPeople(ctx context.Context, ch Change, typ string, rc RosterChange, people []Person) ([]Person, error)
	// Person is ENOTFOUND when there is no such person.
	Person(ctx context.Context, id int64) (*Person, error)
	// PersonByEmail finds a person by e-mail address, ignoring case.
	PersonByEmail(ctx context.Context, email string) (*Person, error)
	// People lists the roster by ID.
	People(ctx context.Context) ([]Person, error)
	// PersonChanges lists every person as each ledger entry wrote them, by
	// entry then in the order written (for verify).
	PersonChanges(ctx context.Context) ([]Person, error)
}
