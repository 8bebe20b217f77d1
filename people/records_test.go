package people_test

import (
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// The Completions a request uses answers from one read of everyone's
// records after the first person; each answer is the one a person's own
// read gives: a person who acknowledged everything asked of them (the
// day of the last first acknowledgement, not of a later version), one
// who missed a policy, one asked only the policies of everyone, one who
// completed the course twice (the first day), one who took another
// course.
func TestRecordsOfEveryone(t *testing.T) {
	s := sqlitetest.Create(t)
	ps := acktest.People(t, s, change("2026-01-05"), 6, "2026-01-05")
	acktest.Publish(t, s, change("2026-01-06"), "a", "A", "a1")
	acktest.Publish(t, s, change("2026-01-06"), "b", "B", "b1")
	acktest.Publish(t, s, change("2026-01-06"), "sales", "Sales", "s1")
	if _, err := s.RecordAudience(ctx, change("2026-01-06"), attest.PolicyAudience{PolicyID: "sales", Departments: []string{"Sales"}}); err != nil {
		t.Fatal(err)
	}
	acks := []struct {
		person  int
		policy  string
		version int
		day     string
	}{
		{0, "a", 1, "2026-01-10"}, {0, "b", 1, "2026-01-12"},
		{1, "a", 1, "2026-01-08"}, {1, "b", 1, "2026-01-09"}, {1, "sales", 1, "2026-01-20"},
		{2, "a", 1, "2026-01-08"},
		{4, "a", 1, "2026-01-07"}, {4, "b", 1, "2026-01-07"},
	}
	for _, k := range acks {
		if _, err := s.RecordAcknowledgement(ctx, change(k.day), attest.Acknowledgement{PersonID: ps[k.person].ID, PolicyID: k.policy, Version: k.version, SHA256: "ab", Via: attest.AckPortal}); err != nil {
			t.Fatal(err)
		}
	}
	acktest.Publish(t, s, change("2026-02-01"), "a", "A", "a2")
	if _, err := s.RecordAcknowledgement(ctx, change("2026-02-03"), attest.Acknowledgement{PersonID: ps[0].ID, PolicyID: "a", Version: 2, SHA256: "cd", Via: attest.AckPortal}); err != nil {
		t.Fatal(err)
	}
	cs := []attest.Completion{
		{PersonID: ps[0].ID, Email: ps[0].Email, Course: "Security awareness 2026", Completed: "2026-01-20", Source: "t.csv line 2"},
		{PersonID: ps[0].ID, Email: ps[0].Email, Course: "Security awareness 2026", Completed: "2026-01-15", Source: "t.csv line 3"},
		{PersonID: ps[3].ID, Email: ps[3].Email, Course: "Data handling basics", Completed: "2026-01-18", Source: "t.csv line 4"},
	}
	if _, err := s.RecordCompletions(ctx, change("2026-01-21"), attest.EntryTrainingImported, attest.TrainingChange{Source: "file t.csv", File: "ff"}, cs); err != nil {
		t.Fatal(err)
	}

	// Someone out of scope is asked nothing.
	outside, err := s.RecordPeople(ctx, change("2026-01-05"), attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{{Email: "temp@example.com", Name: "Temp",
		Kind: attest.PersonContractor, Status: attest.PersonActive, Start: "2026-01-05", Source: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	ps = append(ps, outside...)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	alone := people.Records{Store: s, Now: func() time.Time { return now }}
	shared := people.RecordsOf(s, now)
	type answer struct {
		day string
		ok  bool
	}
	var acked, trained, developed []answer
	for _, p := range ps {
		for _, course := range []string{"security-awareness", "data-handling"} {
			wantDay, wantOK, err := alone.TrainingDone(ctx, p.ID, course)
			if err != nil {
				t.Fatal(err)
			}
			day, ok, err := shared.TrainingDone(ctx, p.ID, course)
			if err != nil || day != wantDay || ok != wantOK {
				t.Errorf("%s, %s: read with the others %q %v %v, alone %q %v", p.Email, course, day, ok, err, wantDay, wantOK)
			}
			if course == "data-handling" {
				developed = append(developed, answer{day, ok})
			} else {
				trained = append(trained, answer{day, ok})
			}
		}
		wantDay, wantOK, err := alone.AcknowledgedAll(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		day, ok, err := shared.AcknowledgedAll(ctx, p.ID)
		if err != nil || day != wantDay || ok != wantOK {
			t.Errorf("%s: read with the others %q %v %v, alone %q %v", p.Email, day, ok, err, wantDay, wantOK)
		}
		acked = append(acked, answer{day, ok})
	}
	// The cases are the ones meant: person 0 (Engineering) acknowledged
	// a and b, the last first on the 12th; person 1 (Sales) also the
	// Sales policy; person 2 missed b; person 4 did all on the 7th.
	want := []answer{{"2026-01-12", true}, {"2026-01-20", true}, {}, {}, {"2026-01-07", true}, {}, {}}
	// Someone not on the roster is not found, read alone or with the
	// others.
	if _, _, err := alone.AcknowledgedAll(ctx, 9999); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("alone, no such person: %v", err)
	}
	if _, _, err := shared.AcknowledgedAll(ctx, 9999); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("with the others, no such person: %v", err)
	}
	for i := range want {
		if acked[i] != want[i] {
			t.Errorf("person %d acknowledged %+v, want %+v", i, acked[i], want[i])
		}
	}
	if trained[0] != (answer{"2026-01-15", true}) || trained[3].ok || developed[3] != (answer{"2026-01-18", true}) || developed[0].ok {
		t.Errorf("training: %+v, data handling: %+v", trained, developed)
	}
}
