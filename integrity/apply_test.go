package integrity

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
)

func entry(t *testing.T, seq int64, typ string, data any) ledger.Entry {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return ledger.Entry{Seq: seq, Type: typ, Time: "2026-03-01T10:00:00Z", Actor: "ana", Data: b}
}

// Each entry type is applied by its own applier: one row per type, with
// what the state must hold after it.
func TestAppliers(t *testing.T) {
	eng := &attest.Engagement{ID: "E1"}
	tests := []struct {
		typ  string
		data any
		ok   func(st *state) bool
	}{
		{attest.EntryEngagementCreated, attest.EngagementCreated{Engagement: eng, Controls: []attest.Control{{ID: "C1", EngagementID: "E1"}}},
			func(st *state) bool { return st.engEntry["E1"] == 7 && st.ctlEntry[[2]string{"E1", "C1"}] == 7 }},
		{attest.EntryControlUpdated, attest.ControlUpdated{Control: &attest.Control{ID: "C1", EngagementID: "E1"}},
			func(st *state) bool { return st.ctlEntry[[2]string{"E1", "C1"}] == 7 }},
		{attest.EntryExclusionPut, attest.Exclusion{EngagementID: "E1", CriterionID: "CC1.1"},
			func(st *state) bool { return st.exclEntry[[2]string{"E1", "CC1.1"}] == 7 }},
		{attest.EntryEvidenceAdded, attest.EvidenceRecord{ID: 3, Name: "a.pdf"},
			func(st *state) bool { e := st.evidence[3]; return e != nil && e.Entry == 7 && e.AddedBy == "ana" }},
		{attest.EntryEventsImported, attest.EventsImported{ControlID: "C1", Events: []attest.Event{{Key: "k1"}}},
			func(st *state) bool { return st.evEntry[[2]string{"C1", "k1"}] == 7 }},
		{attest.EntryNotRequiredAdded, attest.NotRequired{ID: 2}, func(st *state) bool { return st.nrEntry[2] == 7 }},
		{attest.EntryPopulationAdded, attest.Population{ID: 4}, func(st *state) bool { return st.populations[4].Entry == 7 }},
		{attest.EntrySampleDrawn, attest.Draw{ID: 5}, func(st *state) bool { return st.draws[5].Entry == 7 }},
		{attest.EntryCompleteness, attest.Completeness{ID: 6}, func(st *state) bool { return st.complete[6].Entry == 7 }},
		{attest.EntrySettingSaved, attest.SettingSaved{Key: "auditor.grace", Value: "30"},
			func(st *state) bool { return st.settings["auditor.grace"] == "30" && st.setEntry["auditor.grace"] == 7 }},
		{attest.EntryAuditorAdded, attest.Auditor{EngagementID: "E1", Name: "Ana"}, func(st *state) bool { return st.audEntry[[2]string{"E1", "Ana"}] == 7 }},
		{attest.EntryAuditorLinked, attest.Auditor{EngagementID: "E1", Name: "Ana"}, func(st *state) bool { return st.audEntry[[2]string{"E1", "Ana"}] == 7 }},
		{attest.EntryUserSaved, attest.User{ID: 8}, func(st *state) bool { return st.userEntry[8] == 7 }},
		{attest.EntryTokenSaved, attest.Token{ID: 9}, func(st *state) bool { return st.tokenEntry[9] == 7 }},
		{attest.EntryNDASaved, attest.NDA{Version: 2}, func(st *state) bool { return st.ndas[2].Entry == 7 }},
		{attest.EntryAccessRequested, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryAccessConfirmed, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryNDAAccepted, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryAccessApproved, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryAccessRefused, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryAccessRevoked, attest.AccessRequest{ID: 1}, func(st *state) bool { return st.accessEntry[1] == 7 }},
		{attest.EntryDownload, attest.Download{ID: 3}, func(st *state) bool { return st.downloads[3].Entry == 7 }},
		{attest.EntryDocumentAdded, attest.Document{ID: 3}, func(st *state) bool { return st.documents[3].Entry == 7 }},
		{attest.EntryTestRecorded, attest.Test{ID: 3}, func(st *state) bool { return st.tests[3].Entry == 7 }},
		{attest.EntryResponseAdded, attest.Response{TestID: 3}, func(st *state) bool { return st.responses[7].TestID == 3 }},
		{attest.EntryDeviationDisclosed, attest.Disclosure{EngagementID: "E1"}, func(st *state) bool { return st.disclosures[7].Entry == 7 }},
		{attest.EntryRequestSaved, attest.Request{ID: 3}, func(st *state) bool { return st.reqEntry[3] == 7 }},
		{attest.EntryRequestComment, attest.Comment{ID: 3}, func(st *state) bool { return st.comments[3].Entry == 7 }},
		{attest.EntryPolicyCreated, attest.PolicyChange{Policy: attest.Policy{ID: "P1"}, Version: &attest.PolicyVersion{}},
			func(st *state) bool { return st.policies["P1"].Entry == 7 && st.policyVersions[7].Entry == 7 }},
		{attest.EntryPolicyEdited, attest.PolicyChange{Policy: attest.Policy{ID: "P1"}}, func(st *state) bool { return st.policies["P1"].Entry == 7 }},
		{attest.EntryPolicySubmitted, attest.PolicyChange{Policy: attest.Policy{ID: "P1"}, Event: &attest.PolicyEvent{}},
			func(st *state) bool { return st.policyEvents[7].Entry == 7 }},
		{attest.EntryPolicyApproved, attest.PolicyChange{Policy: attest.Policy{ID: "P1"}}, func(st *state) bool { return st.policies["P1"].Entry == 7 }},
		{attest.EntryPolicyPublished, attest.PolicyChange{Policy: attest.Policy{ID: "P1"}}, func(st *state) bool { return st.policies["P1"].Entry == 7 }},
		{attest.EntryRosterImported, attest.RosterChange{Rows: 3, Digest: "d"}, func(st *state) bool { return st.roster[7].Rows == 3 }},
		{attest.EntryPersonSaved, attest.RosterChange{Rows: 1, Digest: "d"}, func(st *state) bool { return st.roster[7].Rows == 1 }},
		{attest.EntryChecklistItemDone, attest.ChecklistDone{Item: 4, On: "2026-03-02", By: 2}, func(st *state) bool { return st.itemsDone[4].By == 2 && st.itemsDoneEntry[4] == 7 }},
		{attest.EntryChecklistItemAssigned, attest.ChecklistAssigned{Item: 4, To: "x@example.com", ToID: 3}, func(st *state) bool { return st.itemsAssigned[4][0].ToID == 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			var r Report
			st, err := replay([]ledger.Entry{entry(t, 7, tt.typ, tt.data)}, &r)
			if err != nil || len(r.Problems) != 0 {
				t.Fatalf("replay: %v %+v", err, r.Problems)
			}
			if !tt.ok(st) {
				t.Errorf("the state does not hold the entry")
			}
		})
	}
}

// Later entries undo what earlier ones did.
func TestAppliersUndo(t *testing.T) {
	var r Report
	st, err := replay([]ledger.Entry{
		entry(t, 1, attest.EntryExclusionPut, attest.Exclusion{EngagementID: "E1", CriterionID: "CC1.1"}),
		entry(t, 2, attest.EntryExclusionDeleted, attest.ExclusionDeleted{EngagementID: "E1", CriterionID: "CC1.1"}),
		entry(t, 3, attest.EntryAuditorAdded, attest.Auditor{EngagementID: "E1", Name: "Ana"}),
		entry(t, 4, attest.EntryAuditorRemoved, attest.Auditor{EngagementID: "E1", Name: "Ana"}),
		entry(t, 5, attest.EntryEvidenceAdded, attest.EvidenceRecord{ID: 1}),
		entry(t, 6, attest.EntryEvidenceRetracted, attest.EvidenceRetracted{ID: 1, Reason: "wrong file"}),
		entry(t, 7, attest.EntryEvidencePurged, attest.EvidencePurged{ID: 1}),
	}, &r)
	if err != nil || len(r.Problems) != 0 {
		t.Fatalf("replay: %v %+v", err, r.Problems)
	}
	if len(st.exclusions) != 0 || len(st.auditors) != 0 {
		t.Errorf("exclusions %v, auditors %v", st.exclusions, st.auditors)
	}
	if ev := st.evidence[1]; ev.Retraction == nil || ev.Retraction.Reason != "wrong file" || ev.Retraction.Entry != 6 || ev.PurgedAt == "" {
		t.Errorf("evidence %+v", ev)
	}
}

// An entry that cannot be read is reported, whatever its type; so is an
// engagement or control entry without its record.
func TestAppliersMalformed(t *testing.T) {
	for typ := range appliers {
		var r Report
		if _, err := replay([]ledger.Entry{{Seq: 3, Type: typ, Data: json.RawMessage(`[1`)}}, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Problems) != 1 || r.Problems[0].Kind != EntryMalformed || !strings.Contains(r.Problems[0].Detail, "entry 3 ("+typ+") cannot be read") {
			t.Errorf("%s: %+v", typ, r.Problems)
		}
	}
	for _, typ := range []string{attest.EntryEngagementCreated, attest.EntryControlUpdated} {
		var r Report
		replay([]ledger.Entry{{Seq: 3, Type: typ, Data: json.RawMessage(`{}`)}}, &r)
		if len(r.Problems) != 1 || r.Problems[0].Kind != EntryMalformed {
			t.Errorf("%s without its record: %+v", typ, r.Problems)
		}
	}
}

// Every entry type has an applier but those that change nothing the
// replay compares.
func TestAppliersCoverEveryType(t *testing.T) {
	skipped := map[string]bool{
		attest.EntryAuditorKeyEnrolled: true, attest.EntryAuditorKeyRetired: true, attest.EntryAuditorStatement: true,
	}
	all := []string{
		attest.EntryEngagementCreated, attest.EntryControlUpdated, attest.EntryExclusionPut, attest.EntryExclusionDeleted, attest.EntrySettingSaved,
		attest.EntryEvidenceAdded, attest.EntryEvidenceRetracted, attest.EntryEvidencePurged, attest.EntryEventsImported, attest.EntryNotRequiredAdded, attest.EntryDocumentAdded,
		attest.EntryAuditorAdded, attest.EntryAuditorRemoved, attest.EntryAuditorLinked, attest.EntryPopulationAdded, attest.EntryCompleteness, attest.EntrySampleDrawn,
		attest.EntryTestRecorded, attest.EntryResponseAdded, attest.EntryRequestSaved, attest.EntryRequestComment, attest.EntryDeviationDisclosed,
		attest.EntryUserSaved, attest.EntryTokenSaved,
		attest.EntryReviewStarted, attest.EntryReviewAssigned, attest.EntryReviewDecided,
		attest.EntryReviewResolved, attest.EntryReviewSignedOff, attest.EntryReviewCompleted,
		attest.EntryPolicyCreated, attest.EntryPolicyEdited, attest.EntryPolicySubmitted, attest.EntryPolicyApproved, attest.EntryPolicyPublished,
		attest.EntryNDASaved, attest.EntryDownload, attest.EntryRosterImported, attest.EntryPersonSaved, attest.EntryChecklistItemDone, attest.EntryChecklistItemAssigned, attest.EntryChecklistItemRedated,
		attest.EntryAudienceSet, attest.EntryAcknowledged, attest.EntryTrainingImported, attest.EntryTrainingRecorded, attest.EntryRemindersSent,
	}
	all = append(all, attest.AccessEntries...)
	for _, typ := range all {
		if appliers[typ] == nil {
			t.Errorf("%s has no applier", typ)
		}
	}
	for typ := range skipped {
		if appliers[typ] != nil {
			t.Errorf("%s has an applier but is listed as skipped", typ)
		}
	}
	if len(appliers) != len(all) {
		t.Errorf("%d appliers for %d types", len(appliers), len(all))
	}
}
