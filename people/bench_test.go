package people_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// BenchmarkRoster is the roster's progress as management reads it (the
// people page and GET /api/v1/people's source) for 10,000 people hired
// in November, each with the default onboarding items, 20 published
// policies and three in four of each person's policies acknowledged:
// every acknowledgement item is judged, one per person.
func BenchmarkRoster(b *testing.B) {
	s := sqlitetest.Create(b)
	var csv strings.Builder
	csv.WriteString("email,name,start\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&csv, "person%d@example.com,Person %d,2026-11-%02d\n", i, i, 2+i%27)
	}
	if _, err := people.Import(ctx, s, change("2026-11-01"), nil, people.ImportRequest{Name: "roster.csv", Data: []byte(csv.String()), Options: people.Options{Since: "2026-11-01"}}); err != nil {
		b.Fatal(err)
	}
	for j := 0; j < 20; j++ {
		acktest.Publish(b, s, change("2026-10-01"), fmt.Sprintf("policy-%02d", j), "Policy", "v1")
	}
	all, err := s.People(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var rows []string
	n := 0
	flush := func() {
		if len(rows) == 0 {
			return
		}
		if _, err := s.SQL().ExecContext(ctx, `INSERT INTO acknowledgements (id, person_id, policy_id, version, sha256, at, via, note, by_name, entry) VALUES `+strings.Join(rows, ",")); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	for i, p := range all {
		for j := 0; j < 20; j++ {
			if (i+j)%4 != 0 {
				n++
				rows = append(rows, fmt.Sprintf("(%d, %d, 'policy-%02d', 1, 'x', '2026-11-20T10:00:00Z', 'portal', '', 'b', 0)", n, p.ID, j))
			}
		}
		if len(rows) > 2000 {
			flush()
		}
	}
	flush()
	admin := &attest.User{ID: 1, Email: "admin@example.com", Role: attest.RoleAdmin}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cpu := cpuTime()
	for b.Loop() {
		v, err := people.Roster(ctx, s, people.RecordsOf(s, now), admin, people.RosterQuery{}, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(v.People) != 10000 || v.People[0].Progress.Items == 0 {
			b.Fatalf("%d people, first %+v", len(v.People), v.People[0].Progress)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
