package fieldwork_test

import (
	"context"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/sample"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

// ControlSize answers what a draw would take (SizeRule), from the size
// given or the control's latest population, and the frequency's size
// when a periodic control has none.
func TestControlSize(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	e := storetest.Engagement("e1")
	ctls := storetest.Controls(3)
	ctls[1].Frequency = attest.EventDriven
	if err := s.CreateEngagement(ctx, ch, e, ctls); err != nil {
		t.Fatal(err)
	}
	size := func(control string, population int) (int, string, error) {
		sz, err := fieldwork.ControlSize(ctx, s, e, control, population)
		return sz.Size, sz.Rule, err
	}
	// Quarterly, no population: the table's size for a quarterly control.
	if n, rule, err := size("ax-01", -1); err != nil || n != 2 || !strings.Contains(rule, "quarterly") {
		t.Errorf("quarterly: %d %q %v, want 2 by the quarterly rule", n, rule, err)
	}
	// A population of one caps it: tested whole.
	if n, rule, err := size("AX-01", 1); err != nil || n != 1 || !strings.Contains(rule, "every item is tested") {
		t.Errorf("quarterly, one item: %d %q %v", n, rule, err)
	}
	// Event-driven with no population: refused, naming the control.
	if _, _, err := size("BX-01", -1); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "BX-01 is event-driven") {
		t.Errorf("event-driven without a population: %v", err)
	}
	// Its latest imported population sizes it: 240 items, 25 by the table.
	for _, rows := range []int{10, 240} {
		if _, err := s.AddPopulation(ctx, ch, attest.Population{ControlID: "BX-01", Ref: "sha256:p", Name: "p.csv", Format: "csv", Rows: rows, KeyColumn: "id"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, err := size("BX-01", -1); err != nil || n != 25 {
		t.Errorf("event-driven, latest population of 240: %d %v, want 25", n, err)
	}
	if _, _, err := size("ZZ-01", -1); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("unknown control: %v", err)
	}
}

// A test of one is offered only for an automated control whose logical
// access and change management controls are both named.
func TestTestOfOneSize(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	e := storetest.Engagement("e1")
	ctls := storetest.Controls(3)
	ctls[0].Nature = attest.Automated
	ctls[2].Criteria = []string{"CC8.1"}
	if err := s.CreateEngagement(ctx, ch, e, ctls); err != nil {
		t.Fatal(err)
	}
	sz, err := fieldwork.TestOfOneSize(ctx, s, e, "AX-01", []string{"bx-01", " CX-01"})
	if err != nil || sz.Size != 1 || !strings.Contains(sz.Rule, "relies on BX-01, CX-01") {
		t.Errorf("test of one: %+v %v", sz, err)
	}
	if _, err := fieldwork.TestOfOneSize(ctx, s, e, "AX-01", []string{"BX-01"}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "change-management") {
		t.Errorf("without a change-management control: %v", err)
	}
	if _, err := fieldwork.TestOfOneSize(ctx, s, e, "BX-01", []string{"BX-01", "CX-01"}); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "not automated") {
		t.Errorf("a manual control: %v", err)
	}
}

// Size: each kind of question answered by its rule, capped by the
// population given; the firm's table read when a store is at hand; each
// refusal naming what is wrong.
func TestSize(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, attest.Change{Actor: "t"}, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    fieldwork.SizeQuery
		n    int
		says string
	}{
		{fieldwork.SizeQuery{Confidence: "95", Tolerable: "5", Population: -1}, 59, "95% confidence"},
		{fieldwork.SizeQuery{Confidence: "0.95", Tolerable: "0.05", Population: 10}, 10, "every item is tested"},
		{fieldwork.SizeQuery{Frequency: "quarterly", Population: -1}, 2, "quarterly"},
		{fieldwork.SizeQuery{Frequency: "daily", Population: 20}, 20, "every item is tested"},
		{fieldwork.SizeQuery{Population: 3}, 2, "event-driven"},
		{fieldwork.SizeQuery{Control: "ax-01", Population: -1}, 2, "quarterly"},
	} {
		got, err := fieldwork.Size(ctx, s, nil, e, tc.q)
		if err != nil || got.Size != tc.n || !strings.Contains(got.Rule, tc.says) {
			t.Errorf("%+v: %+v %v, want %d saying %q", tc.q, got, err, tc.n, tc.says)
		}
	}
	// The firm's own table, when a store holds one.
	if err := s.SetSetting(ctx, sample.ProfileSetting, `{"name":"Firm","by_frequency":{"quarterly":3},"event_driven":[{"max":0,"size":40}]}`); err != nil {
		t.Fatal(err)
	}
	if got, err := fieldwork.Size(ctx, nil, s, nil, fieldwork.SizeQuery{Frequency: "quarterly", Population: -1}); err != nil || got.Size != 3 {
		t.Errorf("the firm's table: %+v %v", got, err)
	}
	for _, tc := range []struct {
		q    fieldwork.SizeQuery
		says string
	}{
		{fieldwork.SizeQuery{Confidence: "1.5", Tolerable: "5", Population: -1}, "confidence: confidence 1.5"},
		{fieldwork.SizeQuery{Confidence: "95", Tolerable: "0.5", Population: -1}, "tolerable: "},
		{fieldwork.SizeQuery{Confidence: "95", Population: -1}, "need both confidence and tolerable"},
		{fieldwork.SizeQuery{Frequency: "event-driven", Population: -1}, "sized by population"},
		{fieldwork.SizeQuery{TestOfOne: true, Population: -1}, "a test of one is for one control"},
		{fieldwork.SizeQuery{Population: -1}, "say what to size"},
		{fieldwork.SizeQuery{Frequency: "monthly", Population: -2}, "want 0 or more"},
	} {
		if _, err := fieldwork.Size(ctx, s, nil, e, tc.q); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), tc.says) {
			t.Errorf("%+v: %v, want refused saying %q", tc.q, err, tc.says)
		}
	}
}
