package demo

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/training"
)

// audience is who Harbor asks a policy of, by department: the technical
// policies of engineering, security and IT; risk and vendors of the
// leadership and the back office; the handbook (nil) of every in-scope
// person.
func audience(policy string) []string {
	tech := []string{"Engineering", "Security", "IT"}
	switch policy {
	case "access-control", "asset-management", "backup", "change-management", "encryption", "logging-monitoring", "secure-development", "vulnerability-management":
		return tech
	case "business-continuity":
		return append(tech, "Leadership", "Operations")
	case "risk-management", "vendor-management":
		return []string{"Leadership", "Compliance", "Finance", "Operations", "Legal", "Security"}
	}
	return nil
}

// acknowledgement is one person's acknowledgement of a policy, on a day.
type acknowledgement struct {
	person *attest.Person
	policy *attest.Policy
	at     time.Time
}

// askPolicies records who each of Harbor's policies is asked of
// (audiences), on the day it was first published, and returns them by ID.
func (b *builder) askPolicies(ctx context.Context) (map[string]*attest.Policy, error) {
	priya := b.users["Priya Raman"]
	ps, err := b.Store.Policies(ctx)
	if err != nil {
		return nil, err
	}
	policies := map[string]*attest.Policy{}
	for i := range ps {
		p := &ps[i]
		policies[p.ID] = p
		first, err := firstPublished(ctx, b.Store, p.ID)
		if err != nil {
			return nil, err
		}
		req := ack.AssignRequest{Departments: audience(p.ID)}
		if _, err := ack.Assign(ctx, b.Store, attest.ChangeBy(priya, first.Add(time.Hour)), priya, p.ID, req); err != nil {
			return nil, err
		}
	}
	return policies, nil
}

// acknowledge records the acknowledgements Harbor's people made from the
// day from to the day before until (starts: each person's start as it turned out; none before since, when the roster
// came into Attest), in order, each as the person in the
// employee portal (the employee principal): within a few weeks of the
// version in force, or of starting for people hired since; a few late, a
// few still outstanding. The change management policy is acknowledged in
// its version 2, in force since mid-year. It returns how many it recorded.
func (b *builder) acknowledge(ctx context.Context, asked map[string]*attest.Policy, starts map[string]string, since, from, until time.Time) (int, error) {
	roster, err := b.Store.People(ctx)
	if err != nil {
		return 0, err
	}
	var acks []acknowledgement
	for i := range roster {
		p := &roster[i]
		if !p.InScope {
			continue
		}
		if s, ok := starts[p.Email]; ok {
			p.Start = s
		}
		for _, id := range slices.Sorted(maps.Keys(asked)) {
			if d := audience(id); d != nil && !slices.Contains(d, p.Department) {
				continue
			}
			if at, ok := ackDay(p, asked[id], since, b.today()); ok && !at.Before(from) && at.Before(until) {
				acks = append(acks, acknowledgement{p, asked[id], at})
			}
		}
	}
	slices.SortStableFunc(acks, func(x, y acknowledgement) int { return x.at.Compare(y.at) })
	for _, a := range acks {
		ch := attest.ChangeBy(attest.Employee(a.person), a.at)
		if _, err := ack.Acknowledge(ctx, b.Store, ch, attest.Employee(a.person), ack.Request{Policy: a.policy.ID, Version: a.policy.Published}); err != nil {
			return 0, fmt.Errorf("demo acknowledgement of %s by %s: %w", a.policy.ID, a.person.Email, err)
		}
	}
	return len(acks), nil
}

// ackDay is when p acknowledges pol, the version in force: a few weeks
// after it came into force, after p started, or after since (when the
// roster came into Attest), whichever is latest; one in fifteen late,
// one in forty not yet (outstanding); none when p left before.
func ackDay(p *attest.Person, pol *attest.Policy, since, today time.Time) (time.Time, bool) {
	in, err := time.Parse(time.RFC3339Nano, pol.PublishedAt)
	if err != nil {
		return time.Time{}, false
	}
	from := in.UTC()
	if since.After(from) {
		from = since
	}
	if start, err := attest.ParseDate(p.Start); err == nil && start.After(from) {
		from = start
	}
	h := demoHash(p.Email + "/" + pol.ID)
	if h%40 == 0 {
		return time.Time{}, false
	}
	days := 1 + int(h%21)
	if h%15 == 0 {
		days = 33 + int(h%12)
	}
	at := time.Date(from.Year(), from.Month(), from.Day(), 9+int(h%8), int(h%60), 0, 0, time.UTC).AddDate(0, 0, days)
	if !at.Before(today) || (p.End != "" && at.Format(time.DateOnly) > p.End) {
		return time.Time{}, false
	}
	return at, true
}

// firstPublished is when a policy was first put in force.
func firstPublished(ctx context.Context, s attest.Store, id string) (time.Time, error) {
	es, err := s.PolicyEvents(ctx, id)
	if err != nil {
		return time.Time{}, err
	}
	for _, e := range es {
		if e.Action == attest.PolicyPublish {
			return time.Parse(time.RFC3339Nano, e.At)
		}
	}
	return time.Time{}, attest.Errorf(attest.EINTERNAL, "demo: policy %s was never published", id)
}

// trainingHeader is the training provider's export header, as its
// learning platform writes it.
const trainingHeader = "Learner Email,Course Name,Completion Date,Score,Certificate ID\n"

// courses are the provider's names of the courses the checklists name.
var courses = map[string]string{
	"security-awareness":     "Security Awareness Essentials",
	"secure-development":     "Secure Development Fundamentals",
	"customer-data-handling": "Customer Data Handling and Identity Verification",
}

// trainings imports the training provider's exports, written to the data
// directory's demo-training folder: the one taken mid-year and today's,
// whose rows already imported are left out. Everyone takes security
// awareness in the spring campaign, people hired since within their
// first weeks (engineers also secure development, support the customer
// data module); a few are late and a few have not done it. The
// acknowledgements and training then close their checklists' items, and
// the status becomes evidence.
func (b *builder) trainings(ctx context.Context, rs *people.Demo, start time.Time) (int, error) {
	priya := b.users["Priya Raman"]
	today := b.today()
	type row struct {
		day  time.Time
		line string
	}
	var rows []row
	for _, p := range rs.People {
		if !p.InScope {
			continue
		}
		begin, _ := attest.ParseDate(p.Start)
		keys := []string{"security-awareness"}
		switch p.Role {
		case "engineering":
			keys = append(keys, "secure-development")
		case "support":
			keys = append(keys, "customer-data-handling")
		}
		for _, c := range keys {
			h := demoHash(p.Email + "/" + c)
			var on time.Time
			switch {
			case begin.Before(start) && c == "security-awareness":
				on = start.AddDate(0, 1, 10+int(h%30)) // the spring campaign
			case begin.Before(start):
				continue // done in an earlier year
			case h%9 == 0:
				on = begin.AddDate(0, 0, 31+int(h%20)) // late
			default:
				on = begin.AddDate(0, 0, 2+int(h%25))
			}
			if h%19 == 0 || !on.Before(today) || (p.End != "" && on.Format(time.DateOnly) > p.End) {
				continue // not done (yet)
			}
			rows = append(rows, row{on, fmt.Sprintf("%s,%s,%s,%d,HB-%08X\n", p.Email, courses[c], on.Format(time.DateOnly), 80+int(h%21), h)})
		}
	}
	slices.SortStableFunc(rows, func(x, y row) int { return x.day.Compare(y.day) })
	dir := filepath.Join(b.Dir, "demo-training")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	n := 0
	for _, at := range []time.Time{attest.AddMonths(start, 6), today} {
		var text strings.Builder
		text.WriteString(trainingHeader)
		for _, r := range rows {
			if r.day.Before(at) {
				text.WriteString(r.line)
			}
		}
		name := "training-completions-" + at.Format(time.DateOnly) + ".csv"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text.String()), 0o600); err != nil {
			return n, err
		}
		imp, err := training.Import(ctx, b.Store, attest.ChangeBy(priya, at.Add(8*time.Hour)), priya, name, []byte(text.String()))
		if err != nil {
			return n, err
		}
		n += imp.Recorded
	}
	return n, nil
}

// programEvidence closes the checklists the acknowledgements and
// training completed (their evidence, once each) and keeps today's
// acknowledgement status as evidence for its controls.
func (b *builder) programEvidence(ctx context.Context) error {
	priya := b.users["Priya Raman"]
	ch := attest.ChangeBy(priya, b.Now())
	c := people.RecordsOf(b.Store, b.Now())
	if _, err := people.RecordCompleted(ctx, b.Store, b.Blobs, c, ch, priya); err != nil {
		return err
	}
	_, _, err := ack.RecordEvidence(ctx, b.Store, b.Store, b.Blobs, ch, priya, b.today().Format(time.DateOnly), nil)
	return err
}
