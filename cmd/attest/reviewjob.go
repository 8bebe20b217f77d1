package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/jobs"
)

// jobReviewsDue is the follow-up of access reviews past their due date.
const jobReviewsDue = "review-reminders"

// reviewsDuePayload is its payload.
type reviewsDuePayload struct {
	// Unassigned is told of accounts that have no reviewer (usually the
	// compliance manager); without it they are only counted in the job's
	// result.
	Unassigned string `json:"unassigned_to"`
}

func (p *reviewsDuePayload) validate() error {
	return payloadAddress("unassigned_to", p.Unassigned)
}

// payloadAddress checks a payload's field that names whom to mail: empty,
// or one bare e-mail address.
func payloadAddress(field, addr string) error {
	if addr == "" {
		return nil
	}
	if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
		return fmt.Errorf("%q: %q is not an e-mail address", field, addr)
	}
	return nil
}

// sender hands a message a job writes to the server's mail
// (web.Server.Deliver).
type sender func(to, subject, body string, at time.Time)

// reviewsDueHandler is the job's handler for attest serve, which gives it
// the server's mail.
func (m *Main) reviewsDueHandler(d *data, send sender) jobs.Handler {
	return func(ctx context.Context, j *attest.Job) (json.RawMessage, error) {
		return reviewRemindersJob(ctx, d.db, j, m.Now(), send)
	}
}

// reviewRemindersJob sends each reviewer with accounts undecided in an
// access review past its due date a reminder (accessreview.Reminders),
// and the count of accounts without a reviewer to the payload's address.
// A reminder is a message, not a record: a retried job may send it
// again, which does no harm.
func reviewRemindersJob(ctx context.Context, s accessreview.ReadStore, j *attest.Job, now time.Time, send sender) (json.RawMessage, error) {
	var p reviewsDuePayload
	if err := decodePayload(j.Kind, j.Payload, &p); err != nil {
		return nil, err
	}
	rs, err := accessreview.Reminders(ctx, s, nil, now, p.Unassigned)
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
	for _, r := range rs {
		if r.Reviewer == "" {
			out.Unassigned += r.Undecided
		}
		if r.To != "" {
			send(r.To, r.Subject, r.Body, now)
			out.Sent = append(out.Sent, sent{To: r.To, Campaign: r.Campaign, Undecided: r.Undecided})
		}
	}
	return json.Marshal(out)
}
