package web

import (
	"time"

	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/readiness"
)

func (s *Server) today() time.Time {
	t := s.cfg.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// engagementView is the dashboard's view of one engagement
// (dashboard.Engagement) with the first of its long lists, for the page.
type engagementView struct {
	*dashboard.View
	TopGaps    []readiness.Gap        `json:"-"`
	MoreGaps   int                    `json:"-"`
	TopMissed  []dashboard.Occurrence `json:"-"`
	MoreMissed int                    `json:"-"`
}

// shown is d with the first of its long lists, for the page.
func shown(d *dashboard.View) *engagementView {
	v := &engagementView{View: d}
	v.TopGaps, v.MoreGaps = firstOf(d.Readiness.Gaps, 15)
	v.TopMissed, v.MoreMissed = firstOf(d.Missed, 15)
	return v
}

// firstOf is the first n of l and how many more there are.
func firstOf[T any](l []T, n int) ([]T, int) {
	if len(l) <= n {
		return l, 0
	}
	return l[:n], len(l) - n
}
