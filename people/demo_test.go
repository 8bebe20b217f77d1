package people_test

import (
	"bytes"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

var update = flag.Bool("update", false, "rewrite testdata/roster-demo.csv")

// The demo roster is the same for the same seed (testdata/roster-demo.csv
// is it, for a demo of 2026), imports cleanly, and once applied shows
// every status.
func TestDemoRoster(t *testing.T) {
	d, err := people.DemoRoster(1, 120, "2026-01-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		os.WriteFile("testdata/roster-demo.csv", d.CSV, 0o644)
	}
	want, _ := os.ReadFile("testdata/roster-demo.csv")
	if !bytes.Equal(d.CSV, want) {
		t.Fatal("the demo roster changed: run go test ./people -run TestDemoRoster -update, and look at the diff")
	}
	s := sqlitetest.Create(t)
	bs := sqlitetest.Blobs(t)
	ops, err := s.SaveUser(ctx, change("2026-01-01"), attest.User{Email: "ops@nimbus.example", Name: "Ops", Role: attest.RoleCompliance})
	if err != nil {
		t.Fatal(err)
	}
	_, err = people.Import(ctx, s, change("2026-01-01"), nil, people.ImportRequest{Name: "roster-demo.csv", Data: d.CSV, Options: people.Options{Since: "2026-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	ch := attest.Change{Actor: "demo", At: time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC)}
	n, err := d.Apply(ctx, s, bs, nil, ch, ops.Email)
	if err != nil || n == 0 {
		t.Fatalf("applied %d: %v", n, err)
	}
	items, err := people.Checklist(ctx, s, nil, nil, people.ChecklistQuery{}, ch.At)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, it := range items {
		count[it.Status]++
	}
	if count[people.DoneOnTime] == 0 || count[people.DoneLate] == 0 || count[people.Overdue] == 0 {
		t.Fatalf("statuses: %v", count)
	}
	t.Logf("%d people, %d items: %v", len(d.People), len(items), count)
}
