package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
)

// builtinChecks compiles the built-in library once, on first use.
var builtinChecks = sync.OnceValue(check.Builtin)

// checksView is the checks page's facts: the built-in checks, every
// recorded run (newest first) and one run in detail.
type checksView struct {
	Checks []*check.Check    `json:"checks"`
	Runs   []attest.Evidence `json:"runs"`
	Run    *check.Run        `json:"run"`
	Failed []check.Result    `json:"failed"`
	Other  []check.Result    `json:"-"`
}

func (s *Server) checksView(r *http.Request) (*checksView, error) {
	v := &checksView{Checks: builtinChecks().Checks, Runs: []attest.Evidence{}, Failed: []check.Result{}}
	evs, err := s.cfg.Store.EvidenceList(r.Context(), "", true)
	if err != nil {
		return nil, err
	}
	sc := scope(r.Context())
	for _, e := range sc.EvidenceList(evs) {
		if e.Method == attest.MethodCheck {
			v.Runs = append(v.Runs, e)
		}
	}
	sort.SliceStable(v.Runs, func(i, j int) bool { return v.Runs[i].ID > v.Runs[j].ID })
	if q := r.URL.Query().Get("run"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return nil, invalid("run: want the evidence number of a check run")
		}
		ev, err := s.cfg.Store.Evidence(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if err := sc.Evidence(ev); err != nil {
			return nil, err
		}
		if ev.Method != attest.MethodCheck {
			return nil, invalid("run: evidence " + q + " is not a check run")
		}
		if ev.PurgedAt != "" {
			return nil, notFound("run: the bytes of check run " + q + " were purged")
		}
		if v.Run, err = check.ReadRun(s.cfg.Blobs, ev); err != nil {
			return nil, err
		}
	} else if v.Run, err = s.latestRun(r.Context()); err != nil {
		return nil, err
	} else if v.Run != nil && !sc.All() && !slices.ContainsFunc(v.Runs, func(e attest.Evidence) bool { return e.ID == *v.Run.Evidence }) {
		v.Run = nil // the latest run supports none of the auditor's controls
	}
	if v.Run != nil {
		for _, res := range v.Run.Results {
			if res.Status == check.StatusFail || res.Status == check.StatusError {
				v.Failed = append(v.Failed, res)
			} else {
				v.Other = append(v.Other, res)
			}
		}
	}
	return v, nil
}

// checksPage shows the built-in checks and the recorded runs; its JSON
// twin answers the checksView.
func (s *Server) checksPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	v, err := s.checksView(r)
	if err != nil {
		return err
	}
	return s.show(w, r, u, v, "checks", &checksData{Layout: Layout{Title: "Checks"}, V: v})
}

// checksData is the checks page: the run shown and the runs recorded.
type checksData struct {
	Layout
	V *checksView
}
