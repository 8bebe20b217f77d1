package accessreview_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/google/go-cmp/cmp"
)

// period is an auditor's scope: what was in effect during one period.
type period [2]string

func (p period) Relevant(what, from, to string, _ []string) error {
	if from != "" && from[:10] <= p[1] && (to == "" || to[:10] >= p[0]) {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: what + ": not relevant"}
}

func TestReadAndReminders(t *testing.T) {
	f := setup(t)
	db, id := f.db, f.c.ID
	if _, err := accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Owner: "olu@example.com", ByManager: true}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	accounts := func(v *accessreview.View) []string {
		var out []string
		for _, it := range v.Items {
			out = append(out, it.Account)
		}
		return out
	}
	// Management sees every account; a reviewer who does not manage, only
	// those assigned to them, and may decide them.
	v, err := accessreview.Read(ctx, db, f.users["olu@example.com"], nil, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bo", "ana", "cy", "ghost"}, accounts(v)); diff != "" {
		t.Errorf("management's items (-want +got):\n%s", diff)
	}
	v, err = accessreview.Read(ctx, db, f.users["mia@example.com"], nil, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bo", "ana"}, accounts(v)); diff != "" || v.Mine != 2 || v.Undecided != 2 || !v.MayDecide || v.MaySignOff {
		t.Errorf("mia's view: %+v (-want +got):\n%s", v, diff)
	}
	// The auditor reads a campaign that ran during their period, and is
	// refused one that ended before it.
	aud := f.users["aud@example.com"]
	if _, err := accessreview.Read(ctx, db, aud, period{"2026-01-01", "2026-12-31"}, id, now); err != nil {
		t.Fatal(err)
	}
	if l, err := accessreview.List(ctx, db, aud, period{"2025-01-01", "2025-12-31"}, now); err != nil || len(l) != 0 {
		t.Errorf("the auditor of a earlier period lists %d campaigns (%v)", len(l), err)
	}
	if _, err := accessreview.Read(ctx, db, aud, period{"2025-01-01", "2025-12-31"}, id, now); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("the auditor of a earlier period reads the campaign: %v", err)
	}
	if _, err := accessreview.Read(ctx, db, &attest.User{ID: 99, Role: "employee"}, nil, id, now); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("an employee reads the campaign: %v", err)
	}

	// Reminders: none before the due date; after it, each reviewer with
	// accounts still to decide, and only management asks.
	if _, err := accessreview.Decide(ctx, db, ch, f.users["mia@example.com"], nil, id, []accessreview.DecisionInput{{Account: "bo", Decision: "keep"}, {Account: "ana", Decision: "keep"}}); err != nil {
		t.Fatal(err)
	}
	if rs, err := accessreview.Reminders(ctx, db, nil, now, ""); err != nil || len(rs) != 0 {
		t.Errorf("reminders before the due date: %+v %v", rs, err)
	}
	late := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := accessreview.Reminders(ctx, db, f.users["mia@example.com"], late, ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a control owner asked for reminders: %v", err)
	}
	rs, err := accessreview.Reminders(ctx, db, nil, late, "cm@example.com")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rs {
		got[r.Reviewer] = r.Undecided
		if r.To != r.Reviewer {
			t.Errorf("a reminder for %q goes to %q", r.Reviewer, r.To)
		}
	}
	if diff := cmp.Diff(map[string]int{"ana@example.com": 1, "olu@example.com": 1}, got); diff != "" {
		t.Errorf("reminders (-want +got):\n%s", diff)
	}
}

// TestExporting: the export holds what the reader may read, in the
// format asked (csv by default, any case), named for the campaign.
func TestExporting(t *testing.T) {
	f := setup(t)
	db, id := f.db, f.c.ID
	if _, err := accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Owner: "olu@example.com", ByManager: true}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	x, err := accessreview.Exporting(ctx, db, nil, nil, id, "", now)
	if err != nil || x.Format != "csv" || !strings.HasPrefix(x.MediaType, "text/csv") || x.Name != fmt.Sprintf("access-review-%d.csv", id) {
		t.Fatalf("the default: %+v %v", x, err)
	}
	var b bytes.Buffer
	if err := x.Render(&b); err != nil || strings.Count(b.String(), "\n") != 5 {
		t.Errorf("management's CSV: %q %v", b.String(), err)
	}
	mine, err := accessreview.Exporting(ctx, db, f.users["mia@example.com"], nil, id, " XLSX", now)
	if err != nil || mine.Format != "xlsx" || len(mine.View.Items) != 2 || !strings.HasSuffix(mine.Name, ".xlsx") {
		t.Fatalf("a reviewer's workbook: %+v %v", mine, err)
	}
	b.Reset()
	if err := mine.Render(&b); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("PK")) {
		t.Errorf("the workbook: %d bytes, %v", b.Len(), err)
	}
	if _, err := accessreview.Exporting(ctx, db, nil, nil, id, "pdf", now); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "format") {
		t.Errorf("a pdf: %v", err)
	}
	if _, err := accessreview.Exporting(ctx, db, &attest.User{ID: 99, Role: "employee"}, nil, id, "csv", now); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("an employee: %v", err)
	}
}

// TestRemindersUnassigned: accounts without a reviewer are one reminder
// to the address named, or to no one when none is.
func TestRemindersUnassigned(t *testing.T) {
	f := setup(t)
	late := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, to := range []string{"cm@example.com", ""} {
		rs, err := accessreview.Reminders(ctx, f.db, nil, late, to)
		if err != nil || len(rs) != 1 || rs[0].Reviewer != "" || rs[0].To != to || rs[0].Undecided != 4 || !strings.Contains(rs[0].Subject, "no reviewer") {
			t.Errorf("unassigned_to %q: %+v %v", to, rs, err)
		}
	}
}
