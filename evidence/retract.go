package evidence

import (
	"context"
	"strconv"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/gc"
	"github.com/attest-dev/attest/period"
)

// openWindows are the windows that evidence added without a covered date
// (so covering today) may have been meant for: for each control, a window
// that has ended but is still inside its due rule (a review of last
// quarter, done now, speaks for last quarter).
func openWindows(ids []string, known map[string][]attest.Control, items []attest.Evidence, now time.Time) []Window {
	today := now.UTC().Format(attest.DateLayout)
	for _, e := range items {
		if e.Date != today {
			return nil // the evidence covers the day it was performed, not today
		}
	}
	t, _ := attest.ParseDate(today)
	var out []Window
	for _, id := range ids {
		c := known[id][0]
		if c.DueDays == 0 || c.Frequency == attest.EventDriven || c.Frequency == attest.Daily || c.Frequency == attest.MultipleDaily {
			continue
		}
		for _, w := range period.Windows(c.Frequency, t.AddDate(-1, 0, 0), t, period.Options{}) {
			due := w.End.AddDate(0, 0, c.DueDays)
			if w.End.Before(t) && !t.After(due) {
				out = append(out, Window{Control: c.ID, Name: c.Frequency.WindowName(), Start: w.Start.Format(attest.DateLayout),
					End: w.End.Format(attest.DateLayout), Due: due.Format(attest.DateLayout)})
			}
		}
	}
	return out
}

// Retract withdraws evidence with its reason: the record and the bytes
// stay. Who may is who may add evidence for every control it supports.
func Retract(ctx context.Context, s Store, ch attest.Change, actor *attest.User, id int64, reason string) (*attest.Evidence, error) {
	e, err := s.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor != nil {
		_, known, err := controlsByID(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, c := range e.Controls {
			if err := mayAdd(actor, c, known[c]); err != nil {
				return nil, err
			}
		}
	}
	return s.RetractEvidence(ctx, ch, id, reason)
}

// PurgeStore is what purging needs besides the evidence: every record
// that may hold the same bytes.
type PurgeStore interface {
	Store
	gc.Records
}

// Deleter removes bytes from the blob store.
type Deleter interface {
	Delete(r blob.Ref) error
}

// RetentionSetting holds how many days the bytes of retracted evidence are
// kept; DefaultRetentionDays when unset.
const RetentionSetting = "evidence.retention_days"

// DefaultRetentionDays keeps retracted evidence's bytes seven years, a
// common record-retention period; organizations set their own.
const DefaultRetentionDays = 7 * 365

// RetentionDays is the stored retention period, else the default.
func RetentionDays(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
}) int {
	if v, err := s.Setting(ctx, RetentionSetting); err == nil {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return n
		}
	}
	return DefaultRetentionDays
}

// Purge removes the bytes of evidence retracted more than days days ago
// (the records stay, and each purge is a ledger entry), keeping bytes
// that another record still needs: other evidence, a population or a
// document may hold the same bytes (gc.References reads every kind of
// record). A dry run changes nothing and lists what would go. Purging is
// a retention decision: management's (the local operator, admins and
// compliance managers).
func Purge(ctx context.Context, s PurgeStore, bs Deleter, ch attest.Change, actor *attest.User, days int, dryRun bool) ([]attest.Evidence, error) {
	if actor != nil && actor.Role != attest.RoleAdmin && actor.Role != attest.RoleCompliance {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + actor.Role + ") may not purge evidence: the retention rule is management's"}
	}
	if days < 0 {
		return nil, invalid("older-than-days", "must be 0 or more")
	}
	all, err := s.EvidenceList(ctx, "", true)
	if err != nil {
		return nil, err
	}
	cutoff := ch.At.AddDate(0, 0, -days)
	purged := []attest.Evidence{}
	for _, e := range all {
		if e.Retraction == nil || e.PurgedAt != "" {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, e.Retraction.At)
		if err != nil || at.After(cutoff) {
			continue
		}
		if !dryRun {
			p, err := s.PurgeEvidence(ctx, ch, e.ID)
			if err != nil {
				return nil, err
			}
			e = *p
		}
		purged = append(purged, e)
	}
	if dryRun || len(purged) == 0 {
		return purged, nil
	}
	refs, err := gc.References(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, e := range purged {
		if ref := blob.Ref(e.Ref); !refs[ref] {
			if err := bs.Delete(ref); err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
				return nil, err
			}
			refs[ref] = true // deleted once
		}
	}
	return purged, nil
}
