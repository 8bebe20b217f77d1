package readiness

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

var change = attest.Change{Actor: "tester", At: time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)}

// missing is description inputs with fixed gaps; it records the controls
// it was asked about.
type missing struct {
	gaps  [][2]string
	asked map[string]bool
}

func (m *missing) IncidentRecords() []deviation.IncidentRecord { return nil }

func (m *missing) Missing(e *attest.Engagement, controls map[string]bool) [][2]string {
	m.asked = controls
	return m.gaps
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	s, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, change, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutExclusion(ctx, change, attest.Exclusion{EngagementID: "e1", CriterionID: "CC6.4", Reason: "carved out"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, change, []attest.Evidence{{Ref: "sha256:" + string(bytes.Repeat([]byte("a"), 64)), Name: "review.txt", Controls: []string{"AX-01"}, Date: "2026-03-20", Method: attest.MethodUpload}}); err != nil {
		t.Fatal(err)
	}
	sh, err := LoadShared(ctx, s, bs)
	if err != nil || sh.Run != nil || sh.Options.BusinessDays {
		t.Fatalf("shared before any run: %+v %v", sh, err)
	}
	recordRun(t, s, bs)
	if err := s.SetSetting(ctx, period.BusinessDaysKey, "true"); err != nil {
		t.Fatal(err)
	}
	if sh, err = LoadShared(ctx, s, bs); err != nil || sh.Run == nil || !sh.Options.BusinessDays {
		t.Fatalf("shared: %+v %v", sh, err)
	}
	desc := &missing{gaps: [][2]string{{"services", "what the system does is missing"}}}
	in, err := Load(ctx, s, e, time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), desc, sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Controls) != 2 || !desc.asked["AX-01"] || !desc.asked["BX-01"] || !cmp.Equal(in.Description, desc.gaps) {
		t.Errorf("controls %d, description asked about %v: %v", len(in.Controls), desc.asked, in.Description)
	}
	// AX-01 is quarterly: the review is Q1's evidence, the check run
	// (kept as evidence for AX-01) Q2's.
	if st := in.Status["AX-01"]; st.Present != 2 || in.Status["BX-01"].Present != 0 {
		t.Errorf("status %+v %+v", st, in.Status["BX-01"])
	}
	if want := []FailedCheck{{ID: "mfa", Title: "Console users have MFA", Severity: "high", Failing: 2, RunAt: "2026-04-01"}}; !cmp.Equal(in.Checks["AX-01"], want) {
		t.Errorf("failed checks %+v", in.Checks)
	}
	excluded := ""
	for _, tg := range in.Targets {
		if tg.ID == "CC6.4" {
			excluded = tg.Excluded
		}
	}
	if excluded != "carved out" || len(in.Library) == 0 {
		t.Errorf("targets: CC6.4 excluded %q, %d library hints", excluded, len(in.Library))
	}
}

// recordRun keeps a check run that failed for AX-01 as the latest.
func recordRun(t *testing.T, s *sqlite.DB, bs blob.Store) {
	t.Helper()
	ctx := context.Background()
	res := []check.Result{{Check: "mfa", Title: "Console users have MFA", Severity: "high", Status: check.StatusFail, Controls: []string{"AX-01"},
		Failing: []check.Finding{{Resource: "u1"}, {Resource: "u2"}}}}
	b, _ := json.Marshal(check.Run{RunAt: "2026-04-01T07:00:00Z", Results: res, Summary: check.Summarize(res)})
	ref, size, err := bs.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := s.AddEvidence(ctx, change, []attest.Evidence{{Ref: string(ref), Size: size, Name: "check-run.json", Controls: []string{"AX-01"}, Date: "2026-04-01", Method: attest.MethodCheck}})
	if err != nil {
		t.Fatal(err)
	}
	if err := check.RecordLatest(ctx, s, ev[0].ID); err != nil {
		t.Fatal(err)
	}
}

func TestWindow(t *testing.T) {
	day := func(s string) time.Time { d, _ := attest.ParseDate(s); return d }
	type2 := &attest.Engagement{PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"}
	type1 := &attest.Engagement{AsOf: "2026-06-30"}
	for _, tc := range []struct {
		name             string
		e                *attest.Engagement
		today            string
		start, end, when string
	}{
		{"Type 2: the period, as of today", type2, "2026-04-02", "2026-01-01", "2026-12-31", "2026-04-02"},
		{"Type 2 after the period", type2, "2027-01-15", "2026-01-01", "2026-12-31", "2027-01-15"},
		{"Type 1: the year to the as-of date", type1, "2026-04-02", "2025-07-01", "2026-06-30", "2026-04-02"},
		{"Type 1 after the as-of date", type1, "2026-09-01", "2025-07-01", "2026-06-30", "2026-06-30"},
	} {
		start, end, when := Window(tc.e, day(tc.today))
		got := [3]string{start.Format(attest.DateLayout), end.Format(attest.DateLayout), when.Format(attest.DateLayout)}
		if want := [3]string{tc.start, tc.end, tc.when}; got != want {
			t.Errorf("%s: got %v, want %v", tc.name, got, want)
		}
	}
}

func TestFailedChecks(t *testing.T) {
	if got := FailedChecks(nil); len(got) != 0 {
		t.Errorf("no run: %v", got)
	}
	run := &check.Run{RunAt: "2026-04-01T07:00:00Z", Results: []check.Result{
		{Check: "a", Status: check.StatusFail, Controls: []string{"AX-01", "BX-01"}, Failing: []check.Finding{{}}},
		{Check: "b", Status: check.StatusPass, Controls: []string{"AX-01"}},
		{Check: "c", Status: check.StatusError, Controls: []string{"AX-01"}},
	}}
	got := FailedChecks(run)
	want := map[string][]FailedCheck{"AX-01": {{ID: "a", Failing: 1, RunAt: "2026-04-01"}}, "BX-01": {{ID: "a", Failing: 1, RunAt: "2026-04-01"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed checks (-want +got):\n%s", diff)
	}
}
