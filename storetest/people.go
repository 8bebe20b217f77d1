package storetest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/attest-dev/attest/ledger"

	"github.com/attest-dev/attest"
)

// testPeople: a roster change of any size is one ledger entry naming the
// SHA-256 of its rows; people get the next free IDs; an e-mail address
// held twice is refused and writes nothing; a change replaces the person
// by ID and keeps every row as written.
func testPeople(t *testing.T, s attest.Store) {
	before, _ := s.LedgerSize(ctx)
	rows := []attest.Person{
		{EmployeeID: "E1", Email: "Ada@Example.com", Name: "Ada", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2025-02-03", Role: "engineering", InScope: true, Source: "roster.csv line 2"},
		{EmployeeID: "E2", Email: "bo@example.com", Name: "Bo", Kind: attest.PersonContractor, Status: attest.PersonActive, Start: "2026-01-05", Manager: "ada@example.com", Source: "roster.csv line 3"},
	}
	got, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv", File: "ff"}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID == 0 || got[1].ID != got[0].ID+1 || got[0].Email != "ada@example.com" || got[0].Entry != before {
		t.Fatalf("imported: %+v (ledger was %d)", got, before)
	}
	if size, _ := s.LedgerSize(ctx); size != before+1 {
		t.Fatalf("an import of 2 rows wrote %d ledger entries, want 1", size-before)
	}
	var rc attest.RosterChange
	readEntry(t, s, before, attest.EntryRosterImported, &rc)
	if rc.Rows != 2 || rc.Added != 2 || rc.Changed != 0 || rc.Digest != attest.PeopleDigest(got) || rc.File != "ff" {
		t.Fatalf("entry data: %+v, digest of rows %s", rc, attest.PeopleDigest(got))
	}
	p, err := s.PersonByEmail(ctx, "ADA@example.com ")
	if err != nil || p.ID != got[0].ID || !p.InScope || p.Role != "engineering" || p.Start != "2025-02-03" {
		t.Fatalf("by e-mail: %+v, %v", p, err)
	}
	_, err = s.PersonByEmail(ctx, "nobody@example.com")
	mustCode(t, err, attest.ENOTFOUND)
	_, err = s.Person(ctx, 999)
	mustCode(t, err, attest.ENOTFOUND)

	// A new person with Bo's address, and a batch naming one address
	// twice: refused, nothing written.
	size, _ := s.LedgerSize(ctx)
	_, err = s.RecordPeople(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, []attest.Person{{Email: "bo@example.com", Name: "Other", Kind: attest.PersonEmployee, Status: attest.PersonActive}})
	mustCode(t, err, attest.ECONFLICT)
	_, err = s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "x"}, []attest.Person{{Email: "c@example.com"}, {Email: "C@example.com"}})
	mustCode(t, err, attest.ECONFLICT)
	// A change naming no such person.
	_, err = s.RecordPeople(ctx, ch, attest.EntryPersonSaved, attest.RosterChange{Source: "entered"}, []attest.Person{{ID: 999, Email: "z@example.com"}})
	mustCode(t, err, attest.ENOTFOUND)
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatalf("refused changes wrote %d ledger entries", n-size)
	}
	if all, _ := s.People(ctx); len(all) != 2 {
		t.Fatalf("refused changes left %d people", len(all))
	}

	// Bo leaves: a change by ID, then a new hire in the same entry.
	bo := got[1]
	bo.Status, bo.End = attest.PersonTerminated, "2026-06-30"
	changed, err := s.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "file roster.csv"}, []attest.Person{bo, {Email: "cy@example.com", Name: "Cy", Kind: attest.PersonEmployee, Status: attest.PersonActive}})
	if err != nil {
		t.Fatal(err)
	}
	if changed[0].ID != bo.ID || changed[1].ID != bo.ID+1 {
		t.Fatalf("second import: %+v", changed)
	}
	readEntry(t, s, size, attest.EntryRosterImported, &rc)
	if rc.Added != 1 || rc.Changed != 1 || rc.Rows != 2 {
		t.Fatalf("second entry: %+v", rc)
	}
	if p, _ := s.Person(ctx, bo.ID); p.End != "2026-06-30" || p.Status != attest.PersonTerminated || p.Entry != size || p.Employed("2026-07-01") || !p.Employed("2026-06-30") {
		t.Fatalf("Bo after leaving: %+v", p)
	}
	hist, err := s.PersonChanges(ctx)
	if err != nil || len(hist) != 4 {
		t.Fatalf("changes: %d, %v", len(hist), err)
	}
	if hist[0].Entry != before || hist[2].Entry != size || hist[2].End != "2026-06-30" || attest.PeopleDigest(hist[2:]) != rc.Digest {
		t.Fatalf("changes as written: %+v", hist)
	}
}

// readEntry decodes ledger entry seq, which must be of type typ, into v.
func readEntry(t *testing.T, s attest.Store, seq int64, typ string, v any) {
	t.Helper()
	err := s.ScanLedger(ctx, seq, seq+1, func(_ int64, rec []byte) error {
		e, err := ledger.Decode(rec)
		if err != nil {
			return err
		}
		if e.Type != typ {
			return fmt.Errorf("entry %d is %s, want %s", seq, e.Type, typ)
		}
		return json.Unmarshal(e.Data, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}
