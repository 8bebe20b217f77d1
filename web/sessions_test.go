package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/sqlstore"
)

// TestSessionsSharedAcrossServers: two servers on one store, as two
// replicas behind a load balancer; a session made on one works on the
// other, and signing out on the other ends it on both.
func TestSessionsSharedAcrossServers(t *testing.T) {
	f := setup(t)
	other := httptest.NewServer(New(Config{Store: f.store, Org: "demo"}))
	defer other.Close()
	get := func(base string) int {
		req, _ := http.NewRequest("GET", base+"/", nil)
		req.AddCookie(f.cookie["admin"])
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if a, b := get(f.srv.URL), get(other.URL); a != 200 || b != 200 {
		t.Fatalf("dashboard with a session from the first server: %d and %d, want 200 on both", a, b)
	}
	// The table holds a hash of the token, never the token itself.
	if _, err := f.store.FindSession(context.Background(), f.cookie["admin"].Value, time.Now()); err == nil {
		t.Error("the session store holds the raw token")
	}
	req, _ := http.NewRequest("POST", other.URL+"/logout", nil)
	req.AddCookie(f.cookie["admin"])
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on the second server: %v %v", resp, err)
	}
	if a := get(f.srv.URL); a != http.StatusSeeOther {
		t.Errorf("after signing out on the other server: %d, want a redirect to sign in", a)
	}
	// Expired sessions are swept.
	if n, err := f.store.DeleteExpiredSessions(context.Background(), time.Now().Add(13*time.Hour)); err != nil || n == 0 {
		t.Errorf("sweep: %d %v", n, err)
	}
}

// TestUnavailableIs503: a database outage answers 503 with one clear log
// line, not 500.
func TestUnavailableIs503(t *testing.T) {
	f := setup(t)
	var logged strings.Builder
	s := New(Config{Store: f.store, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	rec := httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest("GET", "/api/v1/evidence", nil), sqlstore.Unreachable(errors.New("dial tcp 10.0.0.7:5432: connection refused")))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(logged.String(), "database unavailable") || !strings.Contains(rec.Body.String(), "try again shortly") || strings.Contains(rec.Body.String(), "10.0.0.7") {
		t.Errorf("status %d, body %s, log %q", rec.Code, rec.Body, logged.String())
	}
	// A workflow's or the web's own EUNAVAILABLE keeps its words: they
	// are written for the user, and say what to do instead.
	rec = httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest("GET", "/api/v1/evidence", nil), &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"})
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "this server has no evidence store") {
		t.Errorf("the web's own: status %d, body %s", rec.Code, rec.Body)
	}
}
