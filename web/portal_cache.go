package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/portal"
)

// portalCache keeps, per person and state of the data (dashKey: the day
// and the ledger's size, so any recorded change shows at once), the
// person's principal and their portal page as rendered and gzipped. A
// page view then reads no table but the session's.
type portalCache struct {
	mu sync.Mutex
	m  map[int64]*portalEntry
}

type portalEntry struct {
	key      string
	u        *attest.User
	page, gz []byte
}

// maxPortalEntries bounds the people kept; past it the cache starts over.
const maxPortalEntries = 20000

func (c *portalCache) get(person int64, key string) *portalEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[person]; e != nil && e.key == key {
		return e
	}
	return nil
}

func (c *portalCache) put(person int64, e *portalEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxPortalEntries {
		c.m = map[int64]*portalEntry{}
	}
	c.m[person] = e
}

// principal is the person's employee principal for this state of the
// data, read again when it changed.
func (s *Server) principal(ctx context.Context, person int64) (*attest.User, error) {
	key, err := s.dashKey(ctx)
	if err != nil {
		return nil, err
	}
	if e := s.portal.get(person, key); e != nil {
		return e.u, nil
	}
	u, err := portal.Principal(ctx, s.cfg.Store, person, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	s.portal.put(person, &portalEntry{key: key, u: u})
	return u, nil
}

// portalPage writes the person's page, rendered once per state of the
// data (a page with a one-time message is rendered for that view only).
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request, u *attest.User, flash string) error {
	key, err := s.dashKey(r.Context())
	if err != nil {
		return err
	}
	e := s.portal.get(u.Person, key)
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
		e = &portalEntry{key: key, u: u, page: b.Bytes(), gz: gzipPage(b.Bytes())}
		if flash == "" {
			s.portal.put(u.Person, e)
		}
	}
	if acceptsGzip(r) {
		sendPage(w, e.gz, true)
	} else {
		sendPage(w, e.page, false)
	}
	return nil
}
