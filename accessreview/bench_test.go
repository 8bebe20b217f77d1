package accessreview_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/postgres"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// Accounts generates n accounts per system across systems: about one in
// twenty privileged, held by people on a roster of n people with ten
// managers; one in fifty is not on the roster.
func Accounts(systems, n int) (map[string][]accessreview.Account, accessreview.Roster) {
	out := map[string][]accessreview.Account{}
	roster := accessreview.Roster{}
	for p := 0; p < n; p++ {
		e := fmt.Sprintf("p%06d@example.com", p)
		if p%50 != 49 {
			roster[e] = accessreview.Person{Email: e, Manager: fmt.Sprintf("m%d@example.com", p%10), Status: "active"}
		}
	}
	for s := 0; s < systems; s++ {
		sys := fmt.Sprintf("system-%d", s)
		accts := make([]accessreview.Account, n)
		for p := range accts {
			a := accessreview.Account{System: sys, Account: fmt.Sprintf("u%06d", p), Person: fmt.Sprintf("p%06d@example.com", p),
				Roles: []string{"member"}, Entitlements: []string{"read", "write"}}
			if p%20 == 0 {
				a.Roles, a.Privileged = []string{"admin"}, true
			}
			accts[p] = a
		}
		out[sys] = accts
	}
	return out, roster
}

// BenchmarkReview100k runs an access review of 100,000 accounts across 5
// systems on SQLite, one campaign per system of 20,000 accounts each: it
// starts, assigns (by manager, the owner for the rest) and reads the
// status of every campaign, then verifies the ledger against the
// database (integrity.Check, which recomputes each bulk act's digest).
// The figures are per whole review (all five campaigns).
func BenchmarkReview100k(b *testing.B) {
	benchReview(b, func(b *testing.B) attest.Store { return sqlitetest.Create(b) })
}

// BenchmarkReview100kPostgres is the same on PostgreSQL (a fresh database
// on the server ATTEST_TEST_POSTGRES names; skipped without one).
func BenchmarkReview100kPostgres(b *testing.B) {
	base := os.Getenv("ATTEST_TEST_POSTGRES")
	if base == "" {
		b.Skip("no PostgreSQL server: set ATTEST_TEST_POSTGRES")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	benchReview(b, func(b *testing.B) attest.Store {
		name := fmt.Sprintf("attest_bench_review_%d_%d", os.Getpid(), time.Now().UnixNano())
		if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
		u, err := url.Parse(base)
		if err != nil {
			b.Fatal(err)
		}
		u.Path = "/" + name
		db, err := postgres.Open(ctx, u.String())
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}

func benchReview(b *testing.B, open func(b *testing.B) attest.Store) {
	const systems, per = 5, 20000
	bySystem, roster := Accounts(systems, per)
	var start, assign, status, verify, cpuStart, cpuAssign, cpuStatus, cpuVerify time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := open(b)
		for _, e := range []string{"owner@example.com", "m0@example.com", "m1@example.com", "m2@example.com", "m3@example.com", "m4@example.com",
			"m5@example.com", "m6@example.com", "m7@example.com", "m8@example.com", "m9@example.com"} {
			if _, err := db.SaveUser(ctx, ch, attest.User{Email: e, Name: e, Role: attest.RoleOwner}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		var ids []int64
		t0, c0 := time.Now(), cpu()
		for s := 0; s < systems; s++ {
			sys := fmt.Sprintf("system-%d", s)
			c, _, err := accessreview.Start(ctx, db, ch, nil, accessreview.StartRequest{System: sys, Accounts: bySystem[sys], Roster: roster,
				Listing: attest.Listing{Source: "generated", ExtractedAt: "2026-04-01"}})
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		t1, c1 := time.Now(), cpu()
		for _, id := range ids {
			if _, err := accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Owner: "owner@example.com", ByManager: true}); err != nil {
				b.Fatal(err)
			}
		}
		t2, c2 := time.Now(), cpu()
		for _, id := range ids {
			st, err := accessreview.LoadStatus(ctx, db, id, ch.At)
			if err != nil {
				b.Fatal(err)
			}
			if st.Campaign.Accounts != per || len(st.Reviewers) != 11 {
				b.Fatalf("status %d accounts, %d reviewers", st.Campaign.Accounts, len(st.Reviewers))
			}
		}
		t3, c3 := time.Now(), cpu()
		// attest verify's replay, which recomputes every batch's digest
		// from the rows.
		r, err := integrity.Check(ctx, integrity.Input{Store: db})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range r.Problems {
			if strings.Contains(p.Detail, "access review") {
				b.Fatalf("verify: %s", p.Detail)
			}
		}
		t4, c4 := time.Now(), cpu()
		start, assign, status, verify = start+t1.Sub(t0), assign+t2.Sub(t1), status+t3.Sub(t2), verify+t4.Sub(t3)
		cpuStart, cpuAssign, cpuStatus, cpuVerify = cpuStart+c1-c0, cpuAssign+c2-c1, cpuStatus+c3-c2, cpuVerify+c4-c3
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	n := time.Duration(b.N)
	b.ReportMetric((start / n).Seconds(), "start-s")
	b.ReportMetric((assign / n).Seconds(), "assign-s")
	b.ReportMetric((status / n).Seconds(), "status-s")
	b.ReportMetric((verify / n).Seconds(), "verify-s")
	b.ReportMetric((cpuStart / n).Seconds(), "start-cpu-s")
	b.ReportMetric((cpuAssign / n).Seconds(), "assign-cpu-s")
	b.ReportMetric((cpuStatus / n).Seconds(), "status-cpu-s")
	b.ReportMetric((cpuVerify / n).Seconds(), "verify-cpu-s")
}

// cpu is the process's CPU time (user and system) so far: on a shared
// machine it says what the work cost when the wall clock also counts
// waiting for a core.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
