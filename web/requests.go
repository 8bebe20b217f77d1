package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/attest-dev/attest"
)

// Evidence requests: the auditor asks (control, what, for which items, by
// when); staff answer with comments and by linking evidence; the auditor
// closes the request after review. Every change and comment is a ledger
// entry.

// requestView is a request with whether it is overdue.
type requestView struct {
	attest.Request
	Overdue bool `json:"overdue"`
}

func (s *Server) requestViews(ctx context.Context, e *attest.Engagement, status string) ([]requestView, error) {
	rs, err := s.cfg.Store.Requests(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	today := s.cfg.Now().UTC().Format(attest.DateLayout)
	out := []requestView{}
	for _, r := range rs {
		v := requestView{r, r.Status == "open" && r.Due != "" && r.Due < today}
		switch status {
		case "", "all":
		case "overdue":
			if !v.Overdue {
				continue
			}
		default:
			if r.Status != status {
				continue
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func requestStatus(r *http.Request) (string, error) {
	st := r.URL.Query().Get("status")
	switch st {
	case "", "all", "open", "overdue", "fulfilled", "closed":
		return st, nil
	}
	return "", fieldError("status", "%q: want open, overdue, fulfilled, closed or all", st)
}

func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	st, err := requestStatus(r)
	if err != nil {
		return err
	}
	vs, err := s.requestViews(r.Context(), e, st)
	if err != nil {
		return err
	}
	ctls, err := s.cfg.Store.Controls(r.Context(), e.ID)
	if err != nil {
		return err
	}
	type row struct {
		requestView
		Shown string
	}
	rows := []row{}
	open, overdue := 0, 0
	for _, v := range vs {
		shown := v.Status
		if v.Overdue {
			shown, overdue = "overdue", overdue+1
		}
		if v.Status == "open" {
			open++
		}
		rows = append(rows, row{v, shown})
	}
	return s.render(w, r, "requests", u, map[string]any{"Title": "Requests: " + e.ID, "User": u, "E": e, "Requests": rows, "Status": st, "Open": open, "Overdue": overdue,
		"Controls": ctls, "IsAuditor": u.Role == attest.RoleAuditor})
}

func (s *Server) apiRequests(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	st, err := requestStatus(r)
	if err != nil {
		return err
	}
	vs, err := s.requestViews(r.Context(), e, st)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, vs)
	return nil
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
	q, err := s.cfg.Store.Request(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if q.EngagementID != e.ID {
		return nil, nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no request %d in %s", id, e.ID)}
	}
	return e, q, nil
}

func (s *Server) requestDetail(ctx context.Context, e *attest.Engagement, q *attest.Request) (map[string]any, error) {
	cs, err := s.cfg.Store.Comments(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	var linked []attest.Evidence
	for _, id := range q.Evidence {
		ev, err := s.cfg.Store.Evidence(ctx, id)
		if err != nil {
			return nil, err
		}
		linked = append(linked, *ev)
	}
	today := s.cfg.Now().UTC().Format(attest.DateLayout)
	return map[string]any{"request": q, "overdue": q.Status == "open" && q.Due != "" && q.Due < today, "comments": cs, "evidence": linked}, nil
}

func (s *Server) requestPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	d, err := s.requestDetail(r.Context(), e, q)
	if err != nil {
		return err
	}
	// The control's evidence, for staff to link.
	var choices []attest.Evidence
	if u.Role != attest.RoleAuditor && u.Role != attest.RoleViewer {
		choices, err = s.cfg.Store.EvidenceList(r.Context(), q.ControlID, false)
		if err != nil {
			return err
		}
	}
	return s.render(w, r, "request", u, map[string]any{"Title": fmt.Sprintf("Request %d", q.ID), "User": u, "E": e, "Q": q, "Overdue": d["overdue"], "Comments": d["comments"],
		"Linked": d["evidence"], "Choices": choices, "Items": strings.Join(q.Items, ", "),
		"IsAuditor": u.Role == attest.RoleAuditor, "IsStaff": u.Role != attest.RoleAuditor && u.Role != attest.RoleViewer,
		"CanComment": u.Role != attest.RoleViewer})
}

func (s *Server) apiRequest(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	d, err := s.requestDetail(r.Context(), e, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func inputText(in formInput, field string, max int) (string, error) {
	t := strings.TrimSpace(strings.Join(in[field], "\n"))
	if t == "" {
		return "", fieldError(field, "write something")
	}
	if utf8.RuneCountInString(t) > max {
		return "", fieldError(field, "at most %d characters", max)
	}
	return t, nil
}

// createRequest is the auditor's request for evidence.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	if err := s.requireAuditor(ctx, u, e, "makes evidence requests"); err != nil {
		return err
	}
	c, err := s.inputControl(ctx, in, e)
	if err != nil {
		return err
	}
	t, err := inputText(in, "text", 4000)
	if err != nil {
		return err
	}
	due := in.str("due")
	if due != "" {
		if _, err := attest.ParseDate(due); err != nil {
			return fieldError("due", "%q: want YYYY-MM-DD", due)
		}
	}
	items := in.list("items")
	if len(items) > 1000 {
		return fieldError("items", "at most 1000 items in one request")
	}
	saved, err := s.cfg.Store.SaveRequest(ctx, s.actorChange(u), attest.Request{EngagementID: e.ID, ControlID: c.ID, Text: t, Items: items, Due: due, Status: "open"})
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, saved, fmt.Sprintf("/fieldwork/%s/requests/%d", e.ID, saved.ID))
	return nil
}

// comment adds to a request's thread: the auditor and the staff talk there.
func (s *Server) comment(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	t, err := inputText(in, "text", 4000)
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.AddComment(ctx, s.actorChange(u), attest.Comment{RequestID: q.ID, Text: t})
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, c, fmt.Sprintf("/fieldwork/%s/requests/%d#comment-%d", e.ID, q.ID, c.ID))
	return nil
}

// answer links evidence to a request, which is then fulfilled and waits
// for the auditor's review.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	if q.Status == "closed" {
		return &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("request %d is closed", q.ID)}
	}
	ids := in.list("evidence")
	if len(ids) == 0 {
		return fieldError("evidence", "say which evidence answers the request")
	}
	have := map[int64]bool{}
	for _, id := range q.Evidence {
		have[id] = true
	}
	for _, v := range ids {
		id, err := formInput{"evidence": {v}}.id("evidence")
		if err != nil {
			return err
		}
		ev, err := s.cfg.Store.Evidence(ctx, id)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return fieldError("evidence", "there is no evidence %d", id)
		}
		if err != nil {
			return err
		}
		if ev.Retraction != nil {
			return fieldError("evidence", "evidence %d was retracted", id)
		}
		if !have[id] {
			q.Evidence = append(q.Evidence, id)
			have[id] = true
		}
	}
	q.Status = "fulfilled"
	saved, err := s.cfg.Store.SaveRequest(ctx, s.actorChange(u), *q)
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusOK, saved, fmt.Sprintf("/fieldwork/%s/requests/%d", e.ID, q.ID))
	return nil
}

// closeRequest is the auditor's, after review.
func (s *Server) closeRequest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	e, q, err := s.request(r)
	if err != nil {
		return err
	}
	if err := s.requireAuditor(ctx, u, e, "closes requests"); err != nil {
		return err
	}
	if q.Status == "closed" {
		return &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("request %d is already closed", q.ID)}
	}
	q.Status = "closed"
	saved, err := s.cfg.Store.SaveRequest(ctx, s.actorChange(u), *q)
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusOK, saved, fmt.Sprintf("/fieldwork/%s/requests/%d", e.ID, q.ID))
	return nil
}
