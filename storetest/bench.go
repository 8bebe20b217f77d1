package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
)

// BenchmarkImportEvents measures a bulk import: each operation imports a
// population of rows events for a new control in one transaction (one
// ledger entry; PostgreSQL writes the rows with COPY).
func BenchmarkImportEvents(b *testing.B, s attest.Store, rows int) {
	events := make([]attest.Event, rows)
	for i := range events {
		events[i] = attest.Event{Key: fmt.Sprintf("CHG-%07d", i), Date: "2026-04-01", Description: "change deployed to production", Source: "changes.csv"}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.ImportEvents(ctx, attest.Change{Actor: "bench", At: time.Now()}, fmt.Sprintf("CHG-%04d", i), events); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkJobClaims measures the job queue: b.N jobs claimed and
// completed by `workers` concurrent workers.
func BenchmarkJobClaims(b *testing.B, s attest.Store, workers int) {
	now := time.Now()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.EnqueueJob(ctx, attest.Job{Kind: "check-run"}, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for {
				j, err := s.ClaimJob(ctx, name, []string{"check-run"}, now, time.Hour)
				if attest.ErrorCode(err) == attest.ENOTFOUND {
					return
				}
				if err == nil {
					err = s.CompleteJob(ctx, j.Lease(), now, nil)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(fmt.Sprint("w", w))
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}
