package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Checklists a person's items belong to.
const (
	Onboarding  = "onboarding"
	Offboarding = "offboarding"
)

// Kinds of checklist item: a task a named account does (with evidence if
// it has any), or a fact another part of the program records (every
// assigned policy acknowledged, a training course completed), judged
// done from those records.
const (
	ItemTask             = "task"
	ItemAcknowledgements = "acknowledgements"
	ItemTraining         = "training"
)

// ChecklistItem is one step of a person's onboarding or offboarding, as
// instantiated from their role's checklist when they were hired (start
// date known) or let go (end date set), with its due date worked out then.
// The creation fields never change; the done fields are set once, by a
// ChecklistDone entry.
type ChecklistItem struct {
	ID int64 `json:"id"`
	// PersonID is the person the item is for; Person their e-mail address
	// when it was created (a person added in the same roster change is
	// found by it).
	PersonID  int64  `json:"person_id"`
	Person    string `json:"person"`
	Checklist string `json:"checklist"`
	Role      string `json:"role"`
	Key       string `json:"key"`
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	// Course names the training course of a training item.
	Course   string   `json:"course,omitempty"`
	Controls []string `json:"controls"`
	// Owner is who the checklist says does it ("manager", "people-ops",
	// "it", "person"); Assignee their e-mail address when known, and
	// AssigneeID their account (0: none yet, management does it).
	Owner      string `json:"owner"`
	Assignee   string `json:"assignee,omitempty"`
	AssigneeID int64  `json:"assignee_id,omitempty"`
	// Due is the last day the item is on time (YYYY-MM-DD); Rule says how
	// it was worked out ("1 business day after the end date").
	Due  string `json:"due"`
	Rule string `json:"rule"`
	// Entry is the roster change that created the item.
	Entry int64 `json:"ledger_entry"`

	// Done, once recorded: the day, by which account, the evidence.
	DoneOn    string `json:"done_on,omitempty"`
	DoneBy    int64  `json:"done_by,omitempty"`
	DoneName  string `json:"done_name,omitempty"`
	Evidence  int64  `json:"evidence,omitempty"`
	Note      string `json:"note,omitempty"`
	DoneEntry int64  `json:"done_entry,omitempty"`
}

// ChecklistDigest is the SHA-256 of items as created, each one's JSON on
// a line of its own, in the order given: the done fields and the entries
// are left out (the entries say them). An item reassigned since
// (ChecklistAssigned) hashes with the assignee it was created with.
func ChecklistDigest(items []ChecklistItem) string {
	h := sha256.New()
	for _, it := range items {
		it = it.Created()
		b, _ := json.Marshal(it)
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Created is the item as its roster change created it: no entry, nothing
// done.
func (it ChecklistItem) Created() ChecklistItem {
	it.Entry, it.DoneOn, it.DoneBy, it.DoneName, it.Evidence, it.Note, it.DoneEntry = 0, "", 0, "", 0, "", 0
	return it
}

// ChecklistDone is the ledger entry of an item done: by which account
// (By, with the name it had), on which day, with which evidence.
type ChecklistDone struct {
	Item     int64  `json:"item"`
	Person   int64  `json:"person_id"`
	On       string `json:"done_on"`
	By       int64  `json:"by"`
	ByName   string `json:"by_name"`
	Evidence int64  `json:"evidence,omitempty"`
	Note     string `json:"note,omitempty"`
}

// ChecklistAssigned is the ledger entry of an item given to another
// account: who had it (as created, or as the last assignment left it)
// and who has it now.
type ChecklistAssigned struct {
	Item   int64  `json:"item"`
	From   string `json:"from"`
	FromID int64  `json:"from_id"`
	To     string `json:"to"`
	ToID   int64  `json:"to_id"`
}

// ChecklistRedated is the ledger entry of an open item's due date moved
// because its person's start or end date changed since the item was
// created: the due date it had (as created, or as the last move left it),
// the one it has now, and why.
type ChecklistRedated struct {
	Item    int64  `json:"item"`
	From    string `json:"from"`
	To      string `json:"to"`
	Because string `json:"because"`
}

// RosterWrite is one roster change as RecordRoster writes it.
type RosterWrite struct {
	// People are written (ID 0: added under the next free ID).
	People []Person
	// Items are the checklist items the change creates: an item with
	// PersonID 0 belongs to the person of the batch with its Person
	// address.
	Items []ChecklistItem
	// Moves are the open items whose due dates the change's start and
	// end dates move, each by its own entry after the change's.
	Moves []ChecklistRedated
}

// RosterWritten is what RecordRoster wrote: the people and the items
// created as stored, and the items moved.
type RosterWritten struct {
	People []Person
	Items  []ChecklistItem
	Moved  []ChecklistItem
}

// ChecklistStore keeps the checklists' items.
type ChecklistStore interface {
	// RecordRoster is RecordPeople with the checklist items the change
	// creates, in the same entry (rc.Items and rc.ItemsDigest filled in
	// by the store), and the moves of open items it calls for, each by
	// its own entry, all in one transaction: a move refused (an item
	// done meanwhile) writes nothing.
	RecordRoster(ctx context.Context, ch Change, typ string, rc RosterChange, w RosterWrite) (*RosterWritten, error)
	// ChecklistItems lists a person's items (every item when person is
	// 0) by ID.
	ChecklistItems(ctx context.Context, person int64) ([]ChecklistItem, error)
	// ChecklistItemsNotDoneOnTime lists the same but for the items
	// recorded done by their due day (DoneOn on or before Due): those
	// open, overdue, done late, and those whose completion is judged from
	// other records (acknowledgements, training).
	ChecklistItemsNotDoneOnTime(ctx context.Context, person int64) ([]ChecklistItem, error)
	// ChecklistItem is ENOTFOUND when there is no such item.
	ChecklistItem(ctx context.Context, id int64) (*ChecklistItem, error)
	// CompleteChecklistItem records an item done, with its entry; an item
	// already done is ECONFLICT.
	CompleteChecklistItem(ctx context.Context, ch Change, d ChecklistDone) (*ChecklistItem, error)
	// AssignChecklistItem gives an item not yet done to another account,
	// with its entry (a.From and a.FromID filled in by the store); an
	// item already done is ECONFLICT.
	AssignChecklistItem(ctx context.Context, ch Change, a ChecklistAssigned) (*ChecklistItem, error)
}
