package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/period"
)

// controlsPage lists the engagement's controls with their coverage so far.
func (s *Server) controlsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	dash, err := s.dashboardViews(r.Context())
	if err != nil {
		return err
	}
	// The engagement the switcher names (?engagement= names another).
	only, err := s.shownEngagement(r)
	if err != nil {
		return err
	}
	var shown []*engagementView
	for _, v := range dashboard.Readable(scope(r.Context()), dash.views) {
		if v.Engagement.ID == only {
			shown = append(shown, v)
		}
	}
	return s.render(w, r, "controls", u, &controlsData{Layout: Layout{Title: "Controls"}, Engagements: shown})
}

// controlsData is the controls page: the engagement the switcher names,
// with its controls and their coverage.
type controlsData struct {
	Layout
	Engagements []*engagementView
}

// controlData is one control's page: its detail and what the account
// may do with it.
type controlData struct {
	Layout
	D         *controlDetail
	DueRule   string
	CanEdit   bool
	CanUpload bool
}

// controlEditData is the form that changes a control, with the problem
// of the last attempt.
type controlEditData struct {
	Layout
	E           *attest.Engagement
	C           *attest.Control
	Statuses    []attest.Status
	Frequencies []attest.Frequency
	OwnerFixed  bool
	Error       string
}

// controlDetail is a control's page: its view (dashboard.ReadControl) and
// its calendar row.
type controlDetail struct {
	*dashboard.ControlView
	Cells []period.Square `json:"-"`
}

func (s *Server) loadControl(ctx context.Context, engID, id string) (*attest.Engagement, *attest.Control, error) {
	e, err := s.cfg.Store.Engagement(ctx, engID)
	if err != nil {
		return nil, nil, err
	}
	c, err := engagement.ReadControl(ctx, s.cfg.Store, scope(ctx), e.ID, id)
	if err != nil {
		return nil, nil, err
	}
	return e, c, nil
}

func (s *Server) controlDetail(ctx context.Context, engID, id string) (*controlDetail, error) {
	v, err := dashboard.ReadControl(ctx, s.cfg.Store, scope(ctx), engID, id, s.today())
	if err != nil {
		return nil, err
	}
	return &controlDetail{v, period.Days(v.Occurrences)}, nil
}

func (s *Server) controlPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	d, err := s.controlDetail(r.Context(), r.PathValue("engagement"), r.PathValue("control"))
	if err != nil {
		return err
	}
	return s.render(w, r, "control", u, &controlData{Layout: Layout{Title: d.Control.ID + " " + d.Control.Title}, D: d,
		CanEdit: engagement.MayEdit(u, d.Control) == nil, DueRule: attest.DueRule(d.Control.Frequency, d.Control.DueDays), CanUpload: s.may(u, "GET", "/evidence/upload")})
}

func (s *Server) controlAPI(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	d, err := s.controlDetail(r.Context(), r.PathValue("id"), r.PathValue("control"))
	return answerJSON(w, d, err)
}

func (s *Server) controlEditPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, c, err := s.loadControl(r.Context(), r.PathValue("engagement"), r.PathValue("control"))
	if err != nil {
		return err
	}
	if err := engagement.MayEdit(u, c); err != nil {
		return err
	}
	return s.editForm(w, r, u, e, c, nil, http.StatusOK)
}

func (s *Server) editForm(w http.ResponseWriter, r *http.Request, u *attest.User, e *attest.Engagement, c *attest.Control, problem error, code int) error {
	data := &controlEditData{Layout: Layout{Title: "Edit " + c.ID}, E: e, C: c, Statuses: attest.Statuses, Frequencies: attest.Frequencies,
		OwnerFixed: !engagement.MayAssign(u)}
	if problem != nil {
		data.Error = attest.ErrorMessage(problem)
	}
	return s.renderStatus(w, r, code, "control-edit", u, data)
}

// controlChange is the JSON body of a control update; absent fields stay.
type controlChange = engagement.ControlChange

// applyChange records a change to a control through the workflow, then
// signs a checkpoint.
func (s *Server) applyChange(ctx context.Context, u *attest.User, engID, id string, ch controlChange) (*attest.Control, bool, error) {
	out, changed, err := engagement.UpdateControl(ctx, s.cfg.Store, s.actorChange(u), u, engID, id, ch)
	if err != nil || !changed {
		return out, changed, err
	}
	return out, true, s.sign(ctx)
}

// controlSave takes the edit form.
func (s *Server) controlSave(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := parseForm(w, r, 64<<10, "the form could not be read (at most 64 KiB)"); err != nil {
		return err
	}
	var ch controlChange
	str := func(name string) *string {
		if _, ok := r.PostForm[name]; !ok {
			return nil
		}
		v := r.PostFormValue(name)
		return &v
	}
	ch.Owner, ch.Status, ch.StatusReason, ch.Frequency, ch.Description = str("owner"), str("status"), str("status_reason"), str("frequency"), str("description")
	if v := str("due_days"); v != nil {
		n, err := strconv.Atoi(strings.TrimSpace(*v))
		if err != nil {
			return s.refuseEdit(w, r, u, invalid("due_days: want a whole number of days, 0 to 366"))
		}
		ch.DueDays = &n
	}
	c, changed, err := s.applyChange(r.Context(), u, r.PathValue("engagement"), r.PathValue("control"), ch)
	if err != nil {
		return s.refuseEdit(w, r, u, err)
	}
	msg := "Saved " + c.ID + ": the change is recorded in the ledger."
	if !changed {
		msg = "Nothing to save: " + c.ID + " is unchanged."
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/controls/"+url.PathEscape(c.EngagementID)+"/"+url.PathEscape(c.ID), http.StatusSeeOther)
	return nil
}

// refuseEdit shows the form again with the problem for bad input; other
// errors (not found, forbidden) take the usual error page.
func (s *Server) refuseEdit(w http.ResponseWriter, r *http.Request, u *attest.User, problem error) error {
	if !refusedOnPage(r, problem) {
		return problem
	}
	e, c, err := s.loadControl(r.Context(), r.PathValue("engagement"), r.PathValue("control"))
	if err != nil {
		return err
	}
	return s.editForm(w, r, u, e, c, problem, http.StatusBadRequest)
}

// controlPatch is the API's control update (JSON).
func (s *Server) controlPatch(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	var ch controlChange
	if err := decodeJSON(w, r, &ch); err != nil {
		return err
	}
	c, _, err := s.applyChange(r.Context(), u, r.PathValue("id"), r.PathValue("control"), ch)
	return answerJSON(w, c, err)
}
