// Package people holds the roster's workflows: importing it from an HR
// export or Attest's own CSV (Import, with a diff that changes nothing
// until confirmed), entering a person by hand (Save), the onboarding and
// offboarding checklists instantiated when someone is hired or leaves
// (their items created in the same transaction and ledger entry as the
// roster change), marking items done (Done), each item's status (Status,
// with the facts of acknowledgements and training read through
// Completions), the hire and leaver populations for the service auditor
// with a reconciliation to the identity provider (Populations,
// Reconcile), and the known deviations late or missing items make
// (Deviations). Each workflow takes the acting account (nil: the CLI's
// local operator, acting as management) and an attest.Change.
package people

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Store is what the roster's workflows read and write.
type Store interface {
	People(ctx context.Context) ([]attest.Person, error)
	Person(ctx context.Context, id int64) (*attest.Person, error)
	PersonByEmail(ctx context.Context, email string) (*attest.Person, error)
	RecordRoster(ctx context.Context, ch attest.Change, typ string, rc attest.RosterChange, w attest.RosterWrite) (*attest.RosterWritten, error)
	ChecklistItems(ctx context.Context, person int64) ([]attest.ChecklistItem, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
}

func forbidden(what string) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) " + what}
}

// Options are what instantiating checklists needs besides the people.
type Options struct {
	// Checklists are the roles' checklists; nil means Default().
	Checklists *Checklists
	// Since: checklists are instantiated only for start and end dates on
	// or after it (YYYY-MM-DD), so that importing a roster of people hired
	// years ago does not open their onboarding; empty means a year before
	// the change.
	Since string
	// Owners maps the group owners the checklists name (people-ops, it,
	// security) to the e-mail address of who does those items; an item
	// whose owner is not known is management's.
	Owners map[string]string
}

// Groups are the owners of items that Options.Owners gives an address:
// the manager and the person are found on the roster instead.
var Groups = []string{"people-ops", "it", "security"}

// ParseOwners reads owners written GROUP=EMAIL, several to a value when
// separated by commas or lines (the CLI's repeated --owner, the import
// form's field), into Options.Owners: the first one wrong, in the order
// given, or a group given twice, is refused. Its error names the value,
// not the field: the adapter adds that.
func ParseOwners(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, o := range strings.FieldsFunc(strings.Join(values, ","), func(r rune) bool { return r == ',' || r == '\n' }) {
		g, e, _ := strings.Cut(strings.TrimSpace(o), "=")
		g, e = strings.TrimSpace(g), strings.TrimSpace(e)
		if err := checkOwner(g, e); err != nil {
			return nil, err
		}
		if _, twice := out[g]; twice {
			return nil, attest.Errorf(attest.EINVALID, "%q: the group %s is given twice", g+"="+e, g)
		}
		out[g] = e
	}
	return out, nil
}

// checkOwners refuses an owner that is not a group, or without an
// address (the first in the groups' order).
func checkOwners(owners map[string]string) error {
	for _, g := range slices.Sorted(maps.Keys(owners)) {
		if err := checkOwner(g, owners[g]); err != nil {
			return err
		}
	}
	return nil
}

func checkOwner(group, email string) error {
	if !slices.Contains(Groups, group) || !strings.Contains(email, "@") {
		return attest.Errorf(attest.EINVALID, "%q: want GROUP=EMAIL with a group of %s, e.g. it=it@example.com", group+"="+email, strings.Join(Groups, ", "))
	}
	return nil
}

func (o Options) checklists() *Checklists {
	if o.Checklists == nil {
		return Default()
	}
	return o.Checklists
}

func (o Options) since(now time.Time) (string, error) {
	if o.Since == "" {
		return now.UTC().AddDate(-1, 0, 0).Format(time.DateOnly), nil
	}
	if _, err := attest.ParseDate(o.Since); err != nil {
		return "", attest.Errorf(attest.EINVALID, "since: %q is not a date (YYYY-MM-DD)", o.Since)
	}
	return o.Since, nil
}

// planner works out the checklist items a roster change creates.
type planner struct {
	s        Store
	opts     Options
	since    string
	existing map[int64]map[string]bool // person → checklists they already have
	all      []attest.ChecklistItem    // every item, as the change finds them
	accounts map[string]int64
}

func newPlanner(ctx context.Context, s Store, opts Options, now time.Time) (*planner, error) {
	since, err := opts.since(now)
	if err != nil {
		return nil, err
	}
	if err := checkOwners(opts.Owners); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "owners: %s", attest.ErrorMessage(err))
	}
	items, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	pl := &planner{s: s, opts: opts, since: since, existing: map[int64]map[string]bool{}, all: items, accounts: map[string]int64{}}
	for _, it := range items {
		if pl.existing[it.PersonID] == nil {
			pl.existing[it.PersonID] = map[string]bool{}
		}
		pl.existing[it.PersonID][it.Checklist] = true
	}
	return pl, nil
}

// items are the items p is due: onboarding once their start date is known,
// offboarding once their end date is set, each once, for dates on or
// after since.
func (pl *planner) items(ctx context.Context, p *attest.Person) ([]attest.ChecklistItem, error) {
	var out []attest.ChecklistItem
	for _, c := range []struct{ list, date string }{{attest.Onboarding, p.Start}, {attest.Offboarding, p.End}} {
		if c.date == "" || c.date < pl.since || pl.existing[p.ID][c.list] {
			continue
		}
		cl := pl.opts.checklists()
		role := cl.RoleOf(p)
		for _, st := range cl.Steps(role, c.list) {
			due, err := st.Due.On(c.date)
			if err != nil {
				return nil, attest.Errorf(attest.EINVALID, "%s: %s date %q: %v", p.Email, c.list, c.date, err)
			}
			it := attest.ChecklistItem{PersonID: p.ID, Person: p.Email, Checklist: c.list, Role: role, Key: st.Key, Title: st.Title, Kind: st.Kind, Course: st.Course,
				Controls: st.Controls, Owner: st.Owner, Due: due, Rule: st.Due.Rule()}
			if it.Assignee, it.AssigneeID, err = pl.assignee(ctx, p, st.Owner); err != nil {
				return nil, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// assignee is who does an item of p's whose owner is owner: their
// address and, when they have one, their account.
func (pl *planner) assignee(ctx context.Context, p *attest.Person, owner string) (string, int64, error) {
	var email string
	switch owner {
	case "person":
		email = p.Email
	case "manager":
		email = p.Manager
	default:
		email = strings.ToLower(strings.TrimSpace(pl.opts.Owners[owner]))
	}
	if email == "" {
		return "", 0, nil
	}
	id, ok := pl.accounts[email]
	if !ok {
		u, err := pl.s.UserByEmail(ctx, email)
		switch {
		case attest.ErrorCode(err) == attest.ENOTFOUND:
		case err != nil:
			return "", 0, err
		case !u.Disabled:
			id = u.ID
		}
		pl.accounts[email] = id
	}
	return email, id, nil
}
