package training

import (
	"context"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Where a person stands with security training on a day.
const (
	// Current: security training completed within the last 12 months.
	Current = "current"
	// Due: none current, and not yet past its due date (30 days after
	// the person started, or 12 months after their last one).
	Due = "due"
	// Overdue: past that date.
	Overdue = "overdue"
)

// StartDays is how long a new person has to complete security training.
const StartDays = 30

// Security reports whether a course is security training: its name says
// "security" (awareness, privacy and security, secure coding courses
// usually do), unless courses names the ones that count.
func Security(course string, courses []string) bool {
	if len(courses) > 0 {
		for _, c := range courses {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(course)) {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(course), "secur")
}

// PersonStatus is one person's security training.
type PersonStatus struct {
	Person int64  `json:"person"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Start  string `json:"start,omitempty"`
	State  string `json:"state"`
	// Last is the latest security course completed (Course, on Completed).
	Course    string `json:"course,omitempty"`
	Completed string `json:"completed,omitempty"`
	// Due is when the next one is due.
	Due string `json:"due,omitempty"`
}

// Status is security training per in-scope person on a day.
type Status struct {
	Day     string         `json:"day"`
	Courses []string       `json:"courses,omitempty"`
	Current int            `json:"current"`
	Due     int            `json:"due"`
	Overdue int            `json:"overdue"`
	People  []PersonStatus `json:"people"`
}

// Load reads the roster and the completions and computes the status on
// day (of one person when person is not 0).
func Load(ctx context.Context, s Store, day string, person int64, courses []string) (*Status, error) {
	var people []attest.Person
	if person != 0 {
		p, err := s.Person(ctx, person)
		if err != nil {
			return nil, err
		}
		people = []attest.Person{*p}
	} else {
		var err error
		if people, err = s.People(ctx); err != nil {
			return nil, err
		}
	}
	cs, err := s.Completions(ctx, person)
	if err != nil {
		return nil, err
	}
	return Compute(people, cs, day, courses), nil
}

// Compute is the status on day of the in-scope people employed that day.
func Compute(people []attest.Person, cs []attest.Completion, day string, courses []string) *Status {
	last := map[int64]attest.Completion{}
	for _, c := range cs {
		if c.Completed <= day && Security(c.Course, courses) && c.Completed >= last[c.PersonID].Completed {
			last[c.PersonID] = c
		}
	}
	st := &Status{Day: day, Courses: courses, People: []PersonStatus{}}
	for i := range people {
		p := &people[i]
		if !p.InScope || p.Status == attest.PersonTerminated || !p.Employed(day) {
			continue
		}
		ps := PersonStatus{Person: p.ID, Email: p.Email, Name: p.Name, Start: p.Start}
		l, ok := last[p.ID]
		if ok {
			ps.Course, ps.Completed = l.Course, l.Completed
			ps.Due = addDate(l.Completed, 1, 0)
		} else if p.Start != "" {
			ps.Due = addDate(p.Start, 0, StartDays)
		}
		switch {
		case ok && ps.Due > day:
			ps.State = Current
			st.Current++
		case ps.Due != "" && ps.Due >= day:
			ps.State = Due
			st.Due++
		default:
			ps.State = Overdue
			st.Overdue++
		}
		st.People = append(st.People, ps)
	}
	return st
}

func addDate(day string, years, days int) string {
	t, err := time.Parse(attest.DateLayout, day)
	if err != nil {
		return ""
	}
	return t.AddDate(years, 0, days).Format(attest.DateLayout)
}
