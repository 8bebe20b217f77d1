// Command tenants simulates a multi-tenant Attest service, where it cannot
// be measured on this machine: thousands of organizations, each with its own
// ledger (its own write lock), sharing PostgreSQL servers and a pool of job
// workers. Service times come from the figures measured here (flags, with
// bench/store.sh and bench/checks.sh defaults).
//
// The model, per simulated day:
//   - every organization has one nightly collection and one check run;
//     the check run follows the collection. A job's time is the claim
//     (a database transaction) plus its work: a collection waits on the
//     source's API; a check run evaluates the organization's resources
//     against 41 checks at the measured resource-checks per second per core.
//   - jobs are due either all at 00:00 (every schedule slot the same, the
//     default of a 24h schedule) or spread evenly over the night (a per-
//     organization offset); W workers take due jobs oldest first.
//   - uploads: U evidence records per organization per day in an 8-hour
//     working day; each is one ledger append. An organization's appends
//     are serialized by its own lock; appends of different organizations
//     run in parallel, bounded by the database's transaction rate, which
//     grows with cores as pgbench's does.
//
// It prints, per organizations and workers: how long the night's jobs take
// (makespan), the 95th-percentile wait of a job, and the database's
// utilization at the daytime peak.
package main

import (
	"container/heap"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

type job struct {
	due, work float64 // seconds
	next      *job    // runs after this one (a check run after its collection)
}

type jobQueue []*job

func (q jobQueue) Len() int           { return len(q) }
func (q jobQueue) Less(i, j int) bool { return q[i].due < q[j].due }
func (q jobQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *jobQueue) Push(x any)        { *q = append(*q, x.(*job)) }
func (q *jobQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

type workerHeap []float64 // when each worker is free

func (h workerHeap) Len() int           { return len(h) }
func (h workerHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h workerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *workerHeap) Push(x any)        { *h = append(*h, x.(float64)) }
func (h *workerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type params struct {
	claim, collect, rcps float64
	resources, checks    int
	night                float64
	spread               bool
}

// night simulates one night's jobs and returns the makespan, the 95th
// percentile wait and the total work, in seconds.
func night(orgs, workers int, p params, r *rand.Rand) (float64, float64, float64) {
	q := &jobQueue{}
	for i := 0; i < orgs; i++ {
		due := 0.0
		if p.spread {
			due = p.night * float64(i) / float64(orgs)
		}
		// Resources vary by organization: from a tenth to twice the mean.
		res := float64(p.resources) * (0.1 + 1.9*r.Float64())
		check := &job{work: p.claim + res*float64(p.checks)/p.rcps}
		heap.Push(q, &job{due: due, work: p.claim + p.collect*(0.5+r.Float64()), next: check})
	}
	free := &workerHeap{}
	for i := 0; i < workers; i++ {
		heap.Push(free, 0.0)
	}
	var waits []float64
	end, total := 0.0, 0.0
	for q.Len() > 0 {
		j := heap.Pop(q).(*job)
		w := heap.Pop(free).(float64)
		start := max(w, j.due)
		waits = append(waits, start-j.due)
		done := start + j.work
		end = max(end, done)
		total += j.work
		heap.Push(free, done)
		if j.next != nil {
			j.next.due = done
			heap.Push(q, j.next)
		}
	}
	sort.Float64s(waits)
	return end, waits[len(waits)*95/100], total
}

func main() {
	var p params
	flag.Float64Var(&p.claim, "claim", 1/229.6, "seconds per job claim and completion (bench/store.sh, PostgreSQL)")
	flag.Float64Var(&p.collect, "collect", 20, "mean seconds a collection waits on the source's API")
	flag.Float64Var(&p.rcps, "rcps", 799000/2.0, "resource-checks per second per worker (bench/checks.sh on 2 cores, halved)")
	flag.IntVar(&p.resources, "resources", 5000, "mean resources per organization")
	flag.IntVar(&p.checks, "checks", 41, "checks per run")
	nightHours := flag.Float64("night", 6, "hours the nightly jobs may be spread over")
	uploads := flag.Float64("uploads", 200, "evidence uploads per organization per working day")
	appendTPS := flag.Float64("append-tps", 1193, "ledger appends per second on PostgreSQL with one writer (bench/store.sh); appends of different organizations scale with db-cores")
	cores := flag.Int("db-cores", 16, "cores of the PostgreSQL server (appends of different organizations scale with cores)")
	flag.Parse()
	p.night = *nightHours * 3600
	r := rand.New(rand.NewPCG(1, 2))
	fmt.Printf("claim %.2f ms, collection %.0f s, check run %.0f resources x %d checks at %.0f resource-checks/s per worker\n\n",
		p.claim*1000, p.collect, float64(p.resources), p.checks, p.rcps)
	fmt.Println("| organizations | worker-hours per night | workers | all due at 00:00: done after | p95 wait | spread over the night: p95 wait | workers busy | daytime peak appends/s | database busy |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, orgs := range []int{100, 1000, 5000, 20000} {
		for _, workers := range []int{2, 8, 32, 128} {
			if workers > orgs {
				continue
			}
			p.spread = false
			m1, w1, total := night(orgs, workers, p, r)
			p.spread = true
			_, w2, _ := night(orgs, workers, p, r)
			busy := 100 * total / (float64(workers) * p.night)
			// Daytime: uploads in 8 hours, the peak hour twice the mean.
			peak := float64(orgs) * *uploads / (8 * 3600) * 2
			capacity := *appendTPS * float64(*cores)
			fmt.Printf("| %d | %.1f | %d | %s | %s | %s | %.0f%% | %.1f | %.1f%% |\n", orgs, total/3600, workers, dur(m1), dur(w1), dur(w2), busy, peak, 100*peak/capacity)
		}
	}
}

func dur(s float64) string {
	d := (time.Duration(s) * time.Second).Round(time.Minute)
	if d < time.Minute {
		return "< 1m"
	}
	return strings.TrimSuffix(d.String(), "0s")
}
