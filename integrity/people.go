package integrity

import (
	"context"

	"github.com/attest-dev/attest"
)

// comparePeople checks the roster against the ledger. A roster entry
// names the SHA-256 of its rows, and the store keeps the rows as written:
// each entry's rows must hash to its digest, no rows may be kept for an
// entry that is not a roster change, and each person must be as the last
// row written for them left them.
func comparePeople(ctx context.Context, s attest.Store, st *state, r *Report) error {
	rows, err := s.PersonChanges(ctx)
	if err != nil {
		return err
	}
	byEntry := map[int64][]attest.Person{}
	last := map[int64]attest.Person{}
	for _, p := range rows {
		byEntry[p.Entry] = append(byEntry[p.Entry], p)
		last[p.ID] = p
	}
	for n, ps := range byEntry {
		rc, ok := st.roster[n]
		switch {
		case !ok:
			r.add(Unrecorded, n, "", "%d roster rows name entry %d, which is not a roster change", len(ps), n)
		case len(ps) != rc.Rows || attest.PeopleDigest(ps) != rc.Digest:
			r.add(RecordMismatch, n, "", "the roster rows of entry %d (%d) do not match the %d rows and SHA-256 the entry recorded", n, len(ps), rc.Rows)
		}
	}
	for n, rc := range st.roster {
		if _, ok := byEntry[n]; !ok && rc.Rows > 0 {
			r.add(RecordMismatch, n, "", "the %d roster rows of entry %d are missing from the database", rc.Rows, n)
		}
	}
	people, err := s.People(ctx)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, p := range people {
		seen[p.ID] = true
		want, ok := last[p.ID]
		if !ok {
			r.add(Unrecorded, -1, "", "person %d (%s) is on the roster but in no roster entry", p.ID, p.Email)
			continue
		}
		got := p
		got.UpdatedAt = ""
		if canon(want) != canon(got) {
			r.add(RecordMismatch, want.Entry, "", "person %d (%s) differs from what entry %d recorded", p.ID, p.Email, want.Entry)
		}
	}
	for id, p := range last {
		if !seen[id] {
			r.add(RecordMismatch, p.Entry, "", "person %d (%s), recorded in entry %d, is missing from the roster", id, p.Email, p.Entry)
		}
	}
	return nil
}
