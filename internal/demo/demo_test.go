package demo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/demo"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/report"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/training"
)

// program stands for the command line: it signs no checkpoint and names
// the drafts it is asked to write.
type program struct {
	drafts []string
}

func (p *program) Checkpoint(context.Context) error { return nil }

func (p *program) Render(_ context.Context, _ *attest.Engagement, _ *report.Document, slug string) ([]string, error) {
	p.drafts = append(p.drafts, slug)
	return []string{slug + ".md"}, nil
}

// TestBuild builds the demo into a fresh store and finds what it is
// meant to hold: the three engagements, the SOC 2 current, evidence, the
// auditor's signed draw and tests, the drafts asked of the program, the
// sign-in accounts and the trust center's NDA.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	db, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
	dir := filepath.Join(t.TempDir(), "data")
	if err := errors.Join(os.MkdirAll(dir, 0o700), os.MkdirAll(demo.AuditorDir(dir), 0o700)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	p := &program{}
	sum, err := demo.Build(ctx, demo.Config{Store: db, Blobs: bs, Dir: dir, Now: func() time.Time { return now }, Operator: "test", Program: p})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"soc1-type2-2026", "soc2-type2-2026", "soc2-type1-2026"}; !slices.Equal(sum.Engagements, want) || sum.Current != "soc2-type2-2026" || sum.TypeOne != "soc2-type1-2026" {
		t.Errorf("engagements %v, current %s, type 1 %s", sum.Engagements, sum.Current, sum.TypeOne)
	}
	if sum.Evidence < 500 || sum.CheckRuns != 3 || len(sum.Drafts) != 6 || len(p.drafts) != 6 {
		t.Errorf("evidence %d, check runs %d, drafts %v", sum.Evidence, sum.CheckRuns, sum.Drafts)
	}
	// The CI's token is held by the service account, nobody's own.
	if ts, err := auth.Tokens(ctx, db, nil); err != nil || len(ts) != 1 || ts[0].Email != demo.ServiceAccount || ts[0].Name != "ci" {
		t.Errorf("tokens %+v %v", ts, err)
	}
	if u, err := db.UserByEmail(ctx, demo.ServiceAccount); err != nil || !u.Service {
		t.Errorf("the CI's account: %+v %v", u, err)
	}
	draws, err := db.Draws(ctx, sum.Current, "CHG-02")
	if err != nil || len(draws) != 2 {
		t.Errorf("draws %v %v", draws, err)
	}
	tests, err := db.Tests(ctx, sum.Current, "CHG-02")
	if err != nil || len(tests) != 2 {
		t.Errorf("tests %v %v", tests, err)
	}
	for _, u := range demo.Users {
		if _, err := db.UserByEmail(ctx, u.Email); err != nil {
			t.Errorf("%s: %v", u.Email, err)
		}
	}
	if ndas, err := db.NDAs(ctx); err != nil || len(ndas) != 1 {
		t.Errorf("NDAs %v %v", ndas, err)
	}
	checkProgram(t, ctx, db, now, sum)
	// What verify checks holds: every entry replayed against the records.
	rep, err := integrity.Check(ctx, integrity.Input{Store: db, Blobs: bs})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Errorf("verify: %+v", rep.Problems[:min(len(rep.Problems), 5)])
	}
	// The auditor's key files and journal, beside the data directory: her
	// record holds every statement she signed, as the store holds them.
	key, err := fieldwork.OpenKeyFile(filepath.Join(demo.AuditorDir(dir), "ana-lima.key"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := key.Journal()
	if err != nil {
		t.Fatal(err)
	}
	if jr, err := fieldwork.CompareJournal(ctx, db, key.Public(), js); err != nil || len(js) < 8 || jr.Matched != len(js) || len(jr.Problems) != 0 {
		t.Errorf("the auditor's journal of %d statements against the store: %+v %v", len(js), jr, err)
	}
	if _, err := demo.Build(ctx, demo.Config{Store: db, Blobs: bs, Dir: dir, Now: func() time.Time { return now }, Program: p}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a second build into the same store: %v", err)
	}
}

// checkProgram checks the compliance program the demo runs: every policy that
// fits Harbor published, the change management policy at version 2 and
// the pilot's physical security policy overdue for review.
func checkProgram(t *testing.T, ctx context.Context, db attest.Store, now time.Time, sum *demo.Summary) {
	t.Helper()
	ps, err := policy.List(ctx, db, nil, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != sum.Policies || len(ps) < 18 {
		t.Errorf("%d policies, summary %d", len(ps), sum.Policies)
	}
	var overdue []string
	for _, p := range ps {
		if p.Status != attest.PolicyPublished || p.Owner == 0 {
			t.Errorf("%s: %s, owner %d", p.ID, p.Status, p.Owner)
		}
		if p.ReviewState == policy.ReviewOverdue {
			overdue = append(overdue, p.ID)
		}
		if want := map[string]int{"change-management": 2}[p.ID]; max(want, 1) != p.Version || p.Published != p.Version {
			t.Errorf("%s: version %d, published %d", p.ID, p.Version, p.Published)
		}
	}
	if !slices.Equal(overdue, []string{"physical-security"}) {
		t.Errorf("overdue for review: %v", overdue)
	}
	roster, err := db.People(ctx)
	if err != nil || len(roster) < 110 || len(roster) > 130 {
		t.Errorf("%d people on the roster: %v", len(roster), err)
	}
	items, err := people.Checklist(ctx, db, nil, nil, people.ChecklistQuery{}, now)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, it := range items {
		count[it.Status]++
		if it.Person == "hannah.cole@harbor.example" && it.Key == "sso-disabled" && it.Status != people.DoneLate {
			t.Errorf("Hannah's account disabled: %s", it.Status)
		}
	}
	if count[people.DoneOnTime] < 50 || count[people.DoneLate] == 0 || sum.ChecklistItems == 0 {
		t.Errorf("checklist items %v, %d done", count, sum.ChecklistItems)
	}
	acks, err := ack.Load(ctx, db, now.Format(time.DateOnly), ack.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if acks.Total.Acknowledged < 1000 || acks.Total.Outstanding == 0 || acks.Total.Acknowledged > sum.Acknowledgements {
		t.Errorf("acknowledgements %+v, recorded %d", acks.Total, sum.Acknowledgements)
	}
	tr, err := training.Load(ctx, db, now.Format(time.DateOnly), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Current < 80 || tr.Overdue == 0 || sum.Trainings == 0 {
		t.Errorf("training: %d current, %d overdue, %d imported", tr.Current, tr.Overdue, sum.Trainings)
	}
	pops, err := db.Populations(ctx, "AC-04")
	if err != nil || len(pops) == 0 {
		t.Errorf("leaver populations %v %v", pops, err)
	}
	cs, err := db.Campaigns(ctx)
	if err != nil || len(cs) != 1 || cs[0].Status != attest.CampaignCompleted || cs[0].EvidenceID == 0 {
		t.Fatalf("access reviews %+v %v", cs, err)
	}
	ris, err := db.ReviewItems(ctx, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var revoked []string
	kept := 0
	for _, it := range ris {
		if it.Decision == attest.DecisionRevoke && it.Removed != "" {
			revoked = append(revoked, it.Account)
		}
		if it.Privileged && it.Decision == attest.DecisionKeep && it.Reason != "" {
			kept++
		}
		if it.Reviewer == it.Person {
			t.Errorf("%s reviews their own access", it.Reviewer)
		}
	}
	if !slices.Contains(revoked, "hannah.cole@harbor.example") || kept == 0 {
		t.Errorf("revoked and confirmed %v, privileged kept %d", revoked, kept)
	}
}
