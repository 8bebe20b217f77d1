package people

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
)

// ImportRequest is a roster file to import.
type ImportRequest struct {
	// Name is the file's name, for messages and the entry's source.
	Name string
	Data []byte
	// Confirm records a re-import; without it a re-import only answers
	// its diff. The first import (an empty roster) needs none.
	Confirm bool
	// Preview answers the diff and records nothing, even for the first
	// import (the web shows every import's diff before it is confirmed).
	Preview bool
	// Shown, when set, is the SHA-256 of the file whose diff was shown:
	// the import is confirmed only for that very file (Data must have it).
	Shown string
	Options
}

// ErrNotShown is the refusal of a confirmation (Shown) sent with another
// file than the one whose diff was shown.
var ErrNotShown = attest.Errorf(attest.EINVALID, "the file sent is not the one whose changes were shown (its SHA-256 differs): upload it again")

// FieldChange is one field of a person the file changes.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Changed is a person on the roster whose row in the file differs.
type Changed struct {
	Person attest.Person `json:"person"`
	Fields []FieldChange `json:"fields"`
}

// Diff is what an import would change: people added, people changed
// (field by field), people on the roster but not in the file (reported,
// never removed), and the checklist items it would open.
type Diff struct {
	Added     []attest.Person `json:"added"`
	Changed   []Changed       `json:"changed"`
	NotInFile []attest.Person `json:"not_in_file"`
	Unchanged int             `json:"unchanged"`
	Items     int             `json:"checklist_items"`
	// Moves are the open checklist items whose due dates move with a
	// changed start or end date.
	Moves []attest.ChecklistRedated `json:"checklist_items_moved"`
}

// Imported is an import's answer: its diff, and whether it was recorded.
type Imported struct {
	Format string `json:"format"`
	File   string `json:"file_sha256"`
	Diff   Diff   `json:"diff"`
	// Recorded is false for a re-import not confirmed, and when the file
	// changes nothing.
	Recorded bool `json:"recorded"`
	// NeedsConfirm: a re-import that would change something, not
	// confirmed.
	NeedsConfirm bool                   `json:"needs_confirm,omitempty"`
	Entry        int64                  `json:"ledger_entry,omitempty"`
	People       []attest.Person        `json:"people"`
	Items        []attest.ChecklistItem `json:"items"`
	// Redated are the open items whose due dates moved with their
	// person's start or end date.
	Redated []attest.ChecklistItem `json:"redated"`
}

// Import reads a roster file and, for management only, records what it
// changes: people matched by employee ID when the row has one someone on
// the roster holds, else by e-mail address; new people added; fields the
// file gives replacing the roster's, fields it has no column for left as
// they are; people not in the file reported, not removed. The checklist
// items the change opens are created with it, in one transaction and one
// ledger entry (roster.imported). A re-import answers its diff and
// changes nothing until confirmed.
func Import(ctx context.Context, s Store, ch attest.Change, actor *attest.User, req ImportRequest) (*Imported, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("imports the roster")
	}
	if req.Shown != "" {
		if sum := sha256.Sum256(req.Data); req.Shown != hex.EncodeToString(sum[:]) {
			return nil, ErrNotShown
		}
		req.Confirm = true
	}
	format, rows, err := ReadCSV(req.Name, req.Data)
	if err != nil {
		return nil, err
	}
	current, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(req.Data)
	out := &Imported{Format: format, File: hex.EncodeToString(sum[:]), People: []attest.Person{}, Items: []attest.ChecklistItem{}, Redated: []attest.ChecklistItem{}}
	write, err := merge(req.Name, rows, current, ch.At, &out.Diff)
	if err != nil {
		return nil, err
	}
	pl, err := newPlanner(ctx, s, req.Options, ch.At)
	if err != nil {
		return nil, err
	}
	var items []attest.ChecklistItem
	for i := range write {
		its, err := pl.items(ctx, &write[i])
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
	}
	out.Diff.Items = len(items)
	out.Diff.Moves = pl.moves(write)
	if len(write) == 0 {
		return out, nil
	}
	if req.Preview && !req.Confirm || len(current) > 0 && !req.Confirm {
		out.NeedsConfirm = true
		return out, nil
	}
	rc := attest.RosterChange{Source: "file " + req.Name, File: out.File}
	w, err := s.RecordRoster(ctx, ch, attest.EntryRosterImported, rc, attest.RosterWrite{People: write, Items: items, Moves: out.Diff.Moves})
	if err != nil {
		return nil, err
	}
	out.Recorded, out.People, out.Redated = true, w.People, w.Moved
	if len(w.Items) > 0 {
		out.Items = w.Items
	}
	if len(w.People) > 0 {
		out.Entry = w.People[0].Entry
	}
	return out, nil
}

// merge matches the rows to the roster and fills diff; it returns the
// people to write (added ones with ID 0).
func merge(name string, rows []Row, current []attest.Person, now time.Time, diff *Diff) ([]attest.Person, error) {
	byID := map[string]int{}
	byEmail := map[string]int{}
	for i, p := range current {
		if p.EmployeeID != "" {
			byID[p.EmployeeID] = i
		}
		byEmail[p.Email] = i
	}
	matched := map[int]int{} // index in current → line
	today := now.UTC().Format(time.DateOnly)
	diff.Added, diff.Changed, diff.NotInFile = []attest.Person{}, []Changed{}, []attest.Person{}
	var write []attest.Person
	for _, r := range rows {
		i, ok := byID[r.Person.EmployeeID]
		if !ok || r.Person.EmployeeID == "" {
			i, ok = byEmail[r.Person.Email]
		}
		if !ok {
			p := fill(r, attest.Person{InScope: true}, today)
			diff.Added = append(diff.Added, p)
			write = append(write, p)
			continue
		}
		if line, dup := matched[i]; dup {
			return nil, bad(name, r.Line, "email", "this row and line %d are both %s on the roster", line, current[i].Email)
		}
		matched[i] = r.Line
		p := fill(r, current[i], today)
		if fs := changes(current[i], p); len(fs) > 0 {
			diff.Changed = append(diff.Changed, Changed{Person: p, Fields: fs})
			write = append(write, p)
		} else {
			diff.Unchanged++
		}
	}
	for i, p := range current {
		if _, ok := matched[i]; !ok {
			diff.NotInFile = append(diff.NotInFile, p)
		}
	}
	return write, nil
}

// fill is p with the fields the row gives; a new person's kind, status
// and scope get their defaults.
func fill(r Row, p attest.Person, today string) attest.Person {
	n := r.Person
	set := func(field string, dst *string, v string) {
		if r.Has[field] {
			*dst = v
		}
	}
	set("employee_id", &p.EmployeeID, n.EmployeeID)
	set("email", &p.Email, n.Email)
	set("name", &p.Name, n.Name)
	set("kind", &p.Kind, n.Kind)
	set("status", &p.Status, n.Status)
	set("start", &p.Start, n.Start)
	set("end", &p.End, n.End)
	set("manager", &p.Manager, n.Manager)
	set("department", &p.Department, n.Department)
	set("title", &p.Title, n.Title)
	set("role", &p.Role, n.Role)
	if r.Has["in_scope"] {
		p.InScope = n.InScope
	}
	if p.Kind == "" {
		p.Kind = attest.PersonEmployee
	}
	if p.Status == "" || !r.Has["status"] && r.Has["end"] {
		p.Status = attest.PersonActive
		if p.End != "" && p.End < today {
			p.Status = attest.PersonTerminated
		}
	}
	p.Source = n.Source
	return p
}

// changes lists the fields of a person that differ between was and is
// (the source aside: it always names the latest file).
func changes(was, is attest.Person) []FieldChange {
	var out []FieldChange
	for _, f := range []struct{ name, a, b string }{
		{"employee_id", was.EmployeeID, is.EmployeeID}, {"email", was.Email, is.Email}, {"name", was.Name, is.Name}, {"kind", was.Kind, is.Kind},
		{"status", was.Status, is.Status}, {"start", was.Start, is.Start}, {"end", was.End, is.End}, {"manager", was.Manager, is.Manager},
		{"department", was.Department, is.Department}, {"title", was.Title, is.Title}, {"role", was.Role, is.Role},
		{"in_scope", fmt.Sprint(was.InScope), fmt.Sprint(is.InScope)},
	} {
		if f.a != f.b {
			out = append(out, FieldChange{Field: f.name, From: f.a, To: f.b})
		}
	}
	return out
}
