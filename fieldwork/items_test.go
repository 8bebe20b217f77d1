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

// Items reads KEY=RESULT[:NOTE] the same for the CLI's flags, a CSV's
// rows and the form's lines: results in lower case, spaces trimmed, a
// note that holds colons kept whole, each key once.
func TestItems(t *testing.T) {
	var l fieldwork.Items
	for _, s := range []string{" T-1 = No-Exception ", "T-2=deviation: approved late: by 3 days", "T-3=not-applicable"} {
		if err := l.AddText(s); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	}
	got := l.List()
	if len(got) != 3 || got[0] != (attest.ItemResult{Key: "T-1", Result: "no-exception"}) || got[1].Note != "approved late: by 3 days" || got[1].Result != "deviation" {
		t.Fatalf("items: %+v", got)
	}
	for _, c := range []struct{ in, want string }{
		{"T-4", "want KEY=RESULT[:NOTE]"},
		{"=deviation", "want KEY=RESULT[:NOTE]"},
		{" T-1 =deviation", "item T-1 is given twice"},
	} {
		err := l.AddText(c.in)
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	if err := l.Add(" ", "deviation", ""); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("empty key: %v", err)
	}
	// What would read back as other items, or cut a key short, is
	// refused: a note "x\nB=no-exception" would have added an item B.
	for _, c := range []struct{ key, result, note, want string }{
		{"T-5", "deviation", "x\nB=no-exception", "item T-5: the note has a line break"},
		{"T-5", "deviation\r", "", ""},
		{"T-5", "no-\nexception", "", "item T-5: the result has a line break"},
		{"T=5", "deviation", "", "a key cannot hold '='"},
		{"T-6", "deviation:late", "", `the result "deviation:late" cannot hold ':'`},
		{"T-5\nB", "deviation", "", "a key cannot hold '='"},
	} {
		err := l.Add(c.key, c.result, c.note)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q %q: %v (a trailing line break is trimmed)", c.key, c.result, err)
			}
			continue
		}
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), c.want) {
			t.Errorf("%q %q %q: %v, want %q", c.key, c.result, c.note, err, c.want)
		}
	}
	if len(l.List()) != 4 {
		t.Errorf("a refused item was kept: %+v", l.List())
	}
}

// ItemsText writes item results as the form's lines, one per line, and
// AddLines reads them back (blank lines skipped, a note's colons kept);
// an error names the line as AddText does.
func TestItemsTextRoundTrip(t *testing.T) {
	in := []attest.ItemResult{{Key: "T-1", Result: "no-exception"}, {Key: "T-2", Result: "deviation", Note: "approved late: by 3 days"}, {Key: "T:3", Result: "not-applicable", Note: "retired"}}
	text := fieldwork.ItemsText(in)
	if want := "T-1=no-exception\nT-2=deviation:approved late: by 3 days\nT:3=not-applicable:retired"; text != want {
		t.Errorf("text %q, want %q", text, want)
	}
	var l fieldwork.Items
	if err := l.AddLines("\n" + text + "\n\n"); err != nil {
		t.Fatal(err)
	}
	if got := l.List(); len(got) != 3 || got[0] != in[0] || got[1] != in[1] || got[2] != in[2] {
		t.Errorf("read back %+v", got)
	}
	if fieldwork.ItemsText(nil) != "" {
		t.Error("no items is not an empty text")
	}
	var bad fieldwork.Items
	if err := bad.AddLines("T-1=no-exception\nT-2"); !strings.Contains(attest.ErrorMessage(err), `"T-2": want KEY=RESULT[:NOTE]`) || len(bad.List()) != 1 {
		t.Errorf("a bad line: %v, kept %+v", err, bad.List())
	}
}

// A test whose items were not gathered with Items (the JSON of another
// client, a workflow's caller) is held to the same rules by RecordTest:
// a key given twice is refused before anything is written.
func TestRecordTestRefusesAnItemTwice(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	admin := &attest.User{ID: 1, Email: "admin@example.com", Role: attest.RoleAdmin}
	size, _ := s.LedgerSize(ctx)
	_, err := fieldwork.RecordTest(ctx, fieldwork.Env{}, s, ch, admin, fieldwork.TestRequest{Engagement: "e1", Control: "BX-01", Internal: true, Procedures: []string{"inspection"},
		Items: []attest.ItemResult{{Key: "T-1", Result: "no-exception"}, {Key: "T-1 ", Result: "deviation"}}})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "items: item T-1 is given twice") {
		t.Fatalf("%v", err)
	}
	if n, _ := s.LedgerSize(ctx); n != size {
		t.Fatal("a refused test was written")
	}
}
