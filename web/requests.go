package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/fieldwork"
)

// Evidence requests: the auditor asks (control, what, for which items, by
// when); staff answer with comments and by linking evidence; the auditor
// closes the request after review. Every change and comment is a ledger
// entry.

// requestsAsked is the engagement of the request, the status asked for
// (query: status) and its requests: what the page and the API list.
func (s *Server) requestsAsked(r *http.Request) (*attest.Engagement, string, []fieldwork.Listed, error) {
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, "", nil, err
	}
	st := r.URL.Query().Get("status")
	vs, err := fieldwork.Requests(r.Context(), s.cfg.Store, scope(r.Context()), e.ID, st, s.cfg.Now().UTC().Format(attest.DateLayout))
	return e, st, vs, err
}

// requestsPage lists an engagement's requests; its JSON twin answers
// them with whether each is overdue.
func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, st, vs, err := s.requestsAsked(r)
	if underAPI(r) {
		return answerJSON(w, vs, err)
	}
	if err != nil {
		return err
	}
	ctls, err := s.cfg.Store.Controls(r.Context(), e.ID)
	if err != nil {
		return err
	}
	open, overdue := 0, 0
	for _, v := range vs {
		if v.Overdue {
			overdue++
		}
		if v.Status == "open" {
			open++
		}
	}
	return s.render(w, r, "requests", u, &requestsData{Layout: Layout{Title: "Requests: " + e.ID, SignEngagement: signing(u, e)}, E: e, Requests: vs, Status: st, Open: open, Overdue: overdue,
		Controls: ctls, IsAuditor: fieldwork.Audits(u)})
}

// requestsData is an engagement's requests, filtered by status, with how
// many are open and overdue, and the form for a new one.
type requestsData struct {
	Layout
	E             *attest.Engagement
	Requests      []fieldwork.Listed
	Status        string
	Open, Overdue int
	Controls      []attest.Control
	IsAuditor     bool
}

// request finds the path's request within the path's engagement.
func (s *Server) request(r *http.Request) (*attest.Engagement, *attest.Request, error) {
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathNumber(r, "req")
	if err != nil {
		return nil, nil, err
	}
	q, err := fieldwork.OpenRequest(r.Context(), s.cfg.Store, e.ID, id)
	return e, q, err
}

// requestPage shows a request with its thread; its JSON twin answers
// the fieldwork.Detail.
func (s *Server) requestPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	d, err := fieldwork.ReadRequest(r.Context(), s.cfg.Store, scope(r.Context()), q, s.cfg.Now().UTC().Format(attest.DateLayout))
	if underAPI(r) {
		return answerJSON(w, d, err)
	}
	if err != nil {
		return err
	}
	// The control's evidence, for staff to link.
	var choices []attest.Evidence
	if fieldwork.MayAnswer(u) {
		choices, err = evidence.List(r.Context(), s.cfg.Store, scope(r.Context()), q.ControlID, false)
		if err != nil {
			return err
		}
	}
	return s.render(w, r, "request", u, &requestData{Layout: Layout{Title: fmt.Sprintf("Request %d", q.ID), SignEngagement: signing(u, e)}, E: e, Q: q, Overdue: d.Overdue, Comments: d.Comments,
		Linked: d.Evidence, Choices: choices, Items: strings.Join(q.Items, ", "),
		IsAuditor: fieldwork.Audits(u), IsStaff: fieldwork.MayAnswer(u), CanComment: fieldwork.MayComment(u)})
}

// requestData is one request's page: its comments, the evidence linked
// and, for staff, the control's evidence to link.
type requestData struct {
	Layout
	E                              *attest.Engagement
	Q                              *attest.Request
	Overdue                        bool
	Comments                       []attest.Comment
	Linked, Choices                []attest.Evidence
	Items                          string
	IsAuditor, IsStaff, CanComment bool
}

// createRequest is the auditor's request for evidence.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Request, error) {
		return fieldwork.CreateRequest(r.Context(), env, s.cfg.Store, ch, u, fieldwork.NewRequest{Engagement: r.PathValue("id"),
			Control: in.str("control"), Text: strings.Join(in["text"], "\n"), Items: in.list("items"), Due: in.str("due"), Seal: sealOf(in)})
	}, requestPage)
}

// requestPage is where a request shows.
func requestPage(q *attest.Request) string {
	return fmt.Sprintf("/fieldwork/%s/requests/%d", q.EngagementID, q.ID)
}

// requestForm is the request an act on one request is about (s.request),
// then the act's input.
func (s *Server) requestForm(w http.ResponseWriter, r *http.Request) (*attest.Request, formInput, error) {
	_, q, err := s.request(r)
	if err != nil {
		return nil, nil, err
	}
	in, err := readFormInput(w, r)
	return q, in, err
}

// comment adds to a request's thread: the auditor and the staff talk there.
func (s *Server) comment(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	q, in, err := s.requestForm(w, r)
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Comment, error) {
		return fieldwork.Comment(r.Context(), env, s.cfg.Store, ch, u, q, strings.Join(in["text"], "\n"))
	}, func(c *attest.Comment) string {
		return fmt.Sprintf("%s#comment-%d", requestPage(q), c.ID)
	})
}

// answer links evidence to a request, which is then fulfilled and waits
// for the auditor's review.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	q, in, err := s.requestForm(w, r)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range in.list("evidence") {
		id, err := formInput{"evidence": {v}}.id("evidence")
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	saved, err := fieldwork.Answer(r.Context(), s.cfg.Store, s.actorChange(u), u, q, ids)
	if err != nil {
		return err
	}
	return s.written(w, r, http.StatusOK, saved, requestPage(q), "")
}

// closeRequest is the auditor's, after review.
func (s *Server) closeRequest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	q, in, err := s.requestForm(w, r)
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusOK, func(env fieldwork.Env, ch attest.Change) (*attest.Request, error) {
		return fieldwork.CloseRequest(r.Context(), env, s.cfg.Store, ch, u, q, sealOf(in))
	}, requestPage)
}
