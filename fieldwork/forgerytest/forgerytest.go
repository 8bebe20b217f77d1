// Package forgerytest is the service auditor's signature under attack:
// someone with full access to the database (its rows, by SQL) and to the
// organization's accounts, but not to the auditor's private key, tries to
// make results appear as the auditor's. Each attack ends with the check
// every adapter relies on (fieldwork.Check, behind attest verify and the
// drafts) or the auditor's own journal comparison reporting it. Each
// engine's tests run it (sqlite, postgres), over the engine's own SQL.
package forgerytest

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/storetest"
)

// Open gives a fresh store and a raw connection to the same database.
type Open func(t *testing.T) (attest.Store, *sql.DB)

// World is an engagement with the auditor's signed fieldwork.
type World struct {
	Store   attest.Store
	DB      *sql.DB
	Env     fieldwork.Env
	Auditor *attest.User
	Admin   *attest.User
	Key     auditsig.KeySigner
	Journal []fieldwork.JournalEntry
	Draw    *attest.Draw
	Test    *attest.Test // the auditor's test with an exception
	Blobs   blob.Store
}

var now = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

func (w *World) ch() attest.Change { return attest.Change{Actor: "setup", At: now} }

// sign runs an act signed with the auditor's key and keeps its journal.
func sign[T any](t *testing.T, w *World, act func(fieldwork.Seal) (T, error)) T {
	t.Helper()
	r, st, err := fieldwork.Signed(w.Key, act)
	if err != nil {
		t.Fatal(err)
	}
	w.Journal = append(w.Journal, fieldwork.JournalEntry{Statement: st.Body, Signature: st.Signature})
	return r
}

// Setup builds the world: engagements e1 and e2 (the auditor named and
// her key confirmed on both), a population of 30 changes, her signed
// draw, her test with one exception and her request.
func Setup(t *testing.T, s attest.Store, db *sql.DB) *World {
	t.Helper()
	ctx := context.Background()
	w := &World{Store: s, DB: db}
	ch := w.ch()
	for _, id := range []string{"e1", "e2"} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), storetest.Controls(2)); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if w.Auditor, err = s.SaveUser(ctx, ch, attest.User{Email: "ana@cpa.example", Name: "Ana", Role: attest.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	if w.Admin, err = s.SaveUser(ctx, ch, attest.User{Email: "root@org.example", Name: "Root", Role: attest.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if w.Blobs, err = blob.OpenFS(filepath.Join(t.TempDir(), "blobs")); err != nil {
		t.Fatal(err)
	}
	w.Env = fieldwork.Env{Store: s, Blobs: w.Blobs, Policy: auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: now}}
	_, priv, _ := auditsig.NewKey()
	w.Key = auditsig.KeySigner{Priv: priv}
	pub := auditsig.EncodePublic(priv.Public().(ed25519.PublicKey), "Ana")
	for _, id := range []string{"e1", "e2"} {
		if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: id, Name: "Ana", UserID: w.Auditor.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := fieldwork.Enroll(ctx, w.Env, s, ch, w.Auditor, fieldwork.EnrollRequest{Engagement: id, Name: "Ana", PublicKey: pub}); err != nil {
			t.Fatal(err)
		}
		sign(t, w, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
			return fieldwork.Confirm(ctx, w.Env, s, ch, w.Auditor, id, sl)
		})
	}
	var b strings.Builder
	b.WriteString("id,merged_at\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "CHG-%02d,2026-%02d-10\n", i, 1+i%12)
	}
	ref, _, err := w.Blobs.Put(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "AX-01", Ref: string(ref), Name: "changes.csv", Format: "csv", Rows: 30, KeyColumn: "id", DateColumn: "merged_at",
		FirstDate: "2026-01-10", LastDate: "2026-12-10", ExtractedAt: "2027-01-04"}); err != nil {
		t.Fatal(err)
	}
	d := sign(t, w, func(sl fieldwork.Seal) (*fieldwork.Drawn, error) {
		return fieldwork.Draw(ctx, w.Env, ch, w.Auditor, fieldwork.DrawRequest{Engagement: "e1", Control: "AX-01", Seed: "ana-2026", Size: 3, Seal: sl})
	})
	w.Draw = d.Draw
	items := []attest.ItemResult{{Key: d.Draw.Items[0], Result: "deviation", Note: "approved after the merge"}, {Key: d.Draw.Items[1], Result: "no-exception"}, {Key: d.Draw.Items[2], Result: "no-exception"}}
	w.Test = sign(t, w, func(sl fieldwork.Seal) (*attest.Test, error) {
		return fieldwork.RecordTest(ctx, w.Env, s, ch, w.Auditor, fieldwork.TestRequest{Engagement: "e1", Control: "AX-01", Procedures: []string{"inspection"}, DrawID: d.Draw.ID,
			Items: items, Deviations: "isolated", Seal: sl})
	})
	sign(t, w, func(sl fieldwork.Seal) (*attest.Request, error) {
		return fieldwork.CreateRequest(ctx, w.Env, s, ch, w.Auditor, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "approvals", Seal: sl})
	})
	return w
}

func (w *World) exec(t *testing.T, q string) {
	t.Helper()
	if _, err := w.DB.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *World) check(t *testing.T, id string) *fieldwork.Audit {
	t.Helper()
	a, err := fieldwork.Check(context.Background(), w.Store, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *World) journal(t *testing.T) *fieldwork.JournalReport {
	t.Helper()
	r, err := fieldwork.CompareJournal(context.Background(), w.Store, w.Key.Priv.Public().(ed25519.PublicKey), w.Journal)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func has(list []string, sub string) bool {
	for _, x := range list {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

// hasKind reports whether list holds a problem of the kind whose sentence
// contains sub.
func hasKind(list []fieldwork.Problem, kind, sub string) bool {
	for _, x := range list {
		if x.Kind == kind && strings.Contains(x.Detail, sub) {
			return true
		}
	}
	return false
}

// Attack is one forgery and how it must be seen.
type Attack struct {
	Name string
	Run  func(t *testing.T, w *World)
}

// Attacks is the table.
var Attacks = []Attack{
	{"untouched, everything verifies", func(t *testing.T, w *World) {
		a := w.check(t, "e1")
		if len(a.Problems) != 0 || a.Counts.Unsigned != 0 || a.Counts.BadSignature != 0 || a.Verdict(w.Test.Entry) != fieldwork.Verified {
			t.Fatalf("clean world: %+v", a)
		}
		internal := *w.Test
		internal.ID, internal.Internal = w.Test.ID+1, true
		if v := a.Verified([]attest.Test{*w.Test, internal}); !v[w.Test.ID] || len(v) != 1 {
			t.Errorf("verified tests: %v", v)
		}
		if r := w.journal(t); len(r.Problems) != 0 || r.Matched != len(w.Journal) {
			t.Fatalf("clean journal: %+v", r)
		}
	}},
	{"a test row inserted by SQL", func(t *testing.T, w *World) {
		w.exec(t, `INSERT INTO tests (id, engagement_id, control_id, internal, procedures, draw_id, items, conclusion, deviations, wording, tested_by, tested_at, entry, covers_from, covers_to, applies_to)
			VALUES (99, 'e1', 'BX-01', false, '["inspection"]', 0, '[{"key":"Q1","result":"no-exception"}]', 'no-exceptions', '', 'No exceptions noted.', 'Ana', '2026-11-02T12:00:00Z', 0, '', '', '[]')`)
		a := w.check(t, "e1")
		if a.Verdict(0) != fieldwork.Unsigned || a.Counts.Unsigned != 1 || !hasKind(a.Problems, fieldwork.ProblemUnsigned, "test 99 of BX-01 is recorded as the auditor's but is not signed by the service auditor") {
			t.Fatalf("inserted test: %+v", a)
		}
		if r := w.journal(t); !has(r.Problems, "test 99") {
			t.Errorf("the auditor's verify misses the inserted test: %+v", r)
		}
	}},
	{"a signed result's text edited", func(t *testing.T, w *World) {
		w.exec(t, fmt.Sprintf(`UPDATE tests SET conclusion = 'no-exceptions', wording = 'No exceptions noted.' WHERE id = %d`, w.Test.ID))
		a := w.check(t, "e1")
		if a.Verdict(w.Test.Entry) != fieldwork.BadSignature || !hasKind(a.Problems, fieldwork.ProblemMismatch, "differs from the auditor's signed statement") {
			t.Fatalf("edited result: %+v", a)
		}
		if v := a.Verified([]attest.Test{*w.Test}); v[w.Test.ID] {
			t.Errorf("an edited result counts as verified: %v", v)
		}
	}},
	{"a signed exception deleted", func(t *testing.T, w *World) {
		w.exec(t, fmt.Sprintf(`DELETE FROM auditor_statements WHERE entry = %d`, w.Test.Entry))
		w.exec(t, fmt.Sprintf(`DELETE FROM tests WHERE id = %d`, w.Test.ID))
		a := w.check(t, "e1")
		if !hasKind(a.Problems, fieldwork.ProblemChain, "withheld or deleted") {
			t.Fatalf("deleted exception: %+v", a)
		}
		if r := w.journal(t); !has(r.Problems, "missing from the organization's copy") {
			t.Errorf("the auditor's verify misses the deletion: %+v", r)
		}
	}},
	{"a statement replayed on another engagement", func(t *testing.T, w *World) {
		// The test and its statement copied to e2, as the next of the
		// key's chain there.
		w.exec(t, fmt.Sprintf(`INSERT INTO tests (id, engagement_id, control_id, internal, procedures, draw_id, items, conclusion, deviations, wording, tested_by, tested_at, entry, covers_from, covers_to, applies_to)
			SELECT 98, 'e2', control_id, internal, procedures, draw_id, items, conclusion, deviations, wording, tested_by, tested_at, 100000, covers_from, covers_to, applies_to FROM tests WHERE id = %d`, w.Test.ID))
		w.exec(t, fmt.Sprintf(`INSERT INTO auditor_statements (id, engagement_id, key_fp, seq, kind, hash, body, signature, entry, added_at)
			SELECT 500, 'e2', key_fp, 2, kind, hash, body, signature, 100000, added_at FROM auditor_statements WHERE entry = %d`, w.Test.Entry))
		a := w.check(t, "e2")
		if a.Verdict(100000) != fieldwork.BadSignature || !hasKind(a.Problems, fieldwork.ProblemBadStatement, "signed for engagement e1") {
			t.Fatalf("replayed statement: %+v", a)
		}
	}},
	{"a draw re-done over an edited population", func(t *testing.T, w *World) {
		// The population's file swapped for one without the item that
		// had the exception, and the draw's items with it.
		ref, _, err := w.Blobs.Put(strings.NewReader("id,merged_at\nCHG-90,2026-03-10\nCHG-91,2026-04-10\nCHG-92,2026-05-10\n"))
		if err != nil {
			t.Fatal(err)
		}
		w.exec(t, fmt.Sprintf(`UPDATE populations SET ref = '%s', rows = 3 WHERE id = %d`, ref, w.Draw.PopulationID))
		w.exec(t, fmt.Sprintf(`UPDATE draws SET items = '["CHG-90","CHG-91","CHG-92"]' WHERE id = %d`, w.Draw.ID))
		a := w.check(t, "e1")
		if a.Verdict(w.Draw.Entry) != fieldwork.BadSignature || !hasKind(a.Problems, fieldwork.ProblemMismatch, "draw") {
			t.Fatalf("redone draw: %+v", a)
		}
	}},
	{"a key enrolled by management", func(t *testing.T, w *World) {
		ctx := context.Background()
		// Management makes its own key and records it for the auditor:
		// allowed as a record, but it cannot confirm it...
		_, priv, _ := auditsig.NewKey()
		mk := auditsig.KeySigner{Priv: priv}
		if _, err := fieldwork.Enroll(ctx, w.Env, w.Store, w.ch(), w.Admin, fieldwork.EnrollRequest{Engagement: "e1", Name: "Ana", PublicKey: auditsig.EncodePublic(priv.Public().(ed25519.PublicKey), "")}); err != nil {
			t.Fatal(err)
		}
		_, _, err := fieldwork.Signed(mk, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
			return fieldwork.Confirm(ctx, w.Env, w.Store, w.ch(), w.Admin, "e1", sl)
		})
		if attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("management confirmed a key: %v", err)
		}
		// ...nor sign with it as the auditor through the workflows.
		_, _, err = fieldwork.Signed(mk, func(sl fieldwork.Seal) (*attest.Test, error) {
			return fieldwork.RecordTest(ctx, w.Env, w.Store, w.ch(), w.Admin, fieldwork.TestRequest{Engagement: "e1", Control: "AX-01", Procedures: []string{"inspection"}, DrawID: w.Draw.ID, Seal: sl})
		})
		if attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("management recorded the auditor's test with its key: %v", err)
		}
		a := w.check(t, "e1")
		for _, k := range a.Keys {
			if k.Fingerprint == mk.Fingerprint() && k.Valid {
				t.Errorf("management's key counts: %+v", k)
			}
		}
		// Even confirmed behind the workflows' back (by SQL), the auditor's
		// own check reports a key enrolled for her that is not hers.
		w.exec(t, fmt.Sprintf(`UPDATE auditor_keys SET confirmed_at = '2026-11-02T12:00:00Z' WHERE fingerprint = '%s'`, mk.Fingerprint()))
		if r := w.journal(t); !has(r.Problems, "is enrolled for you") {
			t.Errorf("the auditor's verify misses management's key: %+v", r)
		}
	}},
	{"an unsigned act through the workflows", func(t *testing.T, w *World) {
		// Any account, even the auditor's own, without the key.
		for _, u := range []*attest.User{w.Admin, w.Auditor, nil} {
			_, err := fieldwork.CreateRequest(context.Background(), w.Env, w.Store, w.ch(), u, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "more"})
			if attest.ErrorCode(err) != attest.EFORBIDDEN || (u == w.Auditor && !strings.Contains(attest.ErrorMessage(err), fieldwork.SignedByKey)) {
				t.Errorf("an unsigned request as %v: %v", u, err)
			}
		}
	}},
}

// record records a signed test of AX-01 with req's fields.
func (w *World) record(req fieldwork.TestRequest) error {
	req.Engagement, req.Control = "e1", "AX-01"
	if len(req.Procedures) == 0 {
		req.Procedures = []string{"inspection"}
	}
	_, _, err := fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Test, error) {
		req.Seal = sl
		return fieldwork.RecordTest(context.Background(), w.Env, w.Store, w.ch(), w.Auditor, req)
	})
	return err
}

func (w *World) clean() []attest.ItemResult {
	var out []attest.ItemResult
	for _, k := range w.Draw.Items {
		out = append(out, attest.ItemResult{Key: k, Result: "no-exception"})
	}
	return out
}

func refused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(attest.ErrorMessage(err), want) {
		t.Errorf("want refused with %q, got %v", want, err)
	}
}

// Rules are the testing rules no signature makes acceptable.
var Rules = []Attack{
	{"items not in the draw are refused, named", func(t *testing.T, w *World) {
		refused(t, w.record(fieldwork.TestRequest{DrawID: w.Draw.ID, Items: append(w.clean(), attest.ItemResult{Key: "MADE-UP", Result: "no-exception"}), Acknowledged: "x"}), "MADE-UP")
		refused(t, w.record(fieldwork.TestRequest{Items: []attest.ItemResult{{Key: "X", Result: "no-exception"}}}), "X are not in a draw")
	}},
	{"the circumstances did not occur: never for a periodic control", func(t *testing.T, w *World) {
		refused(t, w.record(fieldwork.TestRequest{NotPerformed: true, Procedures: []string{"inquiry", "inspection"}}), "periodic control")
	}},
	{"missed occurrences need the auditor's acknowledgement", func(t *testing.T, w *World) {
		refused(t, w.record(fieldwork.TestRequest{DrawID: w.Draw.ID, Items: w.clean()}), "missed or late evidence")
		if err := w.record(fieldwork.TestRequest{DrawID: w.Draw.ID, Items: w.clean(), Acknowledged: "reviews performed late, seen in the evidence"}); err != nil {
			t.Error(err)
		}
	}},
	{"fewer items than the size rule only with a reason", func(t *testing.T, w *World) {
		ctx := context.Background()
		d := sign(t, w, func(sl fieldwork.Seal) (*fieldwork.Drawn, error) {
			return fieldwork.Draw(ctx, w.Env, w.ch(), w.Auditor, fieldwork.DrawRequest{Engagement: "e1", Control: "AX-01", Seed: "one", Size: 1, Reason: "a smaller look", Seal: sl})
		})
		one := []attest.ItemResult{{Key: d.Draw.Items[0], Result: "deviation", Note: "late"}}
		// A redraw is not the binding draw.
		refused(t, w.record(fieldwork.TestRequest{DrawID: d.Draw.ID, Items: one, Deviations: "isolated"}), "binding draw")
		// BX-01 (quarterly, 2 by the table): a binding draw of 1 of 4.
		ref, _, err := w.Blobs.Put(strings.NewReader("id\nQ1\nQ2\nQ3\nQ4\n"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.Store.AddPopulation(ctx, w.ch(), attest.Population{ControlID: "BX-01", Ref: string(ref), Name: "reviews.csv", Format: "csv", Rows: 4, KeyColumn: "id"})
		if err != nil {
			t.Fatal(err)
		}
		b := sign(t, w, func(sl fieldwork.Seal) (*fieldwork.Drawn, error) {
			return fieldwork.Draw(ctx, w.Env, w.ch(), w.Auditor, fieldwork.DrawRequest{Engagement: "e1", Control: "BX-01", PopulationID: p.ID, Seed: "b", Size: 1, Seal: sl})
		})
		req := fieldwork.TestRequest{Engagement: "e1", Control: "BX-01", Procedures: []string{"inspection"}, DrawID: b.Draw.ID,
			Items: []attest.ItemResult{{Key: b.Draw.Items[0], Result: "deviation", Note: "signed late"}}, Deviations: "isolated"}
		test := func(req fieldwork.TestRequest) (*attest.Test, error) {
			r, _, err := fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Test, error) {
				req.Seal = sl
				return fieldwork.RecordTest(ctx, w.Env, w.Store, w.ch(), w.Auditor, req)
			})
			return r, err
		}
		_, err = test(req)
		refused(t, err, "the size rule asks 2")
		req.Reason = "the other reviews were tested by reperformance last week"
		saved, err := test(req)
		if err != nil || !strings.Contains(saved.Wording, "1 item was tested where the sample size rule asks 2") {
			t.Errorf("with a reason: %+v %v", saved, err)
		}
	}},
	{"a test of one only for an automated control", func(t *testing.T, w *World) {
		refused(t, w.record(fieldwork.TestRequest{TestOfOne: "configuration inspected", SupportedBy: []string{"BX-01"}, Items: []attest.ItemResult{{Key: "config", Result: "no-exception"}}}), "not automated")
	}},
}

// Keys is what happens to keys over an engagement.
var Keys = []Attack{
	{"a lost key is retired: what it signed stays valid, it signs nothing new", func(t *testing.T, w *World) {
		ctx := context.Background()
		if _, err := fieldwork.Retire(ctx, w.Env, w.Store, w.ch(), w.Auditor, "e1", w.Key.Fingerprint()); err != nil {
			t.Fatal(err)
		}
		_, _, err := fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Request, error) {
			return fieldwork.CreateRequest(ctx, w.Env, w.Store, w.ch(), w.Auditor, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "more", Seal: sl})
		})
		refused(t, err, "retired")
		_, priv, _ := auditsig.NewKey()
		w.Key = auditsig.KeySigner{Priv: priv}
		if _, err := fieldwork.Enroll(ctx, w.Env, w.Store, w.ch(), w.Auditor, fieldwork.EnrollRequest{Engagement: "e1", Name: "Ana", PublicKey: auditsig.EncodePublic(priv.Public().(ed25519.PublicKey), "")}); err != nil {
			t.Fatal(err)
		}
		sign(t, w, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
			return fieldwork.Confirm(ctx, w.Env, w.Store, w.ch(), w.Auditor, "e1", sl)
		})
		sign(t, w, func(sl fieldwork.Seal) (*attest.Request, error) {
			return fieldwork.CreateRequest(ctx, w.Env, w.Store, w.ch(), w.Auditor, fieldwork.NewRequest{Engagement: "e1", Control: "AX-01", Text: "more", Seal: sl})
		})
		a := w.check(t, "e1")
		if len(a.Problems) != 0 || a.Verdict(w.Test.Entry) != fieldwork.Verified || len(a.Keys) != 2 || a.Keys[0].Retired == "" || !a.Keys[1].Valid {
			t.Errorf("after the new key: %+v", a)
		}
	}},
	{"several keys: a reviewer signs off, never their own test", func(t *testing.T, w *World) {
		ctx := context.Background()
		rev, err := w.Store.SaveUser(ctx, w.ch(), attest.User{Email: "raj@cpa.example", Name: "Raj", Role: attest.RoleAuditor})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Store.AddAuditor(ctx, w.ch(), attest.Auditor{EngagementID: "e1", Name: "Raj", UserID: rev.ID}); err != nil {
			t.Fatal(err)
		}
		_, priv, _ := auditsig.NewKey()
		rk := auditsig.KeySigner{Priv: priv}
		if _, err := fieldwork.Enroll(ctx, w.Env, w.Store, w.ch(), rev, fieldwork.EnrollRequest{Engagement: "e1", Name: "Raj", PublicKey: auditsig.EncodePublic(priv.Public().(ed25519.PublicKey), "")}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := fieldwork.Signed(rk, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
			return fieldwork.Confirm(ctx, w.Env, w.Store, w.ch(), rev, "e1", sl)
		}); err != nil {
			t.Fatal(err)
		}
		_, _, err = fieldwork.Signed(w.Key, func(sl fieldwork.Seal) (*attest.Statement, error) {
			return fieldwork.Review(ctx, w.Env, w.Store, w.ch(), w.Auditor, "e1", w.Test.ID, "", sl)
		})
		refused(t, err, "is yours")
		if _, _, err := fieldwork.Signed(rk, func(sl fieldwork.Seal) (*attest.Statement, error) {
			return fieldwork.Review(ctx, w.Env, w.Store, w.ch(), rev, "e1", w.Test.ID, "agreed", sl)
		}); err != nil {
			t.Fatal(err)
		}
		a := w.check(t, "e1")
		if len(a.Problems) != 0 || len(a.Reviews[w.Test.Entry]) != 1 || a.Reviews[w.Test.Entry][0] != "Raj" {
			t.Errorf("review: %+v", a)
		}
	}},
}

// Run runs every attack, and every rule, on a fresh world.
func Run(t *testing.T, open Open) {
	for _, a := range append(append(append([]Attack{}, Attacks...), Rules...), Keys...) {
		t.Run(a.Name, func(t *testing.T) {
			s, db := open(t)
			a.Run(t, Setup(t, s, db))
		})
	}
}
