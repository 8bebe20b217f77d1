// Package accessreview runs access reviews: a campaign over one system's
// listing of accounts (a CSV file, or a collection of identity-provider or
// AWS IAM records), each account assigned to a reviewer who is never its
// holder, decided (keep, change, revoke, with a reason for the last two),
// signed off per reviewer, and completed once every revoke is shown done by
// a later listing or a ticket. Every workflow takes the acting account (nil
// for the CLI's local operator, who acts as management) and writes through
// the store, a bulk act as one transaction with one ledger entry.
package accessreview

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	checks "github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
)

// Account is one account of a listing.
type Account struct {
	System       string   `json:"system"`
	Account      string   `json:"account"`
	Person       string   `json:"person,omitempty"`
	Name         string   `json:"name,omitempty"`
	Roles        []string `json:"roles"`
	Entitlements []string `json:"entitlements"`
	Privileged   bool     `json:"privileged"`
}

// Columns of an accounts CSV. system and account are required; roles and
// entitlements hold several values separated by ";"; privileged is
// true/false, yes/no or 1/0 (empty: judged from the roles' names).
var Columns = []string{"system", "account", "email", "name", "roles", "entitlements", "privileged"}

// privilegedName recognizes roles and entitlements that grant
// administrative power, when the listing does not say.
var privilegedName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)admin|owner|root|super|poweruser|privileged`) })

// ReadCSV reads an accounts CSV, keeping the rows of system (compared
// without regard to case) and counting the rest in leftOut. Any bad row
// fails the whole file, named by file, line and field.
func ReadCSV(file string, r io.Reader, system string) (accts []Account, leftOut int, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, 0, lineErr(file, 1, "", "want a header row naming the columns (%s): %v", strings.Join(Columns, ", "), csvErr(err))
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))))
		if _, dup := col[h]; dup && h != "" {
			return nil, 0, lineErr(file, 1, h, "the column appears twice")
		}
		col[h] = i
	}
	for _, need := range []string{"system", "account"} {
		if _, ok := col[need]; !ok {
			return nil, 0, lineErr(file, 1, need, "the header has no %s column (it has %s)", need, strings.Join(head, ", "))
		}
	}
	seen := map[string]int{}
	systems := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, 0, lineErr(file, line, "", "%v", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		a := Account{System: get("system"), Account: get("account"), Person: strings.ToLower(get("email")), Name: get("name"),
			Roles: split(get("roles")), Entitlements: split(get("entitlements"))}
		if a.System == "" {
			return nil, 0, lineErr(file, line, "system", "empty: name the system the account belongs to")
		}
		systems[a.System] = true
		if !strings.EqualFold(a.System, system) {
			leftOut++
			continue
		}
		a.System = system
		if a.Account == "" {
			return nil, 0, lineErr(file, line, "account", "empty: every row names its account")
		}
		if a.Person != "" && !strings.Contains(a.Person, "@") {
			return nil, 0, lineErr(file, line, "email", "%q is not an e-mail address", a.Person)
		}
		if first, dup := seen[a.Account]; dup {
			return nil, 0, lineErr(file, line, "account", "%q is listed twice (first on line %d)", a.Account, first)
		}
		seen[a.Account] = line
		if a.Privileged, err = privileged(get("privileged"), a); err != nil {
			return nil, 0, lineErr(file, line, "privileged", "%v", err)
		}
		accts = append(accts, a)
	}
	if len(accts) == 0 {
		names := slices.Sorted(func(yield func(string) bool) {
			for s := range systems {
				if !yield(s) {
					return
				}
			}
		})
		return nil, 0, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s: no accounts of system %q", file, system),
			Hint: "the file lists systems: " + orNone(strings.Join(names, ", "))}
	}
	return accts, leftOut, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// csvErr is the parse error without the package's own line prefix.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func lineErr(file string, line int, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	return attest.Errorf(attest.EINVALID, "%s: line %d: %s", file, line, msg)
}

func split(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func privileged(v string, a Account) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "y", "1":
		return true, nil
	case "false", "no", "n", "0":
		return false, nil
	case "":
		for _, r := range append(slices.Clone(a.Roles), a.Entitlements...) {
			if privilegedName().MatchString(r) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("%q: want true or false", v)
}

// Record types that list accounts.
const (
	typeIdP = "idp.user"
	typeIAM = "aws.iam_user"
)

// FromRecords reads the accounts of a collection: identity-provider users
// (deprovisioned ones hold no access and are left out) or AWS IAM users.
// When the collection holds both, a system whose name mentions "aws"
// takes the IAM users, any other the identity provider's.
func FromRecords(records []collect.Record, system string) ([]Account, error) {
	has := map[string]bool{}
	for _, r := range records {
		has[r.Type] = true
	}
	typ := typeIdP
	switch {
	case has[typeIAM] && (!has[typeIdP] || strings.Contains(strings.ToLower(system), "aws")):
		typ = typeIAM
	case !has[typeIdP]:
		return nil, &attest.Error{Code: attest.EINVALID, Message: "the collection lists no accounts",
			Hint: "collect an identity provider's users (idp.user) or an AWS IAM credential report (aws.iam_user), or start from a CSV with --file"}
	}
	var out []Account
	for _, r := range records {
		if r.Type != typ {
			continue
		}
		a := Account{System: system, Roles: []string{}, Entitlements: []string{}}
		if typ == typeIdP {
			if str(r.Fields["status"]) == "deprovisioned" {
				continue
			}
			a.Account = orID(str(r.Fields["login"]), r.ID)
			a.Person = strings.ToLower(str(r.Fields["email"]))
			a.Name = strings.TrimSpace(str(r.Fields["firstname"]) + " " + str(r.Fields["lastname"]))
			a.Entitlements = append(a.Entitlements, "status: "+str(r.Fields["status"]))
			if p, ok := r.Fields["profile"].(map[string]any); ok {
				for _, k := range []string{"roles", "groups", "role"} {
					a.Roles = append(a.Roles, strs(p[k])...)
				}
			}
		} else {
			a.Account = r.ID
			if strings.Contains(r.ID, "@") {
				a.Person = strings.ToLower(r.ID)
			}
			if r.Fields["root"] == true {
				a.Roles = append(a.Roles, "root")
			}
			for _, k := range []string{"password_enabled", "access_key_1_active", "access_key_2_active"} {
				if v := r.Fields[k]; v == true || v == "true" {
					a.Entitlements = append(a.Entitlements, strings.TrimSuffix(k, "_enabled"))
				}
			}
		}
		a.Privileged, _ = privileged("", a)
		out = append(out, a)
	}
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return split(x)
	case []any:
		var out []string
		for _, e := range x {
			if s := str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func orID(s, id string) string {
	if s == "" {
		return id
	}
	return s
}

// Person is one person on the roster.
type Person struct {
	Email   string
	Name    string
	Manager string
	Status  string
	EndDate string
}

// Roster is the people an account may belong to, by e-mail address.
type Roster map[string]Person

// RosterFrom reads the HR roster's records (hr.employee).
func RosterFrom(records []collect.Record) Roster {
	out := Roster{}
	for _, r := range records {
		if r.Type != "hr.employee" {
			continue
		}
		p := Person{Email: strings.ToLower(str(r.Fields["email"])), Name: str(r.Fields["name"]), Manager: strings.ToLower(str(r.Fields["manager_email"])),
			Status: str(r.Fields["status"]), EndDate: str(r.Fields["end_date"])}
		if p.Email != "" {
			out[p.Email] = p
		}
	}
	return out
}

// RosterOf is the stored roster (attest.PeopleStore's people) as a Roster.
func RosterOf(people []attest.Person) Roster {
	out := Roster{}
	for _, p := range people {
		out[p.Email] = Person{Email: p.Email, Name: p.Name, Manager: p.Manager, Status: p.Status, EndDate: p.End}
	}
	return out
}

// Employed reports whether p works for the organization on day (YYYY-MM-DD).
func (p Person) Employed(day string) bool {
	return p.Status != "terminated" && (p.EndDate == "" || p.EndDate >= day)
}

// FromCollection is system's accounts as a whole collection read them
// (Collection.Whole), with the listing's provenance: the collection, its
// source, when and by whom.
func FromCollection(c *checks.Collection, system string) ([]Account, attest.Listing, error) {
	if err := c.Whole(); err != nil {
		return nil, attest.Listing{}, err
	}
	accts, err := FromRecords(c.Records, system)
	if err != nil {
		return nil, attest.Listing{}, err
	}
	return accts, attest.Listing{Source: fmt.Sprintf("collection %d (%s, %s)", c.Evidence, c.Source, c.From), Collection: c.Evidence,
		ExtractedAt: c.CollectedAt, ExtractedBy: c.By, Completeness: "the collection read every record of its source without a problem"}, nil
}

// FromFile reads a listing of system's accounts from a CSV file's bytes
// (name is the file's name), with its provenance: the file's SHA-256,
// when and by whom it was extracted, and how many rows of other systems
// were left out.
func FromFile(name string, b []byte, system, extractedAt, extractedBy string) ([]Account, attest.Listing, error) {
	accts, left, err := ReadCSV(name, bytes.NewReader(b), system)
	if err != nil {
		return nil, attest.Listing{}, err
	}
	sum := sha256.Sum256(b)
	return accts, attest.Listing{Source: "file " + name, File: hex.EncodeToString(sum[:]), ExtractedAt: extractedAt, ExtractedBy: extractedBy, LeftOut: left}, nil
}

// RosterFromCollection is the HR roster a collection holds, named for
// the listing's provenance. A collection with a row it could not read,
// or with no roster rows, is refused, as a file would be.
func RosterFromCollection(c *checks.Collection) (Roster, string, error) {
	if err := c.Whole(); err != nil {
		return nil, "", err
	}
	ro := RosterFrom(c.Records)
	if len(ro) == 0 {
		return nil, "", attest.Errorf(attest.EINVALID, "collection %d holds no HR roster rows", c.Evidence)
	}
	return ro, fmt.Sprintf("collection %d (%s)", c.Evidence, c.Source), nil
}

// RosterFromFile reads an HR roster export (any format collect reads) to
// check a listing against, named for the listing's provenance. A file
// with a row it cannot read, or with no roster rows, is refused.
func RosterFromFile(name string, r io.Reader) (Roster, string, error) {
	res, err := collect.Read(name, r)
	if err != nil {
		return nil, "", attest.Errorf(attest.EINVALID, "%v", err)
	}
	if len(res.Problems) > 0 {
		return nil, "", attest.Errorf(attest.EINVALID, "roster: %s", res.Problems[0])
	}
	ro := RosterFrom(res.Records)
	if len(ro) == 0 {
		return nil, "", attest.Errorf(attest.EINVALID, "%s holds no HR roster rows", name)
	}
	return ro, "file " + name, nil
}

// KeptRoster is the roster Attest keeps (attest people) as a Roster, named
// by its latest ledger entry; nil when no one is on it.
func KeptRoster(ctx context.Context, s interface {
	People(ctx context.Context) ([]attest.Person, error)
}) (Roster, string, error) {
	ps, err := s.People(ctx)
	if err != nil || len(ps) == 0 {
		return nil, "", err
	}
	last := int64(0)
	for _, p := range ps {
		last = max(last, p.Entry)
	}
	return RosterOf(ps), fmt.Sprintf("the roster as of ledger entry %d", last), nil
}
