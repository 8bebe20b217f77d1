package check

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// A collection is kept as evidence for the controls its records serve,
// becomes its source's latest, and reads back as kept; one retracted is
// left out of the latest with a sentence saying so; only management
// keeps one; evidence that is not a collection does not read as one.
func TestKeepCollection(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	bs, err := blob.OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "t", At: time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)}
	// One control served by a check of each record type.
	var served []string
	for _, typ := range []string{"aws.iam_user", "idp.user"} {
		for _, c := range Builtin().Checks {
			if slices.Contains(c.Reads, typ) && !slices.Contains(served, c.Controls[0]) {
				served = append(served, c.Controls[0])
				break
			}
		}
	}
	ctls := storetest.Controls(2)
	ctls[0].ID, ctls[1].ID = served[0], served[1]
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), ctls); err != nil {
		t.Fatal(err)
	}
	keep := func(ctx context.Context, _ string, b []byte, e attest.Evidence) (*attest.Evidence, error) {
		ref, size, err := bs.Put(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		e.Ref, e.Size, e.Date = string(ref), size, "2026-05-01"
		added, err := s.AddEvidence(ctx, ch, []attest.Evidence{e})
		if err != nil {
			return nil, err
		}
		return &added[0], nil
	}
	aws := NewCollection("aws", "exports/", "ops", ch.At, &collect.Result{Records: []collect.Record{{Type: "aws.iam_user", ID: "u1"}, {Type: "aws.iam_user", ID: "u2"}}})
	okta := NewCollection("okta", "connector okta", "ops", ch.At, &collect.Result{Records: []collect.Record{{Type: "idp.user", ID: "ana"}},
		Problems: []collect.Problem{{File: "users.json", Detail: "a row without an id"}}})
	auditor := &attest.User{ID: 9, Role: attest.RoleAuditor}
	if err := KeepCollection(ctx, s, keep, auditor, &aws); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Fatalf("the auditor kept a collection: %v", err)
	}
	for _, c := range []*Collection{&aws, &okta} {
		if err := KeepCollection(ctx, s, keep, nil, c); err != nil {
			t.Fatal(err)
		}
	}
	ev, _ := s.Evidence(ctx, okta.Evidence)
	if ev.Name != "collected-okta-20260501T060000Z.json" || ev.Note != "1 records; INCOMPLETE: 1 problems" || ev.Method != attest.MethodCollector || !slices.Equal(ev.Controls, []string{served[1]}) {
		t.Errorf("okta's evidence: %+v", ev)
	}
	back, err := LoadCollection(ctx, s, bs, aws.Evidence)
	if err != nil || back.Source != "aws" || back.Counts["aws.iam_user"] != 2 || len(back.Records) != 2 || !back.Complete || back.CollectedAt != "2026-05-01T06:00:00Z" || back.Evidence != aws.Evidence {
		t.Fatalf("aws read back: %+v %v", back, err)
	}
	if _, err := s.RetractEvidence(ctx, ch, okta.Evidence, "wrong tenant"); err != nil {
		t.Fatal(err)
	}
	latest, left, err := LoadLatestCollections(ctx, s, bs)
	if err != nil || len(latest) != 1 || latest[0].Source != "aws" || len(left) != 1 || !strings.Contains(left[0], "from okta (evidence 2) was retracted") {
		t.Errorf("latest: %+v %q %v", latest, left, err)
	}
	if _, err := LoadCollection(ctx, s, bs, okta.Evidence); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a retracted collection read back: %v", err)
	}
}
