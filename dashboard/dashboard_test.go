package dashboard_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// TestEngagement: three quarterly controls, CX-01 not applicable, none
// performed, seen on 10 July. The first quarter is missed by AX-01 and
// BX-01 only; the second comes due within the month for them only; a
// check failing for BX-01 and CX-01 is listed under BX-01 alone, one
// failing for CX-01 alone not at all; the request past its due day is
// overdue, the one still in time and the one closed are not.
func TestEngagement(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "test", At: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(3)); err != nil {
		t.Fatal(err)
	}
	na, why := attest.NotApplicable, "no such system"
	if _, err := s.UpdateControl(ctx, ch, "e1", "CX-01", attest.ControlUpdate{Status: &na, StatusReason: &why}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []attest.Request{
		{EngagementID: "e1", ControlID: "AX-01", Text: "late", Due: "2026-07-01", Status: "open"},
		{EngagementID: "e1", ControlID: "AX-01", Text: "in time", Due: "2026-07-20", Status: "open"},
		{EngagementID: "e1", ControlID: "BX-01", Text: "closed", Due: "2026-07-01", Status: "closed"},
	} {
		if _, err := s.SaveRequest(ctx, ch, q); err != nil {
			t.Fatal(err)
		}
	}
	run := &check.Run{RunAt: "2026-07-09T08:00:00Z", Results: []check.Result{
		{Check: "mfa", Title: "MFA on", Status: check.StatusFail, Controls: []string{"BX-01", "CX-01"}},
		{Check: "na-only", Title: "not ours", Status: check.StatusFail, Controls: []string{"CX-01"}},
		{Check: "passes", Title: "fine", Status: check.StatusPass, Controls: []string{"AX-01"}},
	}}
	today := time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)
	v, err := dashboard.Engagement(ctx, s, bs, e, today, readiness.Shared{Run: run})
	if err != nil {
		t.Fatal(err)
	}
	controls := func(l []dashboard.Occurrence) []string {
		var out []string
		for _, o := range l {
			out = append(out, o.Control+" "+o.Due)
		}
		return out
	}
	if got := controls(v.Missed); !slices.Equal(got, []string{"AX-01 2026-04-30", "BX-01 2026-04-30"}) {
		t.Errorf("missed %v", got)
	}
	if got := controls(v.Upcoming); !slices.Equal(got, []string{"AX-01 2026-07-30", "BX-01 2026-07-30"}) {
		t.Errorf("upcoming %v", got)
	}
	if len(v.Failing) != 1 || v.Failing[0].Check != "mfa" || !slices.Equal(v.Failing[0].Controls, []string{"BX-01"}) {
		t.Errorf("failing %+v", v.Failing)
	}
	if len(v.Overdue) != 1 || v.Overdue[0].Text != "late" {
		t.Errorf("overdue %+v", v.Overdue)
	}
	if len(v.Controls) != 3 || v.Counts[string(attest.NotApplicable)] != 1 || v.Counts[string(attest.NotStarted)] != 2 || v.TargetName != "Criterion" {
		t.Errorf("controls %d, counts %v, target %q", len(v.Controls), v.Counts, v.TargetName)
	}
	if v.Start != "2026-01-01" || v.AsOf != "2026-07-10" || v.Readiness == nil {
		t.Errorf("window %s to %s as of %s, readiness %v", v.Start, v.End, v.AsOf, v.Readiness)
	}

	// One control's page: its occurrences over the window and its
	// evidence, newest first, as the reader's scope allows.
	for i, name := range []string{"older.txt", "newer.txt"} {
		at := attest.Change{Actor: "test", At: time.Date(2026, 7, 1+i, 9, 0, 0, 0, time.UTC)}
		if _, err := s.AddEvidence(ctx, at, []attest.Evidence{{Ref: "sha256:" + strings.Repeat(string(rune('a'+i)), 64), Size: 1, MediaType: "text/plain", Name: name, Controls: []string{"AX-01"}, Method: attest.MethodUpload}}); err != nil {
			t.Fatal(err)
		}
	}
	cv, err := dashboard.ReadControl(ctx, s, auth.Everything, "e1", "ax-01", today)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Control.ID != "AX-01" || len(cv.Occurrences) == 0 || cv.Start != "2026-01-01" || cv.AsOf != "2026-07-10" || len(cv.Evidence) != 2 || cv.Evidence[0].Name != "newer.txt" {
		t.Errorf("control view %+v", cv)
	}
	if _, err := dashboard.ReadControl(ctx, s, auth.Everything, "e1", "ZZ-99", today); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("an unknown control: %v", err)
	}
}

// State changes with each of its inputs: the day, a ledger entry, the
// business-days setting and the latest check run; and only with them.
func TestState(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	day := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	seen := map[string]string{}
	step := func(what string, at time.Time) {
		t.Helper()
		k, err := dashboard.State(ctx, s, at)
		if err != nil {
			t.Fatal(err)
		}
		for was, k2 := range seen {
			if k2 == k {
				t.Errorf("%s: the same state as %s (%s)", what, was, k)
			}
		}
		seen[what] = k
	}
	step("empty", day)
	if k, _ := dashboard.State(ctx, s, day.Add(5*time.Hour)); k != seen["empty"] {
		t.Errorf("later the same day: %s, want %s", k, seen["empty"])
	}
	step("the next day", day.AddDate(0, 0, 1))
	if err := s.CreateEngagement(ctx, attest.Change{Actor: "t", At: day}, storetest.Engagement("e1"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	step("an engagement", day.AddDate(0, 0, 1))
	if err := s.SetSetting(ctx, period.BusinessDaysKey, "true"); err != nil {
		t.Fatal(err)
	}
	step("business days", day.AddDate(0, 0, 1))
	if err := check.RecordLatest(ctx, s, 7); err != nil {
		t.Fatal(err)
	}
	step("a check run", day.AddDate(0, 0, 1))
}

// TestReadable: the views kept for every reader are given to each as
// their scope reads them: all to the staff; to an auditor, the
// engagements they are named on, inside the window.
func TestReadable(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t", At: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	var views []*dashboard.View
	for _, id := range []string{"e1", "e2"} {
		e := storetest.Engagement(id)
		if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(1)); err != nil {
			t.Fatal(err)
		}
		views = append(views, &dashboard.View{Engagement: *e})
	}
	aud, err := s.SaveUser(ctx, ch, attest.User{Email: "a@firm.example", Name: "A", Role: attest.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e2", Name: "A", UserID: aud.ID}); err != nil {
		t.Fatal(err)
	}
	sc, err := auth.ScopeAt(ctx, s, nil, ch.At, aud)
	if err != nil {
		t.Fatal(err)
	}
	if got := dashboard.Readable(sc, views); len(got) != 1 || got[0].EngagementID() != "e2" {
		t.Errorf("the auditor's views: %v", got)
	}
	if got := dashboard.Readable(auth.Everything, views); len(got) != 2 {
		t.Errorf("the staff's views: %v", got)
	}
	if v, err := dashboard.Pick(sc, views, "e2"); err != nil || v.EngagementID() != "e2" {
		t.Errorf("the auditor picks e2: %v %v", v, err)
	}
	if _, err := dashboard.Pick(sc, views, "e1"); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("the auditor picks e1: %v", err)
	}
	if _, err := dashboard.Pick(auth.Everything, views, "e9"); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("no such engagement: %v", err)
	}
}

// TestAll: every engagement's view, in the order given, with no check run
// recorded yet (no failing checks, not an error).
func TestAll(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "test", At: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	for i, id := range []string{"e1", "e2"} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), storetest.Controls(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	engs, err := s.Engagements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := dashboard.All(ctx, s, bs, engs, time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Engagement.ID != "e1" || vs[1].Engagement.ID != "e2" || len(vs[1].Controls) != 2 || len(vs[0].Failing) != 0 {
		t.Fatalf("views %+v", vs)
	}
}
