package program_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	at := func(y int, m time.Month, d int) attest.Change {
		return attest.Change{Actor: "operator", At: time.Date(y, m, d, 9, 0, 0, 0, time.UTC)}
	}
	sam, err := s.SaveUser(ctx, at(2025, 1, 1), attest.User{Email: "sam@example.com", Name: "Sam", Role: attest.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	// Access control: published a year ago (its annual review overdue);
	// incident response: published eleven months ago (due soon); change
	// management: in review.
	for i, p := range []struct {
		tpl     string
		publish bool
		when    attest.Change
	}{{"access-control", true, at(2025, 5, 1)}, {"incident-response", true, at(2025, 7, 1)}, {"change-management", false, at(2026, 5, 1)}} {
		if _, err := policy.New(ctx, s, p.when, nil, policy.NewRequest{Template: p.tpl, Vars: map[string]string{"org": "Acme"}, Owner: sam.ID, Approvers: []int64{sam.ID}}); err != nil {
			t.Fatal(i, err)
		}
		if _, err := policy.Submit(ctx, s, p.when, nil, p.tpl, ""); err != nil {
			t.Fatal(err)
		}
		if !p.publish {
			continue
		}
		if _, err := policy.Approve(ctx, s, p.when, sam, p.tpl, policy.ApproveRequest{}); err != nil {
			t.Fatal(err)
		}
		if _, err := policy.Publish(ctx, s, p.when, nil, p.tpl, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := accessreview.Start(ctx, s, at(2026, 5, 1), nil, accessreview.StartRequest{System: "GitHub", Due: "2026-05-31",
		Accounts: []accessreview.Account{{Account: "ana"}, {Account: "bo", Privileged: true}},
		Listing:  attest.Listing{Source: "file accounts.csv", ExtractedAt: "2026-05-01"}}); err != nil {
		t.Fatal(err)
	}
	st, err := program.Load(ctx, s, nil, sam, nil, time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	p := st.Policies
	if p.Total != 3 || p.Published != 2 || p.InReview != 1 || len(p.Overdue) != 1 || p.Overdue[0].ID != "access-control" || len(p.Due) != 1 || p.Due[0].ID != "incident-response" {
		t.Errorf("policies: %+v", p)
	}
	r := st.Reviews
	if r.Total != 1 || len(r.Open) != 1 || r.Open[0].Undecided != 2 || !r.Open[0].Overdue || r.OpenRevokes != 0 {
		t.Errorf("reviews: %+v", r)
	}
	if _, err := program.Load(ctx, s, nil, &attest.User{ID: 9, Role: "employee"}, nil, time.Now()); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("an employee reads the program: %v", err)
	}

	// For, from management's status, is what Load gives each of the
	// staff; it refuses the auditor and the employee.
	now := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	managers, err := program.Load(ctx, s, nil, nil, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*attest.User{nil, sam, {ID: 20, Role: attest.RoleViewer}, {ID: 21, Role: attest.RoleAdmin}, {ID: 22, Role: attest.RoleCompliance}} {
		want, err := program.Load(ctx, s, nil, u, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		got, err := program.For(ctx, s, nil, managers, u, now)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("For %+v:\n got %+v %v\nwant %+v", u, got, err, want)
		}
	}
	for _, u := range []*attest.User{{ID: 23, Role: attest.RoleAuditor}, {ID: 9, Role: "employee"}} {
		if _, err := program.For(ctx, s, nil, managers, u, now); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("For %s: %v", u.Role, err)
		}
	}
}

// TestPersonID: a status read about one person names them by address;
// none names everyone; an address on no one is not found.
func TestPersonID(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	saved, err := people.Save(ctx, s, attest.Change{Actor: "operator", At: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}, nil, attest.Person{Email: "ana@example.com", Start: "2026-10-01"}, people.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for email, want := range map[string]int64{"ana@example.com": saved.Person.ID, " ": 0, "": 0} {
		if id, err := program.PersonID(ctx, s, email); err != nil || id != want {
			t.Errorf("%q: %d, %v; want %d", email, id, err, want)
		}
	}
	if _, err := program.PersonID(ctx, s, "bo@example.com"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("an address on no one: %v", err)
	}
}
