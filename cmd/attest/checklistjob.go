package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/jobs"
	"github.com/attest-dev/attest/people"
)

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
	if p.Every != "" {
		d, err := time.ParseDuration(p.Every)
		if err != nil || d < time.Hour {
			return fmt.Errorf("%q: %q is not a duration of an hour or more (e.g. 168h)", "every", p.Every)
		}
	}
	return payloadAddress("unassigned_to", p.Unassigned)
}

// checklistsDueHandler is the job's handler for attest serve, which gives
// it the server's mail.
func (m *Main) checklistsDueHandler(d *data, send sender) jobs.Handler {
	return func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
		return checklistRemindersJob(ctx, d.db, m.completions(d), j, m.Now(), send)
	}
}

// checklistRemindersJob mails each assignee of overdue checklist items
// one message listing them, at most once per the payload's interval
// (people.Remind keeps each round, so a retried job mails no one twice);
// items without an assignee go to unassigned_to when given.
func checklistRemindersJob(ctx context.Context, s people.RemindStore, c people.Completions, j *attest.Job, now time.Time, send sender) (json.RawMessage, error) {
	var p checklistsDuePayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s job payload: %v", j.Kind, err)
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
	for _, r := range rs {
		send(r.To, r.Subject, r.Body, now)
		out.Sent = append(out.Sent, sent{To: r.To, Items: len(r.Items)})
	}
	return json.Marshal(out)
}
