package evidence_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	ch  = attest.Change{Actor: "tester", At: now}
)

type world struct {
	s     *sqlite.DB
	bs    *blob.FS
	dir   string
	users map[string]*attest.User
}

// setup: engagement e1 (2026) with AX-01 (owned by the control owner's
// account) and BX-01, and an account per role.
func setup(t *testing.T) *world {
	t.Helper()
	w := &world{s: sqlitetest.Create(t), dir: t.TempDir(), users: map[string]*attest.User{}}
	var err error
	if w.bs, err = blob.OpenFS(filepath.Join(w.dir, "blobs")); err != nil {
		t.Fatal(err)
	}
	if err := w.s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	for _, role := range attest.Roles {
		u, err := w.s.SaveUser(ctx, ch, attest.User{Email: role + "@example.com", Name: role, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		w.users[role] = u
	}
	owner := w.users[attest.RoleOwner].ID
	name := "owner"
	if _, err := w.s.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Owner: &name, OwnerID: &owner}); err != nil {
		t.Fatal(err)
	}
	return w
}

// stage puts a file's bytes in the blob store's staging area, as the
// adapters do.
func (w *world) stage(t *testing.T, name, content string) evidence.Item {
	t.Helper()
	var head evidence.Head
	p, err := w.bs.Stage(io.TeeReader(strings.NewReader(content), &head))
	if err != nil {
		t.Fatal(err)
	}
	return evidence.Item{Pending: p, Name: name, MediaType: "text/plain", Found: head.Found(name, p.Size)}
}

func (w *world) staged(t *testing.T) int {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(w.dir, "blobs", "tmp"))
	return len(entries)
}

func (w *world) count(t *testing.T) int {
	t.Helper()
	l, err := w.s.EvidenceList(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	return len(l)
}

// Who may add evidence: the operator, admins, compliance managers and a
// service account for any control; a control owner for their own; never
// an auditor or a viewer. A refusal records nothing and leaves no staged
// bytes behind.
func TestAddAuthorization(t *testing.T) {
	w := setup(t)
	svc, _ := w.s.SaveUser(ctx, ch, attest.User{Email: "ci@example.com", Name: "ci", Role: attest.RoleCompliance, Service: true})
	cases := []struct {
		actor   *attest.User
		control string
		allowed bool
	}{
		{nil, "BX-01", true}, {w.users[attest.RoleAdmin], "BX-01", true}, {w.users[attest.RoleCompliance], "BX-01", true}, {svc, "BX-01", true},
		{w.users[attest.RoleOwner], "AX-01", true}, {w.users[attest.RoleOwner], "BX-01", false},
		{w.users[attest.RoleAuditor], "AX-01", false}, {w.users[attest.RoleViewer], "AX-01", false},
	}
	for _, c := range cases {
		who := "the operator"
		if c.actor != nil {
			who = c.actor.Email
		}
		before := w.count(t)
		_, err := evidence.Add(ctx, w.s, w.bs, ch, c.actor, evidence.AddRequest{Controls: []string{c.control}, Covers: "2026-03-31",
			Items: []evidence.Item{w.stage(t, "review.txt", "reviewed by "+who)}})
		switch {
		case c.allowed && err != nil:
			t.Errorf("%s adding for %s: %v", who, c.control, err)
		case !c.allowed && attest.ErrorCode(err) != attest.EFORBIDDEN:
			t.Errorf("%s adding for %s: %v, want forbidden", who, c.control, err)
		case !c.allowed && w.count(t) != before:
			t.Errorf("%s: a refused add recorded evidence", who)
		}
		if n := w.staged(t); n != 0 {
			t.Errorf("%s: %d staged files left", who, n)
		}
	}
	// The owner's refusal names the control and its owner.
	_, err := evidence.Add(ctx, w.s, w.bs, ch, w.users[attest.RoleOwner], evidence.AddRequest{Controls: []string{"bx-01"},
		Items: []evidence.Item{w.stage(t, "x.txt", "x")}})
	if !strings.Contains(attest.ErrorMessage(err), "control BX-01 is not recorded as yours") {
		t.Errorf("owner refused: %v", err)
	}
}

// Covers, performed-on and added: entered, read from the content, or
// defaulted; each checked.
func TestAddDates(t *testing.T) {
	w := setup(t)
	add := func(req evidence.AddRequest) (*evidence.Added, error) {
		return evidence.Add(ctx, w.s, w.bs, ch, nil, req)
	}
	// Entered: covers a quarter's end, performed later, added now.
	got, err := add(evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-03-31", PerformedOn: "2026-04-12",
		Items: []evidence.Item{w.stage(t, "q1.pdf", "%PDF-1.7 review")}})
	if err != nil {
		t.Fatal(err)
	}
	if e := got.Evidence[0]; e.Date != "2026-03-31" || e.PerformedOn != "2026-04-12" || e.PerformedFrom != attest.PerformedEntered || e.AddedAt != ch.Stamp() {
		t.Errorf("entered: %+v", e)
	}
	// Read from the content: a pull request approved before its merge
	// covers the merge, performed at the approval; a time is kept in UTC.
	pr := `{"mergedAt":"2026-03-04T12:00:00Z","reviews":[{"state":"APPROVED","submittedAt":"2026-03-04T10:15:00+01:00"}]}`
	got, err = add(evidence.AddRequest{Controls: []string{"BX-01"}, Items: []evidence.Item{w.stage(t, "pr-1042.json", pr)}})
	if err != nil {
		t.Fatal(err)
	}
	if e := got.Evidence[0]; e.Date != "2026-03-04" || e.PerformedOn != "2026-03-04T09:15:00Z" || !strings.Contains(e.PerformedFrom, "approving review") {
		t.Errorf("from the content: %+v", e)
	}
	// An entered date wins over the content's.
	it := w.stage(t, "pr.json", pr)
	got, err = add(evidence.AddRequest{Controls: []string{"BX-01"}, PerformedOn: "2026-03-05T08:00:00Z", Items: []evidence.Item{it}})
	if err != nil || got.Evidence[0].PerformedOn != "2026-03-05T08:00:00Z" || got.Evidence[0].PerformedFrom != attest.PerformedEntered {
		t.Errorf("entered over content: %+v %v", got, err)
	}
	// A time the content records in the future (a skewed clock) is not
	// taken.
	got, err = add(evidence.AddRequest{Controls: []string{"BX-01"}, Covers: "2026-11-01",
		Items: []evidence.Item{w.stage(t, "issue.json", `{"closed_at":"2026-12-01T00:00:00Z"}`)}})
	if err != nil || got.Evidence[0].PerformedOn != "" {
		t.Errorf("a future closure: %+v %v", got, err)
	}
	// Nothing given: covers today, performed-on unknown.
	got, err = add(evidence.AddRequest{Controls: []string{"BX-01"}, Items: []evidence.Item{w.stage(t, "note.txt", "done")}})
	if err != nil || got.Evidence[0].Date != "2026-11-22" || got.Evidence[0].PerformedOn != "" {
		t.Errorf("defaults: %+v %v", got, err)
	}
	// A span.
	got, err = add(evidence.AddRequest{Controls: []string{"BX-01"}, Covers: "2026-01-01..2026-03-31", Items: []evidence.Item{w.stage(t, "log.csv", "a,b\n")}})
	if err != nil || got.Evidence[0].CoversStart != "2026-01-01" || got.Evidence[0].CoversEnd != "2026-03-31" || got.Evidence[0].Date != "" {
		t.Errorf("span: %+v %v", got, err)
	}

	before := w.count(t)
	bad := []struct {
		req  evidence.AddRequest
		want string
	}{
		{evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2027-01-01"}, "covers: 2027-01-01 is in the future"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "31/03/2026"}, "covers: \"31/03/2026\": want YYYY-MM-DD"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-03-31..2026-01-01"}, "ends before it starts"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, PerformedOn: "2026-11-23"}, "performed_on: 2026-11-23 is in the future"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, PerformedOn: "2026-11-22T10:00:00Z"}, "is in the future"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, PerformedOn: "April 12"}, "performed_on: \"April 12\": want a date (YYYY-MM-DD) or a time"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2020-03-31"}, "more than a year away"},
		{evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-03-31", PerformedOn: "2019-01-01"}, "performed_on: 2019-01-01 is more than a year away from what the evidence covers (2026-03-31)"},
		{evidence.AddRequest{Controls: []string{"ZZ-99"}}, "no such control: ZZ-99"},
		{evidence.AddRequest{}, "controls: say which control"},
	}
	for _, b := range bad {
		b.req.Items = []evidence.Item{w.stage(t, "f.txt", "x")}
		if _, err := add(b.req); err == nil || !strings.Contains(attest.ErrorMessage(err), b.want) {
			t.Errorf("%+v: %v, want %q", b.req, err, b.want)
		}
	}
	if w.count(t) != before || w.staged(t) != 0 {
		t.Errorf("refused adds left %d records and %d staged files", w.count(t)-before, w.staged(t))
	}
	if _, err := add(evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-03-31", PerformedOn: "2025-01-01", Force: true, Items: []evidence.Item{w.stage(t, "early.txt", "early")}}); err != nil {
		t.Errorf("forced, performed long before what it covers: %v", err)
	}
	// Forced, a date long outside the period is taken, with a warning; a
	// date just outside is a warning only.
	got, err = add(evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2020-03-31", Force: true, Items: []evidence.Item{w.stage(t, "old.txt", "old")}})
	if err != nil || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "outside e1's period") {
		t.Errorf("forced: %+v %v", got, err)
	}
	got, err = add(evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2025-12-30", Items: []evidence.Item{w.stage(t, "dec.txt", "dec")}})
	if err != nil || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "2 days outside") {
		t.Errorf("just outside: %+v %v", got, err)
	}
}

// An empty file needs AllowEmpty; the batch lands whole or not at all.
func TestAddEmpty(t *testing.T) {
	w := setup(t)
	req := evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-03-31", Items: []evidence.Item{w.stage(t, "full.txt", "x"), w.stage(t, "empty.txt", "")}}
	if _, err := evidence.Add(ctx, w.s, w.bs, ch, nil, req); err == nil || !strings.Contains(err.Error(), "empty.txt is empty (0 bytes)") {
		t.Errorf("empty: %v", err)
	}
	if w.count(t) != 0 || w.staged(t) != 0 {
		t.Errorf("a refused batch left %d records, %d staged files", w.count(t), w.staged(t))
	}
	req.Items, req.AllowEmpty = []evidence.Item{w.stage(t, "full.txt", "x"), w.stage(t, "empty.txt", "")}, true
	if got, err := evidence.Add(ctx, w.s, w.bs, ch, nil, req); err != nil || len(got.Evidence) != 2 {
		t.Errorf("allowed: %+v %v", got, err)
	}
}

// Evidence added without a covered date, while last month's window is
// still inside its due rule, comes with that window for the person to
// check.
func TestAddOpenWindows(t *testing.T) {
	w := setup(t)
	monthly, due := attest.Monthly, 30
	if _, err := w.s.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Frequency: &monthly, DueDays: &due}); err != nil {
		t.Fatal(err)
	}
	got, err := evidence.Add(ctx, w.s, w.bs, ch, nil, evidence.AddRequest{Controls: []string{"AX-01", "BX-01"}, Items: []evidence.Item{w.stage(t, "r.txt", "r")}})
	if err != nil {
		t.Fatal(err)
	}
	// Today 2026-11-22: October (due 11-30) is open; BX-01's Q3 was due 10-30.
	if len(got.Windows) != 1 || got.Windows[0] != (evidence.Window{Control: "AX-01", Name: "month", Start: "2026-10-01", End: "2026-10-31", Due: "2026-11-30"}) {
		t.Errorf("windows %+v", got.Windows)
	}
	got, err = evidence.Add(ctx, w.s, w.bs, ch, nil, evidence.AddRequest{Controls: []string{"AX-01"}, Covers: "2026-10-31", Items: []evidence.Item{w.stage(t, "r.txt", "r")}})
	if err != nil || len(got.Windows) != 0 {
		t.Errorf("with a covered date: %+v %v", got, err)
	}
}

// Retracting: who may add for every control it supports. Purging:
// management only, and bytes another record needs stay.
func TestRetractAndPurge(t *testing.T) {
	w := setup(t)
	add := func(control, content string) attest.Evidence {
		got, err := evidence.Add(ctx, w.s, w.bs, ch, nil, evidence.AddRequest{Controls: []string{control}, Covers: "2026-03-31", Items: []evidence.Item{w.stage(t, "f.csv", content)}})
		if err != nil {
			t.Fatal(err)
		}
		return got.Evidence[0]
	}
	mine, theirs, shared := add("AX-01", "mine"), add("BX-01", "theirs"), add("AX-01", "id,date\nCHG-1,2026-03-01\n")
	owner := w.users[attest.RoleOwner]
	if _, err := evidence.Retract(ctx, w.s, ch, owner, theirs.ID, "wrong control"); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("owner retracting another's: %v", err)
	}
	if _, err := evidence.Retract(ctx, w.s, ch, w.users[attest.RoleAuditor], mine.ID, "x"); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("auditor retracting: %v", err)
	}
	for _, id := range []int64{mine.ID, shared.ID} {
		if r, err := evidence.Retract(ctx, w.s, ch, owner, id, "superseded"); err != nil || r.Retraction == nil {
			t.Fatalf("owner retracting their own: %+v %v", r, err)
		}
	}
	// A population holds the same bytes as the shared item.
	if _, err := w.s.AddPopulation(ctx, ch, attest.Population{ControlID: "AX-01", Ref: shared.Ref, Name: "changes.csv", Format: "csv", Rows: 1, KeyColumn: "id"}); err != nil {
		t.Fatal(err)
	}
	later := attest.Change{Actor: "tester", At: now.Add(48 * time.Hour)}
	if _, err := evidence.Purge(ctx, w.s, w.bs, later, owner, 0, false); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("owner purging: %v", err)
	}
	dry, err := evidence.Purge(ctx, w.s, w.bs, later, nil, 0, true)
	if err != nil || len(dry) != 2 || !w.bs.Has(blob.Ref(mine.Ref)) {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if kept, err := evidence.Purge(ctx, w.s, w.bs, later, nil, 3, false); err != nil || len(kept) != 0 {
		t.Errorf("within the retention period: %+v %v", kept, err)
	}
	purged, err := evidence.Purge(ctx, w.s, w.bs, later, w.users[attest.RoleCompliance], 0, false)
	if err != nil || len(purged) != 2 || purged[0].PurgedAt == "" {
		t.Fatalf("purge: %+v %v", purged, err)
	}
	if w.bs.Has(blob.Ref(mine.Ref)) || !w.bs.Has(blob.Ref(shared.Ref)) || !w.bs.Has(blob.Ref(theirs.Ref)) {
		t.Errorf("after the purge: mine %v (want gone), shared %v, theirs %v (want kept)", w.bs.Has(blob.Ref(mine.Ref)), w.bs.Has(blob.Ref(shared.Ref)), w.bs.Has(blob.Ref(theirs.Ref)))
	}
	if _, err := evidence.Purge(ctx, w.s, w.bs, later, nil, -1, false); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("negative days: %v", err)
	}
}
