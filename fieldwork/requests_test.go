package fieldwork_test

import (
	"context"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
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
		ls, err := fieldwork.Requests(ctx, s, "e1", status, "2026-11-05")
		if err != nil {
			t.Fatalf("%q: %v", status, err)
		}
		var out []string
		for _, l := range ls {
			if l.Overdue {
				out = append(out, l.Text+"!")
			} else {
				out = append(out, l.Text)
			}
		}
		return strings.Join(out, ",")
	}
	for status, want := range map[string]string{
		"":          "late!,today,undated,answered late,closed",
		"all":       "late!,today,undated,answered late,closed",
		"overdue":   "late!",
		"open":      "late!,today,undated",
		"fulfilled": "answered late",
		"closed":    "closed",
	} {
		if got := texts(status); got != want {
			t.Errorf("%q: %s, want %s", status, got, want)
		}
	}
	if _, err := fieldwork.Requests(ctx, s, "e1", "late", "2026-11-05"); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "status: ") {
		t.Errorf("unknown status: %v", err)
	}
}
