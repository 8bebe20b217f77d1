package web

import (
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/training"
)

// acksPage is where acknowledgements stand, per policy and per person,
// outstanding first.
type acksPage struct {
	Layout
	S *ack.Status
}

// acksPage answers /program/acknowledgements and its twin
// /api/v1/acknowledgements (query: policy, person as an e-mail address).
func (s *Server) acksPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	person, err := s.personParam(r)
	if err != nil {
		return err
	}
	st, err := program.Acknowledgements(r.Context(), s.cfg.Store, u, ack.Filter{Policy: r.URL.Query().Get("policy"), Person: person}, s.cfg.Now())
	if err != nil {
		return err
	}
	return s.show(w, r, u, st, "acknowledgements", &acksPage{Layout: Layout{Title: "Policy acknowledgements", MainClass: "people", OrgWide: true}, S: st})
}

// trainingPage is security training per in-scope person, overdue first.
type trainingPage struct {
	Layout
	S *training.Status
}

// trainingPage answers /program/training and its twin /api/v1/training
// (query: person as an e-mail address, course: the courses that count).
func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	person, err := s.personParam(r)
	if err != nil {
		return err
	}
	st, err := program.Training(r.Context(), s.cfg.Store, u, person, r.URL.Query()["course"], s.cfg.Now())
	if err != nil {
		return err
	}
	return s.show(w, r, u, st, "training", &trainingPage{Layout: Layout{Title: "Security training", MainClass: "people", OrgWide: true}, S: st})
}
