package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/program"
)

// dashCache keeps the dashboard computed for one state of the data. Every
// change that matters appends a ledger entry, so the ledger's size, the day
// and the two settings the computation reads name that state exactly; a
// request then costs a few small queries and no evaluation, and several
// replicas sharing a database agree because the key comes from it.
type dashCache struct {
	mu    sync.Mutex
	key   string
	views []*engagementView
	// bodies is each engagement's part of the page, rendered once for
	// everyone who may read it ("" is the page with no engagement).
	bodies map[string][]byte
	// gz is each user's whole page of each engagement, gzipped, for this
	// state of the data.
	gz map[string][]byte
	// program is the compliance program's panel, the same for all the
	// organization's staff (an auditor, whose reads are scoped, is shown
	// the program's own pages instead), as management reads it; status
	// is what it was rendered from, for the staff outside management,
	// whose checklist part is their own.
	program []byte
	status  *program.Status
}

// maxGzipped bounds the gzipped pages kept (one per user).
const maxGzipped = 1000

func (s *Server) dashKey(ctx context.Context) (string, error) {
	// With Config.StateRecheck, the state is read at most that often, and
	// again after any change this server makes (writes counts them). The
	// interval is measured on the monotonic clock, as the trust page's is.
	if s.cfg.StateRecheck > 0 {
		s.keyMu.Lock()
		if s.key != "" && s.keyWrites == s.writes.Load() && time.Since(s.keyAt) < s.cfg.StateRecheck {
			k := s.key
			s.keyMu.Unlock()
			return k, nil
		}
		s.keyMu.Unlock()
	}
	writes := s.writes.Load()
	key, err := dashboard.State(ctx, s.cfg.Store, s.today())
	if err != nil {
		return "", err
	}
	s.keyMu.Lock()
	s.key, s.keyAt, s.keyWrites = key, time.Now(), writes
	s.keyMu.Unlock()
	return key, nil
}

// dashboardViews returns every engagement's view and each one's part of
// the dashboard, computed once per state of the data.
func (s *Server) dashboardViews(ctx context.Context) ([]*engagementView, map[string][]byte, error) {
	key, err := s.dashKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	c := &s.dash
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == key {
		return c.views, c.bodies, nil
	}
	engs, err := (*engLister)(s).Engagements(ctx) // the switcher's reading
	if err != nil {
		return nil, nil, err
	}
	all, err := dashboard.All(ctx, s.cfg.Store, s.cfg.Blobs, engs, s.today())
	if err != nil {
		return nil, nil, err
	}
	views := []*engagementView{}
	bodies := map[string][]byte{}
	render := func(id string, shown []*engagementView) error {
		var b bytes.Buffer
		if err := pages.ExecuteTemplate(&b, "dashboard-body", dashboardBody{Engagements: shown, Upcoming: dashboard.UpcomingDays}); err != nil {
			return err
		}
		bodies[id] = b.Bytes()
		return nil
	}
	for _, d := range all {
		v := shown(d)
		views = append(views, v)
		if err := render(d.Engagement.ID, []*engagementView{v}); err != nil {
			return nil, nil, err
		}
	}
	if err := render("", nil); err != nil {
		return nil, nil, err
	}
	st, err := program.Load(ctx, s.cfg.Store, s.completions(), nil, nil, s.cfg.Now())
	if err != nil {
		return nil, nil, err
	}
	var panel bytes.Buffer
	if err := pages.ExecuteTemplate(&panel, "program-panel", st); err != nil {
		return nil, nil, err
	}
	c.key, c.views, c.bodies, c.gz, c.program, c.status = key, views, bodies, map[string][]byte{}, panel.Bytes(), st
	return views, bodies, nil
}

// dashboard shows one engagement, the one the switcher names: its
// readiness, coverage calendar, gaps, failing checks and what comes due.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	key, err := s.dashKey(r.Context())
	if err != nil {
		return err
	}
	sw, err := s.switcherFor(r, u)
	if err != nil {
		return err
	}
	eng := ""
	if sw != nil {
		eng = sw.Current.ID
	}
	if n := named(r.Context()); n != "" && n != eng {
		return notFound("no such engagement: " + n)
	}
	// A page is kept per user (their name is in its head), engagement and
	// switcher's page address.
	gzKey := itoa(u.ID) + "|" + eng + "|" + r.URL.RequestURI()
	zipped := acceptsGzip(r)
	if zipped {
		if b := s.dash.gzipped(key, gzKey); b != nil {
			sendPage(w, b, true)
			return nil
		}
	}
	_, bodies, err := s.dashboardViews(r.Context())
	if err != nil {
		return err
	}
	panel, err := s.programPanel(r.Context(), u)
	if err != nil {
		return err
	}
	body, ok := bodies[eng]
	if !ok {
		// Created since the state was read: the next request sees it.
		body = bodies[""]
	}
	// The body is the same for everyone who may read the engagement and
	// already escaped: only the head (the user's name, links and the
	// switcher) is rendered per request.
	var page bytes.Buffer
	data := &Layout{Title: "Dashboard", User: u, Nav: s.nav(u, r.URL.Path), Switch: sw}
	if err := pages.ExecuteTemplate(&page, "dashboard-head", data); err != nil {
		return err
	}
	page.Write(panel)
	page.Write(body)
	if err := pages.ExecuteTemplate(&page, "foot", data); err != nil {
		return err
	}
	out := page.Bytes()
	if zipped {
		out = s.dash.keepGzipped(key, gzKey, out)
	}
	sendPage(w, out, zipped)
	return nil
}

// programPanel is the program's panel for u: management's as kept, and
// for the rest of the staff as program.For reads it for them (their own
// checklist items); nothing for the auditor, who reads the program's own
// pages instead.
func (s *Server) programPanel(ctx context.Context, u *attest.User) ([]byte, error) {
	if fieldwork.Audits(u) || !s.may(u, "GET", "/program") {
		return nil, nil
	}
	s.dash.mu.Lock()
	panel, st := s.dash.program, s.dash.status
	s.dash.mu.Unlock()
	if attest.Manages(u) || st == nil {
		return panel, nil
	}
	mine, err := program.For(ctx, s.cfg.Store, s.completions(), st, u, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, "program-panel", mine); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// gzipped is the user's compressed page for key, if kept.
func (c *dashCache) gzipped(key, user string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key != key {
		return nil
	}
	return c.gz[user]
}

// keepGzipped compresses the user's page and keeps it while the data
// stays as it is: a browser then gets a tenth of the bytes, compressed
// once per user and change.
func (c *dashCache) keepGzipped(key, user string, page []byte) []byte {
	b := gzipPage(page)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == key && len(c.gz) < maxGzipped {
		c.gz[user] = b
	}
	return b
}

// dashboardAPI is the dashboard's facts for one engagement as JSON.
func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	views, _, err := s.dashboardViews(r.Context())
	if err != nil {
		return err
	}
	v, err := dashboard.Pick(scope(r.Context()), views, r.PathValue("id"))
	return answerJSON(w, v, err)
}

// dashboardBody is the dashboard below its head: each engagement's
// readiness and coverage, the same for every reader, so rendered once per
// state of the data.
type dashboardBody struct {
	Engagements []*engagementView
	Upcoming    int
}
