package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/google/go-cmp/cmp"
)

// TestChecklistRemindersJob: each assignee of overdue items gets one
// message, the items no account has go to the payload's address; run
// again within the interval (a retry), nothing is sent twice; a week
// later, again.
func TestChecklistRemindersJob(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	at := attest.Change{Actor: "test", At: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	if _, err := s.SaveUser(ctx, at, attest.User{Email: "it@example.com", Name: "IT", Role: attest.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	roster := "email,name,start,end\ncy@example.org,Cy Diaz,2025-01-10,2026-05-20\n"
	if _, err := people.Import(ctx, s, at, nil, people.ImportRequest{Name: "r.csv", Data: []byte(roster), Options: people.Options{Owners: map[string]string{"it": "it@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	type msg struct{ To, Subject string }
	var got []msg
	send := mailerFunc(func(m mail.Message) error { got = append(got, msg{m.To, m.Subject}); return nil })
	j := &attest.Job{ID: 1, Kind: jobChecklistsDue, Payload: json.RawMessage(`{"unassigned_to": "grc@example.com"}`)}
	if _, err := checklistReminders(ctx, s, nil, j, time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC), send); err != nil || len(got) != 0 {
		t.Fatalf("before anything is due: %v, %v", got, err)
	}
	day := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if _, err := checklistReminders(ctx, s, nil, j, day, send); err != nil {
		t.Fatal(err)
	}
	want := []msg{{"grc@example.com", "1 onboarding and offboarding items are overdue and have no one to do them"}, {"it@example.com", "3 onboarding and offboarding items of yours are overdue"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	got = nil
	if _, err := checklistReminders(ctx, s, nil, j, day.Add(time.Hour), send); err != nil || len(got) != 0 {
		t.Errorf("retried within the interval: sent %v, %v", got, err)
	}
	if _, err := checklistReminders(ctx, s, nil, j, day.AddDate(0, 0, 7), send); err != nil || len(got) != 2 {
		t.Errorf("a week later: sent %v, %v", got, err)
	}
	// The payload is checked before the job is queued, naming its field.
	for p, field := range map[string]string{`{"unassigned_to": "not an address"}`: "unassigned_to", `{"every": "5m"}`: "every", `{"to": "x@example.com"}`: "to"} {
		if err := validPayload(jobChecklistsDue, json.RawMessage(p)); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), field) {
			t.Errorf("payload %s: %v", p, err)
		}
	}
	if err := validPayload(jobChecklistsDue, json.RawMessage(`{"every": "24h"}`)); err != nil {
		t.Errorf("a good payload: %v", err)
	}
}
