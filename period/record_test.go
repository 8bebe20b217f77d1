package period_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

var ch = attest.Change{Actor: "Priya", At: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)}

// refused are actors who are not management: each is refused every
// workflow here.
var refused = []*attest.User{
	{ID: 7, Email: "auditor@example.com", Role: attest.RoleAuditor},
	{ID: 8, Email: "viewer@example.com", Role: attest.RoleViewer},
	{ID: 9, Email: "owner@example.com", Role: attest.RoleOwner},
}

// world is a store with engagement e1 (controls AX-01 and BX-01).
func world(t *testing.T) *sqlite.DB {
	t.Helper()
	s := sqlitetest.Create(t)
	if err := s.CreateEngagement(context.Background(), ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	return s
}

// unchanged fails unless the ledger still has size entries.
func unchanged(t *testing.T, s *sqlite.DB, size int64) {
	t.Helper()
	if n, err := s.LedgerSize(context.Background()); err != nil || n != size {
		t.Errorf("ledger has %d entries (%v), want %d: something was written", n, err, size)
	}
}

func TestRecordNotRequired(t *testing.T) {
	ctx := context.Background()
	s := world(t)
	admin := &attest.User{ID: 3, Email: "admin@example.com", Role: attest.RoleAdmin}
	got, err := period.RecordNotRequired(ctx, s, ch, admin, period.NotRequiredRequest{Control: " bx-01", Start: "2026-01-01", End: "2026-06-30", Reason: "  no incidents  "})
	if err != nil {
		t.Fatal(err)
	}
	want := &attest.NotRequired{ID: got.ID, ControlID: "BX-01", Start: "2026-01-01", End: "2026-06-30", Reason: "no incidents", AddedBy: "Priya", AddedAt: ch.Stamp()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recorded (-want +got):\n%s", diff)
	}
	stored, err := s.NotRequiredList(ctx, "BX-01")
	if err != nil || len(stored) != 1 || !cmp.Equal(stored[0], *got) {
		t.Errorf("stored %+v, %v", stored, err)
	}
}

// TestRecordNotRequiredRefused: bad input is refused naming its field, an
// actor who is not management is refused naming the rule, and neither
// writes anything.
func TestRecordNotRequiredRefused(t *testing.T) {
	good := period.NotRequiredRequest{Control: "AX-01", Start: "2026-01-01", End: "2026-03-31", Reason: "no terminations"}
	edit := func(f func(*period.NotRequiredRequest)) period.NotRequiredRequest {
		r := good
		f(&r)
		return r
	}
	tests := []struct {
		name  string
		actor *attest.User
		req   period.NotRequiredRequest
		code  string
		want  string
	}{
		{"auditor", refused[0], good, attest.EFORBIDDEN, "only management"},
		{"viewer", refused[1], good, attest.EFORBIDDEN, "only management"},
		{"control owner", refused[2], good, attest.EFORBIDDEN, "only management"},
		{"no control", nil, edit(func(r *period.NotRequiredRequest) { r.Control = " " }), attest.EINVALID, "control: say which control"},
		{"unknown control", nil, edit(func(r *period.NotRequiredRequest) { r.Control = "ZZ-9" }), attest.ENOTFOUND, "no such control: ZZ-9"},
		{"bad start", nil, edit(func(r *period.NotRequiredRequest) { r.Start = "2026-02-30" }), attest.EINVALID, `window: start "2026-02-30": want YYYY-MM-DD`},
		{"bad end", nil, edit(func(r *period.NotRequiredRequest) { r.End = "" }), attest.EINVALID, `window: end "": want YYYY-MM-DD`},
		{"end first", nil, edit(func(r *period.NotRequiredRequest) { r.Start, r.End = r.End, r.Start }), attest.EINVALID, "window: ends on 2026-01-01, before it starts on 2026-03-31"},
		{"short reason", nil, edit(func(r *period.NotRequiredRequest) { r.Reason = " none " }), attest.EINVALID, "reason: say why the control was not required (at least 5 characters)"},
		{"no such evidence", nil, edit(func(r *period.NotRequiredRequest) { r.Evidence = 41 }), attest.ENOTFOUND, "no such evidence: 41"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := world(t)
			size, _ := s.LedgerSize(ctx)
			_, err := period.RecordNotRequired(ctx, s, ch, tt.actor, tt.req)
			if attest.ErrorCode(err) != tt.code || !strings.Contains(attest.ErrorMessage(err), tt.want) {
				t.Fatalf("got %s %v, want %s %q", attest.ErrorCode(err), err, tt.code, tt.want)
			}
			if nrs, err := s.NotRequiredList(ctx, ""); err != nil || len(nrs) != 0 {
				t.Errorf("recorded %+v, %v", nrs, err)
			}
			unchanged(t, s, size)
		})
	}
}

func TestImportEvents(t *testing.T) {
	ctx := context.Background()
	s := world(t)
	events, err := period.ParseEvents("leavers.csv", strings.NewReader("id,date,description\nT-1,2026-02-03,left\nT-2,2026-05-21,left\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := period.ImportEvents(ctx, s, ch, nil, period.EventsRequest{Control: "ax-01", Events: events, File: "exports/leavers.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (&period.Imported{Added: 2, Control: "AX-01", Read: 2}); !cmp.Equal(got, want) {
		t.Errorf("imported %+v, want %+v", got, want)
	}
	// The file names the source when the request does not; a source
	// given names it instead; events already there are skipped.
	compliance := &attest.User{ID: 4, Email: "cm@example.com", Role: attest.RoleCompliance}
	more := append(events, attest.Event{Key: "T-3", Date: "2026-06-01"})
	got, err = period.ImportEvents(ctx, s, ch, compliance, period.EventsRequest{Control: "AX-01", Events: more, Source: "HR system", File: "again.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (&period.Imported{Added: 1, Control: "AX-01", Read: 3}); !cmp.Equal(got, want) {
		t.Errorf("imported again %+v, want %+v", got, want)
	}
	stored, err := s.Events(ctx, "AX-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []attest.Event{
		{ControlID: "AX-01", Key: "T-1", Date: "2026-02-03", Description: "left", Source: "exports/leavers.csv"},
		{ControlID: "AX-01", Key: "T-2", Date: "2026-05-21", Description: "left", Source: "exports/leavers.csv"},
		{ControlID: "AX-01", Key: "T-3", Date: "2026-06-01", Source: "HR system"},
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

// TestImportEventsRefused: bad input is refused naming its field, an
// actor who is not management is refused naming the rule, and neither
// writes anything.
func TestImportEventsRefused(t *testing.T) {
	events := []attest.Event{{Key: "T-1", Date: "2026-02-03"}}
	good := period.EventsRequest{Control: "AX-01", Events: events, File: "leavers.csv"}
	tests := []struct {
		name  string
		actor *attest.User
		req   period.EventsRequest
		code  string
		want  string
	}{
		{"auditor", refused[0], good, attest.EFORBIDDEN, "only management"},
		{"viewer", refused[1], good, attest.EFORBIDDEN, "only management"},
		{"control owner", refused[2], good, attest.EFORBIDDEN, "only management"},
		{"no control", nil, period.EventsRequest{Events: events, File: "leavers.csv"}, attest.EINVALID, "control: say which control"},
		{"unknown control", nil, period.EventsRequest{Control: "ZZ-9", Events: events, File: "leavers.csv"}, attest.ENOTFOUND, "no such control: ZZ-9"},
		{"no source", nil, period.EventsRequest{Control: "AX-01", Events: events}, attest.EINVALID, `source: say which system event "T-1" came from`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := world(t)
			size, _ := s.LedgerSize(ctx)
			_, err := period.ImportEvents(ctx, s, ch, tt.actor, tt.req)
			if attest.ErrorCode(err) != tt.code || !strings.Contains(attest.ErrorMessage(err), tt.want) {
				t.Fatalf("got %s %v, want %s %q", attest.ErrorCode(err), err, tt.code, tt.want)
			}
			if evs, err := s.Events(ctx, "AX-01"); err != nil || len(evs) != 0 {
				t.Errorf("imported %+v, %v", evs, err)
			}
			unchanged(t, s, size)
		})
	}
}
