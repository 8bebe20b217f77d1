package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/portal"
)

// portalEntry is what s.portal keeps per person and state of the data
// (dashKey: the day and the ledger's size, so any recorded change shows
// at once): the person's principal and their portal page as rendered and
// gzipped. A page view then reads no table but the session's.
type portalEntry struct {
	u        *attest.User
	page, gz []byte
}

// maxPortalEntries bounds the people kept; past it the cache starts over.
const maxPortalEntries = 20000

// principal is the person's employee principal for this state of the
// data, read again when it changed.
func (s *Server) principal(ctx context.Context, person int64) (*attest.User, error) {
	key, err := s.dashKey(ctx)
	if err != nil {
		return nil, err
	}
	if e, ok := s.portal.Get(person, key); ok {
		return e.u, nil
	}
	u, err := portal.Principal(ctx, s.cfg.Store, person, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	s.portal.Put(person, key, &portalEntry{u: u})
	return u, nil
}

// portalPage writes the person's page, rendered once per state of the
// data (a page with a one-time message is rendered for that view only).
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request, u *attest.User, flash string) error {
	key, err := s.dashKey(r.Context())
	if err != nil {
		return err
	}
	e, _ := s.portal.Get(u.Person, key)
	if e == nil || e.page == nil || flash != "" {
		pg, err := portal.Load(r.Context(), s.cfg.Store, s.cfg.Checklist, u, s.day())
		if err != nil {
			return err
		}
		var b bytes.Buffer
		data := &portalHomeData{portalFrame: portalFrame{Layout: Layout{Title: "Employee portal", Flash: flash}, Employee: u}, P: pg}
		if err := pages.ExecuteTemplate(&b, "portal", data); err != nil {
			return err
		}
		e = &portalEntry{u: u, page: b.Bytes(), gz: gzipPage(b.Bytes())}
		if flash == "" {
			s.portal.Put(u.Person, key, e)
		}
	}
	if acceptsGzip(r) {
		sendPage(w, e.gz, true)
	} else {
		sendPage(w, e.page, false)
	}
	return nil
}
