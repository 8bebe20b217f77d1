package population_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/population"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

var ch = attest.Change{Actor: "Priya", At: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)}

// world is a store with engagement e1 (controls AX-01 and BX-01) and an
// empty blob folder.
func world(t *testing.T) (*sqlite.DB, *blob.FS) {
	t.Helper()
	s := sqlitetest.Create(t)
	if err := s.CreateEngagement(context.Background(), ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	return s, sqlitetest.Blobs(t)
}

// imported imports text as a population of AX-01 keyed by id, as the
// local operator.
func imported(t *testing.T, s *sqlite.DB, bs *blob.FS, name, text string) *attest.Population {
	t.Helper()
	p, err := population.Import(context.Background(), s, bs, ch, nil, population.ImportRequest{Control: "ax-01", File: strings.NewReader(text), Name: name, KeyColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImport(t *testing.T) {
	s, bs := world(t)
	text := "id,merged,title\nCHG-2,2026-03-09,b\nCHG-1,2026-01-15,a\nCHG-3,2026-09-30,c\n"
	got, err := population.Import(context.Background(), s, bs, ch, nil, population.ImportRequest{Control: " ax-01", File: strings.NewReader(text), Name: "exports/changes.csv",
		KeyColumn: "id", DateColumn: "merged", Source: "GitHub", Query: "merged pull requests", ExtractedBy: "Sam", ExtractedAt: "2026-10-01"})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(text))
	want := &attest.Population{ID: got.ID, ControlID: "AX-01", Ref: "sha256:" + hex.EncodeToString(sum[:]), Name: "changes.csv", Format: "csv", Rows: 3,
		KeyColumn: "id", DateColumn: "merged", FirstDate: "2026-01-15", LastDate: "2026-09-30", Source: "GitHub", Query: "merged pull requests",
		ExtractedBy: "Sam", ExtractedAt: "2026-10-01", ImportedBy: "Priya", ImportedAt: ch.Stamp(), Entry: got.Entry}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
	if got.Entry == 0 {
		t.Error("no ledger entry")
	}
	if b, err := blob.ReadAll(bs, blob.Ref(got.Ref)); err != nil || string(b) != text {
		t.Errorf("kept %q, %v; want the file byte for byte", b, err)
	}
	if stored, err := s.Population(context.Background(), got.ID); err != nil || !cmp.Equal(stored, got) {
		t.Errorf("stored %+v, %v", stored, err)
	}
	if population.NeedsProvenance(got) {
		t.Error("a population with its source, query and extractor needs no more provenance")
	}
}

func TestImportJSONLinesAndEmpty(t *testing.T) {
	s, bs := world(t)
	p, err := population.Import(context.Background(), s, bs, ch, nil, population.ImportRequest{Control: "BX-01",
		File: strings.NewReader(`{"id":"L1","left":"2026-02-01"}` + "\n" + `{"id":"L2","left":"2026-01-03"}` + "\n"), Name: "leavers.jsonl", KeyColumn: "id", DateColumn: "left"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != "jsonl" || p.Rows != 2 || p.FirstDate != "2026-01-03" || p.LastDate != "2026-02-01" {
		t.Errorf("JSON lines: %+v", p)
	}
	e := imported(t, s, bs, "incidents.csv", "id,opened\n")
	if e.Rows != 0 || e.FirstDate != "" || !population.NeedsProvenance(e) {
		t.Errorf("empty population: %+v", e)
	}
}

// TestImportRefused: a file or request refused is refused whole, naming
// the file, the line and the field, and leaves nothing behind: no
// population, no committed bytes, no staged file.
func TestImportRefused(t *testing.T) {
	var many strings.Builder
	many.WriteString("id\n")
	for i := range 5000 {
		fmt.Fprintf(&many, "K%d\n", i)
	}
	many.WriteString("K4321\n")
	ok := func(r population.ImportRequest) population.ImportRequest {
		r.Control, r.KeyColumn, r.DateColumn = "AX-01", "id", "d"
		return r
	}
	file := func(name, text string) population.ImportRequest {
		return ok(population.ImportRequest{Name: name, File: strings.NewReader(text)})
	}
	good := func(edit func(*population.ImportRequest)) population.ImportRequest {
		r := file("ok.csv", "id,d\nA,2026-01-01\n")
		edit(&r)
		return r
	}
	noDate := file("many.csv", many.String())
	noDate.DateColumn = ""
	tests := []struct {
		name string
		req  population.ImportRequest
		code string
		want string
	}{
		{"duplicate key", file("dup.csv", "id,d\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n"), attest.EINVALID,
			`dup.csv: line 4: key "A" repeats line 2: every item needs its own key`},
		{"duplicate key far apart", noDate, attest.EINVALID, `many.csv: line 5002: key "K4321" repeats line 4323`},
		{"bad date", file("date.csv", "id,d\nA,2026-01-01\nB,yesterday\n"), attest.EINVALID, `date.csv: line 3: d "yesterday"`},
		{"empty key", file("empty-key.csv", "id,d\nA,2026-01-01\n,2026-01-02\n"), attest.EINVALID, `empty-key.csv: line 3: the key "id" is empty`},
		{"no key column", file("other.csv", "ref,d\nA,2026-01-01\n"), attest.EINVALID, `other.csv: line 1: no column "id"`},
		{"empty file", file("nothing.csv", ""), attest.EINVALID, "nothing.csv: line 1: the file is empty"},
		{"bad JSON line", file("x.jsonl", `{"id":"a","d":"2026-01-01"}`+"\n{\n"), attest.EINVALID, "x.jsonl: line 2"},
		{"unknown control", good(func(r *population.ImportRequest) { r.Control = "ZZ-9" }), attest.ENOTFOUND, "no such control: ZZ-9"},
		{"no control", good(func(r *population.ImportRequest) { r.Control = " " }), attest.EINVALID, "control: say which control"},
		{"no key column named", good(func(r *population.ImportRequest) { r.KeyColumn = "" }), attest.EINVALID, "key column: say which column"},
		{"no file", good(func(r *population.ImportRequest) { r.File = nil }), attest.EINVALID, "file: send the population file"},
		{"bad format", good(func(r *population.ImportRequest) { r.Format = "xlsx" }), attest.EINVALID, `format: "xlsx": want csv or jsonl`},
		{"bad extraction time", good(func(r *population.ImportRequest) { r.ExtractedAt = "last week" }), attest.EINVALID, `extracted at: "last week": want YYYY-MM-DD`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, bs := world(t)
			_, err := population.Import(context.Background(), s, bs, ch, nil, tt.req)
			if attest.ErrorCode(err) != tt.code || !strings.Contains(attest.ErrorMessage(err), tt.want) {
				t.Fatalf("got %s %v, want %s %q", attest.ErrorCode(err), err, tt.code, tt.want)
			}
			nothingLeft(t, s, bs)
		})
	}
}

// nothingLeft fails unless the store holds no population and the blob
// folder neither blob nor staged file.
func nothingLeft(t *testing.T, s *sqlite.DB, bs *blob.FS) {
	t.Helper()
	if ps, err := s.Populations(context.Background(), ""); err != nil || len(ps) != 0 {
		t.Errorf("recorded %d populations, %v", len(ps), err)
	}
	var blobs []string
	bs.List(func(i blob.Info) error { blobs = append(blobs, string(i.Ref)); return nil })
	staged, err := bs.StagedFiles()
	if len(blobs) != 0 || len(staged) != 0 || err != nil {
		t.Errorf("left %v committed and %v staged (%v)", blobs, staged, err)
	}
}

// unread fails the test if the file is read: a refused actor's file is
// never opened.
type unread struct{ t *testing.T }

func (u unread) Read([]byte) (int, error)       { u.t.Error("read"); return 0, io.EOF }
func (u unread) Seek(int64, int) (int64, error) { u.t.Error("seek"); return 0, nil }

func TestOnlyManagementImportsAndReconciles(t *testing.T) {
	s, bs := world(t)
	p := imported(t, s, bs, "changes.csv", "id\nA\n")
	total := 1
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer, attest.RoleAuditor} {
		actor := &attest.User{ID: 7, Email: role + "@example.com", Role: role}
		_, err := population.Import(context.Background(), s, bs, ch, actor, population.ImportRequest{Control: "AX-01", File: unread{t}, Name: "x.csv", KeyColumn: "id"})
		if attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(err.Error(), "only management") {
			t.Errorf("import as %s: %v", role, err)
		}
		_, err = population.Reconcile(context.Background(), s, bs, ch, actor, population.ReconcileRequest{Population: p.ID, ControlTotal: &total})
		if attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("reconcile as %s: %v", role, err)
		}
	}
	for _, role := range []string{attest.RoleAdmin, attest.RoleCompliance} {
		actor := &attest.User{ID: 8, Email: role + "@example.com", Role: role}
		if _, err := population.Import(context.Background(), s, bs, ch, actor, population.ImportRequest{Control: "AX-01", File: strings.NewReader("id\n" + role + "\n"), Name: "x.csv", KeyColumn: "id"}); err != nil {
			t.Errorf("import as %s: %v", role, err)
		}
	}
}

func TestReconcile(t *testing.T) {
	s, bs := world(t)
	hr := imported(t, s, bs, "hr.csv", "id,left\nE1,2026-01-10\nE2,2026-02-11\nE3,2026-03-12\nE4,2026-03-13\n")
	idp := imported(t, s, bs, "idp.csv", "id,deactivated\nE9,2026-03-20\nE3,2026-03-13\nE1,2026-01-10\nE8,2026-03-21\n")
	got, err := population.Reconcile(context.Background(), s, bs, ch, nil, population.ReconcileRequest{Population: idp.ID, Against: hr.ID, Note: " IdP against HR "})
	if err != nil {
		t.Fatal(err)
	}
	want := &attest.Completeness{ID: got.ID, PopulationID: idp.ID, Method: "reconciled", AgainstID: hr.ID, Matched: 2, Missing: []string{"E2", "E4"}, Extra: []string{"E9", "E8"},
		MissingCount: 2, ExtraCount: 2, Note: "IdP against HR", By: "Priya", At: ch.Stamp(), Entry: got.Entry}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reconciled (-want +got):\n%s", diff)
	}
	same, err := population.Reconcile(context.Background(), s, bs, ch, nil, population.ReconcileRequest{Population: hr.ID, Against: hr.ID})
	if err != nil || same.Matched != 4 || same.MissingCount+same.ExtraCount != 0 || same.Missing == nil || same.Extra == nil {
		t.Errorf("a population against itself: %+v, %v", same, err)
	}
	for _, tt := range []struct{ total, matched, missing, extra int }{{4, 4, 0, 0}, {6, 4, 2, 0}, {3, 4, 0, 1}} {
		got, err := population.Reconcile(context.Background(), s, bs, ch, nil, population.ReconcileRequest{Population: hr.ID, ControlTotal: &tt.total})
		if err != nil {
			t.Fatal(err)
		}
		if got.Method != "control-total" || got.ControlTotal != tt.total || got.Matched != tt.matched || got.MissingCount != tt.missing || got.ExtraCount != tt.extra {
			t.Errorf("control total %d: %+v", tt.total, got)
		}
	}
	if cs, err := s.CompletenessChecks(context.Background(), hr.ID); err != nil || len(cs) != 4 {
		t.Errorf("recorded %d checks of the HR population, %v", len(cs), err)
	}
}

func TestReconcileRefused(t *testing.T) {
	s, bs := world(t)
	p := imported(t, s, bs, "hr.csv", "id\nE1\n")
	zero, negative := 0, -1
	tests := []struct {
		name string
		req  population.ReconcileRequest
		code string
		want string
	}{
		{"no population", population.ReconcileRequest{ControlTotal: &zero}, attest.EINVALID, "say which population"},
		{"no method", population.ReconcileRequest{Population: p.ID}, attest.EINVALID, "either the population to reconcile it to or"},
		{"both methods", population.ReconcileRequest{Population: p.ID, Against: p.ID, ControlTotal: &zero}, attest.EINVALID, "either"},
		{"negative total", population.ReconcileRequest{Population: p.ID, ControlTotal: &negative}, attest.EINVALID, "control total: must be 0 or more"},
		{"unknown population", population.ReconcileRequest{Population: 99, ControlTotal: &zero}, attest.ENOTFOUND, "99"},
		{"unknown other", population.ReconcileRequest{Population: p.ID, Against: 99}, attest.ENOTFOUND, "99"},
	}
	for _, tt := range tests {
		_, err := population.Reconcile(context.Background(), s, bs, ch, nil, tt.req)
		if attest.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %s %v, want %s %q", tt.name, attest.ErrorCode(err), err, tt.code, tt.want)
		}
	}
	if cs, err := s.CompletenessChecks(context.Background(), 0); err != nil || len(cs) != 0 {
		t.Errorf("refused reconciliations recorded %d checks, %v", len(cs), err)
	}
}

// TestReconcileListsBounded: past MaxListed differences the counts stay
// exact and the lists keep the first keys in order, the same every run.
func TestReconcileListsBounded(t *testing.T) {
	s, bs := world(t)
	var all strings.Builder
	all.WriteString("id\n")
	for i := range population.MaxListed + 500 {
		fmt.Fprintf(&all, "K%05d\n", i)
	}
	whole := imported(t, s, bs, "all.csv", all.String())
	one := imported(t, s, bs, "one.csv", "id\nK00000\n")
	c, err := population.Reconcile(context.Background(), s, bs, ch, nil, population.ReconcileRequest{Population: one.ID, Against: whole.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.Matched != 1 || c.MissingCount != population.MaxListed+499 || len(c.Missing) != population.MaxListed || c.Missing[0] != "K00001" || c.Missing[len(c.Missing)-1] != fmt.Sprintf("K%05d", population.MaxListed) {
		t.Errorf("matched %d, missing %d listed %d (%s..%s)", c.Matched, c.MissingCount, len(c.Missing), c.Missing[0], c.Missing[len(c.Missing)-1])
	}
}

func TestList(t *testing.T) {
	s, bs := world(t)
	ctx := context.Background()
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e2"), storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	ax := imported(t, s, bs, "ax.csv", "id\n1\n")
	bx, err := population.Import(ctx, s, bs, ch, nil, population.ImportRequest{Control: "BX-01", File: strings.NewReader("id\n2\n"), Name: "bx.csv", KeyColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ps []attest.Population, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, c := range []struct {
		engagement, control string
		want                []int64
	}{
		{"", "", []int64{ax.ID, bx.ID}},
		{"e1", "", []int64{ax.ID, bx.ID}},
		{"e2", "", []int64{ax.ID}},
		{"e2", "bx-01", []int64{}},
		{"", " bx-01", []int64{bx.ID}},
	} {
		if got := ids(population.List(ctx, s, auth.Everything, c.engagement, c.control)); !cmp.Equal(got, c.want) {
			t.Errorf("List(%q, %q) = %v, want %v", c.engagement, c.control, got, c.want)
		}
	}
	if _, err := population.List(ctx, s, auth.Everything, "e9", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("an unknown engagement: %v", err)
	}
}
