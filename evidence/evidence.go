// Package evidence holds the workflows that add, retract and purge
// evidence, for the command line, the upload pages and the JSON API alike.
// Each takes the acting account (nil: the local operator, who acts as
// management) and an attest.Change, decides who may act (by account: a
// control owner for the controls whose owner account is theirs), checks
// the dates the evidence carries, and writes through the store with its
// ledger entry. The adapters read the bytes in (staging them, hashed, in
// the blob store) and render; they hold no rule.
package evidence

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/engagement"
)

// Store is what the evidence workflows read and write.
type Store interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	AddEvidence(ctx context.Context, ch attest.Change, items []attest.Evidence) ([]attest.Evidence, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
	EvidenceList(ctx context.Context, control string, withRetracted bool) ([]attest.Evidence, error)
	RetractEvidence(ctx context.Context, ch attest.Change, id int64, reason string) (*attest.Evidence, error)
	PurgeEvidence(ctx context.Context, ch attest.Change, id int64) (*attest.Evidence, error)
}

// Blobs commits or drops the staged bytes of an upload.
type Blobs interface {
	Commit(ps []*blob.Pending) error
	Abort(ps []*blob.Pending)
}

// Item is one staged file to record.
type Item struct {
	Pending   *blob.Pending
	Name      string
	MediaType string
	// Found is what the file's content records of when the control was
	// performed (Head.Found, while it was staged); zero when nothing.
	Found Found
}

// AddRequest is evidence as a person adds it.
type AddRequest struct {
	Controls []string
	Items    []Item
	// Covers is the occurrence the evidence speaks for: a date, or a span
	// START..END. Empty: what the content records, else the day it was
	// performed, else today.
	Covers string
	// PerformedOn is when the control was performed: a date or an RFC 3339
	// time. Empty: what each file's content records, else unknown.
	PerformedOn string
	Method      string // attest.MethodUpload when empty
	Source      string
	Note        string
	// AllowEmpty accepts a 0-byte file; Force accepts a covered date more
	// than a year outside every period of the controls' engagements.
	AllowEmpty, Force bool
}

// Added is what Add recorded, with what the person should know.
type Added struct {
	Evidence []attest.Evidence
	// Warnings: a covered date outside the period, for one.
	Warnings []string
	// Windows are the ended windows that evidence added without a covered
	// date may belong to.
	Windows []Window
}

// Window is an ended window still inside its due rule: evidence covering
// today may have been meant for it.
type Window struct {
	Control    string
	Name       string // "quarter", "month", ...
	Start, End string
	Due        string
}

// Add records staged files as evidence for controls, in one transaction:
// every check passes before any byte is committed, and a refused add
// leaves nothing behind (the staged files are dropped).
func Add(ctx context.Context, s Store, bs Blobs, ch attest.Change, actor *attest.User, req AddRequest) (_ *Added, err error) {
	pending := make([]*blob.Pending, 0, len(req.Items))
	for _, it := range req.Items {
		pending = append(pending, it.Pending)
	}
	defer func() {
		if err != nil && pending != nil {
			bs.Abort(pending)
		}
	}()
	if len(req.Controls) == 0 {
		return nil, invalid("controls", "say which control the evidence supports")
	}
	if len(req.Items) == 0 {
		return nil, invalid("files", "send at least one file")
	}
	engs, known, err := controlsByID(ctx, s)
	if err != nil {
		return nil, err
	}
	ids, err := pick(req.Controls, known)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := mayAdd(actor, id, known[id]); err != nil {
			return nil, err
		}
	}
	items, err := req.items(ch.At)
	if err != nil {
		return nil, err
	}
	out := &Added{}
	if err := out.checkDates(engs, known, ids, items, req.Force); err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Controls = ids
	}
	if err := bs.Commit(pending); err != nil {
		return nil, err
	}
	pending = nil // committed: bytes no record refers to are gc's
	if out.Evidence, err = s.AddEvidence(ctx, ch, items); err != nil {
		return nil, err
	}
	if req.Covers == "" {
		out.Windows = openWindows(ids, known, items, ch.At)
	}
	return out, nil
}

func invalid(field, msg string) error {
	return &attest.Error{Code: attest.EINVALID, Message: field + ": " + msg}
}

// controlsByID is the engagements and every engagement's controls, by ID:
// one ID may be a control of several engagements (a SOC 1 and a SOC 2).
func controlsByID(ctx context.Context, s Store) ([]attest.Engagement, map[string][]attest.Control, error) {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]attest.Control{}
	for _, e := range engs {
		ctls, err := s.Controls(ctx, e.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range ctls {
			out[c.ID] = append(out[c.ID], c)
		}
	}
	return engs, out, nil
}

// pick normalizes control IDs (upper case, each once) and refuses one no
// engagement has.
func pick(names []string, known map[string][]attest.Control) ([]string, error) {
	var ids []string
	for _, n := range names {
		id := strings.ToUpper(strings.TrimSpace(n))
		if len(known[id]) == 0 {
			return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such control: " + n}
		}
		if !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mayAdd decides who adds (or retracts) evidence for control id: the local
// operator, admins and compliance managers (and service accounts with that
// role) for any control; a control owner for the controls whose owner
// account is theirs; nobody else (the service auditor requests evidence,
// never adds it).
func mayAdd(actor *attest.User, id string, instances []attest.Control) error {
	if actor == nil {
		return nil
	}
	switch actor.Role {
	case attest.RoleAdmin, attest.RoleCompliance:
		return nil
	case attest.RoleOwner:
		owner := "none"
		for i := range instances {
			if engagement.Owns(actor, &instances[i]) {
				return nil
			}
			if instances[i].Owner != "" {
				owner = instances[i].Owner
			}
		}
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "control " + id + " is not recorded as yours (owner: " + owner +
			"): its evidence is added by its owner or a compliance manager"}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + actor.Role + ") may not add or retract evidence"}
}

// items checks the request's dates and files and builds the records, each
// with its covered date and performed-on date (entered, or from its own
// content).
func (req AddRequest) items(now time.Time) ([]attest.Evidence, error) {
	cov, err := parseCovers(req.Covers, now)
	if err != nil {
		return nil, err
	}
	var entered string
	if req.PerformedOn != "" {
		if entered, err = parsePerformed(req.PerformedOn, now); err != nil {
			return nil, err
		}
	}
	method := req.Method
	if method == "" {
		method = attest.MethodUpload
	}
	out := make([]attest.Evidence, 0, len(req.Items))
	for _, it := range req.Items {
		if it.Pending == nil {
			return nil, invalid("files", it.Name+" was not stored")
		}
		if it.Pending.Size == 0 && !req.AllowEmpty {
			return nil, &attest.Error{Code: attest.EINVALID, Message: it.Name + " is empty (0 bytes): an empty file shows nothing; allow empty files if it is the evidence"}
		}
		e := attest.Evidence{Ref: string(it.Pending.Ref), Size: it.Pending.Size, Name: it.Name, MediaType: it.MediaType,
			Method: method, Source: req.Source, Note: req.Note, PerformedOn: entered}
		if entered != "" {
			e.PerformedFrom = attest.PerformedEntered
		}
		found := it.Found
		if entered == "" && !found.When.IsZero() && !found.When.After(now) {
			e.PerformedOn, e.PerformedFrom = found.When.UTC().Format(time.RFC3339), found.From
		}
		e.Date, e.CoversStart, e.CoversEnd = cov.date, cov.start, cov.end
		if req.Covers == "" {
			e.Date = coveredDay(e, found, now)
		}
		if err := performedNear(e, req.Force); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// performedNear refuses evidence entered as performed more than a year
// before or after what it covers, unless forced: a mistyped year, most
// often, as with a covered date far from the period.
func performedNear(e attest.Evidence, force bool) error {
	if force || e.PerformedFrom != attest.PerformedEntered {
		return nil
	}
	t, _, err := attest.ParseInstant(e.PerformedOn)
	if err != nil {
		return nil
	}
	from, to := cmp.Or(e.CoversStart, e.Date), cmp.Or(e.CoversEnd, e.Date)
	start, err1 := attest.ParseDate(from)
	end, err2 := attest.ParseDate(to)
	if err1 != nil || err2 != nil || !t.Before(start.AddDate(-1, 0, 0)) && !t.After(end.AddDate(1, 0, 1)) {
		return nil
	}
	return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("performed_on: %s is more than a year away from what the evidence covers (%s)", t.Format(attest.DateLayout), span(from, to)),
		Hint: attest.HintForce}
}

func span(from, to string) string {
	if from == to {
		return from
	}
	return from + " to " + to
}

// coveredDay is what evidence added without a covered date speaks for:
// what its content says it covers (a pull request's merge), else the day
// it was performed, else today.
func coveredDay(e attest.Evidence, found Found, now time.Time) string {
	if !found.Covers.IsZero() && !found.Covers.After(now) {
		return found.Covers.UTC().Format(attest.DateLayout)
	}
	if t, _, err := attest.ParseInstant(e.PerformedOn); err == nil {
		return t.Format(attest.DateLayout)
	}
	return now.UTC().Format(attest.DateLayout)
}

type covers struct{ date, start, end string }

// parseCovers reads a covered date or span; neither may lie in the future
// (evidence speaks for what already happened).
func parseCovers(v string, now time.Time) (covers, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return covers{}, nil
	}
	today := now.UTC().Format(attest.DateLayout)
	if a, b, ok := strings.Cut(v, ".."); ok {
		s, err1 := attest.ParseDate(a)
		e, err2 := attest.ParseDate(b)
		if err1 != nil || err2 != nil {
			return covers{}, invalid("covers", fmt.Sprintf("%q: want a date (YYYY-MM-DD) or a span START..END", v))
		}
		if e.Before(s) {
			return covers{}, invalid("covers", fmt.Sprintf("%q: the span ends before it starts", v))
		}
		if e.Format(attest.DateLayout) > today {
			return covers{}, invalid("covers", fmt.Sprintf("%q: the span ends in the future", v))
		}
		return covers{start: s.Format(attest.DateLayout), end: e.Format(attest.DateLayout)}, nil
	}
	t, err := attest.ParseDate(v)
	if err != nil {
		return covers{}, invalid("covers", fmt.Sprintf("%q: want YYYY-MM-DD (or a span START..END)", v))
	}
	if d := t.Format(attest.DateLayout); d > today {
		return covers{}, invalid("covers", d+" is in the future: evidence speaks for something that already happened")
	}
	return covers{date: t.Format(attest.DateLayout)}, nil
}

// parsePerformed reads an entered performed-on date or time, which may not
// lie in the future; a time is kept in UTC.
func parsePerformed(v string, now time.Time) (string, error) {
	t, dateOnly, err := attest.ParseInstant(v)
	if err != nil {
		return "", invalid("performed_on", attest.ErrorMessage(err))
	}
	if dateOnly {
		if d := t.Format(attest.DateLayout); d > now.UTC().Format(attest.DateLayout) {
			return "", invalid("performed_on", d+" is in the future")
		}
		return t.Format(attest.DateLayout), nil
	}
	if t.After(now) {
		return "", invalid("performed_on", v+" is in the future")
	}
	return t.Format(time.RFC3339), nil
}

// checkDates warns of a covered date outside every period of the
// engagements whose controls the evidence supports, and refuses one more
// than a year outside unless forced (engagement.EvidenceDate).
func (out *Added) checkDates(engs []attest.Engagement, known map[string][]attest.Control, ids []string, items []attest.Evidence, force bool) error {
	theirs := map[string]bool{}
	for _, id := range ids {
		for _, c := range known[id] {
			theirs[c.EngagementID] = true
		}
	}
	var mine []attest.Engagement
	for _, e := range engs {
		if theirs[e.ID] {
			mine = append(mine, e)
		}
	}
	seen := map[string]bool{}
	for _, e := range items {
		day := e.Date
		if day == "" {
			day = e.CoversStart
		}
		if seen[day] {
			continue
		}
		seen[day] = true
		t, err := attest.ParseDate(day)
		if err != nil {
			continue
		}
		warning, err := engagement.EvidenceDate(mine, t, force)
		if err != nil {
			return err
		}
		if warning != "" {
			out.Warnings = append(out.Warnings, warning)
		}
	}
	return nil
}

// Present is those of want (control IDs) that an engagement has, each
// once: the controls a program record (acknowledgements, training) is
// evidence for when the caller names none. None is EINVALID, asking the
// caller to name them.
func Present(ctx context.Context, s Store, want []string) ([]string, error) {
	_, known, err := controlsByID(ctx, s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range want {
		if len(known[id]) > 0 && !contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "no engagement has the controls " + strings.Join(want, " or "), Hint: "name the controls the records support"}
	}
	return out, nil
}
