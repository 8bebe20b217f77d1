package integrity

import (
	"encoding/json"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
)

// newState is an empty state.
func newState() *state {
	return &state{
		reviews:     newReviewState(),
		engagements: map[string]*attest.Engagement{}, engEntry: map[string]int64{},
		controls: map[[2]string]*attest.Control{}, ctlEntry: map[[2]string]int64{},
		exclusions: map[[2]string]attest.Exclusion{}, exclEntry: map[[2]string]int64{},
		evidence: map[int64]*attest.Evidence{},
		events:   map[[2]string]attest.Event{}, evEntry: map[[2]string]int64{},
		notRequired: map[int64]attest.NotRequired{}, nrEntry: map[int64]int64{},
		populations: map[int64]attest.Population{}, draws: map[int64]attest.Draw{},
		auditors: map[[2]string]attest.Auditor{}, audEntry: map[[2]string]int64{},
		tests: map[int64]attest.Test{}, responses: map[int64]attest.Response{}, disclosures: map[int64]attest.Disclosure{},
		requests: map[int64]attest.Request{}, reqEntry: map[int64]int64{},
		comments:  map[int64]attest.Comment{},
		complete:  map[int64]attest.Completeness{},
		documents: map[int64]attest.Document{},
		users:     map[int64]attest.User{}, userEntry: map[int64]int64{},
		tokens: map[int64]attest.Token{}, tokenEntry: map[int64]int64{},
		ndas: map[int64]attest.NDA{}, access: map[int64]attest.AccessRequest{}, accessEntry: map[int64]int64{},
		downloads: map[int64]attest.Download{},
		settings:  map[string]string{}, setEntry: map[string]int64{},
		policies: map[string]attest.Policy{}, policyVersions: map[int64]attest.PolicyVersion{}, policyEvents: map[int64]attest.PolicyEvent{},
		roster: map[int64]attest.RosterChange{}, itemsDone: map[int64]attest.ChecklistDone{}, itemsDoneEntry: map[int64]int64{},
		itemsAssigned: map[int64][]attest.ChecklistAssigned{}, itemsRedated: map[int64][]attest.ChecklistRedated{},
		audiences: map[string]attest.PolicyAudience{}, acks: map[int64]attest.Acknowledgement{},
		training: map[int64]attest.TrainingChange{}, reminders: map[int64]attest.RemindersSent{},
	}
}

// applier applies one ledger entry to the state. It reports false, with
// the decoding error if there is one, when the entry cannot be read.
type applier func(st *state, e ledger.Entry) (bool, error)

// on is the applier that decodes an entry's data as a T and hands it to
// apply, which reports false when the data, though decoded, is unusable.
func on[T any](apply func(st *state, e ledger.Entry, d T) bool) applier {
	return func(st *state, e ledger.Entry) (bool, error) {
		var d T
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return false, err
		}
		return apply(st, e, d), nil
	}
}

// appliers are how replay applies each entry type; the types not listed
// (the auditor's keys and statements, checked by fieldwork.Check) change
// nothing the replay compares.
var appliers = map[string]applier{
	attest.EntryEngagementCreated: on(func(st *state, e ledger.Entry, d attest.EngagementCreated) bool {
		if d.Engagement == nil {
			return false
		}
		st.engagements[d.Engagement.ID], st.engEntry[d.Engagement.ID] = d.Engagement, e.Seq
		for i := range d.Controls {
			k := [2]string{d.Engagement.ID, d.Controls[i].ID}
			st.controls[k], st.ctlEntry[k] = &d.Controls[i], e.Seq
		}
		return true
	}),
	attest.EntryControlUpdated: on(func(st *state, e ledger.Entry, d attest.ControlUpdated) bool {
		if d.Control == nil {
			return false
		}
		k := [2]string{d.Control.EngagementID, d.Control.ID}
		st.controls[k], st.ctlEntry[k] = d.Control, e.Seq
		return true
	}),
	attest.EntryExclusionPut: on(func(st *state, e ledger.Entry, d attest.Exclusion) bool {
		k := [2]string{d.EngagementID, d.CriterionID}
		st.exclusions[k], st.exclEntry[k] = d, e.Seq
		return true
	}),
	attest.EntryExclusionDeleted: on(func(st *state, e ledger.Entry, d attest.ExclusionDeleted) bool {
		delete(st.exclusions, [2]string{d.EngagementID, d.CriterionID})
		return true
	}),
	attest.EntryEvidenceAdded: on(func(st *state, e ledger.Entry, d attest.EvidenceRecord) bool {
		st.evidence[d.ID] = &attest.Evidence{ID: d.ID, Ref: d.Ref, Size: d.Size, MediaType: d.MediaType, Name: d.Name, Controls: d.Controls,
			Date: d.Date, CoversStart: d.CoversStart, CoversEnd: d.CoversEnd, PerformedOn: d.PerformedOn, PerformedFrom: d.PerformedFrom, AddedBy: e.Actor, AddedAt: e.Time,
			Method: d.Method, Source: d.Source, Note: d.Note, Entry: e.Seq}
		return true
	}),
	attest.EntryEvidenceRetracted: on(func(st *state, e ledger.Entry, d attest.EvidenceRetracted) bool {
		if ev := st.evidence[d.ID]; ev != nil {
			ev.Retraction = &attest.Retraction{By: e.Actor, At: e.Time, Reason: d.Reason, Entry: e.Seq}
		}
		return true
	}),
	attest.EntryEvidencePurged: on(func(st *state, e ledger.Entry, d attest.EvidencePurged) bool {
		if ev := st.evidence[d.ID]; ev != nil {
			ev.PurgedAt = e.Time
		}
		return true
	}),
	attest.EntryEventsImported: on(func(st *state, e ledger.Entry, d attest.EventsImported) bool {
		for _, ev := range d.Events {
			k := [2]string{d.ControlID, ev.Key}
			st.events[k], st.evEntry[k] = ev, e.Seq
		}
		return true
	}),
	attest.EntryNotRequiredAdded: on(func(st *state, e ledger.Entry, d attest.NotRequired) bool {
		st.notRequired[d.ID], st.nrEntry[d.ID] = d, e.Seq
		return true
	}),
	attest.EntryPopulationAdded: on(func(st *state, e ledger.Entry, d attest.Population) bool {
		d.Entry = e.Seq
		st.populations[d.ID] = d
		return true
	}),
	attest.EntrySampleDrawn: on(func(st *state, e ledger.Entry, d attest.Draw) bool {
		d.Entry = e.Seq
		st.draws[d.ID] = d
		return true
	}),
	attest.EntryCompleteness: on(func(st *state, e ledger.Entry, d attest.Completeness) bool {
		d.Entry = e.Seq
		st.complete[d.ID] = d
		return true
	}),
	attest.EntrySettingSaved: on(func(st *state, e ledger.Entry, d attest.SettingSaved) bool {
		st.settings[d.Key], st.setEntry[d.Key] = d.Value, e.Seq
		return true
	}),
	attest.EntryAuditorAdded:  on(auditorSaved),
	attest.EntryAuditorLinked: on(auditorSaved),
	attest.EntryAuditorRemoved: on(func(st *state, e ledger.Entry, d attest.Auditor) bool {
		delete(st.auditors, [2]string{d.EngagementID, d.Name})
		return true
	}),
	attest.EntryUserSaved: on(func(st *state, e ledger.Entry, d attest.User) bool {
		st.users[d.ID], st.userEntry[d.ID] = d, e.Seq
		return true
	}),
	attest.EntryTokenSaved: on(func(st *state, e ledger.Entry, d attest.Token) bool {
		st.tokens[d.ID], st.tokenEntry[d.ID] = d, e.Seq
		return true
	}),
	attest.EntryNDASaved: on(func(st *state, e ledger.Entry, d attest.NDA) bool {
		d.Entry = e.Seq
		st.ndas[d.Version] = d
		return true
	}),
	attest.EntryAccessRequested: on(accessSaved),
	attest.EntryAccessConfirmed: on(accessSaved),
	attest.EntryNDAAccepted:     on(accessSaved),
	attest.EntryAccessApproved:  on(accessSaved),
	attest.EntryAccessRefused:   on(accessSaved),
	attest.EntryAccessRevoked:   on(accessSaved),
	attest.EntryDownload: on(func(st *state, e ledger.Entry, d attest.Download) bool {
		d.Entry = e.Seq
		st.downloads[d.ID] = d
		return true
	}),
	attest.EntryDocumentAdded: on(func(st *state, e ledger.Entry, d attest.Document) bool {
		d.Entry = e.Seq
		st.documents[d.ID] = d
		return true
	}),
	attest.EntryTestRecorded: on(func(st *state, e ledger.Entry, d attest.Test) bool {
		d.Entry = e.Seq
		st.tests[d.ID] = d
		return true
	}),
	attest.EntryResponseAdded: on(func(st *state, e ledger.Entry, d attest.Response) bool {
		d.Entry = e.Seq
		st.responses[e.Seq] = d
		return true
	}),
	attest.EntryDeviationDisclosed: on(func(st *state, e ledger.Entry, d attest.Disclosure) bool {
		d.Entry = e.Seq
		st.disclosures[e.Seq] = d
		return true
	}),
	attest.EntryRequestSaved: on(func(st *state, e ledger.Entry, d attest.Request) bool {
		st.requests[d.ID], st.reqEntry[d.ID] = d, e.Seq
		return true
	}),
	attest.EntryRequestComment: on(func(st *state, e ledger.Entry, d attest.Comment) bool {
		d.Entry = e.Seq
		st.comments[d.ID] = d
		return true
	}),
	attest.EntryReviewStarted:   on(reviewStarted),
	attest.EntryReviewAssigned:  on(reviewBatchApplied(attest.EntryReviewAssigned)),
	attest.EntryReviewDecided:   on(reviewBatchApplied(attest.EntryReviewDecided)),
	attest.EntryReviewResolved:  on(reviewBatchApplied(attest.EntryReviewResolved)),
	attest.EntryReviewSignedOff: on(reviewSignedOff),
	attest.EntryReviewCompleted: on(reviewCompleted),

	attest.EntryPolicyCreated:   on(policyChanged),
	attest.EntryPolicyEdited:    on(policyChanged),
	attest.EntryPolicySubmitted: on(policyChanged),
	attest.EntryPolicyApproved:  on(policyChanged),
	attest.EntryPolicyPublished: on(policyChanged),
	attest.EntryRosterImported:  on(rosterChanged),
	attest.EntryPersonSaved:     on(rosterChanged),
	attest.EntryChecklistItemDone: on(func(st *state, e ledger.Entry, d attest.ChecklistDone) bool {
		st.itemsDone[d.Item], st.itemsDoneEntry[d.Item] = d, e.Seq
		return d.Item != 0 && d.On != ""
	}),
	attest.EntryChecklistItemAssigned: on(func(st *state, e ledger.Entry, a attest.ChecklistAssigned) bool {
		st.itemsAssigned[a.Item] = append(st.itemsAssigned[a.Item], a)
		return a.Item != 0
	}),
	attest.EntryChecklistItemRedated: on(func(st *state, e ledger.Entry, r attest.ChecklistRedated) bool {
		st.itemsRedated[r.Item] = append(st.itemsRedated[r.Item], r)
		return r.Item != 0 && r.To != ""
	}),
	attest.EntryAudienceSet: on(func(st *state, e ledger.Entry, a attest.PolicyAudience) bool {
		a.Entry = e.Seq
		st.audiences[a.PolicyID] = a
		return a.PolicyID != ""
	}),
	attest.EntryAcknowledged: on(func(st *state, e ledger.Entry, a attest.Acknowledgement) bool {
		a.Entry = e.Seq
		st.acks[a.ID] = a
		return a.ID != 0 && a.SHA256 != ""
	}),
	attest.EntryTrainingImported: on(trainingRecorded),
	attest.EntryTrainingRecorded: on(trainingRecorded),
	attest.EntryRemindersSent: on(func(st *state, e ledger.Entry, d attest.RemindersSent) bool {
		st.reminders[e.Seq] = d
		return true
	}),
}

// trainingRecorded keeps a training change's count and digest: its rows
// are in the store, checked against both by compareTraining.
func trainingRecorded(st *state, e ledger.Entry, c attest.TrainingChange) bool {
	st.training[e.Seq] = c
	return c.Digest != ""
}

// rosterChanged keeps a roster change's count and digest: its rows are
// in the store (person_changes), checked against both by comparePeople.
func rosterChanged(st *state, e ledger.Entry, c attest.RosterChange) bool {
	st.roster[e.Seq] = c
	return c.Digest != ""
}

// auditorSaved applies an auditor named on an engagement or linked to
// their account.
func auditorSaved(st *state, e ledger.Entry, d attest.Auditor) bool {
	k := [2]string{d.EngagementID, d.Name}
	st.auditors[k], st.audEntry[k] = d, e.Seq
	return true
}

// accessSaved applies a trust-center access request, recorded whole under
// the entry type of what happened to it.
func accessSaved(st *state, e ledger.Entry, d attest.AccessRequest) bool {
	st.access[d.ID], st.accessEntry[d.ID] = d, e.Seq
	return true
}

// policyChanged applies a policy as the entry left it, with the version
// and the act the entry records, if any.
func policyChanged(st *state, e ledger.Entry, c attest.PolicyChange) bool {
	c.Policy.Entry = e.Seq
	st.policies[c.Policy.ID] = c.Policy
	if c.Version != nil {
		c.Version.Entry = e.Seq
		st.policyVersions[e.Seq] = *c.Version
	}
	if c.Event != nil {
		c.Event.Entry = e.Seq
		st.policyEvents[e.Seq] = *c.Event
	}
	return true
}
