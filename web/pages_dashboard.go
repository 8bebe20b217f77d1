package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/program"
)

// dashState is the dashboard computed for one state of the data (s.dash
// keeps it). Every change that matters appends a ledger entry, so the
// ledger's size, the day and the two settings the computation reads name
// that state exactly (dashKey); a request then costs a few small queries
// and no evaluation, and several replicas sharing a database agree
// because the key comes from it.
type dashState struct {
	views []*engagementView
	// bodies is each engagement's part of the page, rendered once for
	// everyone who may read it ("" is the page with no engagement).
	bodies map[string][]byte
	// program is the compliance program's panel, the same for all the
	// organization's staff (an auditor, whose reads are scoped, is shown
	// the program's own pages instead), as management reads it; status
	// is what it was rendered from, for the staff outside management,
	// whose checklist part is their own.
	program []byte
	status  *program.Status

	// gz is each user's whole page of each engagement, gzipped, for this
	// state of the data.
	mu sync.Mutex
	gz map[string][]byte
}

// maxGzipped bounds the gzipped pages kept (one per user).
const maxGzipped = 1000

// dashKey names the state of the data (dashboard.State) that the
// dashboard, the switcher's engagements and the portal are kept for.
// With Config.StateRecheck it is looked up at most that often, on the
// monotonic clock, and again after any change this server makes (the
// logged middleware announces each).
func (s *Server) dashKey(ctx context.Context) (string, error) {
	return s.state.Get(func() (string, error) {
		return dashboard.State(ctx, s.cfg.Store, s.today())
	})
}

// dashboardViews returns the dashboard of the state of the data now.
func (s *Server) dashboardViews(ctx context.Context) (*dashState, error) {
	key, err := s.dashKey(ctx)
	if err != nil {
		return nil, err
	}
	return s.dashAt(ctx, key)
}

// dashAt returns every engagement's view and each one's part of the
// dashboard, computed once per state of the data.
func (s *Server) dashAt(ctx context.Context, key string) (*dashState, error) {
	return s.dash.Get(key, func() (*dashState, error) {
		engs, err := (*engLister)(s).Engagements(ctx) // the switcher's reading
		if err != nil {
			return nil, err
		}
		all, err := dashboard.All(ctx, s.cfg.Store, s.cfg.Blobs, engs, s.today())
		if err != nil {
			return nil, err
		}
		st := &dashState{views: []*engagementView{}, bodies: map[string][]byte{}, gz: map[string][]byte{}}
		render := func(id string, shown []*engagementView) error {
			var b bytes.Buffer
			if err := pages.ExecuteTemplate(&b, "dashboard-body", dashboardBody{Engagements: shown, Upcoming: dashboard.UpcomingDays}); err != nil {
				return err
			}
			st.bodies[id] = b.Bytes()
			return nil
		}
		for _, d := range all {
			v := shown(d)
			st.views = append(st.views, v)
			if err := render(d.Engagement.ID, []*engagementView{v}); err != nil {
				return nil, err
			}
		}
		if err := render("", nil); err != nil {
			return nil, err
		}
		if st.status, err = program.Load(ctx, s.cfg.Store, s.completions(), nil, nil, s.cfg.Now()); err != nil {
			return nil, err
		}
		var panel bytes.Buffer
		if err := pages.ExecuteTemplate(&panel, "program-panel", st.status); err != nil {
			return nil, err
		}
		st.program = panel.Bytes()
		return st, nil
	})
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
	if st, ok := s.dash.Kept(key); ok && zipped {
		if b := st.gzipped(gzKey); b != nil {
			sendPage(w, b, true)
			return nil
		}
	}
	st, err := s.dashAt(r.Context(), key)
	if err != nil {
		return err
	}
	panel, err := s.programPanel(r.Context(), u, st)
	if err != nil {
		return err
	}
	body, ok := st.bodies[eng]
	if !ok {
		// Created since the state was read: the next request sees it.
		body = st.bodies[""]
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
		out = st.keepGzipped(gzKey, out)
	}
	sendPage(w, out, zipped)
	return nil
}

// programPanel is the program's panel for u: management's as kept in
// the dashboard d, and for the rest of the staff as program.For reads it
// for them (their own checklist items); nothing for the auditor, who
// reads the program's own pages instead.
func (s *Server) programPanel(ctx context.Context, u *attest.User, d *dashState) ([]byte, error) {
	if fieldwork.Audits(u) || !s.may(u, "GET", "/program") {
		return nil, nil
	}
	if attest.Manages(u) || d.status == nil {
		return d.program, nil
	}
	mine, err := program.For(ctx, s.cfg.Store, s.completions(), d.status, u, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, "program-panel", mine); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// gzipped is the user's compressed page, if kept.
func (d *dashState) gzipped(user string) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.gz[user]
}

// keepGzipped compresses the user's page and keeps it while the data
// stays as it is: a browser then gets a tenth of the bytes, compressed
// once per user and change.
func (d *dashState) keepGzipped(user string, page []byte) []byte {
	b := gzipPage(page)
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.gz) < maxGzipped {
		d.gz[user] = b
	}
	return b
}

// dashboardAPI is the dashboard's facts for one engagement as JSON.
func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	d, err := s.dashboardViews(r.Context())
	if err != nil {
		return err
	}
	v, err := dashboard.Pick(scope(r.Context()), d.views, r.PathValue("id"))
	return answerJSON(w, v, err)
}

// dashboardBody is the dashboard below its head: each engagement's
// readiness and coverage, the same for every reader, so rendered once per
// state of the data.
type dashboardBody struct {
	Engagements []*engagementView
	Upcoming    int
}
