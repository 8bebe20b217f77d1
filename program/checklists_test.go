package program_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// TestLoadChecklists: management counts every item overdue or done
// late, a staff account only those assigned to it, the auditor none;
// acknowledgements and training are management's to read.
func TestLoadChecklists(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	at := attest.Change{Actor: "operator", At: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	it, err := s.SaveUser(ctx, at, attest.User{Email: "it@example.com", Name: "IT", Role: attest.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	roster := "email,name,start,end\ncy@example.org,Cy Diaz,2025-01-10,2026-05-20\n"
	if _, err := people.Import(ctx, s, at, nil, people.ImportRequest{Name: "r.csv", Data: []byte(roster), Options: people.Options{Owners: map[string]string{"it": it.Email}}}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	all, err := program.LoadChecklists(ctx, s, nil, nil, now)
	if err != nil || !all.Shown || all.Offboarding.Overdue != 4 || all.Onboarding.Overdue != 0 || len(all.Items) != 4 {
		t.Errorf("management: %+v, %v", all, err)
	}
	mine, err := program.LoadChecklists(ctx, s, nil, it, now)
	if err != nil || mine.Offboarding.Overdue != 3 {
		t.Errorf("IT: %+v, %v", mine, err)
	}
	// For gives IT management's status with IT's own items, as Load does.
	managers, err := program.Load(ctx, s, nil, nil, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*attest.User{nil, it} {
		want, err := program.Load(ctx, s, nil, u, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := program.For(ctx, s, nil, managers, u, now); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("For %+v:\n got %+v %v\nwant %+v", u, got, err, want)
		}
	}
	aud, err := program.LoadChecklists(ctx, s, nil, &attest.User{ID: 7, Role: attest.RoleAuditor}, now)
	if err != nil || aud.Shown || len(aud.Items) != 0 {
		t.Errorf("the auditor: %+v, %v", aud, err)
	}
	if _, err := program.Acknowledgements(ctx, s, it, ack.Filter{}, now); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a control owner reading everyone's acknowledgements: %v", err)
	}
	if _, err := program.Training(ctx, s, it, 0, nil, now); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a control owner reading everyone's training: %v", err)
	}
}
