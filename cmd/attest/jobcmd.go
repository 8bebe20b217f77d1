package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/automation"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect/live"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/portal"
	"github.com/spf13/cobra"
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
	p := mk()
	if err := decodePayload(kind, raw, p); err != nil {
		return err
	}
	if err := p.(interface{ validate() error }).validate(); err != nil {
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

// payloadPath checks that a path named by a payload's field exists, and
// is a folder or a file as the field wants.
func payloadPath(field, path string, dir bool) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return pathError(fmt.Sprintf("%q: %s: no such file or folder", field, path))
	case dir && !st.IsDir():
		return pathError(fmt.Sprintf("%q: %s is a file, not a folder", field, path))
	case !dir && st.IsDir():
		return pathError(fmt.Sprintf("%q: %s is a folder, not a file", field, path))
	}
	return nil
}

func (p *remindersPayload) validate() error {
	if p.Every == "" {
		return nil
	}
	if d, err := time.ParseDuration(p.Every); err != nil || d < time.Hour {
		return fmt.Errorf("%q: %q is not a duration of an hour or more (168h is a week)", "every", p.Every)
	}
	return nil
}

func (p *checkRunPayload) validate() error {
	if p.Input != "" {
		if _, err := os.Stat(p.Input); err != nil {
			return pathError(fmt.Sprintf("%q: %s: no such file or folder", "input", p.Input))
		}
	}
	if p.Checks != "" {
		if err := payloadPath("checks", p.Checks, true); err != nil {
			return err
		}
	}
	if p.Params != "" {
		if err := payloadPath("params", p.Params, false); err != nil {
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
		if _, err := os.Stat(p.From); err != nil {
			return pathError(fmt.Sprintf("%q: %s: no such file or folder", "from", p.From))
		}
	}
	if p.From == "" && p.Source != "" && !slices.Contains(live.Sources(), p.Source) {
		return fmt.Errorf("%q: %q is not a connector: want one of %s, or give \"from\" (a folder of exports)", "source", p.Source, strings.Join(live.Sources(), ", "))
	}
	if p.Config != "" {
		if err := payloadPath("config", p.Config, false); err != nil {
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
	for _, f := range strings.Split(p.Format, ",") {
		switch strings.TrimSpace(f) {
		case "", "html", "md", "pdf":
		default:
			return fmt.Errorf("%q: %q: want html, md or pdf (several with commas)", "format", f)
		}
	}
	if p.Out != "" {
		// The job makes the folder itself, as report build does, but
		// only inside one that exists.
		parent := filepath.Dir(filepath.Clean(p.Out))
		if err := payloadPath("out", parent, true); err != nil {
			return pathError(fmt.Sprintf("%q: %s: the folder %s does not exist", "out", p.Out, parent))
		}
	}
	return nil
}

// jobChange is who records a job's effects: the job, whichever worker
// runs it, so a retry records the same actor.
func (m *Main) jobChange(j *attest.Job) attest.Change {
	return attest.Change{Actor: "attest job " + strconv.FormatInt(j.ID, 10), At: m.Now()}
}

// jobAutomation is where a job's runs and collections are read from and
// recorded: each item as the job's effect, once however often the job is
// tried.
func (m *Main) jobAutomation(d *data, j *attest.Job) automation.Env {
	env := m.automation(d)
	ch := m.jobChange(j)
	env.By, env.Keep = ch.Actor, automation.KeepOnce(d.db, d.blobs, ch, j)
	return env
}

// payloadNamed names a path's error by the payload's field that gave it.
func payloadNamed(err error) error {
	return automation.Named(err, func(field string) string { return strconv.Quote(field) + ":" })
}

// jobHandlers are the handlers `attest serve` runs jobs with.
func (m *Main) jobHandlers(d *data) map[string]jobs.Handler {
	return map[string]jobs.Handler{
		jobCheckRun:    func(ctx context.Context, j *attest.Job) (json.RawMessage, error) { return m.checkRunJob(ctx, d, j) },
		jobCollect:     func(ctx context.Context, j *attest.Job) (json.RawMessage, error) { return m.collectJob(ctx, d, j) },
		jobReportBuild: func(ctx context.Context, j *attest.Job) (json.RawMessage, error) { return m.reportJob(ctx, d, j) },
		jobReminders:   m.remindersJob(d, nil, ""),
	}
}

// remindersJob mails each person what is overdue in the portal, at most
// once per interval (portal.Remind records each round). send is the
// server's mail (serve passes its outbox); without it the job fails
// before recording anything. A round recorded and then interrupted before
// its mail goes out is not sent again: reminders go at most once.
func (m *Main) remindersJob(d *data, send func(portal.Message), base string) jobs.Handler {
	return func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
		var p remindersPayload
		if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
			return nil, err
		}
		if send == nil {
			return nil, attest.Errorf(attest.EINVALID, "the portal's reminders are mailed by attest serve, which holds the mail settings")
		}
		if err := p.validate(); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s job payload: %v", j.Kind, err)
		}
		every := portal.DefaultEvery
		if p.Every != "" {
			every, _ = time.ParseDuration(p.Every)
		}
		msgs, err := portal.Remind(ctx, d.db, m.jobChange(j), nil, base, every)
		if err != nil {
			return nil, err
		}
		if len(msgs) > 0 {
			if _, err := d.checkpoint(ctx); err != nil {
				return nil, err
			}
		}
		for _, msg := range msgs {
			send(msg)
		}
		return json.Marshal(map[string]any{"reminded": len(msgs)})
	}
}

// checkRunJob runs the checks as attest check run does and records the run
// once, however often the job is tried.
func (m *Main) checkRunJob(ctx context.Context, d *data, j *attest.Job) (json.RawMessage, error) {
	var p checkRunPayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	if id, ok := j.Effects["run"]; ok {
		// An earlier attempt recorded the run and stopped before the
		// end: finish its bookkeeping only.
		if err := check.RecordLatest(ctx, d.db, id); err != nil {
			return nil, err
		}
		if _, err := d.checkpoint(ctx); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"evidence": id})
	}
	if p.Input != "" {
		if _, err := os.Stat(p.Input); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "check-run job payload: input %s: no such file or folder on this server", p.Input)
		}
	}
	s, o, err := m.checks(checkFlags{dir: p.Checks, ids: p.Check, params: p.Params}).Load(m.Now(), m.warn)
	if err != nil {
		return nil, payloadNamed(err)
	}
	run, err := automation.Run(ctx, m.jobAutomation(d, j), s, o, p.Check, p.Input)
	if err != nil {
		return nil, payloadNamed(err)
	}
	return json.Marshal(map[string]any{"evidence": run.Evidence, "summary": run.Summary, "input": run.Input.SHA256})
}

func (m *Main) collectJob(ctx context.Context, d *data, j *attest.Job) (json.RawMessage, error) {
	var p collectPayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	out, err := automation.Collect(ctx, m.jobAutomation(d, j), automation.Collection{Source: p.Source, From: p.From, Config: p.Config, Label: p.From})
	if err != nil {
		return nil, payloadNamed(err)
	}
	res := map[string]int64{}
	for _, s := range out {
		res[s.Source] = s.Evidence
	}
	return json.Marshal(map[string]any{"collections": res})
}

func (m *Main) reportJob(ctx context.Context, d *data, j *attest.Job) (json.RawMessage, error) {
	var p reportPayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	f := reportFlags{kind: p.Kind, typ: p.Type, formats: p.Format, out: p.Out, byProcess: p.ByProcess}
	if f.formats == "" {
		f.formats = "html,md"
	}
	if f.out == "" {
		f.out = "reports"
	}
	ch := m.jobChange(j)
	f.keep = func(ctx context.Context, effect string, doc attest.Document, b []byte) (*attest.Document, error) {
		if id, ok := j.Effects[effect]; ok {
			return d.db.Document(ctx, id)
		}
		ref, size, err := d.blobs.Put(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		doc.Ref, doc.Size = string(ref), size
		out, err := d.db.AddJobDocument(ctx, ch, j.Lease(), effect, doc)
		if err != nil {
			return nil, err
		}
		_, err = d.checkpoint(ctx)
		return out, err
	}
	b, err := m.buildReport(ctx, d, f)
	if err != nil {
		return nil, err
	}
	docs := map[string]int64{}
	for _, r := range b.files {
		docs[r.Path] = r.Document
	}
	return json.Marshal(map[string]any{"engagement": b.in.Engagement.ID, "documents": docs})
}

func (m *Main) jobCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "job",
		Short: "List and enqueue background jobs (check runs, collections, report builds) that attest serve runs",
		Long: `Background jobs run in attest serve: every server on the same database
takes jobs from one queue, each job is claimed by one server at a time
under a lease, and a job whose server stops is taken over by another when
the lease runs out. What a job records (evidence, report drafts) is
recorded once, however often it is tried.

Kinds and their payloads (JSON; paths are read by the server that runs the
job):
  check-run     {"input": DIR, "checks": DIR, "check": [ID...], "params": FILE}
  collect       {"from": DIR, "source": NAME, "config": FILE}
  report-build  {"kind": "SOC 2", "type": "Type 2", "format": "html,md", "out": DIR}
  review-reminders  {"unassigned_to": EMAIL}: reminds each reviewer with accounts
                undecided in an access review past its due date (by mail, or
                in the outbox admins see); attest serve runs it
  checklist-reminders  {"every": "168h", "unassigned_to": EMAIL}: mails each
                assignee of onboarding and offboarding items past their due
                date, at most once per interval; attest serve runs it`,
	}
	c.AddCommand(m.jobList(), m.jobEnqueue())
	return c
}

func (m *Main) jobList() *cobra.Command {
	var state string
	var limit int
	c := &cobra.Command{
		Use:   "list",
		Short: "List jobs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch state {
			case "", attest.JobQueued, attest.JobRunning, attest.JobDone, attest.JobFailed:
			default:
				return attest.Errorf(attest.EINVALID, "--state %q: want queued, running, done or failed", state)
			}
			return reads(m, func(ctx context.Context, d *data, _ []string) (jobsListed, error) {
				l, err := d.db.Jobs(ctx, state, limit)
				return jobsListed{l}, err
			}, m.printJobs)(cmd, args)
		},
	}
	c.Flags().StringVar(&state, "state", "", "only jobs in this state: queued, running, done, failed")
	c.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return c
}

// jobsListed is what job list prints.
type jobsListed struct {
	Jobs []attest.Job `json:"jobs"`
}

func (m *Main) printJobs(v jobsListed) error {
	for _, j := range v.Jobs {
		extra := ""
		if j.LockedBy != "" && j.State == attest.JobRunning {
			extra = " on " + j.LockedBy
		}
		if j.LastError != "" {
			extra += "; last error: " + j.LastError
		}
		m.printf("%6d  %-13s %-8s attempt %d/%d  due %s%s\n", j.ID, j.Kind, j.State, j.Attempts, j.MaxAttempts, j.RunAt.Format(time.RFC3339), extra)
	}
	m.printf("%d jobs.\n", len(v.Jobs))
	return nil
}

// jobQueued is what job enqueue answers (JSON keys in alphabetical order,
// as they have always been printed).
type jobQueued struct {
	Created bool        `json:"created"`
	Job     *attest.Job `json:"job"`
}

func (m *Main) jobEnqueue() *cobra.Command {
	var payload, key string
	var maxAttempts int
	c := &cobra.Command{
		Use:   "enqueue KIND",
		Short: "Add a job to the queue (with --key, at most once per key)",
		Long: `Add a job of KIND (` + strings.Join(jobKinds(), ", ") + `) with a JSON payload. With --key,
a job with the same key is not added again: the existing one is shown.
Exit status: 0 when the job is queued (or already was), 2 for a bad kind or
payload.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := json.RawMessage(payload)
			if !json.Valid(raw) {
				return attest.Errorf(attest.EINVALID, "--payload: not valid JSON")
			}
			if err := validPayload(args[0], raw); err != nil {
				return err
			}
			if maxAttempts < 1 || maxAttempts > 100 {
				return attest.Errorf(attest.EINVALID, "--max-attempts %d: want 1 to 100", maxAttempts)
			}
			// The queue is not the ledger: no checkpoint to sign.
			return reads(m, func(ctx context.Context, d *data, args []string) (jobQueued, error) {
				j, created, err := d.db.EnqueueJob(ctx, attest.Job{Kind: args[0], Payload: raw, Key: key, MaxAttempts: maxAttempts}, m.Now())
				return jobQueued{created, j}, err
			}, func(v jobQueued) error {
				j := v.Job
				if v.Created {
					m.printf("Queued job %d (%s).\n", j.ID, j.Kind)
				} else {
					m.printf("Job %d already has key %s (%s, %s).\n", j.ID, key, j.Kind, j.State)
				}
				return nil
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&payload, "payload", "{}", "the job's payload, JSON")
	c.Flags().StringVar(&key, "key", "", "a unique key: the job is added once per key")
	c.Flags().IntVar(&maxAttempts, "max-attempts", 5, "how often the job is tried before it is marked failed")
	return c
}
