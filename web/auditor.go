package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/population"
)

// The auditor's workspace: populations with their provenance, seeded
// draws, and tests of controls. What auditors record (seeds, draws, test
// results, deviations, conclusions) is written only through the routes
// limited to the auditor role, and each handler also insists on a named
// auditor of the engagement whose access has not ended; the store has no
// path that edits or deletes a draw or a test, so nobody else can change
// them. Management records its own internal tests on a separate route.

var auditorOnly = []string{attest.RoleAuditor}

func (s *Server) engagementOf(r *http.Request) (*attest.Engagement, error) {
	return s.cfg.Store.Engagement(r.Context(), r.PathValue("id"))
}

// fieldworkAct runs one of the fieldwork workflows for u, once the handler
// has read its input: in the fieldwork environment, with u's change; then
// written, with next the page that shows the result.
func fieldworkAct[T any](s *Server, w http.ResponseWriter, r *http.Request, u *attest.User, code int, act func(env fieldwork.Env, ch attest.Change) (T, error), next func(T) string) error {
	env, err := s.fieldwork(r.Context())
	if err != nil {
		return err
	}
	v, err := act(env, s.actorChange(u))
	if err != nil {
		return err
	}
	return s.written(w, r, code, v, next(v), "")
}

// ---- pages ----

func (s *Server) fieldworkIndex(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	p, err := s.policy(r.Context())
	if err != nil {
		return err
	}
	open, last, err := fieldwork.Index(r.Context(), s.cfg.Store, scope(r.Context()), p.Grace)
	if err != nil {
		return err
	}
	var rows []fieldworkRow
	for _, o := range open {
		rows = append(rows, fieldworkRow{o.Engagement, o.Engagement.When(), dashIfEmpty(engagement.ReportDate(&o.Engagement)), cmp.Or(o.LastDay, "no end known"), dashIfEmpty(strings.Join(o.Auditors, ", "))})
	}
	until := ""
	if fieldwork.Audits(u) {
		until = last
	}
	return s.render(w, r, "fieldwork", u, &fieldworkData{Layout: Layout{Title: "Fieldwork"}, Engagements: rows, Until: until, Grace: graceWords(p.Grace)})
}

// fieldworkData is the fieldwork index: the engagements the account may
// work on, and until when an auditor's access lasts.
type fieldworkData struct {
	Layout
	Engagements  []fieldworkRow
	Until, Grace string
}

// fieldworkRow is one engagement on the fieldwork index.
type fieldworkRow struct {
	attest.Engagement
	When, Report, AccessEnds, Auditors string
}

// graceWords writes a grace period in days when it is whole days.
func graceWords(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	switch {
	case d%(24*time.Hour) != 0:
		return d.String()
	case n == 1:
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *Server) workspace(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	sc := scope(r.Context())
	rows, err := fieldwork.Workspace(r.Context(), s.cfg.Store, sc, e)
	if err != nil {
		return err
	}
	as, err := fieldwork.Auditors(r.Context(), s.cfg.Store, sc, e.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "workspace", u, &workspaceData{Layout: Layout{Title: "Fieldwork: " + e.ID}, E: e, When: e.When(), Controls: rows, Auditors: as,
		IsAuditor: fieldwork.Audits(u) && sc.Acts(e.ID), CanExport: fieldwork.Audits(u) && sc.Acts(e.ID) && s.cfg.Signer != nil, Prior: !sc.Acts(e.ID)})
}

// workspaceData is an engagement's fieldwork: its controls with the work
// on each, and its auditors.
type workspaceData struct {
	Layout
	E                    *attest.Engagement
	When                 string
	Controls             []fieldwork.Progress
	Auditors             []attest.Auditor
	IsAuditor, CanExport bool
	// Prior marks the period before one the auditor audits, read only.
	Prior bool
}

func (s *Server) controlWork(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	work, err := fieldwork.ControlWork(r.Context(), s.cfg.Store, u, scope(r.Context()), e.ID, r.PathValue("control"))
	if err != nil {
		return err
	}
	// ?draw=N prepares the test form for that draw's items, results blank.
	var chosen int64
	var prefill strings.Builder
	for _, d := range work.Draws {
		if strconv.FormatInt(d.ID, 10) == r.URL.Query().Get("draw") {
			chosen = d.ID
			for _, k := range d.Items {
				prefill.WriteString(k + "=\n")
			}
		}
	}
	c := work.Control
	return s.render(w, r, "control-work", u, &controlWorkData{Layout: Layout{Title: c.ID + " fieldwork", SignEngagement: signing(u, e)}, E: e, C: c, Populations: work.Populations, Draws: work.Draws,
		Tests: work.Tests, Internal: work.Internal, Procedures: attest.Procedures, Chosen: chosen, Prefill: prefill.String(),
		IsAuditor: fieldwork.Audits(u) && work.Acts, IsManager: fieldwork.MayRespond(u), Prior: !work.Acts})
}

// controlWorkData is one control's fieldwork: its populations, draws and
// tests (the auditor's and management's own), and the test form, filled
// with the chosen draw's items.
type controlWorkData struct {
	Layout
	E                    *attest.Engagement
	C                    *attest.Control
	Populations          []attest.Population
	Draws                []fieldwork.Shown
	Tests, Internal      []fieldwork.Tested
	Procedures           []string
	Chosen               int64
	Prefill              string
	IsAuditor, IsManager bool
	// Prior marks the period before one the auditor audits, read only.
	Prior bool
}

// ---- API reads ----

func (s *Server) apiPopulations(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	ps, err := population.List(r.Context(), s.cfg.Store, scope(r.Context()), e.ID, r.URL.Query().Get("control"))
	return answerJSON(w, ps, err)
}

func (s *Server) apiDraws(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	ds, err := fieldwork.Draws(r.Context(), s.cfg.Store, scope(r.Context()), e.ID, strings.ToUpper(r.URL.Query().Get("control")))
	return answerJSON(w, ds, err)
}

// ---- writes ----

// drawAnswer is the API's answer to a draw: the draw, each item's rank,
// and whether every item of the population was taken.
type drawAnswer struct {
	Draw     fieldwork.Shown `json:"draw"`
	Ranks    []string        `json:"ranks"`
	AllItems bool            `json:"all_items"`
}

// draw selects a sample: the seed is the auditor's (a random one when left
// empty, shown with the result), the size the auditor's or the firm's
// table's, the selection that of attest sample draw.
func (s *Server) draw(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	req := fieldwork.DrawRequest{Engagement: r.PathValue("id"), Control: in.str("control"), Seed: in.str("seed"), Stratify: in.str("stratify"), Reason: in.str("reason")}
	if req.PopulationID, err = in.id("population"); err != nil {
		return err
	}
	if v := in.str("size"); v != "" {
		if req.Size, err = strconv.Atoi(v); err != nil || req.Size <= 0 {
			return fieldError("size", "%q: want a number from 1 to 100000, or leave it empty for the firm's table", v)
		}
	}
	req.Seal = sealOf(in)
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (drawAnswer, error) {
		d, err := fieldwork.Draw(r.Context(), env, ch, u, req)
		if err != nil {
			return drawAnswer{}, err
		}
		return drawAnswer{Draw: fieldwork.Show(*d.Draw, d.Population), Ranks: d.Ranks, AllItems: d.AllItems}, nil
	}, func(a drawAnswer) string {
		return fmt.Sprintf("/fieldwork/%s/controls/%s#draw-%d", a.Draw.EngagementID, a.Draw.ControlID, a.Draw.ID)
	})
}

// fieldwork is the environment of the auditor's workflows now.
func (s *Server) fieldwork(ctx context.Context) (fieldwork.Env, error) {
	var b fieldwork.Blobs
	if s.cfg.Blobs != nil {
		b = s.cfg.Blobs
	}
	return fieldwork.NewEnv(ctx, s.cfg.Store, b, s.cfg.AuditorGrace, s.cfg.Now())
}

// signing is the engagement whose pages load the auditor's signing script:
// only an auditor's.
func signing(u *attest.User, e *attest.Engagement) string {
	if fieldwork.Audits(u) {
		return e.ID
	}
	return ""
}

// sealOf is an auditor act's signature fields: the enrolled key, and once
// signed, the statement and its signature (fieldwork.Seal).
func sealOf(in formInput) fieldwork.Seal {
	return fieldwork.Seal{Key: in.str("key"), Statement: in.str("statement"), Signature: in.str("signature")}
}

// parseResults reads item results: KEY=RESULT[:NOTE], one per value or line.
func parseResults(in formInput) ([]attest.ItemResult, error) {
	var l fieldwork.Items
	for _, v := range in["items"] {
		if err := l.AddLines(v); err != nil {
			return nil, fieldError("items", "%s", attest.ErrorMessage(err))
		}
	}
	return l.List(), nil
}

// recordTest records the service auditor's test of a control.
func (s *Server) recordTest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.addTest(w, r, u, false)
}

// recordInternalTest records management's own internal test, never shown
// as the auditor's.
func (s *Server) recordInternalTest(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.addTest(w, r, u, true)
}

func (s *Server) addTest(w http.ResponseWriter, r *http.Request, u *attest.User, internal bool) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	notPerformed, err := in.flag("not_performed")
	if err != nil {
		return err
	}
	req := fieldwork.TestRequest{Engagement: r.PathValue("id"), Control: in.str("control"), Internal: internal,
		Procedures: in.list("procedure"), Deviations: in.str("deviations"), NotPerformed: notPerformed,
		From: in.str("from"), To: in.str("to"), AppliesTo: in.list("applies_to"), Reason: in.str("reason"), Acknowledged: in.str("acknowledged"),
		TestOfOne: in.str("test_of_one"), SupportedBy: in.list("supported_by")}
	if !internal {
		req.Seal = sealOf(in)
	}
	if req.DrawID, err = in.id("draw"); err != nil {
		return err
	}
	if req.Items, err = parseResults(in); err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Test, error) {
		return fieldwork.RecordTest(r.Context(), env, s.cfg.Store, ch, u, req)
	}, func(t *attest.Test) string { return testPage(t) })
}

// testPage is where a test shows: on its control's fieldwork page.
func testPage(t *attest.Test) string {
	return fmt.Sprintf("/fieldwork/%s/controls/%s#test-%d", t.EngagementID, t.ControlID, t.ID)
}

// fieldwrkAndOwners may comment on requests: the auditors who ask and the
// staff who answer.
var fieldwrkAndOwners = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleAuditor}

// respond attaches management's response to one of the auditor's tests
// with exceptions (the report's section 5); it never changes the test.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	id, in, err := numberedForm(w, r, "test")
	if err != nil {
		return err
	}
	resp, err := fieldwork.Respond(ctx, s.cfg.Store, s.actorChange(u), u, r.PathValue("id"), id, strings.Join(in["text"], "\n"))
	if err != nil {
		return err
	}
	t, err := s.cfg.Store.Test(ctx, id)
	if err != nil {
		return err
	}
	return s.written(w, r, http.StatusCreated, resp, testPage(t), "")
}
