package engagement

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
)

// What happened to a control, as the ledger records it.
const (
	// Recorded: the control was recorded with the engagement. When it was
	// recorded as implemented, Attest does not know since when it was in
	// place, and treats it as in place before the period.
	Recorded = "recorded"
	// Implemented: the control was marked implemented after it was
	// recorded otherwise.
	Implemented = "implemented"
	// Changed: the description, frequency or due rule of an implemented
	// control changed.
	Changed = "changed"
	// Withdrawn: an implemented control was marked not yet in place again.
	Withdrawn = "withdrawn"
	// Retired: an implemented control was marked not applicable.
	Retired = "retired"
)

// ControlEvent is one step in a control's history: what happened, on which
// day, by which ledger entry, and the control as it stood afterwards.
type ControlEvent struct {
	Control string         `json:"control"`
	What    string         `json:"what"`
	Date    string         `json:"date"` // YYYY-MM-DD, the day it was recorded
	Detail  string         `json:"detail"`
	Entry   int64          `json:"ledger_entry"`
	After   attest.Control `json:"-"`
}

// LedgerReader reads the ledger's entries.
type LedgerReader interface {
	LedgerSize(ctx context.Context) (int64, error)
	ScanLedger(ctx context.Context, from, to int64, fn func(seq int64, record []byte) error) error
}

// History reads, from the ledger, what happened to each control of
// engagement e: recorded, implemented, changed, withdrawn or retired, with
// the day of each, oldest first per control. Owner changes are not
// significant changes and are left out. The ledger is the only record of
// when a control changed, so this is where DC9 and the at-risk view learn
// it.
func History(ctx context.Context, s LedgerReader, engagementID string) (map[string][]ControlEvent, error) {
	n, err := s.LedgerSize(ctx)
	if err != nil {
		return nil, err
	}
	cur := map[string]attest.Control{}
	out := map[string][]ControlEvent{}
	err = s.ScanLedger(ctx, 0, n, func(seq int64, record []byte) error {
		e, err := ledger.Decode(record)
		if err != nil {
			return err
		}
		day := e.Time[:min(10, len(e.Time))]
		switch e.Type {
		case attest.EntryEngagementCreated:
			var d attest.EngagementCreated
			if err := json.Unmarshal(e.Data, &d); err != nil || d.Engagement == nil || d.Engagement.ID != engagementID {
				return nil
			}
			for _, c := range d.Controls {
				cur[c.ID] = c
				out[c.ID] = append(out[c.ID], ControlEvent{Control: c.ID, What: Recorded, Date: day, Entry: seq, After: c,
					Detail: "recorded as " + statusWords(c.Status)})
			}
		case attest.EntryControlUpdated:
			var d attest.ControlUpdated
			if err := json.Unmarshal(e.Data, &d); err != nil || d.Control == nil || d.Control.EngagementID != engagementID {
				return nil
			}
			c := *d.Control
			prev, ok := cur[c.ID]
			cur[c.ID] = c
			if !ok {
				return nil
			}
			if ev, ok := step(prev, c); ok {
				ev.Control, ev.Date, ev.Entry, ev.After = c.ID, day, seq, c
				out[c.ID] = append(out[c.ID], ev)
			}
		}
		return nil
	})
	return out, err
}

// step names what an update did to a control, when it matters.
func step(prev, c attest.Control) (ControlEvent, bool) {
	was, is := prev.Status == attest.Implemented, c.Status == attest.Implemented
	switch {
	case !was && is:
		return ControlEvent{What: Implemented, Detail: "marked implemented (was " + statusWords(prev.Status) + ")"}, true
	case was && c.Status == attest.NotApplicable:
		return ControlEvent{What: Retired, Detail: "retired: marked not applicable" + reason(c.StatusReason)}, true
	case was && !is:
		return ControlEvent{What: Withdrawn, Detail: "no longer implemented (now " + statusWords(c.Status) + ")"}, true
	case was && is:
		var what []string
		if prev.Description != c.Description {
			what = append(what, "its description")
		}
		if prev.Frequency != c.Frequency {
			what = append(what, fmt.Sprintf("its frequency (%s to %s)", prev.Frequency, c.Frequency))
		}
		if prev.DueDays != c.DueDays {
			what = append(what, fmt.Sprintf("its due rule (%d to %d days)", prev.DueDays, c.DueDays))
		}
		if len(what) > 0 {
			return ControlEvent{What: Changed, Detail: "changed " + strings.Join(what, ", ")}, true
		}
	}
	return ControlEvent{}, false
}

func statusWords(s attest.Status) string { return strings.ReplaceAll(string(s), "-", " ") }

func reason(r string) string {
	if r = strings.TrimSpace(r); r != "" {
		return " (" + strings.TrimSuffix(r, ".") + ")"
	}
	return ""
}

// ImplementedSince is the day a control last became implemented, from its
// history (events): the day of its latest Implemented event, or "" when it
// was recorded as implemented and never withdrawn since (in place before
// the period, as far as Attest knows). When the last such event is a
// withdrawal or a retirement, the control has stopped operating: now is
// false and since is "".
func ImplementedSince(events []ControlEvent) (since string, now bool) {
	now = true
	for _, ev := range events {
		switch ev.What {
		case Recorded:
			since, now = "", true
		case Implemented:
			since, now = ev.Date, true
		case Withdrawn, Retired:
			since, now = "", false
		}
	}
	return since, now
}

// Within are the events dated from start to end (YYYY-MM-DD, inclusive)
// that change what the control does: implemented, changed, withdrawn or
// retired.
func Within(events []ControlEvent, start, end string) []ControlEvent {
	var out []ControlEvent
	for _, ev := range events {
		if ev.What != Recorded && ev.Date >= start && ev.Date <= end {
			out = append(out, ev)
		}
	}
	return out
}

// SortedIDs lists the controls of a history in order.
func SortedIDs(h map[string][]ControlEvent) []string {
	ids := make([]string, 0, len(h))
	for id := range h {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
