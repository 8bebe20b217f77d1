package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/automation"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/portal"
	"github.com/attest-dev/attest/report"
)

// handlers are the job handlers: each parses its payload, calls the
// workflow and answers what it did. Whatever a job records is recorded
// as the job's effect, once however often it is tried.
type handlers struct {
	cfg Config
	// send is the server's mail (its outbox, shared with the web server).
	send mail.Mailer
	// base is the address the mailed links start with.
	base string
}

func (h handlers) all() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		jobCheckRun:      h.checkRun,
		jobCollect:       h.collect,
		jobReportBuild:   h.reportBuild,
		jobReminders:     h.mails(h.portalReminders),
		jobReviewsDue:    h.mails(h.reviewReminders),
		jobChecklistsDue: h.mails(h.checklistReminders),
	}
}

// mails is a job that mails: without the server's mail it fails before
// recording anything.
func (h handlers) mails(run jobs.Handler) jobs.Handler {
	return func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
		if h.send == nil {
			return nil, attest.Errorf(attest.EINVALID, "%s jobs are mailed by attest serve, which holds the mail settings", j.Kind)
		}
		return run(ctx, j)
	}
}

// Handlers are the job handlers over cfg, mailing through send (nil: the
// jobs that mail fail before recording anything) with links from base.
func Handlers(cfg Config, send mail.Mailer, base string) (map[string]jobs.Handler, error) {
	cfg, err := cfg.complete()
	if err != nil {
		return nil, err
	}
	return handlers{cfg, send, base}.all(), nil
}

// change is who records a job's effects: the job, whichever worker runs
// it, so a retry records the same actor.
func (h handlers) change(j *attest.Job) attest.Change {
	return attest.Change{Actor: "attest job " + strconv.FormatInt(j.ID, 10), At: h.cfg.Now()}
}

func (h handlers) checkpoint(ctx context.Context) error {
	if h.cfg.Checkpoint == nil {
		return nil
	}
	_, err := h.cfg.Checkpoint(ctx)
	return err
}

func (h handlers) warn(msg string) { h.cfg.Log.Warn(msg) }

// automation is where a job's runs and collections are read from and
// recorded: each item as the job's effect.
func (h handlers) automation(j *attest.Job) automation.Env {
	ch := h.change(j)
	return automation.Env{Store: h.cfg.Store, Blobs: h.cfg.Blobs, Keep: automation.KeepOnce(h.cfg.Store, h.cfg.Blobs, ch, j),
		Checkpoint: h.checkpoint, By: ch.Actor, Version: h.cfg.Version, Now: h.cfg.Now, Getenv: h.cfg.Getenv, Warn: h.warn}
}

// payloadNamed names a path's error by the payload's field that gave it,
// as job enqueue does when the path is missing already.
func payloadNamed(kind string, err error) error {
	var pe *automation.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s job payload: %q: %v", kind, pe.Field, pe.Err),
		Hint: "paths in a payload are read by the server that runs the job, from its working directory"}
}

// checkRun runs the checks as attest check run does and records the run
// once, however often the job is tried.
func (h handlers) checkRun(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	var p checkRunPayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	if id, ok := j.Effects["run"]; ok {
		// An earlier attempt recorded the run and stopped before the
		// end: finish its bookkeeping only.
		if err := check.RecordLatest(ctx, h.cfg.Store, id); err != nil {
			return nil, err
		}
		if err := h.checkpoint(ctx); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"evidence": id})
	}
	if err := checkPayload(j.Kind, &p); err != nil {
		return nil, err
	}
	checks := automation.Checks{Dir: p.Checks, Params: p.Params}
	if h.cfg.DataDir != "" {
		checks.DefaultParams = filepath.Join(h.cfg.DataDir, "check-params.yaml")
	}
	s, o, err := checks.Load(h.cfg.Now(), h.warn)
	if err != nil {
		return nil, payloadNamed(j.Kind, err)
	}
	run, err := automation.Run(ctx, h.automation(j), s, o, p.Check, p.Input)
	if err != nil {
		return nil, payloadNamed(j.Kind, err)
	}
	return json.Marshal(map[string]any{"evidence": run.Evidence, "summary": run.Summary, "input": run.Input.SHA256})
}

func (h handlers) collect(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	var p collectPayload
	if err := readPayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	out, err := automation.Collect(ctx, h.automation(j), automation.Collection{Source: p.Source, From: p.From, Config: p.Config, Label: p.From})
	if err != nil {
		return nil, payloadNamed(j.Kind, err)
	}
	res := map[string]int64{}
	for _, s := range out {
		res[s.Source] = s.Evidence
	}
	return json.Marshal(map[string]any{"collections": res})
}

// reportBuild drafts the report as attest report build does, keeping each
// file once as the job's effect.
func (h handlers) reportBuild(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	var p reportPayload
	if err := readPayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	if p.Out == "" {
		p.Out = "reports"
	}
	req, err := report.Asked{Kind: p.Kind, Type: p.Type, Formats: []string{p.Format}}.Request()
	if err != nil {
		return nil, err
	}
	if req.Engagement, req.Kind, req.Type, err = report.Pick(ctx, h.cfg.Store, h.cfg.Engagement, req.Kind, req.Type); err != nil {
		return nil, err
	}
	ch := h.change(j)
	keep := func(ctx context.Context, effect string, doc attest.Document, b []byte) (*attest.Document, error) {
		if id, ok := j.Effects[effect]; ok {
			return h.cfg.Store.Document(ctx, id)
		}
		ref, size, err := h.cfg.Blobs.Put(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		doc.Ref, doc.Size = string(ref), size
		out, err := h.cfg.Store.AddJobDocument(ctx, ch, j.Lease(), effect, doc)
		if err != nil {
			return nil, err
		}
		return out, h.checkpoint(ctx)
	}
	req.ByProcess, req.Now = p.ByProcess, ch.At
	req.Print, req.Record, req.Folder = report.PDFPrinter(h.cfg.Getenv, nil), keep, p.Out
	dr, err := report.Draft(ctx, h.cfg.Store, h.cfg.Blobs, ch, nil, req)
	if err != nil {
		return nil, err
	}
	docs := map[string]int64{}
	for _, d := range dr.Kept {
		docs[filepath.Join(p.Out, d.Name)] = d.ID
	}
	return json.Marshal(map[string]any{"engagement": dr.Input.Engagement.ID, "documents": docs})
}

// portalReminders mails each person what is overdue in the portal, at
// most once per interval (portal.Remind records each round). A round
// recorded and then interrupted before its mail goes out is not sent
// again: reminders go at most once.
func (h handlers) portalReminders(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	var p remindersPayload
	if err := readPayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	every, _ := time.ParseDuration(p.Every) // 0: the default
	msgs, err := portal.Remind(ctx, h.cfg.Store, h.change(j), nil, h.base, every)
	if err != nil {
		return nil, err
	}
	if len(msgs) > 0 {
		if err := h.checkpoint(ctx); err != nil {
			return nil, err
		}
	}
	if err := mailAll(h.send, msgs); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"reminded": len(msgs)})
}

// reviewReminders sends each reviewer with accounts undecided in an
// access review past its due date a reminder, and the count of accounts
// without a reviewer to the payload's address, each at most once per the
// payload's interval (accessreview.Remind keeps each round, so a retried
// job mails no one twice).
func (h handlers) reviewReminders(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	return reviewReminders(ctx, h.cfg.Store, j, h.cfg.Now(), h.send)
}

func reviewReminders(ctx context.Context, s accessreview.RemindStore, j *attest.Job, now time.Time, send mail.Mailer) (json.RawMessage, error) {
	var p reviewsDuePayload
	if err := readPayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	every, _ := time.ParseDuration(p.Every) // 0: the default
	rs, err := accessreview.Remind(ctx, s, nil, now, every, p.Unassigned)
	if err != nil {
		return nil, err
	}
	type sent struct {
		To        string `json:"to"`
		Campaign  int64  `json:"review"`
		Undecided int    `json:"undecided"`
	}
	out := struct {
		Sent       []sent `json:"sent"`
		Unassigned int    `json:"unassigned"`
	}{Sent: []sent{}}
	var msgs []mail.Message
	for _, r := range rs {
		if r.Reviewer == "" {
			out.Unassigned += r.Undecided
		}
		if r.To != "" {
			msgs = append(msgs, mail.Message{To: r.To, Subject: r.Subject, Body: r.Body, At: now})
			out.Sent = append(out.Sent, sent{To: r.To, Campaign: r.Campaign, Undecided: r.Undecided})
		}
	}
	if err := mailAll(send, msgs); err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// checklistReminders mails each assignee of overdue checklist items one
// message listing them, at most once per the payload's interval
// (people.Remind keeps each round, so a retried job mails no one twice);
// items without an assignee go to unassigned_to when given.
func (h handlers) checklistReminders(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
	return checklistReminders(ctx, h.cfg.Store, people.RecordsOf(h.cfg.Store, h.cfg.Now()), j, h.cfg.Now(), h.send)
}

func checklistReminders(ctx context.Context, s people.RemindStore, c people.Completions, j *attest.Job, now time.Time, send mail.Mailer) (json.RawMessage, error) {
	var p checklistsDuePayload
	if err := readPayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	every, _ := time.ParseDuration(p.Every) // 0: the default
	rs, err := people.Remind(ctx, s, c, nil, now, every, p.Unassigned)
	if err != nil {
		return nil, err
	}
	type sent struct {
		To    string `json:"to"`
		Items int    `json:"items"`
	}
	out := struct {
		Sent []sent `json:"sent"`
	}{Sent: []sent{}}
	msgs := make([]mail.Message, len(rs))
	for i, r := range rs {
		msgs[i] = mail.Message{To: r.To, Subject: r.Subject, Body: r.Body, At: now}
		out.Sent = append(out.Sent, sent{To: r.To, Items: len(r.Items)})
	}
	if err := mailAll(send, msgs); err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// mailAll sends every message, even past one that fails: a reminder's
// round is recorded before its mail goes out, so a retried job sends
// none of them again, and the job's error names each that did not go.
// The server's outbox never fails (it logs a refused message and keeps
// it for admins); another Mailer may.
func mailAll(send mail.Mailer, msgs []mail.Message) error {
	var errs []error
	for _, m := range msgs {
		if err := send.Send(m); err != nil {
			errs = append(errs, fmt.Errorf("mail to %s: %w", m.To, err))
		}
	}
	return errors.Join(errs...)
}
