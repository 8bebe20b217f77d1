package engagement_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// List: every engagement for the staff, the auditor's own while their
// window is open, none for the employee portal's principal.
func TestList(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "test"}
	for _, id := range []string{"e1", "e2"} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), storetest.Controls(1)); err != nil {
			t.Fatal(err)
		}
	}
	aud, err := s.SaveUser(ctx, ch, attest.User{Email: "ana@example.com", Name: "Ana", Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e2", Name: "Ana", UserID: aud.ID}); err != nil {
		t.Fatal(err)
	}
	scopeAt := func(u *attest.User, now time.Time) engagement.Scope {
		sc, err := auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: now}.Scope(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	inside := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		sc   engagement.Scope
		want []string
	}{
		{"the staff", auth.Everything, []string{"e1", "e2"}},
		{"the auditor of e2", scopeAt(aud, inside), []string{"e2"}},
		{"the auditor of e2 after the window", scopeAt(aud, inside.AddDate(3, 0, 0)), nil},
		{"the employee portal", auth.Nothing, nil},
	} {
		got, err := engagement.List(ctx, s, c.sc)
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if err != nil || !slices.Equal(ids, c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, ids, err, c.want)
		}
	}
}

// Summarize counts the controls by their status in the store.
func TestSummarize(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "test"}
	ctls := storetest.Controls(3)
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, ch, e, ctls); err != nil {
		t.Fatal(err)
	}
	st := attest.Implemented
	if _, err := s.UpdateControl(ctx, ch, "e1", ctls[1].ID, attest.ControlUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	sum, err := engagement.Summarize(ctx, s, e)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Controls != 3 || sum.ByStatus[attest.Implemented] != 1 || sum.ByStatus[ctls[0].Status] != 2 || len(sum.Exclusions) != 0 {
		t.Errorf("summary %+v", sum)
	}
}

// ReadControl reads a control in any case for a scope that reads its
// engagement, and refuses one that does not.
func TestReadControl(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ctls := storetest.Controls(1)
	if err := s.CreateEngagement(ctx, attest.Change{Actor: "test"}, storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	c, err := engagement.ReadControl(ctx, s, auth.Everything, "e1", strings.ToLower(ctls[0].ID))
	if err != nil || c.ID != ctls[0].ID {
		t.Errorf("the staff read %v (%v), want %s", c, err, ctls[0].ID)
	}
	if _, err := engagement.ReadControl(ctx, s, auth.Nothing, "e1", ctls[0].ID); err == nil {
		t.Error("the empty scope read a control")
	}
}
