package storetest

import (
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func testAuditors(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "Ana Lima", Firm: "Example CPA"}); err != nil {
		t.Fatal(err)
	}
	mustCode(t, s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "Ana Lima"}), attest.ECONFLICT)
	mustCode(t, s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "nope", Name: "X"}), attest.ENOTFOUND)
	got, err := s.Auditors(ctx, "e1")
	if err != nil || len(got) != 1 || got[0].Firm != "Example CPA" || got[0].AddedBy != "tester" {
		t.Errorf("auditors %+v %v", got, err)
	}
	if a, err := s.LinkAuditor(ctx, ch, "e1", "Ana Lima", 42); err != nil || a.UserID != 42 || a.Firm != "Example CPA" {
		t.Errorf("link %+v %v", a, err)
	}
	if _, err := s.LinkAuditor(ctx, ch, "e1", "Nobody", 42); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("link an unknown auditor: %v", err)
	}
	if got, _ := s.Auditors(ctx, "e1"); len(got) != 1 || got[0].UserID != 42 {
		t.Errorf("after link: %+v", got)
	}
	if err := s.RemoveAuditor(ctx, ch, "e1", "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	mustCode(t, s.RemoveAuditor(ctx, ch, "e1", "Ana Lima"), attest.ENOTFOUND)
	if got, _ := s.Auditors(ctx, "e1"); len(got) != 0 {
		t.Errorf("after removal: %+v", got)
	}
}

func testPopulationsAndDraws(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	p, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "CHG-02", Ref: "sha256:" + "ab", Name: "changes.csv", Format: "csv", Rows: 120,
		KeyColumn: "id", DateColumn: "merged", FirstDate: "2026-01-02", LastDate: "2026-06-30", Source: "GitHub", Query: "merged PRs to main",
		ExtractedBy: "Sam", ExtractedAt: "2026-07-01T09:00:00Z"})
	if err != nil || p.ID != 1 || p.ImportedBy != "tester" {
		t.Fatalf("population %+v %v", p, err)
	}
	got, err := s.Population(ctx, 1)
	if diff := cmp.Diff(p, got); err != nil || diff != "" {
		t.Errorf("population round trip (-want +got): %s %v", diff, err)
	}
	if l, _ := s.Populations(ctx, "CHG-02"); len(l) != 1 {
		t.Errorf("populations %+v", l)
	}
	_, err = s.Population(ctx, 9)
	mustCode(t, err, attest.ENOTFOUND)

	d := attest.Draw{EngagementID: "e1", ControlID: "CHG-02", PopulationID: 1, Seed: "s", Size: 3, Rule: "table", Items: []string{"c", "a", "b"}}
	first, err := s.AddDraw(ctx, ch, d)
	if err != nil || !first.Binding || first.ID != 1 || first.DrawnBy != "tester" {
		t.Fatalf("first draw %+v %v", first, err)
	}
	_, err = s.AddDraw(ctx, ch, d)
	mustCode(t, err, attest.ECONFLICT)
	d.Redraw = "the seed was mistyped"
	second, err := s.AddDraw(ctx, ch, d)
	if err != nil || second.Binding {
		t.Fatalf("redraw %+v %v", second, err)
	}
	all, _ := s.Draws(ctx, "e1", "CHG-02")
	if len(all) != 2 || !all[0].Binding || all[1].Redraw == "" || !cmp.Equal(all[0].Items, []string{"c", "a", "b"}) {
		t.Errorf("draws %+v", all)
	}
	d.PopulationID, d.Redraw = 1, ""
	d.EngagementID = "e2"
	if err := s.CreateEngagement(ctx, ch, Engagement("e2"), nil); err != nil {
		t.Fatal(err)
	}
	if x, err := s.AddDraw(ctx, ch, d); err != nil || !x.Binding {
		t.Errorf("another engagement's first draw is binding: %+v %v", x, err)
	}
}

func testTestsAndRequests(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	in := attest.Test{EngagementID: "e1", ControlID: "CHG-02", Procedures: []string{"inspection"}, DrawID: 3,
		Items: []attest.ItemResult{{Key: "A", Result: attest.ResultDeviation, Note: "late"}}, Conclusion: attest.ConclusionExceptions, Deviations: "isolated", Wording: "w"}
	got, err := s.AddTest(ctx, ch, in)
	if err != nil || got.ID != 1 || got.TestedBy != "tester" {
		t.Fatalf("test %+v %v", got, err)
	}
	back, err := s.Test(ctx, 1)
	if diff := cmp.Diff(got, back); err != nil || diff != "" {
		t.Errorf("test round trip (-want +got): %s %v", diff, err)
	}
	internal := in
	internal.Internal = true
	s.AddTest(ctx, ch, internal)
	if ts, _ := s.Tests(ctx, "e1", "CHG-02"); len(ts) != 2 || !ts[1].Internal {
		t.Errorf("tests %+v", ts)
	}
	_, err = s.AddResponse(ctx, ch, attest.Response{TestID: 9, Text: "x"})
	mustCode(t, err, attest.ENOTFOUND)
	resp, err := s.AddResponse(ctx, ch, attest.Response{TestID: 1, Text: "fixed"})
	if err != nil || resp.By != "tester" {
		t.Fatalf("response %+v %v", resp, err)
	}
	if rs, _ := s.Responses(ctx, 1); len(rs) != 1 || rs[0].Text != "fixed" {
		t.Errorf("responses %+v", rs)
	}
	q, err := s.SaveRequest(ctx, ch, attest.Request{EngagementID: "e1", ControlID: "CHG-02", Text: "approvals", Items: []string{"A"}, Due: "2026-11-01", Status: "open"})
	if err != nil || q.ID != 1 {
		t.Fatalf("request %+v %v", q, err)
	}
	q.Status, q.Evidence = "fulfilled", []int64{4}
	if _, err := s.SaveRequest(ctx, ch, *q); err != nil {
		t.Fatal(err)
	}
	back2, _ := s.Request(ctx, 1)
	if back2.Status != "fulfilled" || !cmp.Equal(back2.Evidence, []int64{4}) || back2.CreatedBy != "tester" {
		t.Errorf("request %+v", back2)
	}
	// Two people act on the request as each read it: the second save,
	// from a copy read before the first, is refused and undoes nothing.
	later := ch
	later.At = later.At.Add(time.Minute)
	closing, answering := *back2, *back2
	closing.Status = "closed"
	if _, err := s.SaveRequest(ctx, later, closing); err != nil {
		t.Fatal(err)
	}
	answering.Evidence = []int64{4, 5}
	second := later
	second.At = second.At.Add(time.Second)
	_, err = s.SaveRequest(ctx, second, answering)
	mustCode(t, err, attest.ECONFLICT)
	if back3, _ := s.Request(ctx, 1); back3.Status != "closed" || !cmp.Equal(back3.Evidence, []int64{4}) {
		t.Errorf("after a stale save: %+v", back3)
	}
	q = back2
	q.ID = 42
	_, err = s.SaveRequest(ctx, ch, *q)
	mustCode(t, err, attest.ENOTFOUND)

	_, err = s.AddComment(ctx, ch, attest.Comment{RequestID: 42, Text: "x"})
	mustCode(t, err, attest.ENOTFOUND)
	size, _ := s.LedgerSize(ctx)
	c1, err := s.AddComment(ctx, ch, attest.Comment{RequestID: 1, Text: "Which ticket approves item A?"})
	if err != nil || c1.ID != 1 || c1.By != "tester" || c1.Entry != size {
		t.Fatalf("comment %+v %v (ledger size before %d)", c1, err, size)
	}
	if _, err := s.AddComment(ctx, ch, attest.Comment{RequestID: 1, Text: "CHG-12, attached."}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Comments(ctx, 1)
	if err != nil || len(cs) != 2 || cs[0].Text != "Which ticket approves item A?" || cs[1].ID != 2 || cs[1].RequestID != 1 {
		t.Errorf("comments %+v %v", cs, err)
	}
	if cs, _ := s.Comments(ctx, 42); len(cs) != 0 {
		t.Errorf("comments of an unknown request: %+v", cs)
	}
}

func testCompleteness(t *testing.T, s attest.Store) {
	_, err := s.AddCompleteness(ctx, ch, attest.Completeness{PopulationID: 1, Method: "control-total"})
	mustCode(t, err, attest.ENOTFOUND)
	p, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "AC-04", Ref: "sha256:x", Name: "hr.csv", Format: "csv", Rows: 3, KeyColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.AddCompleteness(ctx, ch, attest.Completeness{PopulationID: p.ID, Method: "reconciled", AgainstID: 7, Matched: 2, Missing: []string{"E2"}, MissingCount: 1, Note: "n"})
	if err != nil || c.ID != 1 || c.By != "tester" || c.Extra == nil {
		t.Fatalf("completeness %+v %v", c, err)
	}
	got, err := s.CompletenessChecks(ctx, p.ID)
	if err != nil || len(got) != 1 || !cmp.Equal(got[0], *c) {
		t.Errorf("checks %+v %v (want %+v)", got, err, c)
	}
}

// testCheckedPopulation: a population and its completeness check are
// written together, or neither is.
func testCheckedPopulation(t *testing.T, s attest.Store) {
	pop := attest.Population{ControlID: "AC-04", Ref: "sha256:y", Name: "leavers.csv", Format: "csv", Rows: 2, KeyColumn: "person_id"}
	alone, none, err := s.AddCheckedPopulation(ctx, ch, pop, nil)
	if err != nil || none != nil || alone.ID == 0 {
		t.Fatalf("without a check: %+v %+v %v", alone, none, err)
	}
	before, _ := s.LedgerSize(ctx)
	bad := attest.Completeness{Method: "guessed", Matched: 2}
	if _, _, err := s.AddCheckedPopulation(ctx, ch, pop, &bad); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("a check of no known method: %v", err)
	}
	if ps, _ := s.Populations(ctx, "AC-04"); len(ps) != 1 {
		t.Errorf("a refused check left its population: %+v", ps)
	}
	if n, _ := s.LedgerSize(ctx); n != before {
		t.Errorf("a refused check left entries: %d, was %d", n, before)
	}
	check := attest.Completeness{PopulationID: 99, Method: attest.CompletenessReconciled, Matched: 1, Extra: []string{"E9"}, ExtraCount: 1}
	p, c, err := s.AddCheckedPopulation(ctx, ch, pop, &check)
	if err != nil || c.PopulationID != p.ID || p.ID == alone.ID || c.Entry != p.Entry+1 || c.By != "tester" || c.Missing == nil {
		t.Fatalf("with its check: %+v %+v %v", p, c, err)
	}
	if got, err := s.CompletenessChecks(ctx, p.ID); err != nil || len(got) != 1 || !cmp.Equal(got[0], *c) {
		t.Errorf("checks %+v %v (want %+v)", got, err, c)
	}
	if got, _ := s.CompletenessChecks(ctx, alone.ID); len(got) != 0 {
		t.Errorf("the population without a check has %+v", got)
	}
}
