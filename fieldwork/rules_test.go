package fieldwork_test

import (
	"context"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/sample"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// TestRollForwardSize checks the roll-forward sizes against figures
// worked by hand. The period is 2026-01-01..2026-12-31 (365 days).
func TestRollForwardSize(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, ch, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	ev := attest.EventDriven
	if _, err := s.UpdateControl(ctx, ch, "e1", "BX-01", attest.ControlUpdate{Frequency: &ev}); err != nil {
		t.Fatal(err)
	}
	pop := func(control string, rows int, first string) *attest.Population {
		p, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: control, Ref: "sha256:" + first, Name: "p.csv", Format: "csv", Rows: rows, KeyColumn: "id", FirstDate: first, LastDate: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	interim := func(control string, p *attest.Population, to string) {
		d, err := s.AddDraw(ctx, ch, attest.Draw{EngagementID: "e1", ControlID: control, PopulationID: p.ID, Seed: "s", Size: 1, Rule: "r", Items: []string{"x"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddTest(ctx, ch, attest.Test{EngagementID: "e1", ControlID: control, Procedures: []string{"inspection"}, DrawID: d.ID, Items: []attest.ItemResult{{Key: "x", Result: "no-exception"}},
			Conclusion: "no-exceptions", Wording: "No exceptions noted.", From: "2026-01-01", To: to}); err != nil {
			t.Fatal(err)
		}
	}
	profile := sample.DefaultProfile()
	size := func(control string, p *attest.Population) sample.Size {
		c, _ := s.Control(ctx, "e1", control)
		sz, err := fieldwork.SizeRule(ctx, s, profile, e, c, p)
		if err != nil {
			t.Fatal(err)
		}
		return sz
	}
	// Event-driven: 200 changes to 2026-09-30, then 40 more. The period's
	// size is the table's for 240 items: 25. The remainder is 92 of 365
	// days: 25 x 92 / 365 = 6.3, so 7; the table's size for 40 items is 5,
	// under 7: 7.
	interim("BX-01", pop("BX-01", 200, "2026-01-02"), "2026-09-30")
	rest := pop("BX-01", 40, "2026-10-01")
	if sz := size("BX-01", rest); sz.Size != 7 {
		t.Errorf("event-driven roll-forward: %+v, want 7", sz)
	}
	// Only 6 items in the remainder: all 6 are taken.
	if sz := size("BX-01", pop("BX-01", 6, "2026-10-02")); sz.Size != 6 {
		t.Errorf("small remainder: %+v, want every item (6)", sz)
	}
	// A population that is not after the interim test is not a roll-forward:
	// 30 items in the table is 5.
	if sz := size("BX-01", pop("BX-01", 30, "2026-05-01")); sz.Size != 5 {
		t.Errorf("not a roll-forward: %+v, want 5", sz)
	}
	// Quarterly (2 a period) tested to 2026-06-30: 2 x 184 / 365 = 1.01, so
	// 2, and the table's minimum for 2 items is 2: 2.
	interim("AX-01", pop("AX-01", 2, "2026-03-31"), "2026-06-30")
	if sz := size("AX-01", pop("AX-01", 2, "2026-09-30")); sz.Size != 2 {
		t.Errorf("quarterly roll-forward: %+v, want 2", sz)
	}
}
