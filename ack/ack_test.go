package ack_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

var ctx = context.Background()

func change(day int) attest.Change {
	return attest.Change{Actor: "tester", At: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC)}
}

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if attest.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestAcknowledge walks a policy asked of everyone, acknowledged in the
// portal, superseded by a new version (the old one refused, the status
// asking again) and narrowed to one department.
func TestAcknowledge(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 3, "2026-01-05")
	ada, bo := attest.Employee(&people[0]), attest.Employee(&people[1])
	p := acktest.Publish(t, s, change(2), "access-control", "Access control", "# Access control\nv1\n")

	// Ada acknowledges version 1 in the portal.
	k, err := ack.Acknowledge(ctx, s, change(3), ada, ack.Request{Policy: p.ID, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := s.PolicyVersions(ctx, p.ID)
	if k.PersonID != people[0].ID || k.Version != 1 || k.SHA256 != vs[0].SHA256 || k.Via != attest.AckPortal || k.At != change(3).Stamp() {
		t.Fatalf("acknowledgement: %+v", k)
	}
	_, err = ack.Acknowledge(ctx, s, change(3), ada, ack.Request{Policy: p.ID, Version: 1})
	mustCode(t, err, attest.ECONFLICT)
	// Nobody acknowledges for someone else, and only management records.
	_, err = ack.Acknowledge(ctx, s, change(3), bo, ack.Request{Policy: p.ID, Version: 1, Person: people[0].ID})
	mustCode(t, err, attest.EFORBIDDEN)
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer, attest.RoleAuditor} {
		_, err = ack.Acknowledge(ctx, s, change(3), &attest.User{ID: 9, Role: role}, ack.Request{Policy: p.ID, Version: 1, Person: people[1].ID, Note: "x"})
		mustCode(t, err, attest.EFORBIDDEN)
	}
	_, err = ack.Acknowledge(ctx, s, change(3), nil, ack.Request{Policy: p.ID, Version: 1, Person: people[1].ID})
	mustCode(t, err, attest.EINVALID)
	if k, err := ack.Acknowledge(ctx, s, change(3), nil, ack.Request{Policy: p.ID, Version: 1, Person: people[1].ID, Note: "signed form"}); err != nil || k.Via != attest.AckRecorded {
		t.Fatalf("recorded: %+v, %v", k, err)
	}

	st, err := ack.Load(ctx, s, "2026-03-10", ack.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != (ack.Counts{Asked: 3, Acknowledged: 2, Outstanding: 1}) || st.Policies[0].Acknowledged != 2 {
		t.Fatalf("status: %+v", st.Total)
	}
	if it := st.People[2].Items[0]; it.State != ack.Outstanding || it.Due != "2026-04-01" || it.Overdue {
		t.Fatalf("Person 2: %+v", it)
	}
	if st, _ := ack.Load(ctx, s, "2026-04-02", ack.Filter{}); st.Total.Overdue != 1 {
		t.Fatalf("a month later: %+v", st.Total)
	}

	// Version 2: version 1 is superseded; Ada's status asks again.
	acktest.Publish(t, s, change(10), p.ID, "Access control", "# Access control\nv2\n")
	_, err = ack.Acknowledge(ctx, s, change(11), bo, ack.Request{Policy: p.ID, Version: 1})
	mustCode(t, err, attest.ECONFLICT)
	if e := err.(*attest.Error); e.Message != "access-control version 1 is superseded by version 2: only the version in force is acknowledged; read version 2" {
		t.Fatalf("message: %s", e.Message)
	}
	_, err = ack.Acknowledge(ctx, s, change(11), bo, ack.Request{Policy: p.ID, Version: 3})
	mustCode(t, err, attest.EINVALID)
	st, _ = ack.Load(ctx, s, "2026-03-11", ack.Filter{Person: people[0].ID})
	if len(st.People) != 1 || st.People[0].Items[0].State != ack.Outdated || st.People[0].Items[0].Acked != 1 || st.People[0].Items[0].Due != "2026-04-09" {
		t.Fatalf("Ada after version 2: %+v", st.People)
	}
	if _, err := ack.Acknowledge(ctx, s, change(11), ada, ack.Request{Policy: p.ID, Version: 2}); err != nil {
		t.Fatal(err)
	}

	// Narrowed to Sales: Ada (Engineering) is no longer asked.
	_, err = ack.Assign(ctx, s, change(12), &attest.User{ID: 4, Role: attest.RoleOwner}, p.ID, ack.AssignRequest{Departments: []string{"Sales"}})
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = ack.Assign(ctx, s, change(12), ada, p.ID, ack.AssignRequest{Departments: []string{"Sales"}})
	mustCode(t, err, attest.EFORBIDDEN)
	if _, err := ack.Assign(ctx, s, change(12), nil, p.ID, ack.AssignRequest{Departments: []string{" Sales", "Sales"}}); err != nil {
		t.Fatal(err)
	}
	st, _ = ack.Load(ctx, s, "2026-03-12", ack.Filter{Policy: p.ID})
	if st.Total.Asked != 1 || st.People[0].Email != "person1@example.com" || st.Policies[0].Audience != "in-scope people in the departments Sales" {
		t.Fatalf("narrowed: %+v", st)
	}
	_, err = ack.Acknowledge(ctx, s, change(12), attest.Employee(&people[2]), ack.Request{Policy: p.ID, Version: 2})
	mustCode(t, err, attest.EINVALID)
}

// TestRecordEvidence keeps the status as CSV evidence for the
// acknowledgement controls an engagement has.
func TestRecordEvidence(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 2, "2026-01-05")
	acktest.Publish(t, s, change(2), "access-control", "Access control", "v1")
	if _, err := ack.Acknowledge(ctx, s, change(3), attest.Employee(&people[0]), ack.Request{Policy: "access-control", Version: 1}); err != nil {
		t.Fatal(err)
	}
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ack.RecordEvidence(ctx, s, s, bs, change(4), nil, "2026-03-04", nil)
	mustCode(t, err, attest.EINVALID) // no engagement has HR-02 or HR-03
	ctls := storetest.Controls(1)
	ctls[0].ID = "HR-02"
	if err := s.CreateEngagement(ctx, change(1), storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	_, _, err = ack.RecordEvidence(ctx, s, s, bs, change(4), attest.Employee(&people[0]), "2026-03-04", nil)
	mustCode(t, err, attest.EFORBIDDEN)
	ev, st, err := ack.RecordEvidence(ctx, s, s, bs, change(4), nil, "2026-03-04", nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := bs.Open(blob.Ref(ev.Ref))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if ev.Controls[0] != "HR-02" || st.Total.Acknowledged != 1 || !strings.Contains(string(b), "person0@example.com,access-control,1,acknowledged,1") || !strings.Contains(ev.Note, "1 of 2") {
		t.Fatalf("evidence %+v:\n%s", ev, b)
	}
}
