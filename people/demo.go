package people

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Demo is a fictional company's roster and what happened to its
// checklists over a period: most items done on time, some late, a few
// never done, so the demo shows every status and a few known deviations.
type Demo struct {
	// CSV is the roster in Attest's own format (Columns).
	CSV    []byte
	People []attest.Person
	// Done gives, per person's address and item key, the day a task item
	// was done; an item not listed is never done (overdue once due).
	Done map[string]map[string]string
}

var (
	demoFirst = []string{"Amara", "Bastian", "Chiara", "Dmitri", "Elif", "Farah", "Gideon", "Hana", "Ivo", "Jonas", "Keiko", "Lucía", "Mateo", "Nia", "Olek", "Priya",
		"Quentin", "Rosa", "Sven", "Tamsin", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zofia", "Anouk", "Bruno", "Cleo", "Dario", "Esme", "Finn"}
	demoLast = []string{"Abara", "Bergstrom", "Castell", "Dubois", "Eze", "Fontaine", "Gallo", "Haddad", "Iwasaki", "Jansen", "Kowalski", "Lindqvist", "Moreau",
		"Nakamura", "Okafor", "Petrov", "Quispe", "Rahman", "Silva", "Tanaka", "Ueda", "Varga", "Whitlock", "Xu", "Yilmaz", "Zeller"}
	demoDepts = []demoDept{
		{"Engineering", "engineering", 45, []string{"Software Engineer", "Senior Software Engineer", "Site Reliability Engineer", "Engineering Manager"}},
		{"Sales", "sales", 18, []string{"Account Executive", "Sales Development Representative", "Sales Manager"}},
		{"Support", "support", 17, []string{"Support Specialist", "Support Engineer", "Support Lead"}},
		{"Finance", "", 7, []string{"Accountant", "Finance Manager"}},
		{"People", "", 6, []string{"People Partner", "Recruiter"}},
		{"Marketing", "", 7, []string{"Product Marketer", "Content Lead"}},
	}
)

// DemoRoster makes the roster of a fictional company of n people
// (nimbus.example), the same for the same seed: about one in six hired
// within the period from start to end, one in ten leaving within it, a
// few contractors, a manager per department, the marketing team out of
// scope; with the days their checklists' task items were done, mostly on
// time, some late, a few not at all.
func DemoRoster(seed uint64, n int, start, end string) (*Demo, error) {
	ps, err := attest.ParseDate(start)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "start: %q is not a date", start)
	}
	pe, err := attest.ParseDate(end)
	if err != nil || pe.Before(ps) {
		return nil, attest.Errorf(attest.EINVALID, "end: %q is not a date after the start", end)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6e696d627573))
	days := int(pe.Sub(ps).Hours()/24) + 1
	d := &Demo{Done: map[string]map[string]string{}}
	managers := map[string]string{}
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		dept := pickDept(rng, i)
		p := attest.Person{EmployeeID: fmt.Sprintf("N%04d", 1001+i), Kind: attest.PersonEmployee, Department: dept.name, Role: dept.role,
			Title: dept.titles[rng.IntN(len(dept.titles))], InScope: dept.name != "Marketing"}
		p.Name, p.Email = demoName(rng, used)
		if m, ok := managers[dept.name]; ok {
			p.Manager = m
		} else {
			managers[dept.name], p.Title = p.Email, dept.name+" Lead"
		}
		if rng.IntN(10) == 0 && p.Manager != "" {
			p.Kind = attest.PersonContractor
		}
		switch r := rng.IntN(100); {
		case r < 17 && p.Manager != "": // hired within the period
			p.Start = ps.AddDate(0, 0, rng.IntN(days)).Format(time.DateOnly)
		default:
			p.Start = ps.AddDate(-1-rng.IntN(6), rng.IntN(12), rng.IntN(28)).Format(time.DateOnly)
		}
		if rng.IntN(10) == 0 && p.Manager != "" { // leaving within the period
			from, _ := attest.ParseDate(p.Start)
			if from.Before(ps) {
				from = ps
			}
			left := int(pe.Sub(from).Hours() / 24)
			if left > 30 {
				p.End = from.AddDate(0, 0, 30+rng.IntN(left-29)).Format(time.DateOnly)
			}
		}
		d.People = append(d.People, p)
		d.Done[p.Email] = demoDone(rng, &p)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, d.People); err != nil {
		return nil, err
	}
	d.CSV = buf.Bytes()
	return d, nil
}

// demoDept is a department of the demo company: its role, its share of
// the staff in percent, its job titles.
type demoDept struct {
	name, role string
	share      int
	titles     []string
}

func pickDept(rng *rand.Rand, i int) demoDept {
	if i < len(demoDepts) { // every department has its lead first
		return demoDepts[i]
	}
	r := rng.IntN(100)
	for _, dp := range demoDepts {
		if r < dp.share {
			return dp
		}
		r -= dp.share
	}
	return demoDepts[0]
}

func demoName(rng *rand.Rand, used map[string]bool) (string, string) {
	for {
		f, l := demoFirst[rng.IntN(len(demoFirst))], demoLast[rng.IntN(len(demoLast))]
		email := strings.ToLower(strings.NewReplacer("í", "i", "é", "e").Replace(f) + "." + l + "@nimbus.example")
		if !used[email] {
			used[email] = true
			return f + " " + l, email
		}
	}
}

// demoDone is when p's task items were done, relative to their due
// dates: four in five on time, most of the rest one to six days late, a
// few never.
func demoDone(rng *rand.Rand, p *attest.Person) map[string]string {
	out := map[string]string{}
	cl := Default()
	for _, c := range []struct{ list, date string }{{attest.Onboarding, p.Start}, {attest.Offboarding, p.End}} {
		if c.date == "" {
			continue
		}
		for _, st := range cl.Steps(cl.RoleOf(p), c.list) {
			if st.Kind != attest.ItemTask {
				continue
			}
			due, _ := st.Due.On(c.date)
			t, _ := attest.ParseDate(due)
			switch r := rng.IntN(100); {
			case r < 82:
				out[st.Key] = t.AddDate(0, 0, -rng.IntN(3)).Format(time.DateOnly)
			case r < 97:
				out[st.Key] = t.AddDate(0, 0, 1+rng.IntN(6)).Format(time.DateOnly)
			}
		}
	}
	return out
}

// Apply records the demo's task items done, up to the day of ch, each by
// the account with address by (a person of the organization's staff),
// through Done: the evidence of completed checklists comes with it.
func (d *Demo) Apply(ctx context.Context, s DoneStore, bs Blobs, c Completions, ch attest.Change, by string) (int, error) {
	today := ch.At.UTC().Format(time.DateOnly)
	items, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		on := d.Done[it.Person][it.Key]
		if it.Kind != attest.ItemTask || it.DoneEntry != 0 || on == "" || on > today {
			continue
		}
		if _, err := Done(ctx, s, bs, c, ch, nil, DoneRequest{Item: it.ID, By: by, On: on}); err != nil {
			return n, fmt.Errorf("demo item %d of %s: %w", it.ID, it.Person, err)
		}
		n++
	}
	return n, nil
}
