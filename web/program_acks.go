package web

import (
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/program"
	"github.com/attest-dev/attest/training"
)

// personStatus is a program page that shows one status, S, for every
// in-scope person or the one the query names: acknowledgements (S an
// ack.Status), training (S a training.Status); People are the rows of
// S's people on this page.
type personStatus[T, P any] struct {
	Layout
	S      *T
	People []P
	Pager  pager
}

// showPersonStatus answers such a page: the person the query names
// (program.PersonID), the status read for them (or for everyone), and the page
// name titled title with a page of the status's people, or its JSON twin.
func showPersonStatus[T, P any](s *Server, w http.ResponseWriter, r *http.Request, u *attest.User, name, title string, read func(person int64) (*T, error), people func(*T) []P) error {
	person, err := program.PersonID(r.Context(), s.cfg.Store, r.URL.Query().Get("person"))
	if err != nil {
		return err
	}
	st, err := read(person)
	if err != nil {
		return err
	}
	p := &personStatus[T, P]{Layout: Layout{Title: title, MainClass: "people", OrgWide: true}, S: st}
	p.People, p.Pager = paged(people(st), r.URL.Query())
	return s.show(w, r, u, st, name, p)
}

// acksPage answers /program/acknowledgements and its twin
// /api/v1/acknowledgements: where acknowledgements stand, per policy and
// per person, outstanding first (query: policy, person as an e-mail
// address).
func (s *Server) acksPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return showPersonStatus(s, w, r, u, "acknowledgements", "Policy acknowledgements", func(person int64) (*ack.Status, error) {
		f := ack.Filter{Policy: r.URL.Query().Get("policy"), Person: person}
		return program.Acknowledgements(r.Context(), s.cfg.Store, u, f, s.cfg.Now())
	}, func(st *ack.Status) []ack.PersonStatus { return st.People })
}

// trainingPage answers /program/training and its twin /api/v1/training:
// security training per in-scope person, overdue first (query: person as
// an e-mail address, course: the courses that count).
func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return showPersonStatus(s, w, r, u, "training", "Security training", func(person int64) (*training.Status, error) {
		return program.Training(r.Context(), s.cfg.Store, u, person, r.URL.Query()["course"], s.cfg.Now())
	}, func(st *training.Status) []training.PersonStatus { return st.People })
}
