package ack

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/attest-dev/attest"
)

// The state of one policy for one person.
const (
	// Outstanding: never acknowledged.
	Outstanding = "outstanding"
	// Acknowledged: the version in force is acknowledged.
	Acknowledged = "acknowledged"
	// Outdated: an older version is acknowledged; a new version was
	// published since, so the person acknowledges again.
	Outdated = "re-acknowledgement due"
)

// Item is one policy asked of one person, and where it stands.
type Item struct {
	Person  int64  `json:"person"`
	Email   string `json:"email"`
	Policy  string `json:"policy"`
	Title   string `json:"title"`
	Version int    `json:"version"`
	State   string `json:"state"`
	// Acked is the latest version the person acknowledged (0: none), At
	// when.
	Acked int    `json:"acknowledged_version,omitempty"`
	At    string `json:"acknowledged_at,omitempty"`
	// Due is the day the acknowledgement is due (DueDays after the
	// version's publication or the person's start, whichever is later);
	// Overdue is set once it has passed without one.
	Due     string `json:"due,omitempty"`
	Overdue bool   `json:"overdue,omitempty"`
}

// Counts are how many items are in each state.
type Counts struct {
	Asked        int `json:"asked"`
	Acknowledged int `json:"acknowledged"`
	Outstanding  int `json:"outstanding"`
	Outdated     int `json:"reacknowledgement_due"`
	Overdue      int `json:"overdue"`
}

func (c *Counts) add(it *Item) {
	c.Asked++
	switch it.State {
	case Acknowledged:
		c.Acknowledged++
	case Outstanding:
		c.Outstanding++
	case Outdated:
		c.Outdated++
	}
	if it.Overdue {
		c.Overdue++
	}
}

// PersonStatus is one person's policies.
type PersonStatus struct {
	Person int64  `json:"person"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Counts
	Items []Item `json:"items,omitempty"`
}

// PolicyStatus is one policy's people.
type PolicyStatus struct {
	Policy  string `json:"policy"`
	Title   string `json:"title"`
	Version int    `json:"version"`
	// Audience says who the policy is asked of.
	Audience string `json:"audience"`
	Counts
}

// Status is where acknowledgements stand on a day: per person and per
// policy, over every published policy and the people it is asked of.
type Status struct {
	Day      string         `json:"day"`
	Total    Counts         `json:"total"`
	People   []PersonStatus `json:"people"`
	Policies []PolicyStatus `json:"policies"`
}

// Input is what Compute needs, read by Load.
type Input struct {
	Policies  []attest.Policy
	People    []attest.Person
	Audiences []attest.PolicyAudience
	Latest    []attest.AckLatest
	// Acks, when given (one person's status), add when each latest
	// version was acknowledged.
	Acks []attest.Acknowledgement
}

// Filter narrows the status to one policy or one person (zero: all).
type Filter struct {
	Policy string
	Person int64
}

// Load reads the input and computes the status on day (YYYY-MM-DD).
func Load(ctx context.Context, s Store, day string, f Filter) (*Status, error) {
	var in Input
	var err error
	if in.Policies, err = s.Policies(ctx); err != nil {
		return nil, err
	}
	if f.Person != 0 {
		p, err := s.Person(ctx, f.Person)
		if err != nil {
			return nil, err
		}
		in.People = []attest.Person{*p}
	} else if in.People, err = s.People(ctx); err != nil {
		return nil, err
	}
	if in.Audiences, err = s.Audiences(ctx); err != nil {
		return nil, err
	}
	if f.Person != 0 {
		if in.Acks, err = s.Acknowledgements(ctx, f.Person); err != nil {
			return nil, err
		}
		for _, a := range in.Acks {
			in.Latest = append(in.Latest, attest.AckLatest{PersonID: a.PersonID, PolicyID: a.PolicyID, Version: a.Version})
		}
	} else if in.Latest, err = s.LatestAcknowledgements(ctx); err != nil {
		return nil, err
	}
	if f.Policy != "" {
		if _, err := s.Policy(ctx, f.Policy); err != nil {
			return nil, err
		}
	}
	return Compute(in, day, f), nil
}

// Compute is the status on day: each published policy (or the one the
// filter names) against each person it is asked of. The latest versions
// are kept in one dense table of people by policies, since the status of
// ten thousand people by twenty policies is read at once.
func Compute(in Input, day string, f Filter) *Status {
	aud := make(map[string]*attest.PolicyAudience, len(in.Audiences))
	for i := range in.Audiences {
		aud[in.Audiences[i].PolicyID] = &in.Audiences[i]
	}
	st := &Status{Day: day, People: []PersonStatus{}, Policies: []PolicyStatus{}}
	var pols []attest.Policy
	for _, p := range in.Policies {
		if p.Published > 0 && (f.Policy == "" || p.ID == f.Policy) {
			pols = append(pols, p)
		}
	}
	sort.Slice(pols, func(i, j int) bool { return pols[i].ID < pols[j].ID })
	col := make(map[string]int, len(pols))
	byPolicy := make([]PolicyStatus, len(pols))
	for j, p := range pols {
		col[p.ID] = j
		byPolicy[j] = PolicyStatus{Policy: p.ID, Title: p.Title, Version: p.Published, Audience: describe(aud[p.ID])}
	}
	row := make(map[int64]int, len(in.People))
	for i := range in.People {
		row[in.People[i].ID] = i
	}
	versions := make([]int32, len(in.People)*len(pols))
	for _, l := range in.Latest {
		i, ok := row[l.PersonID]
		j, ok2 := col[l.PolicyID]
		if ok && ok2 && int32(l.Version) > versions[i*len(pols)+j] {
			versions[i*len(pols)+j] = int32(l.Version)
		}
	}
	at := map[string]string{}
	for _, a := range in.Acks {
		at[fmt.Sprintf("%s@%d", a.PolicyID, a.Version)] = a.At
	}
	for i := range in.People {
		person := &in.People[i]
		if f.Person != 0 && person.ID != f.Person {
			continue
		}
		ps := PersonStatus{Person: person.ID, Email: person.Email, Name: person.Name, Items: make([]Item, 0, len(pols))}
		for j := range pols {
			p := &pols[j]
			if !aud[p.ID].Includes(person, day) {
				continue
			}
			it := item(person, p, int(versions[i*len(pols)+j]), day)
			if it.Acked > 0 {
				it.At = at[fmt.Sprintf("%s@%d", p.ID, it.Acked)]
			}
			ps.Counts.add(&it)
			byPolicy[j].Counts.add(&it)
			st.Total.add(&it)
			ps.Items = append(ps.Items, it)
		}
		if ps.Asked > 0 {
			st.People = append(st.People, ps)
		}
	}
	st.Policies = byPolicy
	return st
}

// item is one policy for one person on day.
func item(person *attest.Person, p *attest.Policy, acked int, day string) Item {
	it := Item{Person: person.ID, Email: person.Email, Policy: p.ID, Title: p.Title, Version: p.Published, Acked: acked}
	switch {
	case acked >= p.Published:
		it.State = Acknowledged
		return it
	case acked > 0:
		it.State = Outdated
	default:
		it.State = Outstanding
	}
	from := dateOf(p.PublishedAt)
	if person.Start > from {
		from = person.Start
	}
	if t, err := time.Parse(attest.DateLayout, from); err == nil {
		it.Due = t.AddDate(0, 0, DueDays).Format(attest.DateLayout)
		it.Overdue = day > it.Due
	}
	return it
}

// dateOf is the day of a stored time.
func dateOf(stamp string) string {
	if len(stamp) >= 10 {
		return stamp[:10]
	}
	return stamp
}
