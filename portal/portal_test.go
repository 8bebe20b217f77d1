package portal_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/portal"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

var ctx = context.Background()

func at(day, minute int) time.Time { return time.Date(2026, 3, day, 9, minute, 0, 0, time.UTC) }

func change(day int) attest.Change { return attest.Change{Actor: "tester", At: at(day, 0)} }

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if attest.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

var linkPattern = regexp.MustCompile(`/portal/login/(\S+)`)

func secret(t *testing.T, m *mail.Message) string {
	t.Helper()
	g := linkPattern.FindStringSubmatch(m.Body)
	if g == nil {
		t.Fatalf("no link in %q", m.Body)
	}
	return g[1]
}

// TestLinks: a link works once, within 15 minutes, for a person still
// employed; its secret is not what the store keeps.
func TestLinks(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 2, "2026-01-05")
	_, err := portal.RequestLink(ctx, s, "stranger@example.com", "https://a.example", at(2, 0))
	mustCode(t, err, attest.ENOTFOUND)
	// What is not an address is refused before the roster is read.
	for _, bad := range []string{"", "person0", strings.Repeat("a", 250) + "@example.com"} {
		_, err := portal.RequestLink(ctx, s, bad, "https://a.example", at(2, 0))
		if mustCode(t, err, attest.EINVALID); !strings.HasPrefix(attest.ErrorMessage(err), "email: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Anything with an '@' may be a roster address (the roster asks no
	// more): it is looked up, and whoever is not there is not found.
	for _, odd := range []string{"Person 0 <person0@example.com>", "person0@example.com@x", "jo..e@example.com"} {
		_, err := portal.RequestLink(ctx, s, odd, "https://a.example", at(2, 0))
		mustCode(t, err, attest.ENOTFOUND)
	}
	// And one who is there gets a link, though net/mail would refuse the
	// address.
	odd := attest.Person{Email: "jo..e@example.com", Name: "Jo E", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-01-05", InScope: true, Source: "test"}
	if _, err := s.RecordPeople(ctx, change(1), attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{odd}); err != nil {
		t.Fatal(err)
	}
	if m, err := portal.RequestLink(ctx, s, "jo..e@example.com", "https://a.example", at(2, 0)); err != nil || m == nil || m.To != "jo..e@example.com" {
		t.Errorf("an odd roster address: %+v %v", m, err)
	}
	// The address is trimmed and read in lower case.
	m, err := portal.RequestLink(ctx, s, " PERSON0@example.com ", "https://a.example", at(2, 0))
	if err != nil {
		t.Fatal(err)
	}
	sec := secret(t, m)
	if m.To != people[0].Email || !strings.Contains(m.Body, "https://a.example/portal/login/") || !strings.Contains(m.Body, "15 minutes") {
		t.Fatalf("mail: %+v", m)
	}
	var n int
	s.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM portal_links WHERE hash = ?`, sec).Scan(&n)
	if n != 0 {
		t.Fatal("the store keeps the link's secret")
	}
	u, err := portal.Open(ctx, s, sec, at(2, 14))
	if err != nil || !u.IsEmployee() || u.Person != people[0].ID || u.ID != 0 || attest.Staff(u) || attest.Manages(u) {
		t.Fatalf("opened: %+v, %v", u, err)
	}
	_, err = portal.Open(ctx, s, sec, at(2, 14))
	mustCode(t, err, attest.EUNAUTHORIZED)
	if !strings.Contains(err.Error(), "used already") {
		t.Fatalf("second use: %v", err)
	}
	_, err = portal.Open(ctx, s, "nope", at(2, 14))
	mustCode(t, err, attest.EUNAUTHORIZED)

	m, _ = portal.RequestLink(ctx, s, people[1].Email, "https://a.example", at(2, 0))
	_, err = portal.Open(ctx, s, secret(t, m), at(2, 15))
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired: %v", err)
	}

	// Bo leaves: no link, and a session of his ends.
	bo := people[1]
	bo.Status, bo.End = attest.PersonTerminated, "2026-02-28"
	if _, err := s.RecordPeople(ctx, change(2), attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, []attest.Person{bo}); err != nil {
		t.Fatal(err)
	}
	_, err = portal.RequestLink(ctx, s, bo.Email, "https://a.example", at(3, 0))
	mustCode(t, err, attest.ENOTFOUND)
	_, err = portal.Principal(ctx, s, bo.ID, at(3, 0))
	mustCode(t, err, attest.EUNAUTHORIZED)

	// Single sign-on: a person on the roster still employed, by the
	// address the provider vouched for; the refusals say why.
	if u, err := portal.SingleSignOn(ctx, s, people[0].Email, at(3, 0)); err != nil || u.Person != people[0].ID || !u.IsEmployee() {
		t.Errorf("single sign-on: %+v, %v", u, err)
	}
	for email, why := range map[string]string{"stranger@example.com": "no one on the roster", bo.Email: "no longer works for the organization"} {
		_, err := portal.SingleSignOn(ctx, s, email, at(3, 0))
		if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), why) {
			t.Errorf("single sign-on as %s: %v", email, err)
		}
	}
}

// TestPageAndReminders: the page shows only what is asked of the person;
// a policy not asked of them is not found; reminders go once per
// interval, recorded.
func TestPageAndReminders(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 2, "2026-01-05")
	ada, bo := attest.Employee(&people[0]), attest.Employee(&people[1])
	acktest.Publish(t, s, change(1), "access-control", "Access control", "# Access control\n\nUse **strong** passwords.\n")
	acktest.Publish(t, s, change(1), "sales-conduct", "Sales conduct", "# Sales\n")
	if _, err := ack.Assign(ctx, s, change(1), nil, "sales-conduct", ack.AssignRequest{Departments: []string{"Sales"}}); err != nil {
		t.Fatal(err)
	}
	pg, err := portal.Load(ctx, s, nil, ada, "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.ToRead) != 1 || pg.ToRead[0].Policy != "access-control" || pg.Training == nil || pg.Training.State != "overdue" {
		t.Fatalf("Ada's page: %+v", pg)
	}
	_, _, err = portal.Policy(ctx, s, ada, "sales-conduct", "2026-03-02")
	mustCode(t, err, attest.ENOTFOUND)
	_, _, err = portal.Policy(ctx, s, ada, "nope", "2026-03-02")
	mustCode(t, err, attest.ENOTFOUND)
	d, it, err := portal.Policy(ctx, s, bo, "sales-conduct", "2026-03-02")
	if err != nil || it.State != ack.Outstanding || d.Version.Version != 1 {
		t.Fatalf("Bo's policy: %+v %+v %v", d, it, err)
	}
	_, err = portal.Load(ctx, s, nil, &attest.User{ID: 1, Role: attest.RoleAdmin}, "2026-03-02")
	mustCode(t, err, attest.EFORBIDDEN)

	// 2026-04-05: both policies are overdue (published 2026-03-01), and
	// training too.
	_, err = portal.Remind(ctx, s, attest.Change{Actor: "job", At: time.Date(2026, 4, 5, 6, 0, 0, 0, time.UTC)}, ada, "https://a.example", 0)
	mustCode(t, err, attest.EFORBIDDEN)
	msgs, err := portal.Remind(ctx, s, attest.Change{Actor: "job", At: time.Date(2026, 4, 5, 6, 0, 0, 0, time.UTC)}, nil, "https://a.example", 0)
	if err != nil || len(msgs) != 2 || !strings.Contains(msgs[1].Body, "Sales conduct") || !strings.Contains(msgs[1].Body, "security awareness training") {
		t.Fatalf("reminders: %+v, %v", msgs, err)
	}
	msgs, _ = portal.Remind(ctx, s, attest.Change{Actor: "job", At: time.Date(2026, 4, 8, 6, 0, 0, 0, time.UTC)}, nil, "https://a.example", 0)
	if len(msgs) != 0 {
		t.Fatalf("three days later: %d reminders", len(msgs))
	}
	msgs, _ = portal.Remind(ctx, s, attest.Change{Actor: "job", At: time.Date(2026, 4, 12, 6, 0, 0, 0, time.UTC)}, nil, "https://a.example", 0)
	if len(msgs) != 2 {
		t.Fatalf("a week later: %d reminders", len(msgs))
	}
	if rs, _ := s.Reminders(ctx); len(rs) != 4 || rs[0].Items[0] != "policy:access-control" {
		t.Fatalf("recorded: %+v", rs)
	}
}

// TestCompletions: the facts the people package's checklists are closed
// by.
func TestCompletions(t *testing.T) {
	s := sqlitetest.Create(t)
	staff := acktest.People(t, s, change(1), 1, "2026-01-05")
	c := people.Records{Store: s, Now: func() time.Time { return at(20, 0) }}
	if _, ok, err := c.AcknowledgedAll(ctx, staff[0].ID); ok || err != nil {
		t.Fatalf("nothing asked: %v %v", ok, err)
	}
	acktest.Publish(t, s, change(1), "a", "A", "a1")
	acktest.Publish(t, s, change(1), "b", "B", "b1")
	ada := attest.Employee(&staff[0])
	ack.Acknowledge(ctx, s, change(3), ada, ack.Request{Policy: "a", Version: 1})
	if _, ok, _ := c.AcknowledgedAll(ctx, staff[0].ID); ok {
		t.Fatal("one of two acknowledged")
	}
	ack.Acknowledge(ctx, s, change(5), ada, ack.Request{Policy: "b", Version: 1})
	acktest.Publish(t, s, change(6), "a", "A", "a2")
	if d, ok, err := c.AcknowledgedAll(ctx, staff[0].ID); !ok || d != "2026-03-05" || err != nil {
		t.Fatalf("both: %q %v %v", d, ok, err)
	}
	if _, err := s.RecordCompletions(ctx, change(7), attest.EntryTrainingImported, attest.TrainingChange{Source: "t"}, []attest.Completion{
		{PersonID: staff[0].ID, Email: staff[0].Email, Course: "Security Awareness", Completed: "2026-02-10"},
		{PersonID: staff[0].ID, Email: staff[0].Email, Course: "Security Awareness", Completed: "2026-01-20"}}); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := c.TrainingDone(ctx, staff[0].ID, "security awareness"); !ok || d != "2026-01-20" {
		t.Fatalf("course: %q %v", d, ok)
	}
	if _, ok, _ := c.TrainingDone(ctx, staff[0].ID, "Phishing"); ok {
		t.Fatal("another course counted")
	}
	if d, ok, _ := c.TrainingDone(ctx, staff[0].ID, ""); !ok || d != "2026-01-20" {
		t.Fatalf("security training: %q %v", d, ok)
	}
}

// A person's own open checklist items are their portal's tasks: done
// ones and those others do for them are not; a training item closes when
// a completion's name holds the course key's words.
func TestPeopleTasks(t *testing.T) {
	s := sqlitetest.Create(t)
	dee := attest.Person{Email: "dee@example.com", Name: "Dee", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-03-02", InScope: true}
	items := []attest.ChecklistItem{
		{Person: dee.Email, Checklist: attest.Onboarding, Key: "background-check", Title: "Background check cleared", Kind: attest.ItemTask, Controls: []string{"HR-01"}, Owner: "people-ops", Due: "2026-03-01"},
		{Person: dee.Email, Checklist: attest.Onboarding, Key: "secure-dev", Title: "Secure development course", Kind: attest.ItemTraining, Course: "secure-development", Controls: []string{"HR-02"}, Owner: "person", Due: "2026-04-01"},
		{Person: dee.Email, Checklist: attest.Onboarding, Key: "security-training", Title: "Security awareness training", Kind: attest.ItemTraining, Course: "security-awareness", Controls: []string{"HR-02"}, Owner: "person", Due: "2026-03-10"},
	}
	w, err := s.RecordRoster(ctx, change(1), attest.EntryRosterImported, attest.RosterChange{Source: "test"}, attest.RosterWrite{People: []attest.Person{dee}, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	id := w.People[0].ID
	tasks := func() []portal.Task {
		t.Helper()
		got, err := portal.PeopleTasks{Store: s}.Tasks(ctx, id, "2026-03-20")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := tasks()
	if len(got) != 2 || got[0].Title != "Secure development course" || got[0].Overdue || got[1].Title != "Security awareness training" || !got[1].Overdue {
		t.Fatalf("tasks: %+v", got)
	}
	if _, err := s.RecordCompletions(ctx, change(15), attest.EntryTrainingImported, attest.TrainingChange{Source: "t"}, []attest.Completion{
		{PersonID: id, Email: dee.Email, Course: "Secure Development Fundamentals 2026", Completed: "2026-03-15"},
		{PersonID: id, Email: dee.Email, Course: "Annual Security Awareness", Completed: "2026-03-16"}}); err != nil {
		t.Fatal(err)
	}
	if got := tasks(); len(got) != 0 {
		t.Fatalf("tasks after the courses: %+v", got)
	}
}
