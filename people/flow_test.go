package people_test

import (
	"bytes"
	"cmp"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/deviation"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// completions is a fixed record of acknowledgements and training.
type completions map[int64]string

func (c completions) AcknowledgedAll(_ context.Context, id int64) (string, bool, error) {
	d, ok := c[id]
	return d, ok, nil
}

func (c completions) TrainingDone(_ context.Context, id int64, _ string) (string, bool, error) {
	d, ok := c[id]
	return d, ok, nil
}

// A year of one leaver and one hire: the leaver's items done (one late
// becomes a known deviation, and the completed checklist evidence on
// AC-04), the hire's open; the leavers as a population with provenance,
// reconciled to the identity provider's accounts.
func TestChecklistFlow(t *testing.T) {
	s := sqlitetest.Create(t)
	bs := sqlitetest.Blobs(t)
	ctls := storetest.Controls(2)
	ctls[0].ID, ctls[0].Status = "AC-04", attest.Implemented
	ctls[1].ID, ctls[1].Status, ctls[1].Type = "HR-01", attest.Implemented, attest.Preventive
	if err := s.CreateEngagement(ctx, change("2026-01-01"), storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	it, err := s.SaveUser(ctx, change("2026-01-01"), attest.User{Email: "it@example.com", Name: "Ito", Role: attest.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	roster := "email,name,start,end,department\nada@example.com,Ada,2026-05-04,,Engineering\nbo@example.com,Bo,2024-01-08,2026-03-06,Sales\n"
	opts := people.Options{Since: "2026-01-01", Owners: map[string]string{"it": "it@example.com"}}
	imp, err := people.Import(ctx, s, change("2026-03-01"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(roster), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	var bo attest.Person
	for _, p := range imp.People {
		if p.Email == "bo@example.com" {
			bo = p
		}
	}
	items, _ := s.ChecklistItems(ctx, bo.ID)
	if len(items) != 5 || items[0].AssigneeID != it.ID {
		t.Fatalf("Bo's offboarding: %+v", items)
	}

	// Someone else may not mark Ito's item; Ito may; acknowledgements
	// are not marked by hand.
	other := &attest.User{ID: 99, Role: attest.RoleOwner}
	_, err = people.Done(ctx, s, bs, nil, change("2026-03-09"), other, people.DoneRequest{Item: items[0].ID})
	if attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("another account marking Ito's item: %v", err)
	}
	// A date long before the item was due is a typo, not a record.
	_, err = people.Done(ctx, s, bs, nil, change("2026-03-09"), it, people.DoneRequest{Item: items[0].ID, On: "1900-01-01"})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "more than a year before the item was due") {
		t.Fatalf("done in 1900: %v", err)
	}
	var evidenceOf []evidence.Item
	pend, err := bs.Stage(strings.NewReader("okta: deactivated bo@example.com 2026-03-09"))
	if err != nil {
		t.Fatal(err)
	}
	evidenceOf = append(evidenceOf, evidence.Item{Pending: pend, Name: "okta-log.txt", MediaType: "text/plain"})
	res, err := people.Done(ctx, s, bs, nil, change("2026-03-10"), it, people.DoneRequest{Item: items[0].ID, On: "2026-03-10", Evidence: evidenceOf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Item.Status != people.DoneLate || res.Item.DaysLate != 1 || res.Evidence == 0 || res.Checklist != nil {
		t.Fatalf("first item: %+v", res)
	}
	ev, _ := s.Evidence(ctx, res.Evidence)
	if ev.Controls[0] != "AC-04" || !strings.HasPrefix(ev.PerformedOn, "2026-03-10") {
		t.Fatalf("item evidence: %+v", ev)
	}
	for _, x := range items[1:] {
		by := "it@example.com"
		if x.Owner != "it" {
			by = "" // the operator names someone
		}
		res, err = people.Done(ctx, s, bs, nil, change("2026-03-10"), nil, people.DoneRequest{Item: x.ID, By: cmp.Or(by, "it@example.com"), On: "2026-03-09"})
		if err != nil {
			t.Fatalf("%s: %v", x.Key, err)
		}
	}
	if res.Checklist == nil || res.Checklist.PerformedOn[:10] != "2026-03-10" || !strings.Contains(res.Checklist.Name, "offboarding") {
		t.Fatalf("the completed checklist's evidence: %+v", res.Checklist)
	}
	b, _ := blob.ReadAll(bs, blob.Ref(res.Checklist.Ref))
	if !strings.Contains(string(b), "sso-disabled") || !strings.Contains(string(b), "done-late") {
		t.Fatalf("checklist evidence: %s", b)
	}

	// The register: Bo's late access removal (a preventive control: after
	// the event) and
	// nothing of Ada's, due later than the day it is read.
	e, _ := s.Engagement(ctx, "e1")
	q := deviation.Query{Engagement: e, Controls: ctls, Span: deviation.ExaminationSpan(e, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))}
	ds, err := people.Deviations(s, completions{}).Find(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Control != "AC-04" || ds[0].Kind != deviation.AfterEvent || !strings.Contains(ds[0].Text, "1 day late") {
		t.Fatalf("deviations: %+v", ds)
	}

	if len(people.DeviationSources(s, nil)) != 1 || people.DeviationSources(struct{}{}, nil) != nil {
		t.Fatal("DeviationSources: one source for a store that keeps the roster, none for anything else")
	}

	// Leavers: Bo, with provenance; reconciled against the accounts.
	pop, x, err := people.RecordPopulation(ctx, s, bs, change("2026-04-01"), nil, people.PopulationRequest{Engagement: "e1", Kind: people.Leavers})
	if err != nil {
		t.Fatal(err)
	}
	if pop.ControlID != "AC-04" || pop.Rows != 1 || pop.KeyColumn != "person_id" || pop.FirstDate != "2026-03-06" || !strings.Contains(pop.Source, "ledger entry") || pop.ExtractedBy != "tester" {
		t.Fatalf("population: %+v", pop)
	}
	recs := []collect.Record{
		{Type: "idp.user", Fields: map[string]any{"email": "bo@example.com", "status": "ACTIVE"}},
		{Type: "idp.user", Fields: map[string]any{"email": "ada@example.com", "status": "active"}},
		{Type: "idp.user", Fields: map[string]any{"login": "ghost@example.com", "status": "active"}},
		{Type: "idp.user", Fields: map[string]any{"email": "old@example.com", "status": "deprovisioned"}},
	}
	all, _ := s.People(ctx)
	r := people.Reconcile(x, all, recs, 7, "2026-03-31T10:00:00Z")
	if r.Matched != 1 || len(r.NotOnRoster) != 1 || r.NotOnRoster[0] != "ghost@example.com" || len(r.StillActive) != 1 {
		t.Fatalf("reconciliation: %+v", r)
	}
	if c := r.Completeness(pop.ID, people.Leavers); c.MissingCount != 1 || c.ExtraCount != 1 || c.PopulationID != pop.ID || c.Method != attest.CompletenessReconciled {
		t.Fatalf("completeness: %+v", c)
	}
	// Recorded with its check, in one transaction, as attest people
	// population --reconcile-collection makes it; management's only.
	accounts := &people.Accounts{Collection: 7, CollectedAt: "2026-03-31T10:00:00Z", Records: recs}
	reads := &rosterReads{Store: s}
	both, err := people.RecordReconciled(ctx, reads, bs, change("2026-04-02"), nil, people.PopulationRequest{Engagement: "e1", Kind: people.Leavers}, accounts)
	if err != nil || both.Population.ID == pop.ID || both.Reconciliation.Matched != 1 || both.Completeness == nil || both.Completeness.PopulationID != both.Population.ID || both.Completeness.MissingCount != 1 {
		t.Fatalf("recorded and reconciled: %+v, %v", both, err)
	}
	// The population and its reconciliation come from one read of the
	// roster, so they describe the same roster.
	if reads.n != 1 {
		t.Errorf("the roster was read %d times, want once", reads.n)
	}
	if alone, err := people.RecordReconciled(ctx, s, bs, change("2026-04-02"), nil, people.PopulationRequest{Engagement: "e1", Kind: people.Leavers}, nil); err != nil || alone.Reconciliation != nil || alone.Completeness != nil {
		t.Fatalf("without accounts: %+v, %v", alone, err)
	}
	if _, err := people.RecordReconciled(ctx, s, bs, change("2026-04-02"), &attest.User{ID: 5, Role: attest.RoleOwner}, people.PopulationRequest{Engagement: "e1", Kind: people.Leavers}, accounts); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("a control owner: %v", err)
	}
	var csv bytes.Buffer
	people.WritePopulation(&csv, x)
	if !strings.HasPrefix(csv.String(), "person_id,") || !strings.Contains(csv.String(), "bo@example.com") {
		t.Fatal(csv.String())
	}

	// Ada's onboarding: her tasks done by hand, her acknowledgements and
	// training from their records; RecordCompleted keeps the completed
	// checklist once.
	var ada attest.Person
	for _, p := range imp.People {
		if p.Email == "ada@example.com" {
			ada = p
		}
	}
	adaItems, _ := s.ChecklistItems(ctx, ada.ID)
	for _, x := range adaItems {
		if x.Kind == attest.ItemTask {
			if _, err := people.Done(ctx, s, bs, nil, change("2026-06-01"), nil, people.DoneRequest{Item: x.ID, By: "it@example.com", On: "2026-05-04"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	recs2, err := people.RecordCompleted(ctx, s, bs, completions{ada.ID: "2026-05-20"}, change("2026-06-01"), nil)
	if err != nil || len(recs2) != 1 || recs2[0].Controls[0] != "HR-01" || recs2[0].PerformedOn[:10] != "2026-05-20" {
		t.Fatalf("completed checklists: %+v, %v", recs2, err)
	}
	if again, err := people.RecordCompleted(ctx, s, bs, completions{ada.ID: "2026-05-20"}, change("2026-06-02"), nil); err != nil || len(again) != 0 {
		t.Fatalf("recorded twice: %+v, %v", again, err)
	}

	// The auditor reads populations only: never the roster.
	aud := &attest.User{ID: 50, Role: attest.RoleAuditor}
	if _, err := people.List(ctx, s, aud, ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("the auditor read the roster: %v", err)
	}
	if _, err := people.Extract(ctx, s, scope{"e1"}, aud, people.PopulationRequest{Engagement: "e1", Kind: people.Hires, Control: "HR-01"}, time.Now()); err != nil {
		t.Fatalf("the auditor's own engagement: %v", err)
	}
	if _, err := people.Extract(ctx, s, scope{"e2"}, aud, people.PopulationRequest{Engagement: "e1", Kind: people.Hires, Control: "HR-01"}, time.Now()); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("another engagement: %v", err)
	}
}

type scope struct{ id string }

func (s scope) Engagement(id string) error {
	if id == s.id {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "not yours"}
}

// An item opened before its owner had an account is given to one; its new
// assignee marks it done, nobody's name is guessed.
func TestAssign(t *testing.T) {
	s := sqlitetest.Create(t)
	bs := sqlitetest.Blobs(t)
	saved, err := people.Save(ctx, s, change("2026-03-01"), nil, attest.Person{Email: "dee@example.com", End: "2026-03-02"}, people.Options{Since: "2026-01-01"})
	if err != nil || len(saved.Items) == 0 || saved.Items[0].AssigneeID != 0 {
		t.Fatalf("saved: %+v, %v", saved, err)
	}
	item := saved.Items[0].ID
	ito, _ := s.SaveUser(ctx, change("2026-03-01"), attest.User{Email: "it@example.com", Name: "Ito", Role: attest.RoleOwner})
	aud, _ := s.SaveUser(ctx, change("2026-03-01"), attest.User{Email: "ana@cpa.example", Name: "Ana", Role: attest.RoleAuditor})
	if _, err := people.Done(ctx, s, bs, nil, change("2026-03-03"), ito, people.DoneRequest{Item: item}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("done before it was Ito's: %v", err)
	}
	for _, c := range []struct {
		to    string
		actor *attest.User
		code  string
	}{{"nobody@example.com", nil, attest.EINVALID}, {aud.Email, nil, attest.EINVALID}, {ito.Email, ito, attest.EFORBIDDEN}} {
		if _, err := people.Assign(ctx, s, change("2026-03-02"), c.actor, item, c.to); attest.ErrorCode(err) != c.code {
			t.Errorf("assign to %s: %v, want %s", c.to, err, c.code)
		}
	}
	it, err := people.Assign(ctx, s, change("2026-03-02"), nil, item, "IT@example.com")
	if err != nil || it.AssigneeID != ito.ID {
		t.Fatalf("assigned: %+v, %v", it, err)
	}
	res, err := people.Done(ctx, s, bs, nil, change("2026-03-03"), ito, people.DoneRequest{Item: item})
	if err != nil || res.Item.DoneBy != ito.ID || res.Item.Status != people.DoneOnTime {
		t.Fatalf("done by Ito: %+v, %v", res, err)
	}
}

// rosterReads counts the reads of the whole roster.
type rosterReads struct {
	attest.Store
	n int
}

func (r *rosterReads) People(ctx context.Context) ([]attest.Person, error) {
	r.n++
	return r.Store.People(ctx)
}
