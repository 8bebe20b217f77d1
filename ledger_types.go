package attest

// The ledger entry types, grouped by area. Each names what a ledger entry
// records; the entry's data is the record or struct named beside it. A
// type, once written to a ledger, never changes: integrity replays old
// ledgers by these strings.

// Engagements, controls and settings.
const (
	// EntryEngagementCreated records a new engagement and its controls.
	EntryEngagementCreated = "engagement.created"
	// EntryControlUpdated records a change to a control.
	EntryControlUpdated = "control.updated"
	// EntryExclusionPut records a control excluded from scope, or its exclusion changed.
	EntryExclusionPut = "exclusion.put"
	// EntryExclusionDeleted records a control's exclusion withdrawn.
	EntryExclusionDeleted = "exclusion.deleted"
	// EntrySettingSaved records a change to one of the RecordedSettings.
	EntrySettingSaved = "setting.saved"
)

// Evidence, events and not-required records.
const (
	// EntryEvidenceAdded records new evidence.
	EntryEvidenceAdded = "evidence.added"
	// EntryEvidenceRetracted records evidence retracted, with the reason.
	EntryEvidenceRetracted = "evidence.retracted"
	// EntryEvidencePurged records the bytes of retracted evidence removed (EvidencePurged).
	EntryEvidencePurged = "evidence.purged"
	// EntryEventsImported records events added to a control's population (EventsImported).
	EntryEventsImported = "events.imported"
	// EntryNotRequiredAdded records that a control's trigger did not arise in a window.
	EntryNotRequiredAdded = "not_required.added"
	// EntryDocumentAdded is the ledger entry type for a new document.
	EntryDocumentAdded = "document.added"
)

// Auditors, populations and sampling.
const (
	// EntryAuditorAdded records an auditor named on an engagement.
	EntryAuditorAdded = "auditor.added"
	// EntryAuditorRemoved records an auditor removed from an engagement.
	EntryAuditorRemoved = "auditor.removed"
	// EntryAuditorLinked records a named auditor linked to their account.
	EntryAuditorLinked = "auditor.linked"
	// EntryPopulationAdded records an imported population.
	EntryPopulationAdded = "population.imported"
	// EntryCompleteness is the ledger entry type for a completeness check.
	EntryCompleteness = "population.completeness"
	// EntrySampleDrawn records a sample drawn from a population.
	EntrySampleDrawn = "sample.drawn"
)

// Testing, responses, requests and disclosures.
const (
	// EntryTestRecorded records an auditor's test of a control.
	EntryTestRecorded = "test.recorded"
	// EntryResponseAdded records management's response to a test.
	EntryResponseAdded = "response.added"
	// EntryRequestSaved records a request, whole, each time it changes.
	EntryRequestSaved = "request.saved"
	// EntryRequestComment records a comment on a request.
	EntryRequestComment = "request.commented"
	// EntryDeviationDisclosed records one disclosure.
	EntryDeviationDisclosed = "deviation.disclosed"
)

// The auditor's keys and signed statements.
const (
	// EntryAuditorKeyEnrolled records an auditor's signing key enrolled.
	EntryAuditorKeyEnrolled = "auditor.key.enrolled"
	// EntryAuditorKeyRetired records an auditor's signing key retired.
	EntryAuditorKeyRetired = "auditor.key.retired"
	// EntryAuditorStatement records a statement signed by an auditor.
	EntryAuditorStatement = "auditor.statement"
)

// Accounts. Entries hold the records without password or token hashes.
const (
	// EntryUserSaved records an account, whole, each time it changes.
	EntryUserSaved = "user.saved"
	// EntryTokenSaved records an API token, whole, each time it changes.
	EntryTokenSaved = "token.saved"
)

// Policies.
const (
	// EntryPolicyCreated records a new policy.
	EntryPolicyCreated = "policy.created"
	// EntryPolicyEdited records a policy edited: its text (a new version), owner, approvers or review frequency.
	EntryPolicyEdited = "policy.edited"
	// EntryPolicySubmitted records a version submitted for approval.
	EntryPolicySubmitted = "policy.submitted"
	// EntryPolicyApproved records a version approved.
	EntryPolicyApproved = "policy.approved"
	// EntryPolicyPublished records a version published.
	EntryPolicyPublished = "policy.published"
)

// Access reviews. A bulk act is one entry naming the SHA-256 of its rows
// (ReviewBatch).
const (
	// EntryReviewStarted records a review campaign started.
	EntryReviewStarted = "review.started"
	// EntryReviewAssigned records rows of a campaign assigned to a reviewer.
	EntryReviewAssigned = "review.assigned"
	// EntryReviewDecided records reviewers' decisions on rows.
	EntryReviewDecided = "review.decided"
	// EntryReviewResolved records open revokes closed, with their tickets.
	EntryReviewResolved = "review.resolved"
	// EntryReviewSignedOff records a campaign signed off.
	EntryReviewSignedOff = "review.signed_off"
	// EntryReviewCompleted records a campaign completed.
	EntryReviewCompleted = "review.completed"
)

// The trust center. Every change to a request is recorded whole under the
// entry type of what happened.
const (
	// EntryNDASaved records a version of the NDA.
	EntryNDASaved = "trust.nda_saved"
	// EntryAccessRequested records a visitor's access request.
	EntryAccessRequested = "trust.requested"
	// EntryAccessConfirmed records a requester's address confirmed (no NDA to accept).
	EntryAccessConfirmed = "trust.confirmed"
	// EntryNDAAccepted records a requester's address confirmed and the NDA's exact text accepted.
	EntryNDAAccepted = "trust.nda_accepted"
	// EntryAccessApproved records a request approved.
	EntryAccessApproved = "trust.approved"
	// EntryAccessRefused records a request refused.
	EntryAccessRefused = "trust.refused"
	// EntryAccessRevoked records granted access revoked.
	EntryAccessRevoked = "trust.revoked"
	// EntryDownload records a document downloaded from the trust center.
	EntryDownload = "trust.downloaded"
)

// AccessEntries are the entry types that record an access request.
var AccessEntries = []string{EntryAccessRequested, EntryAccessConfirmed, EntryNDAAccepted, EntryAccessApproved, EntryAccessRefused, EntryAccessRevoked}

// The roster. An import is one entry naming the SHA-256 of its rows
// (RosterChange); the rows are kept as written so verify recomputes it.
const (
	// EntryRosterImported records people added or changed by an import.
	EntryRosterImported = "roster.imported"
	// EntryPersonSaved records one person entered or changed by hand.
	EntryPersonSaved = "person.saved"
)

// Onboarding and offboarding checklists. Items are created with the
// roster change that hires or lets go their person (named by that entry's
// RosterChange.Items and ItemsDigest); each is done by its own entry.
const (
	// EntryChecklistItemDone records a checklist item done (ChecklistDone).
	EntryChecklistItemDone = "checklist.item_done"
	// EntryChecklistItemAssigned records a checklist item given to another account (ChecklistAssigned).
	EntryChecklistItemAssigned = "checklist.item_assigned"
	// EntryChecklistItemRedated records an open item's due date moved with its person's start or end date (ChecklistRedated).
	EntryChecklistItemRedated = "checklist.item_redated"
)

// Acknowledgements, training and the employee portal.
const (
	// EntryAudienceSet records who a policy is asked of (Audience).
	EntryAudienceSet = "ack.audience_set"
	// EntryAcknowledged records one person's acknowledgement of one version of a policy (Acknowledgement).
	EntryAcknowledged = "ack.recorded"
	// EntryTrainingImported records completions imported from a provider's export (TrainingChange).
	EntryTrainingImported = "training.imported"
	// EntryTrainingRecorded records one completion recorded with its certificate (TrainingChange).
	EntryTrainingRecorded = "training.recorded"
	// EntryRemindersSent records one round of reminders mailed (RemindersSent).
	EntryRemindersSent = "portal.reminders_sent"
)
