package server

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/google/go-cmp/cmp"
)

// TestReviewRemindersJob: after the due date, each reviewer with accounts still
// to decide gets one reminder, the accounts without a reviewer go to the
// payload's address; before it, nothing is sent.
func TestReviewRemindersJob(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	at := attest.Change{Actor: "test", At: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	if _, err := s.SaveUser(ctx, at, attest.User{Email: "mia@example.com", Name: "Mia", Role: attest.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	c, _, err := accessreview.Start(ctx, s, at, nil, accessreview.StartRequest{System: "GitHub", Due: "2026-05-31",
		Accounts: []accessreview.Account{{Account: "ana"}, {Account: "bo"}, {Account: "cy"}}, Listing: attest.Listing{Source: "file a.csv", ExtractedAt: "2026-05-01"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accessreview.Assign(ctx, s, at, nil, c.ID, accessreview.AssignRequest{Reviewer: "mia@example.com", Accounts: []string{"ana", "bo"}}); err != nil {
		t.Fatal(err)
	}
	type msg struct{ To, Subject string }
	var got []msg
	send := mailerFunc(func(m mail.Message) error { got = append(got, msg{m.To, m.Subject}); return nil })
	j := &attest.Job{ID: 1, Kind: jobReviewsDue, Payload: json.RawMessage(`{"unassigned_to": "grc@example.com"}`)}
	if _, err := reviewReminders(ctx, s, j, time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC), send); err != nil || len(got) != 0 {
		t.Fatalf("on the due date: %v, %v", got, err)
	}
	res, err := reviewReminders(ctx, s, j, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), send)
	if err != nil {
		t.Fatal(err)
	}
	want := []msg{{"grc@example.com", "Access review 1 of GitHub: 1 accounts have no reviewer"}, {"mia@example.com", "Access review 1 of GitHub: 2 accounts still to decide"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	var out struct {
		Unassigned int `json:"unassigned"`
	}
	if json.Unmarshal(res, &out); out.Unassigned != 1 {
		t.Errorf("result %s", res)
	}
	// A retry the same day mails no one again, and still counts what has
	// no reviewer; a week later each is reminded again.
	got = nil
	res, err = reviewReminders(ctx, s, j, time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC), send)
	if out.Unassigned = 0; err != nil || len(got) != 0 || json.Unmarshal(res, &out) != nil || out.Unassigned != 1 {
		t.Fatalf("a retry: sent %v, result %s, %v", got, res, err)
	}
	if _, err := reviewReminders(ctx, s, j, time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC), send); err != nil || len(got) != 2 {
		t.Fatalf("a week later: sent %v, %v", got, err)
	}
	every := &attest.Job{ID: 2, Kind: jobReviewsDue, Payload: json.RawMessage(`{"every": "24h"}`)}
	if _, err := reviewReminders(ctx, s, every, time.Date(2026, 6, 9, 12, 0, 0, 0, time.UTC), send); err != nil || len(got) != 3 || got[2].To != "mia@example.com" {
		t.Fatalf("a day later, every 24h: sent %v, %v", got, err)
	}
	// A reviewer who is also told of the accounts without one gets both.
	both := &attest.Job{ID: 3, Kind: jobReviewsDue, Payload: json.RawMessage(`{"every": "24h", "unassigned_to": "mia@example.com"}`)}
	if _, err := reviewReminders(ctx, s, both, time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC), send); err != nil || len(got) != 5 || got[3].To != "mia@example.com" || got[4].To != "mia@example.com" || got[3].Subject == got[4].Subject {
		t.Fatalf("the reviewer named for the unassigned: sent %v, %v", got, err)
	}
	// The payload is checked before the job is queued, naming its field.
	for _, p := range []string{`{"unassigned_to": "not an address"}`, `{"to": "x@example.com"}`, `{"every": "5m"}`, `{"every": "weekly"}`} {
		if err := validPayload(jobReviewsDue, json.RawMessage(p)); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("payload %s: %v", p, err)
		}
	}
	if err := validPayload(jobReviewsDue, json.RawMessage(`{}`)); err != nil {
		t.Errorf("an empty payload: %v", err)
	}
}

// mailerFunc is a Mailer that calls itself.
type mailerFunc func(mail.Message) error

func (f mailerFunc) Send(m mail.Message) error { return f(m) }

// TestMailAllSendsPastAFailure: a reminder's round is recorded before its
// mail goes out, so a message that fails must not keep the others from
// going; the error names each that did not.
func TestMailAllSendsPastAFailure(t *testing.T) {
	var sent []string
	send := mailerFunc(func(m mail.Message) error {
		if m.To == "bo@example.com" {
			return errors.New("550 no such mailbox")
		}
		sent = append(sent, m.To)
		return nil
	})
	err := mailAll(send, []mail.Message{{To: "ana@example.com"}, {To: "bo@example.com"}, {To: "cy@example.com"}})
	if diff := cmp.Diff([]string{"ana@example.com", "cy@example.com"}, sent); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if err == nil || err.Error() != "mail to bo@example.com: 550 no such mailbox" {
		t.Errorf("err = %v", err)
	}
	if err := mailAll(send, nil); err != nil {
		t.Errorf("nothing to send: %v", err)
	}
}
