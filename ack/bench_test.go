package ack_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// BenchmarkStatus is the status of 10,000 people × 20 policies on SQLite
// (issue 18's benchmark: under 1 s), read from the store and computed.
// Three people in four acknowledged each policy's version 1, one in four
// of those acknowledged version 2 after it; the acknowledgements are
// written by SQL for speed (their ledger entries are not what is
// measured).
func BenchmarkStatus(b *testing.B) {
	s := sqlitetest.Create(b)
	people := acktest.People(b, s, change(1), 10000, "2025-06-01")
	for i := 0; i < 20; i++ {
		id := fmt.Sprintf("policy-%02d", i)
		acktest.Publish(b, s, change(2), id, "Policy", "v1")
		acktest.Publish(b, s, change(3), id, "Policy", "v2")
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
	for i, p := range people {
		for j := 0; j < 20; j++ {
			if (i+j)%4 == 0 {
				continue
			}
			for v := 1; v <= 1+((i+j)%3)/2; v++ {
				n++
				rows = append(rows, fmt.Sprintf("(%d, %d, 'policy-%02d', %d, 'x', '2026-03-04T00:00:00Z', 'portal', '', 'b', 0)", n, p.ID, j, v))
			}
		}
		if len(rows) > 2000 {
			flush()
		}
	}
	flush()
	cpu := cpuTime()
	for b.Loop() {
		st, err := ack.Load(ctx, s, "2026-04-15", ack.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		if st.Total.Asked != 200000 {
			b.Fatalf("asked %d", st.Total.Asked)
		}
	}
	// The machine the figures come from is shared: the CPU time spent
	// (user and system) says what one status costs when wall time
	// includes waiting for a core.
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
