package people

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// RosterQuery narrows the roster read.
type RosterQuery struct {
	// Status is active, leave or terminated; empty means everyone.
	Status string
	// Department keeps one department (ignoring case); empty means all.
	Department string
}

// Progress counts one person's checklist items by status.
type Progress struct {
	Items    int `json:"items"`
	Done     int `json:"done"`
	DoneLate int `json:"done_late"`
	Open     int `json:"open"`
	Overdue  int `json:"overdue"`
}

func (p *Progress) add(st ItemStatus) {
	p.Items++
	switch st.Status {
	case DoneOnTime:
		p.Done++
	case DoneLate:
		p.DoneLate++
	case Open:
		p.Open++
	case Overdue:
		p.Overdue++
	}
}

// Entry is one person on the roster with their checklists' progress.
type Entry struct {
	attest.Person
	Progress Progress `json:"progress"`
}

// RosterView is the roster as the reader may see it: everyone for
// management, only their direct reports for a manager with a staff
// account (Reports is then true), with the departments to filter by.
type RosterView struct {
	People      []Entry  `json:"people"`
	Reports     bool     `json:"reports_only,omitempty"`
	Departments []string `json:"departments"`
}

// Roster is the roster with each person's checklist progress on now's
// day. Management reads everyone; any other staff account reads only the
// people whose manager it is (by e-mail address), with the fields a
// manager knows anyway; the service auditor reads none of it (the hire
// and leaver populations are theirs to read).
func Roster(ctx context.Context, s ReadStore, c Completions, actor *attest.User, q RosterQuery, now time.Time) (*RosterView, error) {
	if err := staffOnly(actor); err != nil {
		return nil, err
	}
	all, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	if q.Status != "" {
		if all, err = withStatus(all, q.Status); err != nil {
			return nil, err
		}
	}
	its, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	today := now.UTC().Format(time.DateOnly)
	progress := map[int64]*Progress{}
	for _, it := range its {
		st, err := Judge(ctx, c, it, today)
		if err != nil {
			return nil, err
		}
		if progress[it.PersonID] == nil {
			progress[it.PersonID] = &Progress{}
		}
		progress[it.PersonID].add(st)
	}
	out := &RosterView{People: []Entry{}, Reports: !attest.Manages(actor), Departments: []string{}}
	seen := map[string]bool{}
	for _, p := range all {
		if out.Reports && !managedBy(&p, actor) {
			continue
		}
		if d := p.Department; d != "" && !seen[strings.ToLower(d)] {
			seen[strings.ToLower(d)] = true
			out.Departments = append(out.Departments, d)
		}
		if q.Department != "" && !strings.EqualFold(strings.TrimSpace(q.Department), p.Department) {
			continue
		}
		if out.Reports {
			p = manager(p)
		}
		e := Entry{Person: p}
		if pr := progress[p.ID]; pr != nil {
			e.Progress = *pr
		}
		out.People = append(out.People, e)
	}
	return out, nil
}

// staffOnly refuses the service auditor and anyone not on the staff (an
// employee sees what is asked of them in the portal, never the roster,
// even as someone's manager).
func staffOnly(actor *attest.User) error {
	if actor != nil && actor.Role == attest.RoleAuditor {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the service auditor reads the hire and leaver populations of their engagements, not the roster"}
	}
	if !attest.Staff(actor) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the roster is read by management, and a person's checklists by their manager's staff account"}
	}
	return nil
}

// managedBy reports whether actor's account is p's manager on the roster.
func managedBy(p *attest.Person, actor *attest.User) bool {
	return actor != nil && p.Manager != "" && strings.EqualFold(p.Manager, actor.Email)
}

// manager is p as their manager sees them: who they are and when they
// start and leave, not the roster's other fields.
func manager(p attest.Person) attest.Person {
	return attest.Person{ID: p.ID, Email: p.Email, Name: p.Name, Kind: p.Kind, Status: p.Status, Start: p.Start, End: p.End,
		Manager: p.Manager, Department: p.Department, Title: p.Title, InScope: p.InScope}
}
