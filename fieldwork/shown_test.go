package fieldwork_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// TestWorkspace: what the workspace, the draw list and a control's tests
// show, read from a real store. AX-01 has a population, a binding draw, a
// stratified redraw and an extension, two auditor's tests (the later one
// with exceptions and a response) and an internal one, and an open and a
// closed request; BX-01 has nothing yet. The tests here are not signed.
func TestWorkspace(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	p, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "AX-01", Ref: "sha256:" + strings.Repeat("ab", 32), Name: "p.csv", Format: "csv", Rows: 40, KeyColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []attest.Draw{
		{Seed: "s1", Size: 2, Rule: "r", Items: []string{"1", "2"}, Binding: true},
		{Seed: "s2", Size: 2, Rule: "r", Items: []string{"3", "4"}, Redraw: "wrong file", Stratify: "month"},
		{Seed: "s1", Size: 1, Rule: "r", Items: []string{"5"}, Binding: true, Extends: 1},
	} {
		d.EngagementID, d.ControlID, d.PopulationID = "e1", "AX-01", p.ID
		if _, err := s.AddDraw(ctx, ch, d); err != nil {
			t.Fatal(err)
		}
	}
	var tests []*attest.Test
	for _, x := range []attest.Test{
		{Conclusion: attest.ConclusionNoExceptions, Wording: "No exceptions noted."},
		{Conclusion: attest.ConclusionExceptions, Wording: "Exception noted."},
		{Conclusion: attest.ConclusionExceptions, Wording: "Ours.", Internal: true},
	} {
		x.EngagementID, x.ControlID, x.Procedures, x.Items = "e1", "AX-01", []string{"inspection"}, []attest.ItemResult{}
		got, err := s.AddTest(ctx, ch, x)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, got)
	}
	if _, err := s.AddResponse(ctx, ch, attest.Response{TestID: tests[1].ID, Text: "Fixed."}); err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"open", "closed"} {
		if _, err := s.SaveRequest(ctx, ch, attest.Request{EngagementID: "e1", ControlID: "AX-01", Text: status, Items: []string{}, Status: status}); err != nil {
			t.Fatal(err)
		}
	}

	rows, err := fieldwork.Workspace(ctx, s, auth.Everything, e)
	if err != nil {
		t.Fatal(err)
	}
	want := []fieldwork.Progress{
		{ID: "AX-01", Title: "Control", Populations: 1, Draws: 3, Tests: 2, Internal: 1, Open: 1, Conclusion: "Exception noted."},
		{ID: "BX-01", Title: "Control", Conclusion: "not tested yet"},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("workspace\n got %+v\nwant %+v", rows, want)
	}
	// Read as a prior period (results only), its open requests are not
	// counted: they are not the later auditor's to read.
	rows, err = fieldwork.Workspace(ctx, s, resultsOnly{}, e)
	if want[0].Open = 0; err != nil || !slices.Equal(rows, want) {
		t.Errorf("workspace of a prior period\n got %+v %v\nwant %+v", rows, err, want)
	}

	ds, err := fieldwork.Draws(ctx, s, auth.Everything, "e1", "AX-01")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, d := range ds {
		kinds = append(kinds, d.Kind)
		if d.PopulationRef != p.Ref || d.PopulationRows != 40 || !strings.HasPrefix(d.Method, "HMAC-SHA256") {
			t.Errorf("draw %d: %+v", d.ID, d)
		}
	}
	if !slices.Equal(kinds, []string{"binding", "redraw: wrong file", "extension of draw 1"}) || !strings.HasSuffix(ds[1].Method, "spread over the population's months") {
		t.Errorf("kinds %q, the redraw's method %q", kinds, ds[1].Method)
	}

	manager := &attest.User{ID: 1, Role: attest.RoleAdmin}
	auditor := &attest.User{ID: 2, Role: attest.RoleAuditor}
	theirs, ours, err := fieldwork.Tests(ctx, s, manager, auth.Everything, "e1", "AX-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs) != 2 || len(ours) != 1 || ours[0].Wording != "Ours." || ours[0].Signature != "" {
		t.Fatalf("the auditor's %+v, management's %+v", theirs, ours)
	}
	if theirs[0].MayRespond || !theirs[1].MayRespond || len(theirs[1].Responses) != 1 || theirs[1].Signature != fieldwork.Unsigned {
		t.Errorf("management reads the auditor's tests as %+v", theirs)
	}
	theirs, _, _ = fieldwork.Tests(ctx, s, auditor, auth.Everything, "e1", "AX-01")
	if theirs[1].MayRespond {
		t.Error("the auditor may respond to their own exception")
	}
}

// TestIndex: each engagement in the scope with its auditors and the last
// day of their access (the report date plus the grace period), and the
// last of those days.
func TestIndex(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	e1, e2 := storetest.Engagement("e1"), storetest.Engagement("e2")
	e2.ReportDate = "2027-05-31"
	for _, e := range []*attest.Engagement{e1, e2} {
		if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "Ana Lima"}); err != nil {
		t.Fatal(err)
	}
	open, last, err := fieldwork.Index(ctx, s, auth.Everything, 30*24*time.Hour)
	if err != nil || len(open) != 2 {
		t.Fatalf("%+v, %v", open, err)
	}
	if open[0].ID != "e1" || !slices.Equal(open[0].Auditors, []string{"Ana Lima"}) || open[0].LastDay != "2027-03-30" || open[1].LastDay != "2027-06-30" || last != "2027-06-30" {
		t.Errorf("index %+v, last %q", open, last)
	}
	// The auditors of e1: read by whoever reads its results (the auditor
	// of the period after too), refused to whoever does not.
	if as, err := fieldwork.Auditors(ctx, s, resultsOnly{}, "e1"); err != nil || len(as) != 1 || as[0].Name != "Ana Lima" {
		t.Errorf("the auditors as the next period's auditor reads them: %+v, %v", as, err)
	}
	if as, err := fieldwork.Auditors(ctx, s, noResults{}, "e1"); attest.ErrorCode(err) != attest.EFORBIDDEN || as != nil {
		t.Errorf("the auditors outside the reader's engagements: %+v, %v", as, err)
	}
}

// noResults is the scope of an auditor of other engagements only.
type noResults struct{}

func (noResults) Results(id string) error {
	return attest.Errorf(attest.EFORBIDDEN, "%s is not one of your engagements", id)
}
func (noResults) Acts(string) bool { return false }

// resultsOnly is the scope of the auditor of the period after: they read
// the engagement's results and act on nothing.
type resultsOnly struct{}

func (resultsOnly) Results(string) error { return nil }
func (resultsOnly) Acts(string) bool     { return false }
