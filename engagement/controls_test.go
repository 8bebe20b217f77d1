package engagement

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/storetest"
)

// people is a fixed list of accounts for owner look-ups.
type people []attest.User

func (p people) Users(context.Context) ([]attest.User, error) { return p, nil }

var accounts = people{
	{ID: 1, Email: "sam@example.com", Name: "Sam Adeyemi", Role: attest.RoleOwner},
	{ID: 2, Email: "sam.a@example.com", Name: "sam adeyemi", Role: attest.RoleOwner},
	{ID: 3, Email: "dana@example.com", Name: "Dana Ortiz", Role: attest.RoleOwner},
	{ID: 4, Email: "dana2@example.com", Name: "Dana Ortiz", Role: attest.RoleViewer},
	{ID: 5, Email: "ana@cpa.example", Name: "Ana Lima", Role: attest.RoleAuditor},
}

func TestOwnerAccount(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		owner string
		want  int64
		err   bool
	}{
		{"Sam Adeyemi", 1, false},       // exactly one account with that name
		{"SAM ADEYEMI", 0, false},       // a name that only looks alike is nobody
		{"Dana Ortiz", 0, false},        // two accounts: never guessed
		{"dana2@example.com", 4, false}, // an address names its account
		{"nobody@example.com", 0, true}, // an unknown address is refused
		{"Hannah Cole", 0, false},       // a person without an account
		{"Ana Lima", 0, false},          // the service auditor owns nothing
		{"ana@cpa.example", 0, true},    // not even named by address
	} {
		u, err := OwnerAccount(ctx, accounts, tc.owner)
		var got int64
		if u != nil {
			got = u.ID
		}
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("OwnerAccount(%q) = %d, %v; want %d (error %v)", tc.owner, got, err, tc.want, tc.err)
		}
	}
}

// Hole: control owners were matched by display name, so whoever was later
// created as "Sam Adeyemi" owned Sam's controls. Only the owner account
// edits as the owner.
func TestOnlyTheOwnerAccountEditsAsOwner(t *testing.T) {
	c := storetest.Controls(1)[0]
	c.Owner, c.OwnerID = "Sam Adeyemi", 1
	sam := &accounts[0]
	lookAlike := &attest.User{ID: 9, Email: "sam@evil.example", Name: "Sam Adeyemi", Role: attest.RoleOwner}
	if err := MayEdit(sam, &c); err != nil {
		t.Errorf("the owner account: %v", err)
	}
	if err := MayEdit(lookAlike, &c); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("an account with the owner's name: %v", err)
	}
	c.OwnerID = 0 // recorded by name only: nobody owns it in the app
	if err := MayEdit(sam, &c); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("an unlinked owner name: %v", err)
	}
}

// FuzzControlChange feeds a control change as the JSON API reads it and
// checks: never a panic, and a change that is accepted leaves a control
// every store would take (a known status and frequency, a reason when not
// applicable, a description).
func FuzzControlChange(f *testing.F) {
	for _, s := range []string{`{"status":"implemented"}`, `{"status":"not-applicable","status_reason":"x"}`, `{"due_days":-1}`, `{"frequency":"weekly","owner":"a"}`, `{}`, `[]`, `{"description":""}`, `{"owner":"dana2@example.com"}`} {
		f.Add(s)
	}
	admin := &attest.User{ID: 7, Role: attest.RoleAdmin}
	f.Fuzz(func(t *testing.T, body string) {
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		dec.DisallowUnknownFields()
		var ch ControlChange
		if dec.Decode(&ch) != nil {
			return
		}
		c := storetest.Controls(1)[0]
		up, err := ch.update(context.Background(), accounts, admin, &c)
		if err != nil {
			if code := attest.ErrorCode(err); code != attest.EINVALID {
				t.Fatalf("update: %s %v", code, err)
			}
			return
		}
		if err := attest.ApplyControlUpdate(&c, up); err != nil {
			t.Fatalf("an accepted change does not apply: %v", err)
		}
		if _, err := attest.ParseStatus(string(c.Status)); err != nil || c.Description == "" || (c.Status == attest.NotApplicable && c.StatusReason == "") {
			t.Fatalf("an accepted change leaves %+v", c)
		}
	})
}

// controlList is a fixed engagement's controls with the fixed accounts.
type controlList struct {
	people
	ctls []attest.Control
}

func (l controlList) Controls(context.Context, string) ([]attest.Control, error) { return l.ctls, nil }

// The owner filter finds controls by the owner's account (by address, or
// by the one account with that name, ignoring case; a disabled account's
// controls too), a name no account carries by the name recorded; a name
// two accounts carry is refused rather than guessed.
func TestFindControlsByOwnerAccount(t *testing.T) {
	ctls := storetest.Controls(6)
	ctls[0].Owner, ctls[0].OwnerID = "Sam Adeyemi", 1
	ctls[1].Owner, ctls[1].OwnerID = "sam adeyemi", 2 // another account, a look-alike name
	ctls[1].Objectives = []string{"CO-3"}
	ctls[2].Owner = "Hannah Cole" // no account yet
	ctls[2].Criteria = []string{"CC7.2"}
	ctls[3].Owner, ctls[3].OwnerID = "Dana Ortiz", 3
	ctls[3].Status = attest.Implemented
	ctls[4].Owner, ctls[4].OwnerID = "Lee Park", 6 // a disabled account
	users := append(people{{ID: 6, Email: "lee@example.com", Name: "Lee Park", Role: attest.RoleOwner, Disabled: true}}, accounts...)
	l := controlList{users, ctls}
	ctx := context.Background()
	for _, tc := range []struct {
		f    ControlFilter
		want []string
	}{
		{ControlFilter{Owner: "sam@example.com"}, []string{ctls[0].ID}},
		{ControlFilter{Owner: "SAM.A@example.com"}, []string{ctls[1].ID}},
		{ControlFilter{Owner: "hannah cole"}, []string{ctls[2].ID}},
		{ControlFilter{Owner: "-"}, []string{ctls[5].ID}},
		{ControlFilter{Owner: "lee park"}, []string{ctls[4].ID}},
		{ControlFilter{Owner: "lee@example.com"}, []string{ctls[4].ID}},
		{ControlFilter{Owner: "dana@example.com", Status: "implemented"}, []string{ctls[3].ID}},
		{ControlFilter{Owner: "dana@example.com", Status: "not-started"}, []string{}},
		{ControlFilter{Criterion: "cc7.2"}, []string{ctls[2].ID}},
		{ControlFilter{Objective: "CO-3"}, []string{ctls[1].ID}},
	} {
		got, total, err := FindControls(ctx, l, only("E"), "E", tc.f)
		if err != nil || total != len(ctls) {
			t.Fatalf("%+v: %v (total %d)", tc.f, err, total)
		}
		ids := []string{}
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, ids, tc.want)
		}
	}
	for _, f := range []ControlFilter{{Status: "done"}, {Owner: "nobody@example.com"}, {Owner: "Dana Ortiz"}, {Owner: "Sam Adeyemi"}} {
		if _, _, err := FindControls(ctx, l, only("E"), "E", f); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%+v: %v, want it refused", f, err)
		}
	}
	if _, _, err := FindControls(ctx, l, only("F"), "E", ControlFilter{}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a reader of another engagement: %v", err)
	}
}

// only is a scope that reads one engagement, as an auditor's does.
type only string

func (o only) Engagement(id string) error {
	if id != string(o) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "engagement " + id + ": not yours"}
	}
	return nil
}
