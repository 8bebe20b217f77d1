package fieldwork_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// The request list, as the CLI, the page and the API show it: a request
// is overdue while it is open past its due date (not on the day, not
// once fulfilled or closed, never without a date), and the status filter
// keeps what it names.
func TestRequests(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []attest.Request{
		{Text: "late", Due: "2026-11-01", Status: "open"},
		{Text: "today", Due: "2026-11-05", Status: "open"},
		{Text: "undated", Status: "open"},
		{Text: "answered late", Due: "2026-11-01", Status: "fulfilled"},
		{Text: "closed", Due: "2026-10-01", Status: "closed"},
	} {
		r.EngagementID, r.ControlID, r.Items = "e1", "BX-01", []string{}
		if _, err := s.SaveRequest(ctx, ch, r); err != nil {
			t.Fatal(err)
		}
	}
	texts := func(status string) string {
		ls, err := fieldwork.Requests(ctx, s, auth.Everything, "e1", status, "2026-11-05")
		if err != nil {
			t.Fatalf("%q: %v", status, err)
		}
		var out []string
		for _, l := range ls {
			out = append(out, l.Text+"="+l.Shown())
		}
		return strings.Join(out, ",")
	}
	for status, want := range map[string]string{
		"":          "late=overdue,today=open,undated=open,answered late=fulfilled,closed=closed",
		"all":       "late=overdue,today=open,undated=open,answered late=fulfilled,closed=closed",
		"overdue":   "late=overdue",
		"open":      "late=overdue,today=open,undated=open",
		"fulfilled": "answered late=fulfilled",
		"closed":    "closed=closed",
	} {
		if got := texts(status); got != want {
			t.Errorf("%q: %s, want %s", status, got, want)
		}
	}
	if _, err := fieldwork.Requests(ctx, s, auth.Everything, "e1", "late", "2026-11-05"); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "status: ") {
		t.Errorf("unknown status: %v", err)
	}
}

// onlyControl is a reader's scope that sees one control's evidence, on
// engagement e1.
type onlyControl string

func (c onlyControl) Engagement(id string) error {
	if id != "e1" {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "engagement " + id + ": not yours"}
	}
	return nil
}

func (c onlyControl) Evidence(e *attest.Evidence) error {
	if slices.Contains(e.Controls, string(c)) {
		return nil
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "not yours"}
}

// TestReadRequest: a request with its thread, overdue or not, and only
// the linked evidence the reader's scope sees.
func TestReadRequest(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	evs, err := s.AddEvidence(ctx, ch, []attest.Evidence{
		{Ref: "sha256:" + strings.Repeat("a", 64), Size: 1, MediaType: "text/plain", Name: "a.txt", Controls: []string{"AX-01"}, Method: attest.MethodUpload},
		{Ref: "sha256:" + strings.Repeat("b", 64), Size: 1, MediaType: "text/plain", Name: "b.txt", Controls: []string{"BX-01"}, Method: attest.MethodUpload},
	})
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.SaveRequest(ctx, ch, attest.Request{EngagementID: "e1", ControlID: "AX-01", Text: "show", Items: []string{}, Due: "2026-11-01", Status: "open",
		Evidence: []int64{evs[0].ID, evs[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, ch, attest.Comment{RequestID: q.ID, Text: "which month?"}); err != nil {
		t.Fatal(err)
	}
	d, err := fieldwork.ReadRequest(ctx, s, onlyControl("AX-01"), q, "2026-11-05")
	if err != nil || !d.Overdue || len(d.Comments) != 1 || len(d.Evidence) != 1 || d.Evidence[0].Name != "a.txt" {
		t.Errorf("%+v, %v", d, err)
	}
	if d, _ := fieldwork.ReadRequest(ctx, s, onlyControl("CX-01"), q, "2026-10-05"); d.Overdue || len(d.Evidence) != 0 || d.Evidence == nil {
		t.Errorf("another reader, before the due day: %+v", d)
	}
	q.EngagementID = "e2"
	if _, err := fieldwork.ReadRequest(ctx, s, onlyControl("AX-01"), q, "2026-11-05"); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a request of an engagement outside the scope: %v", err)
	}
}
