// Package storetest is the conformance suite every attest.Store engine must
// pass: the embedded SQLite store now, PostgreSQL later. Engines run it from
// their own tests with a constructor that returns a fresh, empty store.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open func(t *testing.T) attest.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s attest.Store)
	}{
		{"EngagementRoundTrip", testEngagementRoundTrip},
		{"EngagementConflict", testEngagementConflict},
		{"CreateIsAtomic", testCreateIsAtomic},
		{"NotFound", testNotFound},
		{"UpdateControl", testUpdateControl},
		{"Exclusions", testExclusions},
		{"Settings", testSettings},
		{"Evidence", testEvidence},
		{"EvidenceDates", testEvidenceDates},
		{"EventsAndNotRequired", testEventsAndNotRequired},
		{"LedgerRecordsEveryChange", testLedgerRecordsEveryChange},
		{"LedgerRefusesInvalidText", testLedgerRefusesInvalidText},
		{"LedgerConcurrentAppends", testLedgerConcurrentAppends},
		{"Checkpoint", testCheckpoint},
		{"Auditors", testAuditors},
		{"PopulationsAndDraws", testPopulationsAndDraws},
		{"TestsAndRequests", testTestsAndRequests},
		{"Disclosures", testDisclosures},
		{"AccessReviews", testAccessReviews},
		{"Policies", testPolicies},
		{"People", testPeople},
		{"Checklists", testChecklists},
		{"ItemsNotDoneOnTime", testItemsNotDoneOnTime},
		{"Acknowledgements", testAcknowledgements},
		{"Training", testTraining},
		{"PortalLinks", testPortalLinks},
		{"Completeness", testCompleteness},
		{"CheckedPopulation", testCheckedPopulation},
		{"Documents", testDocuments},
		{"BlobRefs", testBlobRefs},
		{"Users", testUsers},
		{"Trust", testTrust},
		{"PublicDownloads", testPublicDownloads},
		{"Jobs", testJobs},
		{"JobRetries", testJobRetries},
		{"JobsConcurrentClaims", testJobsConcurrentClaims},
		{"Sessions", testSessions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

var (
	ctx = context.Background()
	ch  = attest.Change{Actor: "tester", At: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
)

// Engagement returns a valid SOC 2 Type 2 engagement for tests.
func Engagement(id string) *attest.Engagement {
	return &attest.Engagement{
		ID: id, Name: "Example " + id, Kind: attest.SOC2, Type: attest.Type2,
		Categories: []string{attest.Security, attest.Availability}, Templates: []string{},
		PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31", ReportDate: "2027-02-28",
		Firm: "Example CPA LLP", CreatedAt: "2026-01-01T10:00:00Z", AlsoSOC3: true,
	}
}

// Controls returns n controls for tests.
func Controls(n int) []attest.Control {
	var out []attest.Control
	for i := 0; i < n; i++ {
		out = append(out, attest.Control{
			ID: string(rune('A'+i)) + "X-01", Title: "Control", Description: "Does a thing.",
			Type: attest.Preventive, Nature: attest.Manual, Frequency: attest.Quarterly, DueDays: 30,
			OwnerRole: "Security Lead", Status: attest.NotStarted,
			Criteria: []string{"CC6.1"}, Objectives: []string{}, UpdatedAt: "2026-01-01T10:00:00Z",
		})
	}
	return out
}

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := attest.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func testEngagementRoundTrip(t *testing.T, s attest.Store) {
	e := Engagement("soc2-2026")
	ctls := Controls(3)
	if err := s.CreateEngagement(ctx, ch, e, ctls); err != nil {
		t.Fatal(err)
	}
	e1 := Engagement("soc1-2026")
	e1.Kind, e1.Categories, e1.Templates, e1.AlsoSOC3 = attest.SOC1, []string{}, []string{"itgc", "payroll"}, false
	// Same creation instant: listing keeps insertion order.
	e1.CreatedAt = e.CreatedAt
	if err := s.CreateEngagement(ctx, ch, e1, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Engagement(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, got); diff != "" {
		t.Errorf("engagement (-want +got):\n%s", diff)
	}
	all, err := s.Engagements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != e.ID || all[1].ID != e1.ID {
		t.Errorf("engagements: %+v", all)
	}
	gotCtl, err := s.Controls(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ctls {
		ctls[i].EngagementID = e.ID
	}
	if diff := cmp.Diff(ctls, gotCtl); diff != "" {
		t.Errorf("controls (-want +got):\n%s", diff)
	}
	none, err := s.Controls(ctx, e1.ID)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("controls of an engagement without any: %v, %v (want empty, non-nil)", none, err)
	}
}

func testEngagementConflict(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	mustCode(t, s.CreateEngagement(ctx, ch, Engagement("e1"), nil), attest.ECONFLICT)
}

func testCreateIsAtomic(t *testing.T, s attest.Store) {
	ctls := Controls(2)
	ctls[1].ID = ctls[0].ID
	mustCode(t, s.CreateEngagement(ctx, ch, Engagement("e1"), ctls), attest.ECONFLICT)
	_, err := s.Engagement(ctx, "e1")
	mustCode(t, err, attest.ENOTFOUND)
}

func testNotFound(t *testing.T, s attest.Store) {
	_, err := s.Engagement(ctx, "nope")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.Controls(ctx, "nope")
	mustCode(t, err, attest.ENOTFOUND)
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), Controls(1)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Control(ctx, "e1", "ZZ-99")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.UpdateControl(ctx, ch, "e1", "ZZ-99", attest.ControlUpdate{})
	mustCode(t, err, attest.ENOTFOUND)
	mustCode(t, s.DeleteExclusion(ctx, ch, "e1", "CC1.1"), attest.ENOTFOUND)
	mustCode(t, s.PutExclusion(ctx, ch, attest.Exclusion{EngagementID: "nope", CriterionID: "A1.1", Reason: "x"}), attest.ENOTFOUND)
}

func ptr[T any](v T) *T { return &v }

func testUpdateControl(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), Controls(2)); err != nil {
		t.Fatal(err)
	}
	id := Controls(1)[0].ID
	c, err := s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Owner: ptr("Dana Ortiz"), Frequency: ptr(attest.Monthly), DueDays: ptr(10), Status: ptr(attest.Implemented)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Control(ctx, "e1", id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("returned and stored differ (-ret +stored):\n%s", diff)
	}
	if got.Owner != "Dana Ortiz" || got.Frequency != attest.Monthly || got.DueDays != 10 || got.Status != attest.Implemented || got.UpdatedAt != "2026-03-04T05:06:07Z" {
		t.Errorf("after update: %+v", got)
	}
	// Not applicable without a reason is refused and changes nothing.
	_, err = s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Status: ptr(attest.NotApplicable), Owner: ptr("Someone Else")})
	mustCode(t, err, attest.EINVALID)
	if again, _ := s.Control(ctx, "e1", id); again.Owner != "Dana Ortiz" || again.Status != attest.Implemented {
		t.Errorf("refused update changed the control: %+v", again)
	}
	c, err = s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Status: ptr(attest.NotApplicable), StatusReason: ptr("No office: fully remote.")})
	if err != nil || c.StatusReason != "No office: fully remote." {
		t.Fatalf("not applicable with reason: %+v, %v", c, err)
	}
	_, err = s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Frequency: ptr(attest.Frequency("fortnightly-ish"))})
	mustCode(t, err, attest.EINVALID)
	// The other control is untouched.
	other, _ := s.Control(ctx, "e1", Controls(2)[1].ID)
	if other.Owner != "" || other.Status != attest.NotStarted {
		t.Errorf("other control changed: %+v", other)
	}
}

func testExclusions(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	x := attest.Exclusion{EngagementID: "e1", CriterionID: "A1.3", Reason: "first", CreatedAt: "2026-01-01T00:00:00Z"}
	if err := s.PutExclusion(ctx, ch, x); err != nil {
		t.Fatal(err)
	}
	x.Reason = "second"
	if err := s.PutExclusion(ctx, ch, x); err != nil {
		t.Fatal(err)
	}
	y := attest.Exclusion{EngagementID: "e1", CriterionID: "A1.1", Reason: "other", CreatedAt: "2026-01-01T00:00:00Z"}
	if err := s.PutExclusion(ctx, ch, y); err != nil {
		t.Fatal(err)
	}
	got, err := s.Exclusions(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]attest.Exclusion{y, x}, got); diff != "" {
		t.Errorf("exclusions (-want +got):\n%s", diff)
	}
	if err := s.DeleteExclusion(ctx, ch, "e1", "A1.3"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Exclusions(ctx, "e1")
	if len(got) != 1 || got[0].CriterionID != "A1.1" {
		t.Errorf("after delete: %+v", got)
	}
}

func testSettings(t *testing.T, s attest.Store) {
	_, err := s.Setting(ctx, "current_engagement")
	mustCode(t, err, attest.ENOTFOUND)
	for _, v := range []string{"a", "b"} {
		if err := s.SetSetting(ctx, "current_engagement", v); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Setting(ctx, "current_engagement"); err != nil || got != v {
			t.Errorf("setting: %q, %v; want %q", got, err, v)
		}
	}
	// SwapSetting takes only from what it expects: absent, then a value.
	a, b := "a", "b"
	for _, c := range []struct {
		old   *string
		value string
		ok    bool
		holds string
	}{
		{nil, "a", true, "a"},
		{nil, "x", false, "a"},
		{&b, "x", false, "a"},
		{&a, "b", true, "b"},
		{&a, "x", false, "b"},
	} {
		ok, err := s.SwapSetting(ctx, "swap.test", c.old, c.value)
		if err != nil || ok != c.ok {
			t.Errorf("swap to %q: %v, %v; want %v", c.value, ok, err, c.ok)
		}
		if got, _ := s.Setting(ctx, "swap.test"); got != c.holds {
			t.Errorf("after swapping to %q the setting holds %q, want %q", c.value, got, c.holds)
		}
	}
}
