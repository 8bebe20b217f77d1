package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/period"
)

// controlsPage lists every engagement's controls with their coverage so far.
func (s *Server) controlsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	views, _, err := s.dashboardViews(r.Context())
	if err != nil {
		return err
	}
	only := r.URL.Query().Get("engagement")
	var shown []*engagementView
	for _, v := range scopedViews(r.Context(), views) {
		if only == "" || v.Engagement.ID == only {
			shown = append(shown, v)
		}
	}
	if only != "" && len(shown) == 0 {
		return notFound("no such engagement: " + only)
	}
	return s.render(w, r, "controls", u, map[string]any{"Title": "Controls", "Engagements": shown})
}

// controlDetail is a control with its occurrences and evidence history.
type controlDetail struct {
	Engagement *attest.Engagement `json:"engagement"`
	Control    *attest.Control    `json:"control"`
	Period     period.Status      `json:"period"`
	Start      string             `json:"window_start"`
	End        string             `json:"window_end"`
	AsOf       string             `json:"as_of"`
	// Occurrences are over the window, whatever their state.
	Occurrences []period.Occurrence `json:"occurrences"`
	// Evidence is every item linked to the control, retracted ones too,
	// newest first.
	Evidence []attest.Evidence `json:"evidence"`
	Warnings []string          `json:"warnings"`
	Cells    []cell            `json:"-"`
}

func (s *Server) loadControl(ctx context.Context, engID, id string) (*attest.Engagement, *attest.Control, error) {
	e, err := s.cfg.Store.Engagement(ctx, engID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.cfg.Store.Control(ctx, e.ID, strings.ToUpper(id))
	if err != nil {
		return nil, nil, err
	}
	return e, c, nil
}

func (s *Server) controlDetail(ctx context.Context, engID, id string) (*controlDetail, error) {
	e, c, err := s.loadControl(ctx, engID, id)
	if err != nil {
		return nil, err
	}
	start, end, when := window(e, s.today())
	ps, err := period.ControlStatus(ctx, s.cfg.Store, *c, start, end, when, period.LoadOptions(ctx, s.cfg.Store))
	if err != nil {
		return nil, err
	}
	evs, err := s.cfg.Store.EvidenceList(ctx, c.ID, true)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	d := &controlDetail{Engagement: e, Control: c, Period: ps, Occurrences: ps.Occurrences, Evidence: evs, Warnings: ps.Warnings,
		Start: start.Format(attest.DateLayout), End: end.Format(attest.DateLayout), AsOf: when.Format(attest.DateLayout)}
	d.Cells = cells(d.Occurrences, false)
	if d.Occurrences == nil {
		d.Occurrences = []period.Occurrence{}
	}
	if d.Evidence == nil {
		d.Evidence = []attest.Evidence{}
	}
	if d.Warnings == nil {
		d.Warnings = []string{}
	}
	return d, nil
}

func (s *Server) controlPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	d, err := s.controlDetail(r.Context(), r.PathValue("engagement"), r.PathValue("control"))
	if err != nil {
		return err
	}
	return s.render(w, r, "control", u, map[string]any{"Title": d.Control.ID + " " + d.Control.Title, "D": d,
		"CanEdit": s.mayEdit(u, d.Control) == nil, "DueRule": attest.DueRule(d.Control.Frequency, d.Control.DueDays), "CanUpload": s.may(u, "GET", "/evidence/upload"), "Flash": s.sessions.PopString(r.Context(), "flash")})
}

func (s *Server) controlAPI(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	d, err := s.controlDetail(r.Context(), r.PathValue("id"), r.PathValue("control"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// ownsControl reports whether the control's recorded owner is u (by name
// or e-mail address).
func ownsControl(u *attest.User, c *attest.Control) bool {
	o := strings.TrimSpace(c.Owner)
	return o != "" && (strings.EqualFold(o, u.Name) || strings.EqualFold(o, u.Email))
}

// mayEdit says whether u may change c: admins and compliance managers any
// control, a control owner only the controls recorded as theirs. The route
// table already keeps other roles out; this is the per-record rule.
func (s *Server) mayEdit(u *attest.User, c *attest.Control) error {
	switch u.Role {
	case attest.RoleAdmin, attest.RoleCompliance:
		return nil
	case attest.RoleOwner:
		if ownsControl(u, c) {
			return nil
		}
		return forbidden("control " + c.ID + " is not recorded as yours (owner: " + orNone(c.Owner) + "): ask a compliance manager")
	}
	return forbidden("your role (" + u.Role + ") may not change controls")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (s *Server) controlEditPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, c, err := s.loadControl(r.Context(), r.PathValue("engagement"), r.PathValue("control"))
	if err != nil {
		return err
	}
	if err := s.mayEdit(u, c); err != nil {
		return err
	}
	return s.editForm(w, r, u, e, c, nil, http.StatusOK)
}

func (s *Server) editForm(w http.ResponseWriter, r *http.Request, u *attest.User, e *attest.Engagement, c *attest.Control, problem error, code int) error {
	data := map[string]any{"Title": "Edit " + c.ID, "E": e, "C": c, "Statuses": attest.Statuses, "Frequencies": attest.Frequencies,
		"OwnerFixed": u.Role == attest.RoleOwner}
	if problem != nil {
		data["Error"] = attest.ErrorMessage(problem)
	}
	return s.renderStatus(w, r, code, "control-edit", u, data)
}

// controlChange is the JSON body of a control update; absent fields stay.
type controlChange struct {
	Owner        *string `json:"owner"`
	Status       *string `json:"status"`
	StatusReason *string `json:"status_reason"`
	Frequency    *string `json:"frequency"`
	DueDays      *int    `json:"due_days"`
	Description  *string `json:"description"`
}

// update turns the change into a ControlUpdate, naming the field at fault.
func (ch controlChange) update(u *attest.User, c *attest.Control) (attest.ControlUpdate, error) {
	var up attest.ControlUpdate
	if ch.Owner != nil && strings.TrimSpace(*ch.Owner) != c.Owner {
		if u.Role == attest.RoleOwner {
			return up, forbidden("owner: only an admin or a compliance manager assigns controls")
		}
		if len(*ch.Owner) > 200 {
			return up, invalid("owner: at most 200 characters")
		}
		up.Owner = ch.Owner
	}
	if ch.Status != nil {
		st, err := attest.ParseStatus(*ch.Status)
		if err != nil {
			return up, invalid("status: " + attest.ErrorMessage(err))
		}
		up.Status = &st
	}
	if ch.StatusReason != nil {
		if len(*ch.StatusReason) > 2000 {
			return up, invalid("status_reason: at most 2000 characters")
		}
		up.StatusReason = ch.StatusReason
	}
	if ch.Frequency != nil {
		f, err := attest.ParseFrequency(*ch.Frequency)
		if err != nil {
			return up, invalid("frequency: " + attest.ErrorMessage(err))
		}
		up.Frequency = &f
	}
	if ch.DueDays != nil {
		if *ch.DueDays < 0 || *ch.DueDays > 366 {
			return up, invalid("due_days: want 0 to 366")
		}
		up.DueDays = ch.DueDays
	}
	if ch.Description != nil {
		if strings.TrimSpace(*ch.Description) == "" {
			return up, invalid("description: a control's description cannot be empty")
		}
		if len(*ch.Description) > 20000 {
			return up, invalid("description: at most 20000 characters")
		}
		up.Description = ch.Description
	}
	// Checked here first, so the error names the form field rather than
	// the command line's flag.
	trial := *c
	if err := attest.ApplyControlUpdate(&trial, up); err != nil {
		if trial.Status == attest.NotApplicable && strings.TrimSpace(trial.StatusReason) == "" {
			return up, invalid("status_reason: \"not applicable\" needs a reason")
		}
		return up, err
	}
	return up, nil
}

// applyChange checks and records a change to a control, then signs a
// checkpoint.
func (s *Server) applyChange(ctx context.Context, u *attest.User, engID, id string, ch controlChange) (*attest.Control, bool, error) {
	_, c, err := s.loadControl(ctx, engID, id)
	if err != nil {
		return nil, false, err
	}
	if err := s.mayEdit(u, c); err != nil {
		return nil, false, err
	}
	up, err := ch.update(u, c)
	if err != nil {
		return nil, false, err
	}
	trial := *c
	attest.ApplyControlUpdate(&trial, up)
	if reflect.DeepEqual(trial, *c) {
		return c, false, nil // nothing changes: no ledger entry for it
	}
	out, err := s.cfg.Store.UpdateControl(ctx, attest.Change{Actor: actor(u), At: s.cfg.Now()}, c.EngagementID, c.ID, up)
	if err != nil {
		return nil, false, err
	}
	return out, true, s.sign(ctx)
}

// controlSave takes the edit form.
func (s *Server) controlSave(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return invalid("the form could not be read (at most 64 KiB)")
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
	if attest.ErrorCode(problem) != attest.EINVALID {
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
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// decodeJSON reads a small JSON body strictly: unknown fields are refused
// by name.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return invalid("send a JSON object")
		case errors.As(err, &typ):
			return invalid(typ.Field + ": want a " + typ.Type.String())
		case errors.As(err, &syn):
			return invalid("the body is not valid JSON: " + err.Error())
		}
		return invalid("the body could not be read: " + err.Error())
	}
	return nil
}

// sign signs a checkpoint after a write, when the server can.
func (s *Server) sign(ctx context.Context) error {
	_, err := s.signCheckpoint(ctx)
	return err
}
