package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/report"
)

// The engagement switcher: the navigation names the engagement the pages
// show and lets the user pick another without leaving the page they are
// on. The choice is the session's ("engagement"); a page that names an
// engagement in its address (/controls/e2/..., ?engagement=e2) makes it
// the session's choice too.

// sessionEngagement is the session key of the engagement last shown.
const sessionEngagement = "engagement"

// shownKey holds, in a request's context, the engagement the request
// names (the guard puts it there).
type shownKey struct{}

func named(ctx context.Context) string {
	s, _ := ctx.Value(shownKey{}).(string)
	return s
}

// switcher is the navigation's engagement switcher.
type switcher struct {
	Choices []engagementChoice
	Current engagementChoice
	// Page is the address to come back to after switching.
	Page string
}

// engagementChoice is one engagement in the switcher.
type engagementChoice struct {
	ID, Name, Label string
}

// current is the engagement a page shows: the one the request names,
// else the session's last, else the first the caller may read ("" when
// there is none), with every engagement the caller may read.
func (s *Server) current(r *http.Request) (string, []attest.Engagement, error) {
	ctx := r.Context()
	l, err := engagement.List(ctx, (*engLister)(s), scope(ctx))
	if err != nil {
		return "", nil, err
	}
	want := named(ctx)
	if want == "" {
		want = s.sessions.GetString(ctx, sessionEngagement)
	}
	for _, e := range l {
		if e.ID == want {
			return want, l, nil
		}
	}
	if len(l) > 0 {
		return l[0].ID, l, nil
	}
	return "", l, nil
}

// shownEngagement is the engagement a page of one engagement shows, the
// one the switcher names (current); an address that names another, one
// the caller may not read, is not found.
func (s *Server) shownEngagement(r *http.Request) (string, error) {
	cur, _, err := s.current(r)
	if err != nil {
		return "", err
	}
	if n := named(r.Context()); n != "" && n != cur {
		return "", notFound("no such engagement: " + n)
	}
	return cur, nil
}

// switcherFor builds the switcher for a signed-in page, and keeps the
// engagement the request names as the session's choice.
func (s *Server) switcherFor(r *http.Request, u *attest.User) (*switcher, error) {
	if u == nil {
		return nil, nil
	}
	cur, l, err := s.current(r)
	if err != nil || len(l) == 0 {
		return nil, err
	}
	if n := named(r.Context()); n == cur && r.Header.Get("Authorization") == "" && s.sessions.GetString(r.Context(), sessionEngagement) != cur {
		s.sessions.Put(r.Context(), sessionEngagement, cur)
	}
	sw := &switcher{Page: r.URL.RequestURI()}
	for _, e := range l {
		c := engagementChoice{ID: e.ID, Name: e.Name, Label: e.Label()}
		if c.Name == "" {
			c.Name = e.ID
		}
		sw.Choices = append(sw.Choices, c)
		if e.ID == cur {
			sw.Current = c
		}
	}
	return sw, nil
}

// switchEngagement makes the engagement the session's choice and goes back
// to the page the user was on, showing that engagement: the same control
// or request list when the page names an engagement in its address and the
// other engagement has it, else the engagement's own page of that kind.
func (s *Server) switchEngagement(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id := r.URL.Query().Get("engagement")
	if _, err := s.cfg.Store.Engagement(r.Context(), id); err != nil {
		return err
	}
	if err := scope(r.Context()).Engagement(id); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionEngagement, id)
	http.Redirect(w, r, s.switchTarget(r.Context(), localPath(r.URL.Query().Get("page")), id), http.StatusSeeOther)
	return nil
}

// switchTarget is page as it shows engagement id.
func (s *Server) switchTarget(ctx context.Context, page, id string) string {
	p, err := url.Parse(page)
	if err != nil {
		return "/"
	}
	has := func(control string) bool {
		_, err := s.cfg.Store.Control(ctx, id, strings.ToUpper(control))
		return err == nil
	}
	seg := strings.Split(strings.Trim(p.Path, "/"), "/")
	esc := url.PathEscape(id)
	switch {
	case len(seg) >= 3 && seg[0] == "controls":
		// /controls/{engagement}/{control}[/edit]
		if has(seg[2]) {
			seg[1] = esc
			return "/" + strings.Join(seg, "/")
		}
		return "/controls"
	case len(seg) >= 2 && seg[0] == "fieldwork":
		// /fieldwork/{id}[/controls/{control} | /requests[/{req}] | ...]
		switch {
		case len(seg) >= 4 && seg[2] == "controls" && has(seg[3]):
			return "/fieldwork/" + esc + "/controls/" + seg[3]
		case len(seg) >= 3 && seg[2] == "requests":
			return "/fieldwork/" + esc + "/requests"
		}
		return "/fieldwork/" + esc
	case len(seg) == 1 && seg[0] == "fieldwork":
		return "/fieldwork/" + esc
	}
	// Every other page shows the session's engagement: the same page,
	// without a query that names another one. The path is written again
	// from its decoded form, so it is checked again: "/%2F0 " decodes to
	// "//0 " and would be written "//0%20", another host.
	q := p.Query()
	q.Del("engagement")
	p.RawQuery = q.Encode()
	return localPath(p.RequestURI())
}

// orgName is the organization's name as its newest description inputs
// give it, for the sign-in page; "" when none does. It is read again only
// when the ledger has grown (every change to the inputs is an entry).
func (s *Server) orgName(ctx context.Context) string {
	n, err := s.cfg.Store.LedgerSize(ctx)
	if err != nil {
		return ""
	}
	name, err := s.org.Get(n, func() (string, error) {
		return report.OrganizationName(ctx, s.cfg.Store, s.cfg.Blobs)
	})
	if err != nil {
		return ""
	}
	return name
}

// engLister lists the engagements as read at one state of the data (the
// dashboard's key, s.engs keeps them) while the state is that one: the
// switcher reads them on every page, and an engagement is only ever
// created or changed through the ledger, which the key counts.
type engLister Server

func (l *engLister) Engagements(ctx context.Context) ([]attest.Engagement, error) {
	s := (*Server)(l)
	key, err := s.dashKey(ctx)
	if err != nil {
		return nil, err
	}
	engs, err := s.engs.Get(key, func() ([]attest.Engagement, error) {
		return s.cfg.Store.Engagements(ctx)
	})
	return slices.Clone(engs), err
}
