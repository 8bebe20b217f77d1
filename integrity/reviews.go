package integrity

import (
	"context"
	"fmt"
	"slices"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
)

// Access reviews. A bulk act's entry holds only the SHA-256 of its rows,
// so the replay keeps each entry and the check recomputes the digests
// from the rows that name it: the accounts as started against the
// listing's digest, each batch of decisions and of closed revokes against
// its entry, and a completed campaign's every row against its completion.

// reviewState is what the ledger says of the access reviews.
type reviewState struct {
	campaigns map[int64]*attest.Campaign
	// batches are the assigned, decided and resolved entries, by entry.
	batches map[int64]reviewBatch
	// completions are the completed entries, by campaign.
	completions map[int64]attest.ReviewCompletion
	signoffs    map[int64]attest.Signoff
}

// reviewBatch is one bulk entry with who wrote it and when.
type reviewBatch struct {
	typ, actor, time string
	attest.ReviewBatch
}

func newReviewState() reviewState {
	return reviewState{campaigns: map[int64]*attest.Campaign{}, batches: map[int64]reviewBatch{},
		completions: map[int64]attest.ReviewCompletion{}, signoffs: map[int64]attest.Signoff{}}
}

// reviewStarted applies a campaign started.
func reviewStarted(st *state, e ledger.Entry, c attest.Campaign) bool {
	c.Entry = e.Seq
	st.reviews.campaigns[c.ID] = &c
	return c.ID != 0
}

// reviewSignedOff applies a reviewer's sign-off.
func reviewSignedOff(st *state, e ledger.Entry, so attest.Signoff) bool {
	so.Entry = e.Seq
	st.reviews.signoffs[e.Seq] = so
	return true
}

// reviewCompleted applies a campaign's completion.
func reviewCompleted(st *state, e ledger.Entry, d attest.ReviewCompletion) bool {
	c := st.reviews.campaigns[d.Campaign]
	if c == nil {
		return false
	}
	c.Status, c.CompletedBy, c.CompletedAt, c.CompletedEntry, c.EvidenceID = attest.CampaignCompleted, e.Actor, e.Time, e.Seq, d.Evidence
	st.reviews.completions[d.Campaign] = d
	return true
}

// reviewBatchApplied applies a bulk act whose rows name their entry.
func reviewBatchApplied(typ string) func(st *state, e ledger.Entry, b attest.ReviewBatch) bool {
	return func(st *state, e ledger.Entry, b attest.ReviewBatch) bool {
		st.reviews.batches[e.Seq] = reviewBatch{typ: typ, actor: e.Actor, time: e.Time, ReviewBatch: b}
		return true
	}
}

// compareReviews checks every campaign, its items and its sign-offs
// against the ledger.
func compareReviews(ctx context.Context, s attest.Store, st *state, r *Report) error {
	cs, err := s.Campaigns(ctx)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	gotSO, wantSO := map[int64]attest.Signoff{}, map[int64]attest.Signoff{}
	for _, so := range st.reviews.signoffs {
		wantSO[so.Entry] = so
	}
	for _, c := range cs {
		seen[c.ID] = true
		want := st.reviews.campaigns[c.ID]
		switch {
		case want == nil:
			r.add(Unrecorded, -1, "", "access review %d is in the database but not in the ledger", c.ID)
			continue
		case canon(*want) != canon(c):
			r.add(RecordMismatch, want.Entry, "", "access review %d differs from what its entries recorded (started in entry %d)", c.ID, want.Entry)
		}
		items, err := s.ReviewItems(ctx, c.ID)
		if err != nil {
			return err
		}
		slices.SortFunc(items, func(a, b attest.ReviewItem) int { return a.Seq - b.Seq })
		checkReviewItems(r, want, items, st.reviews)
		sos, err := s.Signoffs(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, so := range sos {
			gotSO[so.Entry] = so
		}
	}
	for id, c := range st.reviews.campaigns {
		if !seen[id] {
			r.add(RecordMismatch, c.Entry, "", "access review %d, started in entry %d, is missing from the database", id, c.Entry)
		}
	}
	compareRecords(r, "the access review sign-off recorded in entry", gotSO, wantSO, func(so attest.Signoff) int64 { return so.Entry })
	return nil
}

// checkReviewItems recomputes the digests of a campaign's items (in seq
// order) against the entries that wrote them.
func checkReviewItems(r *Report, c *attest.Campaign, items []attest.ReviewItem, rs reviewState) {
	started := make([]attest.ReviewItem, len(items))
	for i, it := range items {
		started[i] = asStarted(it)
	}
	if len(items) != c.Accounts || attest.RowsDigest(started) != c.Listing.Digest {
		r.add(RecordMismatch, c.Entry, "", "the accounts of access review %d do not match the SHA-256 of the rows started in entry %d", c.ID, c.Entry)
	}
	assigned, decided, resolved := map[int64][]attest.Assignment{}, map[int64][]attest.Decision{}, map[int64][]attest.Resolution{}
	var faults rowFaults
	defer faults.report(r, c.ID)
	for _, it := range items {
		if it.ReviewerID != 0 || it.Reviewer != "" || it.AssignEntry != 0 {
			b, ok := rs.batches[it.AssignEntry]
			if !ok || b.typ != attest.EntryReviewAssigned || b.Campaign != c.ID || it.ReviewerID == 0 {
				faults.add("the reviewer of account %q was not assigned by entry %d", it.Account, it.AssignEntry)
			}
			assigned[it.AssignEntry] = append(assigned[it.AssignEntry], attest.Assignment{Seq: it.Seq, ReviewerID: it.ReviewerID, Reviewer: it.Reviewer})
		}
		if it.Decision != "" || it.DecisionEntry != 0 {
			b, ok := rs.batches[it.DecisionEntry]
			if !ok || b.typ != attest.EntryReviewDecided || b.Campaign != c.ID || b.Reviewer != it.ReviewerID || b.actor != it.DecidedBy || b.time != it.DecidedAt || it.Decision == "" {
				faults.add("the decision on account %q is not the one entry %d recorded", it.Account, it.DecisionEntry)
			}
			decided[it.DecisionEntry] = append(decided[it.DecisionEntry], attest.Decision{Seq: it.Seq, Decision: it.Decision, Reason: it.Reason})
		}
		if it.Ticket != "" || it.Removed != "" || it.ResolvedEntry != 0 {
			b, ok := rs.batches[it.ResolvedEntry]
			if !ok || b.typ != attest.EntryReviewResolved || b.Campaign != c.ID || b.time != it.ResolvedAt || it.Decision != attest.DecisionRevoke {
				faults.add("the revoke of account %q was not closed by entry %d", it.Account, it.ResolvedEntry)
			}
			resolved[it.ResolvedEntry] = append(resolved[it.ResolvedEntry], attest.Resolution{Seq: it.Seq, Ticket: it.Ticket, Removed: it.Removed})
		}
	}
	for _, seq := range sortedKeys(rs.batches) {
		b := rs.batches[seq]
		if b.Campaign != c.ID {
			continue
		}
		switch b.typ {
		case attest.EntryReviewAssigned:
			// Like decisions, an undecided row may be reassigned later.
			as := assigned[seq]
			if len(as) > b.Rows || len(as) == b.Rows && attest.RowsDigest(as) != b.Digest {
				r.add(RecordMismatch, seq, "", "the reviewers of access review %d do not match the SHA-256 of the rows entry %d assigned", c.ID, seq)
			}
		case attest.EntryReviewDecided:
			// A later batch may re-decide some of a batch's rows before
			// sign-off: only a batch whose rows all still name it can be
			// recomputed, and none may name more rows than it wrote.
			ds := decided[seq]
			if len(ds) > b.Rows || len(ds) == b.Rows && attest.RowsDigest(ds) != b.Digest {
				r.add(RecordMismatch, seq, "", "the decisions of access review %d do not match the SHA-256 of the rows entry %d recorded", c.ID, seq)
			}
		case attest.EntryReviewResolved:
			if rows := resolved[seq]; len(rows) != b.Rows || attest.RowsDigest(rows) != b.Digest {
				r.add(RecordMismatch, seq, "", "the revokes closed in access review %d do not match the SHA-256 of the rows entry %d recorded", c.ID, seq)
			}
		}
	}
	if done, ok := rs.completions[c.ID]; ok && done.Digest != "" && (len(items) != done.Rows || attest.RowsDigest(items) != done.Digest) {
		r.add(RecordMismatch, c.CompletedEntry, "", "the items of access review %d changed after its completion in entry %d", c.ID, c.CompletedEntry)
	}
}

// rowFaults gathers a campaign's rows that name no fitting entry, by
// kind, so that a table edited wholesale is one problem per kind, not one
// per row.
type rowFaults struct {
	kinds []string
	by    map[string]*rowFault
}

type rowFault struct {
	account string
	entry   int64
	rows    int
}

func (f *rowFaults) add(kind, account string, entry int64) {
	if f.by == nil {
		f.by = map[string]*rowFault{}
	}
	if f.by[kind] == nil {
		f.kinds = append(f.kinds, kind)
		f.by[kind] = &rowFault{account: account, entry: entry}
	}
	f.by[kind].rows++
}

// report adds one problem per kind, naming the first row and the count.
func (f *rowFaults) report(r *Report, campaign int64) {
	for _, k := range f.kinds {
		x := f.by[k]
		more := ""
		if x.rows > 1 {
			more = fmt.Sprintf(" (and %d more rows alike)", x.rows-1)
		}
		r.add(RecordMismatch, x.entry, "", "access review %d: "+k+"%s", campaign, x.account, x.entry, more)
	}
}

// asStarted is an item as the campaign's start wrote it.
func asStarted(it attest.ReviewItem) attest.ReviewItem {
	return attest.ReviewItem{Seq: it.Seq, Account: it.Account, Person: it.Person, Name: it.Name, Manager: it.Manager,
		Roles: it.Roles, Entitlements: it.Entitlements, Privileged: it.Privileged, Flags: it.Flags}
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
