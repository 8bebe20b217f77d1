package trust

import (
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestTallies(t *testing.T) {
	docs := []Shared{{Document: attest.Document{ID: 7}, Label: "SOC 3"}}
	counts := []attest.PublicDownloads{
		{DocumentID: 7, Day: "2026-10-01", Count: 4},
		{DocumentID: 9, Day: "2026-11-20", Count: 1},
		{DocumentID: 7, Day: "2026-11-29", Count: 2},
		{DocumentID: 7, Day: "2026-11-01", Count: 3},
	}
	got := tallies(counts, docs, time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC))
	if len(got) != 2 || got[0].DocumentID != 7 || got[0].Doc == nil || got[0].Doc.Label != "SOC 3" || got[1].Doc != nil {
		t.Fatalf("tallies %+v", got)
	}
	// 30 days to 2026-11-30 start on 2026-11-01.
	if got[0].Total != 9 || got[0].Recent != 5 || got[1].Total != 1 || got[1].Recent != 1 {
		t.Errorf("totals %+v", got)
	}
	days := []string{}
	for _, d := range got[0].Days {
		days = append(days, d.Day)
	}
	if diff := cmp.Diff([]string{"2026-11-29", "2026-11-01", "2026-10-01"}, days); diff != "" {
		t.Errorf("days, newest first (-want +got):\n%s", diff)
	}
}
