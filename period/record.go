package period

import (
	"context"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
)

// NotRequiredStore is what recording a not-required window needs.
type NotRequiredStore interface {
	engagement.Directory
	AddNotRequired(ctx context.Context, ch attest.Change, nr attest.NotRequired) (*attest.NotRequired, error)
}

// NotRequiredRequest says that the circumstances that make a control
// operate did not occur from Start to End (YYYY-MM-DD), why, and which
// evidence shows it (an evidence ID, 0 for none).
type NotRequiredRequest struct {
	Control    string
	Start, End string
	Reason     string
	Evidence   int64
}

// MinReason is the shortest reason a not-required record takes: the
// auditor reads why, so a reason must say something.
const MinReason = 5

// RecordNotRequired records, for actor (nil: the local operator), that a
// control's trigger did not arise in a window, so that its occurrences
// there are not required, with its ledger entry. Only management records
// it; the window's dates must be valid, start first, and the reason at
// least MinReason characters.
func RecordNotRequired(ctx context.Context, s NotRequiredStore, ch attest.Change, actor *attest.User, req NotRequiredRequest) (*attest.NotRequired, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("records that a control was not required")
	}
	nr, err := req.record()
	if err != nil {
		return nil, err
	}
	if nr.ControlID, err = engagement.KnownControl(ctx, s, req.Control); err != nil {
		return nil, err
	}
	return s.AddNotRequired(ctx, ch, nr)
}

// record checks the request and makes the record it asks for, without
// its control resolved.
func (req NotRequiredRequest) record() (attest.NotRequired, error) {
	if strings.TrimSpace(req.Control) == "" {
		return attest.NotRequired{}, invalid("control", "say which control")
	}
	start, err := attest.ParseDate(req.Start)
	if err != nil {
		return attest.NotRequired{}, invalid("window", "start %q: want YYYY-MM-DD", req.Start)
	}
	end, err := attest.ParseDate(req.End)
	if err != nil {
		return attest.NotRequired{}, invalid("window", "end %q: want YYYY-MM-DD", req.End)
	}
	if end.Before(start) {
		return attest.NotRequired{}, invalid("window", "ends on %s, before it starts on %s", req.End, req.Start)
	}
	reason := strings.TrimSpace(req.Reason)
	if len(reason) < MinReason {
		return attest.NotRequired{}, invalid("reason", "say why the control was not required (at least %d characters)", MinReason)
	}
	return attest.NotRequired{Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout), Reason: reason, EvidenceID: req.Evidence}, nil
}

// EventStore is what importing events needs.
type EventStore interface {
	engagement.Directory
	ImportEvents(ctx context.Context, ch attest.Change, controlID string, events []attest.Event) (added int, err error)
}

// EventsRequest is a population of events (ParseEvents reads one) for an
// event-driven control, and where it came from: Source, the system, or
// else File, the name of the file it was read from. An event that names
// its own source keeps it.
type EventsRequest struct {
	Control string
	Events  []attest.Event
	Source  string
	File    string
}

// Imported is what an events import did: how many events it read and how
// many were new (JSON keys in alphabetical order, as the command line has
// always printed them).
type Imported struct {
	Added   int    `json:"added"`
	Control string `json:"control"`
	Read    int    `json:"read"`
}

// ImportEvents adds a population of events to a control for actor (nil:
// the local operator), with its ledger entry; events already there (by
// key) are skipped. Only management imports events, and each event says
// where it came from.
func ImportEvents(ctx context.Context, s EventStore, ch attest.Change, actor *attest.User, req EventsRequest) (*Imported, error) {
	if !attest.Manages(actor) {
		return nil, forbidden("imports events")
	}
	if strings.TrimSpace(req.Control) == "" {
		return nil, invalid("control", "say which control")
	}
	source := strings.TrimSpace(req.Source)
	if source == "" {
		source = req.File
	}
	events := make([]attest.Event, len(req.Events))
	for i, ev := range req.Events {
		if ev.Source == "" {
			ev.Source = source
		}
		if ev.Source == "" {
			return nil, invalid("source", "say which system event %q came from", ev.Key)
		}
		events[i] = ev
	}
	id, err := engagement.KnownControl(ctx, s, req.Control)
	if err != nil {
		return nil, err
	}
	added, err := s.ImportEvents(ctx, ch, id, events)
	if err != nil {
		return nil, err
	}
	return &Imported{Added: added, Control: id, Read: len(events)}, nil
}

func forbidden(what string) error {
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) " + what}
}

func invalid(field, format string, args ...any) error {
	return attest.Errorf(attest.EINVALID, field+": "+format, args...)
}
