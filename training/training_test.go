package training_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/attest-dev/attest/training"
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

// TestImport: one entry for the file; an unknown address refuses the
// whole file by line and field; the same export again records nothing.
func TestImport(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 3, "2026-01-05")
	export := "email,course,completed,score\nperson0@example.com,Security Awareness,2026-02-01,95\nPERSON1@example.com,Phishing,2026-02-02,\n"
	_, err := training.Import(ctx, s, change(2), &attest.User{ID: 3, Role: attest.RoleOwner}, "lms.csv", []byte(export))
	mustCode(t, err, attest.EFORBIDDEN)
	_, err = training.Import(ctx, s, change(2), attest.Employee(&people[0]), "lms.csv", []byte(export))
	mustCode(t, err, attest.EFORBIDDEN)
	size, _ := s.LedgerSize(ctx)
	_, err = training.Import(ctx, s, change(2), nil, "lms.csv", []byte(export+"stranger@example.com,Security,2026-02-02,\n"))
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "lms.csv: line 4: email: no one on the roster has the address stranger@example.com") {
		t.Fatalf("unknown address: %v", err)
	}
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatal("a refused import wrote to the ledger")
	}
	got, err := training.Import(ctx, s, change(2), nil, "lms.csv", []byte(export))
	if err != nil {
		t.Fatal(err)
	}
	if got.Recorded != 2 || got.Known != 0 || got.New[1].PersonID != people[1].ID || got.New[1].Source != "lms.csv line 3" {
		t.Fatalf("imported: %+v", got)
	}
	if n, _ := s.LedgerSize(ctx); n != size+1 {
		t.Fatalf("%d entries for one import", n-size)
	}
	again, err := training.Import(ctx, s, change(3), nil, "lms.csv", []byte(export))
	if err != nil || again.Recorded != 0 || again.Known != 2 {
		t.Fatalf("again: %+v, %v", again, err)
	}

	// Status: Ada current (security awareness), Bo's phishing course
	// does not count, Cy never trained; on 2026-02-10 both are due
	// (started 2026-01-05: 30 days), and overdue after 2026-02-04.
	st, err := training.Load(ctx, s, "2026-02-03", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != 1 || st.Due != 2 || st.People[0].Due != "2027-02-01" || st.People[2].Due != "2026-02-04" {
		t.Fatalf("status: %+v", st)
	}
	st, _ = training.Load(ctx, s, "2026-02-05", 0, nil)
	if st.Current != 1 || st.Overdue != 2 {
		t.Fatalf("a day after due: %+v", st)
	}
	st, _ = training.Load(ctx, s, "2026-02-05", 0, []string{"Phishing"})
	if st.Current != 1 || st.People[1].State != training.Current {
		t.Fatalf("phishing named as the course: %+v", st)
	}
	st, _ = training.Load(ctx, s, "2027-02-02", people[0].ID, nil)
	if len(st.People) != 1 || st.People[0].State != training.Overdue {
		t.Fatalf("a year later: %+v", st)
	}
}

// TestRecord keeps the certificate as evidence for the training controls
// an engagement has, and the completion names it.
func TestRecord(t *testing.T) {
	s := sqlitetest.Create(t)
	people := acktest.People(t, s, change(1), 1, "2026-01-05")
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	stage := func() evidence.Item {
		p, err := bs.Stage(strings.NewReader("certificate of completion"))
		if err != nil {
			t.Fatal(err)
		}
		return evidence.Item{Pending: p, Name: "cert.pdf", MediaType: "application/pdf"}
	}
	req := training.RecordRequest{Email: people[0].Email, Course: "Security Awareness", Completed: "2026-02-01", Certificate: "C-7", File: stage()}
	_, err = training.Record(ctx, s, s, bs, change(2), nil, req)
	mustCode(t, err, attest.EINVALID) // no engagement has HR-02 or HR-03
	ctls := storetest.Controls(1)
	ctls[0].ID = "HR-03"
	if err := s.CreateEngagement(ctx, change(1), storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	req.File = stage()
	_, err = training.Record(ctx, s, s, bs, change(2), &attest.User{ID: 5, Role: attest.RoleViewer}, req)
	mustCode(t, err, attest.EFORBIDDEN)
	req.File = stage()
	c, err := training.Record(ctx, s, s, bs, change(2), nil, req)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := s.Evidence(ctx, c.Evidence)
	if err != nil || ev.Controls[0] != "HR-03" || ev.PerformedOn != "2026-02-01" || c.Certificate != "C-7" || c.Source != "certificate cert.pdf" {
		t.Fatalf("recorded %+v with evidence %+v, %v", c, ev, err)
	}
}
