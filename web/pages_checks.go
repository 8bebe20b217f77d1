package web

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
)

// builtinChecks compiles the built-in library once, on first use.
var builtinChecks = sync.OnceValue(check.Builtin)

// checksView is the checks page's facts: the built-in checks, every
// recorded run the reader may see (newest first) and one run in detail.
type checksView struct {
	Checks []*check.Check `json:"checks"`
	*check.RunsView
}

func (s *Server) checksView(r *http.Request) (*checksView, error) {
	var id int64
	if q := r.URL.Query().Get("run"); q != "" {
		var err error
		if id, err = strconv.ParseInt(q, 10, 64); err != nil || id <= 0 {
			return nil, invalid("run: want the evidence number of a check run")
		}
	}
	runs, err := check.ReadRuns(r.Context(), s.cfg.Store, s.cfg.Blobs, scope(r.Context()), id)
	if err != nil {
		return nil, err
	}
	return &checksView{Checks: builtinChecks().Checks, RunsView: runs}, nil
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
