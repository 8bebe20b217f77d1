package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/collect/live"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/report"
)

// Job kinds and their payloads. Paths in payloads are read by the server
// that runs the job, relative to its working directory.
const (
	jobCheckRun    = "check-run"
	jobCollect     = "collect"
	jobReportBuild = "report-build"
	jobReminders   = "portal-reminders"
)

// remindersPayload: how often a person is reminded at most (a Go
// duration, default a week).
type remindersPayload struct {
	Every string `json:"every"`
}

type checkRunPayload struct {
	Input  string   `json:"input"`
	Checks string   `json:"checks"`
	Check  []string `json:"check"`
	Params string   `json:"params"`
}

type collectPayload struct {
	From   string `json:"from"`
	Source string `json:"source"`
	Config string `json:"config"`
}

type reportPayload struct {
	Kind      string `json:"kind"`
	Type      string `json:"type"`
	Format    string `json:"format"`
	Out       string `json:"out"`
	ByProcess bool   `json:"by_process"`
}

var jobPayloads = map[string]func() any{
	jobReviewsDue:    func() any { return &reviewsDuePayload{} },
	jobChecklistsDue: func() any { return &checklistsDuePayload{} },
	jobCheckRun:      func() any { return &checkRunPayload{} },
	jobCollect:       func() any { return &collectPayload{} },
	jobReportBuild:   func() any { return &reportPayload{} },
	jobReminders:     func() any { return &remindersPayload{} },
}

func jobKinds() []string { return slices.Sorted(maps.Keys(jobPayloads)) }

// decodePayload reads a job's payload strictly: an unknown field or a
// wrong type is an error that names it.
func decodePayload(kind string, raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = json.RawMessage(`{}`)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return attest.Errorf(attest.EINVALID, "%s job payload: %v", kind, err)
	}
	return nil
}

// validPayload checks a payload against its kind's schema before the job
// is queued: unknown fields and wrong types, values outside their choices,
// and paths that do not exist here, each named by its field, so a job never
// waits in the queue only to fail on what could be seen at once.
func validPayload(kind string, raw json.RawMessage) error {
	mk, ok := jobPayloads[kind]
	if !ok {
		return attest.Errorf(attest.EINVALID, "job kind %q: want one of %s", kind, strings.Join(jobKinds(), ", "))
	}
	return readPayload(kind, raw, mk().(payload))
}

// payload is a job's payload, which checks its own fields.
type payload interface{ validate() error }

// readPayload decodes raw into p and checks it, as validPayload does: a
// job reads its payload so, since what was true when it was queued (a
// path) may not be when it runs.
func readPayload(kind string, raw json.RawMessage, p payload) error {
	if err := decodePayload(kind, raw, p); err != nil {
		return err
	}
	return checkPayload(kind, p)
}

// checkPayload checks a decoded payload, naming the field at fault.
func checkPayload(kind string, p payload) error {
	if err := p.validate(); err != nil {
		e := &attest.Error{Code: attest.EINVALID, Message: kind + " job payload: " + err.Error()}
		if _, ok := err.(pathError); ok {
			e.Hint = "paths in a payload are read by the server that runs the job, from its working directory"
		}
		return e
	}
	return nil
}

// pathError is a payload's path that does not exist here, or is not the
// kind of thing its field wants.
type pathError string

func (e pathError) Error() string { return string(e) }

// What a payload's path must name.
const (
	aFileOrFolder = iota
	aFolder
	aFile
)

// payloadPath checks that a path named by a payload's field exists, and
// is a folder or a file as the field wants.
func payloadPath(field, path string, want int) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return pathError(fmt.Sprintf("%q: %s: no such file or folder", field, path))
	case want == aFolder && !st.IsDir():
		return pathError(fmt.Sprintf("%q: %s is a file, not a folder", field, path))
	case want == aFile && st.IsDir():
		return pathError(fmt.Sprintf("%q: %s is a folder, not a file", field, path))
	}
	return nil
}

func (p *remindersPayload) validate() error { return validEvery(p.Every) }

func (p *checkRunPayload) validate() error {
	if p.Input != "" {
		if err := payloadPath("input", p.Input, aFileOrFolder); err != nil {
			return err
		}
	}
	if p.Checks != "" {
		if err := payloadPath("checks", p.Checks, aFolder); err != nil {
			return err
		}
	}
	if p.Params != "" {
		if err := payloadPath("params", p.Params, aFile); err != nil {
			return err
		}
	}
	for i, id := range p.Check {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%q[%d]: an empty check ID", "check", i)
		}
	}
	return nil
}

func (p *collectPayload) validate() error {
	if p.From != "" {
		if err := payloadPath("from", p.From, aFileOrFolder); err != nil {
			return err
		}
	}
	if p.From == "" && p.Source != "" && !slices.Contains(live.Sources(), p.Source) {
		return fmt.Errorf("%q: %q is not a connector: want one of %s, or give \"from\" (a folder of exports)", "source", p.Source, strings.Join(live.Sources(), ", "))
	}
	if p.Config != "" {
		if err := payloadPath("config", p.Config, aFile); err != nil {
			return err
		}
	}
	return nil
}

func (p *reportPayload) validate() error {
	if p.Kind != "" {
		if _, err := attest.ParseKind(p.Kind); err != nil {
			return fmt.Errorf("%q: %q: want SOC 1, SOC 2 or SOC 3", "kind", p.Kind)
		}
	}
	if p.Type != "" {
		if _, err := attest.ParseReportType(p.Type); err != nil {
			return fmt.Errorf("%q: %q: want Type 1 or Type 2", "type", p.Type)
		}
	}
	if _, err := report.Formats(strings.Split(p.Format, ",")); err != nil {
		return fmt.Errorf("%q: %s (several with commas)", "format", attest.ErrorMessage(err))
	}
	if p.Out != "" {
		// The job makes the folder itself, as report build does, but
		// only inside one that exists; the rule is the render's own.
		if err := atomicfile.Folder(p.Out, false); err != nil {
			return pathError(fmt.Sprintf("%q: %s", "out", attest.ErrorMessage(err)))
		}
	}
	return nil
}

// jobReviewsDue is the follow-up of access reviews past their due date.
const jobReviewsDue = "review-reminders"

// reviewsDuePayload is its payload.
type reviewsDuePayload struct {
	// Every is how often a reviewer is reminded of a campaign at most (a
	// Go duration, default a week, at least an hour).
	Every string `json:"every"`
	// Unassigned is told of accounts that have no reviewer (usually the
	// compliance manager); without it they are only counted in the job's
	// result.
	Unassigned string `json:"unassigned_to"`
}

func (p *reviewsDuePayload) validate() error {
	if err := validEvery(p.Every); err != nil {
		return err
	}
	return payloadAddress("unassigned_to", p.Unassigned)
}

// validEvery checks a payload's "every": empty, or a Go duration of an
// hour or more.
func validEvery(every string) error {
	if every == "" {
		return nil
	}
	if d, err := time.ParseDuration(every); err != nil || d < time.Hour {
		return fmt.Errorf("%q: %q is not a duration of an hour or more (168h is a week)", "every", every)
	}
	return nil
}

// payloadAddress checks a payload's field that names whom to mail: empty,
// or one bare e-mail address (auth.CheckEmail's rule).
func payloadAddress(field, addr string) error {
	if addr == "" {
		return nil
	}
	if auth.CheckEmail(addr) != nil {
		return fmt.Errorf("%q: %q is not an e-mail address", field, addr)
	}
	return nil
}

// jobChecklistsDue is the follow-up of onboarding and offboarding items
// past their due date.
const jobChecklistsDue = "checklist-reminders"

// checklistsDuePayload is its payload.
type checklistsDuePayload struct {
	// Every is how often an assignee is reminded at most (a Go duration,
	// default a week, at least an hour).
	Every string `json:"every"`
	// Unassigned is told of overdue items no account is assigned to;
	// without it they are only counted in the job's result.
	Unassigned string `json:"unassigned_to"`
}

func (p *checklistsDuePayload) validate() error {
	if err := validEvery(p.Every); err != nil {
		return err
	}
	return payloadAddress("unassigned_to", p.Unassigned)
}

// JobKinds are the kinds of job a server runs, sorted.
func JobKinds() []string { return jobKinds() }

// DefaultMaxAttempts is how often a job is tried before it is marked
// failed when its creator names no other number (attest job enqueue's
// default, the demo's jobs).
const DefaultMaxAttempts = 5

// Enqueue adds a job of a kind the server runs, with a payload it takes
// and 1 to 100 attempts, or answers the job
// already queued under the same key: attest job enqueue and the demo.
func Enqueue(ctx context.Context, s interface {
	EnqueueJob(ctx context.Context, j attest.Job, now time.Time) (*attest.Job, bool, error)
}, j attest.Job, now time.Time) (*attest.Job, bool, error) {
	if !json.Valid(j.Payload) {
		return nil, false, attest.Errorf(attest.EINVALID, "payload: not valid JSON")
	}
	if err := validPayload(j.Kind, j.Payload); err != nil {
		return nil, false, err
	}
	if j.MaxAttempts < 1 || j.MaxAttempts > 100 {
		return nil, false, attest.Errorf(attest.EINVALID, "max attempts %d: want 1 to 100", j.MaxAttempts)
	}
	return s.EnqueueJob(ctx, j, now)
}

// ListJobs is the jobs newest first, at most limit, in one state when
// state is given (queued, running, done or failed).
func ListJobs(ctx context.Context, s interface {
	Jobs(ctx context.Context, state string, limit int) ([]attest.Job, error)
}, state string, limit int) ([]attest.Job, error) {
	switch state {
	case "", attest.JobQueued, attest.JobRunning, attest.JobDone, attest.JobFailed:
	default:
		return nil, attest.Errorf(attest.EINVALID, "state %q: want queued, running, done or failed", state)
	}
	return s.Jobs(ctx, state, limit)
}

// LoadSchedule reads a schedule of periodic jobs (jobs.LoadSchedule) and
// checks each one's payload as job enqueue does, before the server starts.
func LoadSchedule(path string) ([]jobs.Entry, error) {
	entries, err := jobs.LoadSchedule(path, jobKinds())
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if err := validPayload(e.Kind, e.Payload); err != nil {
			var ae *attest.Error
			if errors.As(err, &ae) {
				ae.Message = fmt.Sprintf("%s: job %q: %s", path, e.Name, ae.Message)
			}
			return nil, err
		}
	}
	return entries, nil
}
