package integrity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
)

// state is what the ledger says the database should hold.
type state struct {
	engagements map[string]*attest.Engagement
	engEntry    map[string]int64
	controls    map[[2]string]*attest.Control
	ctlEntry    map[[2]string]int64
	exclusions  map[[2]string]attest.Exclusion
	exclEntry   map[[2]string]int64
	evidence    map[int64]*attest.Evidence
	events      map[[2]string]attest.Event
	evEntry     map[[2]string]int64
	notRequired map[int64]attest.NotRequired
	nrEntry     map[int64]int64
	populations map[int64]attest.Population
	draws       map[int64]attest.Draw
	auditors    map[[2]string]attest.Auditor
	audEntry    map[[2]string]int64
	tests       map[int64]attest.Test
	responses   map[int64]attest.Response
	disclosures map[int64]attest.Disclosure
	requests    map[int64]attest.Request
	comments    map[int64]attest.Comment
	reqEntry    map[int64]int64
	complete    map[int64]attest.Completeness
	documents   map[int64]attest.Document
	users       map[int64]attest.User
	userEntry   map[int64]int64
	tokens      map[int64]attest.Token
	tokenEntry  map[int64]int64
	ndas        map[int64]attest.NDA
	access      map[int64]attest.AccessRequest
	accessEntry map[int64]int64
	downloads   map[int64]attest.Download
	settings    map[string]string
	setEntry    map[string]int64
	// reviews is what the ledger says of the access reviews (reviews.go).
	reviews reviewState
	// policies are each policy as its latest entry left it; versions and
	// policy acts by the entry that recorded them.
	policies       map[string]attest.Policy
	policyVersions map[int64]attest.PolicyVersion
	policyEvents   map[int64]attest.PolicyEvent
	// roster is each roster change by its entry.
	roster map[int64]attest.RosterChange
	// itemsDone is each checklist item done, by item, with its entry.
	itemsDone      map[int64]attest.ChecklistDone
	itemsDoneEntry map[int64]int64
	// itemsAssigned is each checklist item's assignments, in ledger order.
	itemsAssigned map[int64][]attest.ChecklistAssigned
	// itemsRedated are each item's due-date moves, in ledger order.
	itemsRedated map[int64][]attest.ChecklistRedated
	// audiences are each policy's audience as its latest entry left it;
	// acks the acknowledgements by ID; training and reminders each
	// change by its entry.
	audiences map[string]attest.PolicyAudience
	acks      map[int64]attest.Acknowledgement
	training  map[int64]attest.TrainingChange
	reminders map[int64]attest.RemindersSent
}

func (s *state) evidenceIDs() []int64 {
	ids := make([]int64, 0, len(s.evidence))
	for id := range s.evidence {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// replay builds the state the ledger describes, entry by entry, by the
// appliers of their types; an entry that cannot be read is reported.
func replay(entries []ledger.Entry, r *Report) (*state, error) {
	st := newState()
	for _, e := range entries {
		if e.Type == "" {
			continue // missing or unreadable: already reported
		}
		apply := appliers[e.Type]
		if apply == nil {
			continue
		}
		if ok, err := apply(st, e); !ok {
			r.add(EntryMalformed, e.Seq, "", "entry %d (%s) cannot be read: %v", e.Seq, e.Type, err)
		}
	}
	return st, nil
}

// compareState checks the database against the replayed ledger, both ways.
func compareState(ctx context.Context, s attest.Store, st *state, r *Report) error {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return err
	}
	seenEng := map[string]bool{}
	for i := range engs {
		e := &engs[i]
		seenEng[e.ID] = true
		want, ok := st.engagements[e.ID]
		if !ok {
			r.add(Unrecorded, -1, "", "engagement %s is in the database but not in the ledger", e.ID)
			continue
		}
		if canon(want) != canon(e) {
			r.add(RecordMismatch, st.engEntry[e.ID], "", "engagement %s differs from what entry %d recorded", e.ID, st.engEntry[e.ID])
		}
		if err := compareControls(ctx, s, e.ID, st, r); err != nil {
			return err
		}
		xs, err := s.Exclusions(ctx, e.ID)
		if err != nil {
			return err
		}
		seenX := map[[2]string]bool{}
		for _, x := range xs {
			k := [2]string{x.EngagementID, x.CriterionID}
			seenX[k] = true
			if want, ok := st.exclusions[k]; !ok {
				r.add(Unrecorded, -1, "", "exclusion of %s in %s is not in the ledger", x.CriterionID, x.EngagementID)
			} else if canon(want) != canon(x) {
				r.add(RecordMismatch, st.exclEntry[k], "", "exclusion of %s in %s differs from what entry %d recorded", x.CriterionID, x.EngagementID, st.exclEntry[k])
			}
		}
		for k := range st.exclusions {
			if k[0] == e.ID && !seenX[k] {
				r.add(RecordMismatch, st.exclEntry[k], "", "exclusion of %s in %s, recorded in entry %d, is missing from the database", k[1], k[0], st.exclEntry[k])
			}
		}
	}
	for id := range st.engagements {
		if !seenEng[id] {
			r.add(RecordMismatch, st.engEntry[id], "", "engagement %s, recorded in entry %d, is missing from the database", id, st.engEntry[id])
		}
	}
	if err := compareSettings(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareEvidence(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareSampling(ctx, s, st, engs, r); err != nil {
		return err
	}
	if err := compareTesting(ctx, s, st, engs, r); err != nil {
		return err
	}
	if err := compareReviews(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareDisclosures(ctx, s, st, r); err != nil {
		return err
	}
	if err := comparePolicies(ctx, s, st, r); err != nil {
		return err
	}
	if err := comparePeople(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareChecklists(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareAcks(ctx, s, st, r); err != nil {
		return err
	}
	if err := compareTraining(ctx, s, st, r); err != nil {
		return err
	}
	return compareEventsAndNotRequired(ctx, s, st, r)
}

// compareSettings checks the settings that govern access against the
// ledger: one changed in the database alone (a longer grace, the NDA
// turned off) is reported.
func compareSettings(ctx context.Context, s attest.Store, st *state, r *Report) error {
	for _, k := range attest.RecordedSettings {
		v, err := s.Setting(ctx, k)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			if want, ok := st.settings[k]; ok {
				r.add(RecordMismatch, st.setEntry[k], "", "setting %s, recorded as %q in entry %d, is missing from the database", k, want, st.setEntry[k])
			}
			continue
		}
		if err != nil {
			return err
		}
		want, ok := st.settings[k]
		switch {
		case !ok:
			r.add(Unrecorded, -1, "", "setting %s (%q) is in the database but not in the ledger: it was changed outside Attest", k, v)
		case want != v:
			r.add(RecordMismatch, st.setEntry[k], "", "setting %s is %q in the database, %q in entry %d", k, v, want, st.setEntry[k])
		}
	}
	return nil
}

func compareControls(ctx context.Context, s attest.Store, engID string, st *state, r *Report) error {
	ctls, err := s.Controls(ctx, engID)
	if err != nil {
		return err
	}
	seen := map[[2]string]bool{}
	for i := range ctls {
		c := &ctls[i]
		k := [2]string{engID, c.ID}
		seen[k] = true
		want, ok := st.controls[k]
		if !ok {
			r.add(Unrecorded, -1, "", "control %s of %s is not in the ledger", c.ID, engID)
		} else if canon(want) != canon(c) {
			r.add(RecordMismatch, st.ctlEntry[k], "", "control %s of %s differs from what entry %d recorded", c.ID, engID, st.ctlEntry[k])
		}
	}
	for k := range st.controls {
		if k[0] == engID && !seen[k] {
			r.add(RecordMismatch, st.ctlEntry[k], "", "control %s of %s, recorded in entry %d, is missing from the database", k[1], k[0], st.ctlEntry[k])
		}
	}
	return nil
}

func compareEvidence(ctx context.Context, s attest.Store, st *state, r *Report) error {
	all, err := s.EvidenceList(ctx, "", true)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for i := range all {
		e := &all[i]
		seen[e.ID] = true
		want, ok := st.evidence[e.ID]
		if !ok {
			r.add(Unrecorded, -1, e.Ref, "evidence %d is in the database but not in the ledger", e.ID)
			continue
		}
		w := *want
		sort.Strings(w.Controls)
		if canon(&w) != canon(e) {
			r.add(RecordMismatch, want.Entry, e.Ref, "evidence %d differs from what entry %d recorded", e.ID, want.Entry)
		}
	}
	for _, id := range st.evidenceIDs() {
		if !seen[id] {
			e := st.evidence[id]
			r.add(RecordMismatch, e.Entry, e.Ref, "evidence %d, recorded in entry %d, is missing from the database", id, e.Entry)
		}
	}
	return nil
}

func compareEventsAndNotRequired(ctx context.Context, s attest.Store, st *state, r *Report) error {
	controls := map[string]bool{}
	for k := range st.events {
		controls[k[0]] = true
	}
	for c := range controls {
		evs, err := s.Events(ctx, c)
		if err != nil {
			return err
		}
		seen := map[[2]string]bool{}
		for _, ev := range evs {
			k := [2]string{c, ev.Key}
			seen[k] = true
			if want, ok := st.events[k]; !ok {
				r.add(Unrecorded, -1, "", "event %s of %s is not in the ledger", ev.Key, c)
			} else if canon(want) != canon(ev) {
				r.add(RecordMismatch, st.evEntry[k], "", "event %s of %s differs from what entry %d recorded", ev.Key, c, st.evEntry[k])
			}
		}
		for k := range st.events {
			if k[0] == c && !seen[k] {
				r.add(RecordMismatch, st.evEntry[k], "", "event %s of %s, recorded in entry %d, is missing from the database", k[1], c, st.evEntry[k])
			}
		}
	}
	nrs, err := s.NotRequiredList(ctx, "")
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, nr := range nrs {
		seen[nr.ID] = true
		if want, ok := st.notRequired[nr.ID]; !ok {
			r.add(Unrecorded, -1, "", "not-required record %d is not in the ledger", nr.ID)
		} else if canon(want) != canon(nr) {
			r.add(RecordMismatch, st.nrEntry[nr.ID], "", "not-required record %d differs from what entry %d recorded", nr.ID, st.nrEntry[nr.ID])
		}
	}
	for id := range st.notRequired {
		if !seen[id] {
			r.add(RecordMismatch, st.nrEntry[id], "", "not-required record %d, recorded in entry %d, is missing from the database", id, st.nrEntry[id])
		}
	}
	return nil
}

// compareSampling checks auditors, populations and draws against the
// ledger, both ways.
func compareSampling(ctx context.Context, s attest.Store, st *state, engs []attest.Engagement, r *Report) error {
	pops, err := s.Populations(ctx, "")
	if err != nil {
		return err
	}
	seenPop := map[int64]bool{}
	for _, p := range pops {
		seenPop[p.ID] = true
		want, ok := st.populations[p.ID]
		if !ok {
			r.add(Unrecorded, -1, p.Ref, "population %d is in the database but not in the ledger", p.ID)
		} else if canon(want) != canon(p) {
			r.add(RecordMismatch, want.Entry, p.Ref, "population %d differs from what entry %d recorded", p.ID, want.Entry)
		}
	}
	for id, p := range st.populations {
		if !seenPop[id] {
			r.add(RecordMismatch, p.Entry, p.Ref, "population %d, recorded in entry %d, is missing from the database", id, p.Entry)
		}
	}
	seenDraw, seenAud := map[int64]bool{}, map[[2]string]bool{}
	for _, e := range engs {
		ds, err := s.Draws(ctx, e.ID, "")
		if err != nil {
			return err
		}
		for _, d := range ds {
			seenDraw[d.ID] = true
			want, ok := st.draws[d.ID]
			if !ok {
				r.add(Unrecorded, -1, "", "draw %d is in the database but not in the ledger", d.ID)
			} else if canon(want) != canon(d) {
				r.add(RecordMismatch, want.Entry, "", "draw %d (the sample of %s) differs from what entry %d recorded", d.ID, d.ControlID, want.Entry)
			}
		}
		as, err := s.Auditors(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, a := range as {
			k := [2]string{a.EngagementID, a.Name}
			seenAud[k] = true
			if want, ok := st.auditors[k]; !ok {
				r.add(Unrecorded, -1, "", "auditor %s of %s is not in the ledger", a.Name, a.EngagementID)
			} else if canon(want) != canon(a) {
				r.add(RecordMismatch, st.audEntry[k], "", "auditor %s of %s differs from what entry %d recorded", a.Name, a.EngagementID, st.audEntry[k])
			}
		}
	}
	for id, d := range st.draws {
		if !seenDraw[id] {
			r.add(RecordMismatch, d.Entry, "", "draw %d, recorded in entry %d, is missing from the database", id, d.Entry)
		}
	}
	for k := range st.auditors {
		if !seenAud[k] {
			r.add(RecordMismatch, st.audEntry[k], "", "auditor %s of %s, recorded in entry %d, is missing from the database", k[1], k[0], st.audEntry[k])
		}
	}
	return nil
}

// compareTesting checks tests, requests, comments, completeness checks,
// accounts, the trust center, documents and responses against the ledger,
// both ways.
func compareTesting(ctx context.Context, s attest.Store, st *state, engs []attest.Engagement, r *Report) error {
	if err := compareTestsAndRequests(ctx, s, st, engs, r); err != nil {
		return err
	}
	for _, compare := range []func(context.Context, attest.Store, *state, *Report) error{compareCompleteness, compareAccounts, compareTrust, compareDocuments, compareResponses} {
		if err := compare(ctx, s, st, r); err != nil {
			return err
		}
	}
	return nil
}

// compareTestsAndRequests checks the engagements' tests, requests and
// their comments against the ledger, both ways.
func compareTestsAndRequests(ctx context.Context, s attest.Store, st *state, engs []attest.Engagement, r *Report) error {
	seenT, seenQ, seenCm := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, e := range engs {
		ts, err := s.Tests(ctx, e.ID, "")
		if err != nil {
			return err
		}
		for _, t := range ts {
			seenT[t.ID] = true
			if want, ok := st.tests[t.ID]; !ok {
				r.add(Unrecorded, -1, "", "test %d is in the database but not in the ledger", t.ID)
			} else if canon(want) != canon(t) {
				r.add(RecordMismatch, want.Entry, "", "test %d of %s differs from what entry %d recorded", t.ID, t.ControlID, want.Entry)
			}
		}
		qs, err := s.Requests(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, q := range qs {
			seenQ[q.ID] = true
			if want, ok := st.requests[q.ID]; !ok {
				r.add(Unrecorded, -1, "", "request %d is in the database but not in the ledger", q.ID)
			} else if canon(want) != canon(q) {
				r.add(RecordMismatch, st.reqEntry[q.ID], "", "request %d differs from what entry %d recorded", q.ID, st.reqEntry[q.ID])
			}
			cs, err := s.Comments(ctx, q.ID)
			if err != nil {
				return err
			}
			for _, c := range cs {
				seenCm[c.ID] = true
				if want, ok := st.comments[c.ID]; !ok {
					r.add(Unrecorded, -1, "", "comment %d on request %d is in the database but not in the ledger", c.ID, q.ID)
				} else if canon(want) != canon(c) {
					r.add(RecordMismatch, want.Entry, "", "comment %d on request %d differs from what entry %d recorded", c.ID, q.ID, want.Entry)
				}
			}
		}
	}
	for id, t := range st.tests {
		if !seenT[id] {
			r.add(RecordMismatch, t.Entry, "", "test %d, recorded in entry %d, is missing from the database", id, t.Entry)
		}
	}
	for id := range st.requests {
		if !seenQ[id] {
			r.add(RecordMismatch, st.reqEntry[id], "", "request %d, recorded in entry %d, is missing from the database", id, st.reqEntry[id])
		}
	}
	for id, c := range st.comments {
		if !seenCm[id] {
			r.add(RecordMismatch, c.Entry, "", "comment %d, recorded in entry %d, is missing from the database", id, c.Entry)
		}
	}
	return nil
}

// compareCompleteness checks completeness checks against the ledger, both
// ways.
func compareCompleteness(ctx context.Context, s attest.Store, st *state, r *Report) error {
	cs, err := s.CompletenessChecks(ctx, 0)
	if err != nil {
		return err
	}
	seenC := map[int64]bool{}
	for _, c := range cs {
		seenC[c.ID] = true
		if want, ok := st.complete[c.ID]; !ok {
			r.add(Unrecorded, -1, "", "completeness check %d is in the database but not in the ledger", c.ID)
		} else if canon(want) != canon(c) {
			r.add(RecordMismatch, want.Entry, "", "completeness check %d differs from what entry %d recorded", c.ID, want.Entry)
		}
	}
	for id, c := range st.complete {
		if !seenC[id] {
			r.add(RecordMismatch, c.Entry, "", "completeness check %d, recorded in entry %d, is missing from the database", id, c.Entry)
		}
	}
	return nil
}

// compareAccounts checks users and API tokens against the ledger, both
// ways.
func compareAccounts(ctx context.Context, s attest.Store, st *state, r *Report) error {
	us, err := s.Users(ctx)
	if err != nil {
		return err
	}
	seenU := map[int64]bool{}
	for _, u := range us {
		seenU[u.ID] = true
		if want, ok := st.users[u.ID]; !ok {
			r.add(Unrecorded, -1, "", "user %d is in the database but not in the ledger", u.ID)
		} else if canon(want) != canon(u) {
			r.add(RecordMismatch, st.userEntry[u.ID], "", "user %d differs from what entry %d recorded", u.ID, st.userEntry[u.ID])
		}
	}
	for id := range st.users {
		if !seenU[id] {
			r.add(RecordMismatch, st.userEntry[id], "", "user %d, recorded in entry %d, is missing from the database", id, st.userEntry[id])
		}
	}
	ts, err := s.Tokens(ctx, 0)
	if err != nil {
		return err
	}
	seenT2 := map[int64]bool{}
	for _, t := range ts {
		seenT2[t.ID] = true
		if want, ok := st.tokens[t.ID]; !ok {
			r.add(Unrecorded, -1, "", "API token %d is in the database but not in the ledger", t.ID)
		} else if canon(want) != canon(t) {
			r.add(RecordMismatch, st.tokenEntry[t.ID], "", "API token %d differs from what entry %d recorded", t.ID, st.tokenEntry[t.ID])
		}
	}
	for id := range st.tokens {
		if !seenT2[id] {
			r.add(RecordMismatch, st.tokenEntry[id], "", "API token %d, recorded in entry %d, is missing from the database", id, st.tokenEntry[id])
		}
	}
	return nil
}

// compareDocuments checks documents against the ledger, both ways.
func compareDocuments(ctx context.Context, s attest.Store, st *state, r *Report) error {
	ds, err := s.Documents(ctx, "", "")
	if err != nil {
		return err
	}
	seenD := map[int64]bool{}
	for _, d := range ds {
		seenD[d.ID] = true
		if want, ok := st.documents[d.ID]; !ok {
			r.add(Unrecorded, -1, d.Ref, "document %d is in the database but not in the ledger", d.ID)
		} else if canon(want) != canon(d) {
			r.add(RecordMismatch, want.Entry, d.Ref, "document %d differs from what entry %d recorded", d.ID, want.Entry)
		}
	}
	for id, d := range st.documents {
		if !seenD[id] {
			r.add(RecordMismatch, d.Entry, d.Ref, "document %d, recorded in entry %d, is missing from the database", id, d.Entry)
		}
	}
	return nil
}

// compareResponses checks management's responses against the ledger, both
// ways.
func compareResponses(ctx context.Context, s attest.Store, st *state, r *Report) error {
	rs, err := s.Responses(ctx, 0)
	if err != nil {
		return err
	}
	seenR := map[int64]bool{}
	for _, x := range rs {
		seenR[x.Entry] = true
		if want, ok := st.responses[x.Entry]; !ok {
			r.add(Unrecorded, -1, "", "a response to test %d is in the database but not in the ledger", x.TestID)
		} else if canon(want) != canon(x) {
			r.add(RecordMismatch, x.Entry, "", "the response to test %d differs from what entry %d recorded", x.TestID, x.Entry)
		}
	}
	for e, x := range st.responses {
		if !seenR[e] {
			r.add(RecordMismatch, e, "", "the response to test %d, recorded in entry %d, is missing from the database", x.TestID, e)
		}
	}
	return nil
}

// compareTrust checks the trust center's NDA versions, access requests and
// downloads against what the ledger recorded.
func compareTrust(ctx context.Context, s attest.Store, st *state, r *Report) error {
	ndas, err := s.NDAs(ctx)
	if err != nil {
		return err
	}
	got := map[int64]attest.NDA{}
	for _, n := range ndas {
		got[n.Version] = n
	}
	compareRecords(r, "NDA version", got, st.ndas, func(n attest.NDA) int64 { return n.Entry })
	reqs, err := s.AccessRequests(ctx)
	if err != nil {
		return err
	}
	gotR := map[int64]attest.AccessRequest{}
	for _, q := range reqs {
		gotR[q.ID] = q
	}
	compareRecords(r, "access request", gotR, st.access, func(q attest.AccessRequest) int64 { return st.accessEntry[q.ID] })
	dls, err := s.Downloads(ctx)
	if err != nil {
		return err
	}
	gotD := map[int64]attest.Download{}
	for _, d := range dls {
		gotD[d.ID] = d
	}
	compareRecords(r, "download", gotD, st.downloads, func(d attest.Download) int64 { return d.Entry })
	return nil
}

// compareRecords reports records in the database but not in the ledger,
// records that differ from their entry, and recorded ones that are gone.
func compareRecords[V any](r *Report, what string, got, want map[int64]V, entry func(V) int64) {
	ids := make([]int64, 0, len(got)+len(want))
	for id := range got {
		ids = append(ids, id)
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		g, inDB := got[id]
		w, inLedger := want[id]
		switch {
		case !inLedger:
			r.add(Unrecorded, -1, "", "%s %d is in the database but not in the ledger", what, id)
		case !inDB:
			r.add(RecordMismatch, entry(w), "", "%s %d, recorded in entry %d, is missing from the database", what, id, entry(w))
		case canon(g) != canon(w):
			r.add(RecordMismatch, entry(w), "", "%s %d differs from what entry %d recorded", what, id, entry(w))
		}
	}
}

// compareDisclosures checks the disclosures of known deviations against
// what the ledger recorded, by the entry that recorded each.
func compareDisclosures(ctx context.Context, s attest.Store, st *state, r *Report) error {
	ds, err := s.Disclosures(ctx, "")
	if err != nil {
		return err
	}
	got := map[int64]attest.Disclosure{}
	for _, d := range ds {
		got[d.Entry] = d
	}
	compareRecords(r, "the disclosure recorded in entry", got, st.disclosures, func(d attest.Disclosure) int64 { return d.Entry })
	return nil
}

// comparePolicies checks the policies, their versions and the acts on
// them against the ledger: each policy as its latest entry left it, each
// version and act by the entry that recorded it, and each version's text
// against the SHA-256 the ledger holds.
func comparePolicies(ctx context.Context, s attest.Store, st *state, r *Report) error {
	ps, err := s.Policies(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.ID] = true
		want, ok := st.policies[p.ID]
		switch {
		case !ok:
			r.add(Unrecorded, -1, "", "policy %s is in the database but not in the ledger", p.ID)
		case canon(want) != canon(p):
			r.add(RecordMismatch, want.Entry, "", "policy %s differs from what entry %d recorded", p.ID, want.Entry)
		}
	}
	for id, p := range st.policies {
		if !seen[id] {
			r.add(RecordMismatch, p.Entry, "", "policy %s, recorded in entry %d, is missing from the database", id, p.Entry)
		}
	}
	vs, err := s.PolicyVersions(ctx, "")
	if err != nil {
		return err
	}
	got := map[int64]attest.PolicyVersion{}
	for _, v := range vs {
		sum := sha256.Sum256([]byte(v.Body))
		if hex.EncodeToString(sum[:]) != v.SHA256 {
			r.add(RecordMismatch, v.Entry, "", "the text of policy %s version %d does not match its SHA-256 recorded in entry %d", v.PolicyID, v.Version, v.Entry)
		}
		v.Body = ""
		got[v.Entry] = v
	}
	compareRecords(r, "the policy version recorded in entry", got, st.policyVersions, func(v attest.PolicyVersion) int64 { return v.Entry })
	es, err := s.PolicyEvents(ctx, "")
	if err != nil {
		return err
	}
	gotE := map[int64]attest.PolicyEvent{}
	for _, e := range es {
		gotE[e.Entry] = e
	}
	compareRecords(r, "the policy act recorded in entry", gotE, st.policyEvents, func(e attest.PolicyEvent) int64 { return e.Entry })
	return nil
}
