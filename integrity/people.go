package integrity

import (
	"context"
	"maps"

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

// compareChecklists checks the checklist items against the ledger: the
// items each roster change created must hash to the SHA-256 it recorded,
// and each item's done fields must be those of the entry that recorded
// it done (and none may be set without one).
func compareChecklists(ctx context.Context, s attest.Store, st *state, r *Report) error {
	items, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return err
	}
	done := maps.Clone(st.itemsDoneEntry)
	byEntry := map[int64][]attest.ChecklistItem{}
	for _, it := range items {
		// An item reassigned since is checked as created: with the
		// assignee its first assignment took it from, and now with the
		// one its last gave it to.
		if as := st.itemsAssigned[it.ID]; len(as) > 0 {
			if last := as[len(as)-1]; it.Assignee != last.To || it.AssigneeID != last.ToID {
				r.add(RecordMismatch, -1, "", "checklist item %d is assigned to %s, not to %s as its last assignment recorded", it.ID, it.Assignee, last.To)
			}
			it.Assignee, it.AssigneeID = as[0].From, as[0].FromID
		}
		// So is an item whose due date moved since: with the due date
		// its first move took it from, and now with its last move's.
		if rs := st.itemsRedated[it.ID]; len(rs) > 0 {
			if last := rs[len(rs)-1]; it.Due != last.To {
				r.add(RecordMismatch, -1, "", "checklist item %d is due %s, not %s as its last move recorded", it.ID, it.Due, last.To)
			}
			it.Due = rs[0].From
		}
		byEntry[it.Entry] = append(byEntry[it.Entry], it)
	}
	for n, its := range byEntry {
		rc, ok := st.roster[n]
		switch {
		case !ok || rc.Items == 0:
			r.add(Unrecorded, n, "", "%d checklist items name entry %d, which created none", len(its), n)
		case len(its) != rc.Items || attest.ChecklistDigest(its) != rc.ItemsDigest:
			r.add(RecordMismatch, n, "", "the checklist items of entry %d (%d) do not match the %d items and SHA-256 the entry recorded", n, len(its), rc.Items)
		}
	}
	for n, rc := range st.roster {
		if _, ok := byEntry[n]; !ok && rc.Items > 0 {
			r.add(RecordMismatch, n, "", "the %d checklist items of entry %d are missing from the database", rc.Items, n)
		}
	}
	for _, it := range items {
		d, ok := st.itemsDone[it.ID]
		switch {
		case !ok && it.DoneEntry != 0 || !ok && it.DoneOn != "":
			r.add(Unrecorded, it.DoneEntry, "", "checklist item %d is marked done, but no entry records it", it.ID)
		case ok && (it.DoneEntry != st.itemsDoneEntry[it.ID] || it.DoneOn != d.On || it.DoneBy != d.By || it.DoneName != d.ByName || it.Evidence != d.Evidence || it.Note != d.Note || it.PersonID != d.Person):
			r.add(RecordMismatch, st.itemsDoneEntry[it.ID], "", "checklist item %d differs from what entry %d recorded of it done", it.ID, st.itemsDoneEntry[it.ID])
		}
		delete(done, it.ID)
	}
	for id, n := range done {
		r.add(RecordMismatch, n, "", "checklist item %d, recorded done in entry %d, is missing from the database", id, n)
	}
	return nil
}
