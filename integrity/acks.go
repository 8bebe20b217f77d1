package integrity

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/attest-dev/attest"
)

// compareAcks checks the policies' audiences and the acknowledgements
// against the ledger, both ways, and that each acknowledgement names the
// SHA-256 of the policy version it acknowledges: an acknowledgement
// pinned to a text that was never that version's is reported.
func compareAcks(ctx context.Context, s attest.Store, st *state, r *Report) error {
	as, err := s.Audiences(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range as {
		seen[a.PolicyID] = true
		want, ok := st.audiences[a.PolicyID]
		switch {
		case !ok:
			r.add(Unrecorded, -1, "", "the audience of policy %s is in the database but not in the ledger", a.PolicyID)
		case canon(want) != canon(a):
			r.add(RecordMismatch, want.Entry, "", "the audience of policy %s differs from what entry %d recorded", a.PolicyID, want.Entry)
		}
	}
	for id, a := range st.audiences {
		if !seen[id] {
			r.add(RecordMismatch, a.Entry, "", "the audience of policy %s, recorded in entry %d, is missing from the database", id, a.Entry)
		}
	}
	ks, err := s.Acknowledgements(ctx, 0)
	if err != nil {
		return err
	}
	got := make(map[int64]attest.Acknowledgement, len(ks))
	for _, k := range ks {
		got[k.ID] = k
	}
	compareRecords(r, "acknowledgement", got, st.acks, func(a attest.Acknowledgement) int64 { return a.Entry })
	sums := map[string]string{}
	for _, v := range st.policyVersions {
		sums[fmt.Sprintf("%s@%d", v.PolicyID, v.Version)] = v.SHA256
	}
	for _, id := range slices.Sorted(maps.Keys(st.acks)) {
		a := st.acks[id]
		if sum, ok := sums[fmt.Sprintf("%s@%d", a.PolicyID, a.Version)]; !ok || sum != a.SHA256 {
			r.add(RecordMismatch, a.Entry, "", "acknowledgement %d (entry %d) names a text of policy %s version %d that the ledger does not hold", a.ID, a.Entry, a.PolicyID, a.Version)
		}
	}
	return compareReminders(ctx, s, st, r)
}

// compareTraining checks the training completions: each entry's rows must
// hash to its digest, and no rows may name an entry that is not a
// training change.
func compareTraining(ctx context.Context, s attest.Store, st *state, r *Report) error {
	rows, err := s.Completions(ctx, 0)
	if err != nil {
		return err
	}
	byEntry := map[int64][]attest.Completion{}
	for _, c := range rows {
		byEntry[c.Entry] = append(byEntry[c.Entry], c)
	}
	for _, n := range slices.Sorted(maps.Keys(byEntry)) {
		cs := byEntry[n]
		tc, ok := st.training[n]
		switch {
		case !ok:
			r.add(Unrecorded, n, "", "%d training completions name entry %d, which is not a training change", len(cs), n)
		case len(cs) != tc.Rows || attest.CompletionsDigest(cs) != tc.Digest:
			r.add(RecordMismatch, n, "", "the training completions of entry %d (%d) do not match the %d rows and SHA-256 the entry recorded", n, len(cs), tc.Rows)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(st.training)) {
		if tc := st.training[n]; len(byEntry[n]) == 0 && tc.Rows > 0 {
			r.add(RecordMismatch, n, "", "the %d training completions of entry %d are missing from the database", tc.Rows, n)
		}
	}
	return nil
}

// compareReminders checks the reminders sent against each round's entry.
func compareReminders(ctx context.Context, s attest.Store, st *state, r *Report) error {
	rs, err := s.Reminders(ctx)
	if err != nil {
		return err
	}
	byEntry := map[int64][]attest.Reminder{}
	for _, x := range rs {
		byEntry[x.Entry] = append(byEntry[x.Entry], x)
	}
	for _, n := range slices.Sorted(maps.Keys(byEntry)) {
		want, ok := st.reminders[n]
		got := byEntry[n]
		for i := range got {
			got[i].Entry = 0
		}
		switch {
		case !ok:
			r.add(Unrecorded, n, "", "%d reminders name entry %d, which is not a round of reminders", len(got), n)
		case canon(got) != canon(want.Reminders):
			r.add(RecordMismatch, n, "", "the reminders of entry %d differ from what the entry recorded", n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(st.reminders)) {
		if len(byEntry[n]) == 0 && len(st.reminders[n].Reminders) > 0 {
			r.add(RecordMismatch, n, "", "the reminders of entry %d are missing from the database", n)
		}
	}
	return nil
}
