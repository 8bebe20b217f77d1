package people

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// DoneStore is what marking items done needs: the checklists, the
// accounts, and the evidence workflow's store.
type DoneStore interface {
	evidence.Store
	Person(ctx context.Context, id int64) (*attest.Person, error)
	ChecklistItems(ctx context.Context, person int64) ([]attest.ChecklistItem, error)
	ChecklistItem(ctx context.Context, id int64) (*attest.ChecklistItem, error)
	CompleteChecklistItem(ctx context.Context, ch attest.Change, d attest.ChecklistDone) (*attest.ChecklistItem, error)
	UserByEmail(ctx context.Context, email string) (*attest.User, error)
}

// Blobs stages, commits and drops evidence bytes.
type Blobs interface {
	Stage(r io.Reader) (*blob.Pending, error)
	evidence.Blobs
}

// DoneRequest is a task item marked done.
type DoneRequest struct {
	Item int64
	// By is the address of the account that did it; empty means the
	// actor (the local operator must name someone).
	By string
	// On is the day it was done (YYYY-MM-DD); empty means today.
	On   string
	Note string
	// Evidence are files staged to add as evidence of the item, for the
	// controls it serves, performed on On.
	Evidence []evidence.Item
}

// DoneResult is the item as recorded, with the evidence added for it and,
// when it completed its checklist, the checklist's own evidence.
type DoneResult struct {
	Item ItemStatus `json:"item"`
	// Evidence is the evidence added with the item, 0 when none.
	Evidence int64 `json:"evidence,omitempty"`
	// Checklist is the evidence recording the whole checklist done, when
	// this item completed it.
	Checklist *attest.Evidence `json:"checklist_evidence,omitempty"`
	Warnings  []string         `json:"warnings,omitempty"`
}

// Done records a task item done: by its assignee's account, or by
// management naming who did it. Acknowledgements and training items are
// judged from their own records and are not marked by hand. Evidence, when
// given, goes through the evidence workflow for the controls the item
// serves. When the item completes its person's checklist (every item
// done, judged with c), the checklist itself becomes evidence on its
// controls, performed on the day the last item was done.
func Done(ctx context.Context, s DoneStore, bs Blobs, c Completions, ch attest.Change, actor *attest.User, req DoneRequest) (_ *DoneResult, err error) {
	defer func() {
		if err != nil {
			for _, it := range req.Evidence {
				bs.Abort([]*blob.Pending{it.Pending})
			}
		}
	}()
	it, err := s.ChecklistItem(ctx, req.Item)
	if err != nil {
		return nil, err
	}
	if !marksDone(actor, it) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: fmt.Sprintf("checklist item %d is not assigned to you: only its assignee or management marks it done", it.ID)}
	}
	if it.Kind != attest.ItemTask {
		what := "the person's acknowledgements are recorded"
		if it.Kind == attest.ItemTraining {
			what = "the training's completion is recorded"
		}
		return nil, attest.Errorf(attest.EINVALID, "checklist item %d (%s) is done when %s, not by hand", it.ID, it.Title, what)
	}
	by, err := doer(ctx, s, actor, req.By)
	if err != nil {
		return nil, err
	}
	today := ch.At.UTC().Format(time.DateOnly)
	on := strings.TrimSpace(req.On)
	if on == "" {
		on = today
	}
	if _, err := attest.ParseDate(on); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "on: %q is not a date (YYYY-MM-DD)", on)
	}
	if on > today {
		return nil, attest.Errorf(attest.EINVALID, "on: %s is after today (%s): record an item once it is done", on, today)
	}
	if due, err := time.Parse(time.DateOnly, it.Due); err == nil && on < due.AddDate(-1, 0, 0).Format(time.DateOnly) {
		return nil, attest.Errorf(attest.EINVALID, "on: %s is more than a year before the item was due (%s): check the date", on, it.Due)
	}
	if it.DoneEntry != 0 {
		return nil, attest.Errorf(attest.ECONFLICT, "checklist item %d is already done (on %s)", it.ID, it.DoneOn)
	}
	out := &DoneResult{}
	if len(req.Evidence) > 0 {
		ev, err := addEvidence(ctx, s, bs, ch, actor, it, on, req.Evidence)
		if err != nil {
			return nil, err
		}
		req.Evidence = nil // recorded: no longer ours to drop
		out.Evidence = ev.Evidence[0].ID
		out.Warnings = ev.Warnings
	}
	done, err := s.CompleteChecklistItem(ctx, ch, attest.ChecklistDone{Item: it.ID, On: on, By: by.ID, ByName: cmp.Or(by.Name, by.Email), Evidence: out.Evidence, Note: strings.TrimSpace(req.Note)})
	if err != nil {
		return nil, err
	}
	if out.Item, err = Judge(ctx, c, *done, today); err != nil {
		return nil, err
	}
	out.Checklist, err = completed(ctx, s, bs, c, ch, done.PersonID, done.Checklist)
	return out, err
}

// doer is the account that did an item: the actor, or for management
// the account named by address.
func doer(ctx context.Context, s DoneStore, actor *attest.User, by string) (*attest.User, error) {
	by = strings.TrimSpace(by)
	if by == "" {
		if actor == nil {
			return nil, attest.Errorf(attest.EINVALID, "by: name the account that did it (its e-mail address)")
		}
		return actor, nil
	}
	u, err := s.UserByEmail(ctx, by)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, attest.Errorf(attest.EINVALID, "by: no account has the address %s: items are done by an account", by)
	}
	if err != nil {
		return nil, err
	}
	if actor != nil && u.ID != actor.ID && !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "you record only what you did yourself"}
	}
	return u, nil
}

// addEvidence adds the files as evidence of the item's controls that an
// engagement holds. The assignee need not own those controls: the
// checklist gave them the item, so the evidence workflow is asked as
// management when the actor is the item's assignee.
func addEvidence(ctx context.Context, s DoneStore, bs Blobs, ch attest.Change, actor *attest.User, it *attest.ChecklistItem, on string, files []evidence.Item) (*evidence.Added, error) {
	controls, err := knownControls(ctx, s, it.Controls)
	if err != nil {
		return nil, err
	}
	if len(controls) == 0 {
		return nil, attest.Errorf(attest.EINVALID, "evidence: no engagement holds the controls item %d serves (%s): the evidence has nowhere to go", it.ID, strings.Join(it.Controls, ", "))
	}
	var as *attest.User
	if attest.Manages(actor) {
		as = actor
	}
	return evidence.Add(ctx, s, bs, ch, as, evidence.AddRequest{Controls: controls, Items: files, Covers: on, PerformedOn: on,
		Source: fmt.Sprintf("checklist item %d", it.ID), Note: fmt.Sprintf("%s: %s (%s)", it.Person, it.Title, it.Checklist)})
}

// knownControls are those of ids that some engagement holds.
func knownControls(ctx context.Context, s interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
}, ids []string) ([]string, error) {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, e := range engs {
		cs, err := s.Controls(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			known[c.ID] = true
		}
	}
	var out []string
	for _, id := range ids {
		if known[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// completed records a person's checklist whose every item is done as
// evidence on the controls its items serve (those an engagement holds),
// performed on the day its last item was done; nil when it is not
// complete yet, serves no control an engagement holds, or is already
// recorded.
func completed(ctx context.Context, s DoneStore, bs Blobs, c Completions, ch attest.Change, person int64, checklist string) (*attest.Evidence, error) {
	all, err := s.ChecklistItems(ctx, person)
	if err != nil {
		return nil, err
	}
	today := ch.At.UTC().Format(time.DateOnly)
	var items []ItemStatus
	var ids []string
	last := ""
	for _, it := range all {
		if it.Checklist != checklist {
			continue
		}
		st, err := Judge(ctx, c, it, today)
		if err != nil {
			return nil, err
		}
		if !st.Done() {
			return nil, nil
		}
		items = append(items, st)
		ids = append(ids, it.Controls...)
		last = max(last, st.DoneOn)
	}
	controls, err := knownControls(ctx, s, ids)
	if err != nil || len(controls) == 0 || len(items) == 0 {
		return nil, err
	}
	source := fmt.Sprintf("%s checklist of person %d", checklist, person)
	if have, err := recorded(ctx, s, controls[0], source); have || err != nil {
		return nil, err
	}
	p, err := s.Person(ctx, person)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeChecklist(&buf, items); err != nil {
		return nil, err
	}
	pend, err := bs.Stage(&buf)
	if err != nil {
		return nil, fmt.Errorf("stage the %s checklist of %s: %w", checklist, p.Email, err)
	}
	name := fmt.Sprintf("%s-%s-%d.csv", checklist, slug(p.Email), p.ID)
	// The checklist's record is Attest's summary of acts already
	// authorized one by one, so it is added as management's; Force: a
	// checklist may close outside every period and is still the record.
	ev, err := evidence.Add(ctx, s, bs, ch, nil, evidence.AddRequest{Controls: controls, Items: []evidence.Item{{Pending: pend, Name: name, MediaType: "text/csv"}},
		Covers: last, PerformedOn: last, Source: source,
		Note: fmt.Sprintf("%s checklist of %s (%s), %d items, completed %s", checklist, cmp.Or(p.Name, p.Email), p.Email, len(items), last), Force: true})
	if err != nil {
		return nil, err
	}
	return &ev.Evidence[0], nil
}

// recorded reports whether evidence in force from source supports control.
func recorded(ctx context.Context, s DoneStore, control, source string) (bool, error) {
	evs, err := s.EvidenceList(ctx, control, false)
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		if e.Source == source && e.Retraction == nil {
			return true, nil
		}
	}
	return false, nil
}

// RecordCompleted records, for management, every checklist completed
// and not yet recorded as evidence: those closed by an acknowledgement or
// a training course rather than by a task marked done (Done records the
// others as it goes). A job or the command line runs it after the
// acknowledgements and training records change.
func RecordCompleted(ctx context.Context, s DoneStore, bs Blobs, c Completions, ch attest.Change, actor *attest.User) ([]attest.Evidence, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("records completed checklists")
	}
	all, err := s.ChecklistItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	seen := map[[2]string]bool{}
	out := []attest.Evidence{}
	for _, it := range all {
		k := [2]string{fmt.Sprint(it.PersonID), it.Checklist}
		if seen[k] {
			continue
		}
		seen[k] = true
		ev, err := completed(ctx, s, bs, c, ch, it.PersonID, it.Checklist)
		if err != nil {
			return out, err
		}
		if ev != nil {
			out = append(out, *ev)
		}
	}
	return out, nil
}

// writeChecklist writes a checklist's items as CSV: the record of who did
// what, when, against which due date.
func writeChecklist(w io.Writer, items []ItemStatus) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"item", "person", "checklist", "key", "title", "kind", "controls", "due", "rule", "status", "done_on", "done_by", "evidence", "note"})
	for _, it := range items {
		ev := ""
		if it.Evidence != 0 {
			ev = fmt.Sprint(it.Evidence)
		}
		cw.Write([]string{fmt.Sprint(it.ID), it.Person, it.Checklist, it.Key, it.Title, it.Kind, strings.Join(it.Controls, " "), it.Due, it.Rule, it.Status, it.DoneOn, it.DoneName, ev, it.Note})
	}
	cw.Flush()
	return cw.Error()
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s)), "-")
}

// marksDone reports whether actor acts on it as its assignee or as
// management.
func marksDone(actor *attest.User, it *attest.ChecklistItem) bool {
	return attest.Manages(actor) || (it.AssigneeID != 0 && actor.ID == it.AssigneeID)
}

// MayMarkDone reports whether actor may mark it done by hand now (Done's
// rule): a task item, by its assignee or management.
func MayMarkDone(actor *attest.User, it *attest.ChecklistItem) bool {
	return it.Kind == attest.ItemTask && marksDone(actor, it)
}
