package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"
)

// Evidence returns an evidence item for tests.
func Evidence(name string, controls ...string) attest.Evidence {
	return attest.Evidence{Ref: "sha256:" + strings.Repeat("ab", 32), Size: 42, MediaType: "text/plain", Name: name,
		Controls: controls, Date: "2026-02-10", Method: attest.MethodUpload, Source: "upload", Note: "a note"}
}

func testEvidence(t *testing.T, s attest.Store) {
	added, err := s.AddEvidence(ctx, ch, []attest.Evidence{Evidence("a.pdf", "AC-06", "AC-04"), Evidence("b.pdf", "AC-06")})
	if err != nil {
		t.Fatal(err)
	}
	if added[0].ID != 1 || added[1].ID != 2 || added[0].AddedBy != "tester" || added[0].Entry == added[1].Entry {
		t.Errorf("added %+v", added)
	}
	got, err := s.Evidence(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := added[0]
	want.Controls = []string{"AC-04", "AC-06"}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if l, _ := s.EvidenceList(ctx, "AC-04", false); len(l) != 1 || l[0].ID != 1 {
		t.Errorf("list AC-04: %+v", l)
	}
	if _, err := s.RetractEvidence(ctx, ch, 1, " "); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("retract without reason: %v", err)
	}
	r, err := s.RetractEvidence(ctx, ch, 1, "uploaded to the wrong control")
	if err != nil || r.Retraction == nil || r.Retraction.Reason != "uploaded to the wrong control" {
		t.Fatalf("retract: %+v %v", r, err)
	}
	_, err = s.RetractEvidence(ctx, ch, 1, "again")
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.RetractEvidence(ctx, ch, 99, "x")
	mustCode(t, err, attest.ENOTFOUND)
	if l, _ := s.EvidenceList(ctx, "AC-06", false); len(l) != 1 || l[0].ID != 2 {
		t.Errorf("list without retracted: %+v", l)
	}
	if l, _ := s.EvidenceList(ctx, "", true); len(l) != 2 || l[0].Retraction == nil {
		t.Errorf("list with retracted: %+v", l)
	}
	// A batch with a bad item records nothing.
	bad := Evidence("c.pdf", "AC-01", "AC-01")
	if _, err := s.AddEvidence(ctx, ch, []attest.Evidence{Evidence("d.pdf", "AC-01"), bad}); err == nil {
		t.Error("a batch with a repeated control was accepted")
	}
	if l, _ := s.EvidenceList(ctx, "", true); len(l) != 2 {
		t.Errorf("a refused batch left %d items", len(l)-2)
	}
	_, err = s.Evidence(ctx, 3)
	mustCode(t, err, attest.ENOTFOUND)

	// Only retracted evidence is purged, once.
	_, err = s.PurgeEvidence(ctx, ch, 2)
	mustCode(t, err, attest.EINVALID)
	p, err := s.PurgeEvidence(ctx, ch, 1)
	if err != nil || p.PurgedAt == "" {
		t.Fatalf("purge: %+v %v", p, err)
	}
	_, err = s.PurgeEvidence(ctx, ch, 1)
	mustCode(t, err, attest.ECONFLICT)
	if got, _ := s.Evidence(ctx, 1); got.PurgedAt != p.PurgedAt || got.Retraction == nil {
		t.Errorf("after purge: %+v", got)
	}
}

func testEventsAndNotRequired(t *testing.T, s attest.Store) {
	evs := []attest.Event{{Key: "CHG-1", Date: "2026-01-05", Description: "deploy"}, {Key: "CHG-2", Date: "2026-01-03"}}
	n, err := s.ImportEvents(ctx, ch, "CHG-01", evs)
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	n, err = s.ImportEvents(ctx, ch, "CHG-01", append(evs, attest.Event{Key: "CHG-3", Date: "2026-02-01"}))
	if err != nil || n != 1 {
		t.Errorf("re-import: %d %v (want 1 new)", n, err)
	}
	got, _ := s.Events(ctx, "CHG-01")
	if len(got) != 3 || got[0].Key != "CHG-2" || got[0].ControlID != "CHG-01" {
		t.Errorf("events by date: %+v", got)
	}
	// A key twice in one import: refused, nothing added.
	_, err = s.ImportEvents(ctx, ch, "CHG-01", []attest.Event{{Key: "CHG-9", Date: "2026-03-01"}, {Key: "CHG-9", Date: "2026-03-02"}})
	mustCode(t, err, attest.EINVALID)
	// A large population goes in whole (PostgreSQL writes it with COPY).
	var bulk []attest.Event
	for i := 0; i < 5000; i++ {
		bulk = append(bulk, attest.Event{Key: fmt.Sprintf("HR-%05d", i), Date: "2026-04-01", Description: "hire", Source: "roster.csv"})
	}
	size, _ := s.LedgerSize(ctx)
	if n, err := s.ImportEvents(ctx, ch, "HR-01", bulk); err != nil || n != 5000 {
		t.Fatalf("bulk import: %d %v", n, err)
	}
	if got, _ := s.Events(ctx, "HR-01"); len(got) != 5000 || got[4999].Source != "roster.csv" {
		t.Errorf("bulk import: %d events", len(got))
	}
	if after, _ := s.LedgerSize(ctx); after != size+1 {
		t.Errorf("bulk import: %d ledger entries, want one", after-size)
	}
	if got, _ := s.Events(ctx, "CHG-01"); len(got) != 3 {
		t.Errorf("after a refused import: %d events, want 3", len(got))
	}
	_, err = s.AddNotRequired(ctx, ch, attest.NotRequired{ControlID: "INC-02", Start: "2026-01-01", End: "2026-03-31", Reason: "no incidents", EvidenceID: 7})
	mustCode(t, err, attest.ENOTFOUND)
	ev, _ := s.AddEvidence(ctx, ch, []attest.Evidence{Evidence("empty-population.csv", "INC-02")})
	nr, err := s.AddNotRequired(ctx, ch, attest.NotRequired{ControlID: "INC-02", Start: "2026-01-01", End: "2026-03-31", Reason: "no incidents", EvidenceID: ev[0].ID})
	if err != nil || nr.ID != 1 || nr.AddedBy != "tester" {
		t.Fatalf("not required: %+v %v", nr, err)
	}
	list, _ := s.NotRequiredList(ctx, "INC-02")
	if diff := cmp.Diff([]attest.NotRequired{*nr}, list); diff != "" {
		t.Errorf("not required (-want +got):\n%s", diff)
	}
}

// rebuild recomputes the tree from the stored records and checks it against
// the stored hashes; it returns the records' types.
func rebuild(t *testing.T, s attest.Store) (types []string, root tlog.Hash) {
	t.Helper()
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := &ledger.Memory{}
	err = s.ScanLedger(ctx, 0, size, func(seq int64, rec []byte) error {
		if seq != m.Size() {
			return fmt.Errorf("entry %d where %d was expected", seq, m.Size())
		}
		e, err := ledger.Decode(rec)
		if err != nil || e.Seq != seq || !ledger.Canonical(rec) {
			return fmt.Errorf("entry %d: %+v %v", seq, e, err)
		}
		types = append(types, e.Type)
		_, err = m.Append(rec)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	s.ScanHashes(ctx, func(i int64, h tlog.Hash) error {
		if i != stored || h != m.Stored(i) {
			t.Errorf("stored hash %d differs from the rebuilt tree", i)
		}
		stored++
		return nil
	})
	if stored != m.StoredCount() {
		t.Errorf("%d stored hashes, rebuilt %d", stored, m.StoredCount())
	}
	root, _ = m.Root(size)
	if size > 0 {
		got, err := tlog.TreeHash(size, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, idx) }))
		if err != nil || got != root {
			t.Errorf("tree hash from the store %v differs from the rebuilt one: %v", got, err)
		}
	}
	return types, root
}

// testLedgerRefusesInvalidText: a string that is not UTF-8 cannot be
// written in an entry's JSON as it is kept in the record, so a change
// holding one is refused, naming the field, and nothing of it is kept:
// the ledger still verifies against the records.
func testLedgerRefusesInvalidText(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), Controls(1)); err != nil {
		t.Fatal(err)
	}
	id := Controls(1)[0].ID
	before, _ := s.LedgerSize(ctx)
	_, err := s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Description: ptr("Quarterly review \xff\xfe")})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "not valid UTF-8") {
		t.Fatalf("an invalid byte in a control's description: %v", err)
	}
	bad := ch
	bad.Actor = "Eve\xff"
	if _, err := s.UpdateControl(ctx, bad, "e1", id, attest.ControlUpdate{Owner: ptr("Dana")}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "not valid UTF-8") {
		t.Fatalf("an invalid byte in the actor's name: %v", err)
	}
	if after, _ := s.LedgerSize(ctx); after != before {
		t.Errorf("the ledger grew from %d to %d entries on refused changes", before, after)
	}
	c, err := s.Control(ctx, "e1", id)
	if err != nil || strings.Contains(c.Description, "\xff") || c.Owner == "Dana" {
		t.Errorf("the control after refused changes: %+v, %v", c, err)
	}
}

func testLedgerRecordsEveryChange(t *testing.T, s attest.Store) {
	if err := s.CreateEngagement(ctx, ch, Engagement("e1"), Controls(2)); err != nil {
		t.Fatal(err)
	}
	id := Controls(1)[0].ID
	s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Owner: ptr("Dana")})
	s.UpdateControl(ctx, ch, "e1", id, attest.ControlUpdate{Status: ptr(attest.NotApplicable)}) // refused: no entry
	s.PutExclusion(ctx, ch, attest.Exclusion{EngagementID: "e1", CriterionID: "A1.3", Reason: "r", CreatedAt: ch.Stamp()})
	s.DeleteExclusion(ctx, ch, "e1", "A1.3")
	s.AddEvidence(ctx, ch, []attest.Evidence{Evidence("a", id)})
	s.RetractEvidence(ctx, ch, 1, "wrong file")
	s.ImportEvents(ctx, ch, id, []attest.Event{{Key: "k", Date: "2026-01-01"}})
	s.AddNotRequired(ctx, ch, attest.NotRequired{ControlID: id, Start: "2026-01-01", End: "2026-01-31", Reason: "none"})
	types, _ := rebuild(t, s)
	want := []string{attest.EntryEngagementCreated, attest.EntryControlUpdated, attest.EntryExclusionPut, attest.EntryExclusionDeleted,
		attest.EntryEvidenceAdded, attest.EntryEvidenceRetracted, attest.EntryEventsImported, attest.EntryNotRequiredAdded}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("ledger entry types (-want +got):\n%s", diff)
	}
}

func testLedgerConcurrentAppends(t *testing.T, s attest.Store) {
	const writers, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := s.AddEvidence(ctx, attest.Change{Actor: fmt.Sprintf("w%d", w), At: time.Now()}, []attest.Evidence{Evidence(fmt.Sprintf("w%d-%d", w, i), "AC-01")})
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	types, _ := rebuild(t, s)
	if len(types) != writers*each {
		t.Errorf("%d entries, want %d", len(types), writers*each)
	}
	l, _ := s.EvidenceList(ctx, "", true)
	seen := map[int64]bool{}
	for _, e := range l {
		if seen[e.Entry] {
			t.Errorf("two evidence items share ledger entry %d", e.Entry)
		}
		seen[e.Entry] = true
	}
}

func testCheckpoint(t *testing.T, s attest.Store) {
	priv, pub, _ := ledger.GenerateKey("attest-test")
	sign := func(n int64, root tlog.Hash) ([]byte, error) { return ledger.Sign(n, root, priv) }
	empty, err := s.Checkpoint(ctx, sign, ch.At)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := ledger.Open(empty, pub); err != nil || cp.Size != 0 {
		t.Errorf("empty checkpoint %+v %v", cp, err)
	}
	s.AddEvidence(ctx, ch, []attest.Evidence{Evidence("a", "AC-01"), Evidence("b", "AC-01")})
	signed, err := s.Checkpoint(ctx, sign, ch.At)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ledger.Open(signed, pub)
	_, root := rebuild(t, s)
	if err != nil || cp.Size != 2 || cp.Root != root {
		t.Errorf("checkpoint %+v %v", cp, err)
	}
	s.Checkpoint(ctx, sign, ch.At) // same head: not stored twice
	all, _ := s.Checkpoints(ctx)
	if len(all) != 2 {
		t.Errorf("%d checkpoints stored, want 2", len(all))
	}
}

// BenchmarkAppends measures evidence records added one per transaction,
// each with its ledger entry, by `writers` concurrent writers.
func BenchmarkAppends(b *testing.B, s attest.Store, writers int) {
	b.SetParallelism(1)
	b.ResetTimer()
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= b.N {
					mu.Unlock()
					return
				}
				next++
				i := next
				mu.Unlock()
				if _, err := s.AddEvidence(ctx, attest.Change{Actor: "bench", At: time.Now()}, []attest.Evidence{Evidence(fmt.Sprintf("e%d", i), "AC-01")}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
