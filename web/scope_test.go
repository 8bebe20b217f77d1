package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/storetest"
)

// TestEngagementAccessOverHTTP drives the actors of the workflow matrix
// (package authtest) through every route that names an engagement, with a
// session and with an API token: the staff by role; the auditor named on
// e1 on e1 only, and only inside its window (report date 2027-02-28 plus
// 30 days); an auditor named on another engagement never; and e1's
// auditor reads the results (tests, draws) of e0, the period before e1,
// and nothing else of it.
func TestEngagementAccessOverHTTP(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	s := f.store
	prior := storetest.Engagement("e0")
	prior.PeriodStart, prior.PeriodEnd, prior.ReportDate = "2025-01-01", "2025-12-31", "2026-02-28"
	if err := s.CreateEngagement(ctx, ch, prior, renamed(storetest.Controls(2), "P")); err != nil {
		t.Fatal(err)
	}
	// e2, which the other auditor audits, is a SOC 1: e0 is not its prior
	// period.
	e2 := storetest.Engagement("e2")
	e2.Kind = attest.SOC1
	if err := s.CreateEngagement(ctx, ch, e2, renamed(storetest.Controls(2), "Q")); err != nil {
		t.Fatal(err)
	}
	other, err := s.SaveUser(ctx, ch, attest.User{Email: "other-auditor@example.com", Name: "Other", Role: attest.RoleAuditor, PasswordHash: mustUser(t, f, attest.RoleAuditor).PasswordHash})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e2", Name: "Other", UserID: other.ID}); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.login(t, other.Email, password).Cookies() {
		if c.Name == "attest_session" {
			f.cookie["auditor-other"] = c
		}
	}
	// One token per actor, held by the actor's own account.
	tokens := map[string]string{}
	actors := []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleViewer, attest.RoleAuditor, "auditor-other"}
	for _, a := range actors {
		u := other
		if a != "auditor-other" {
			u = mustUser(t, f, a)
		}
		secret := auth.RandomSecret("attest_", 32)
		if _, err := s.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "matrix", Hash: auth.HashSecret(secret)}); err != nil {
			t.Fatal(err)
		}
		tokens[a] = secret
	}
	var routes []route
	for _, rt := range f.server.Routes() {
		if strings.Contains(rt.Pattern, "{id}") && (strings.Contains(rt.Pattern, "/engagements/{id}") || strings.HasPrefix(rt.Pattern, "/fieldwork/{id}")) ||
			strings.Contains(rt.Pattern, "{engagement}") {
			routes = append(routes, rt)
		}
	}
	if len(routes) < 25 {
		t.Fatalf("%d routes name an engagement; the walk would miss some", len(routes))
	}
	path := func(rt route, eng string) string {
		return strings.NewReplacer("{id}", eng, "{engagement}", eng, "{control}", "AX-01", "{req}", "999", "{test}", "999", "{draw}", "999", "{population}", "999").Replace(rt.Pattern)
	}
	refused := func(code int) bool { return code == 401 || code == 403 }
	inside, after := ch.At, time.Date(2027, 4, 2, 12, 0, 0, 0, time.UTC)
	for _, when := range []time.Time{inside, after} {
		f.setNow(when)
		for _, rt := range routes {
			for _, a := range actors {
				role := a
				if a == "auditor-other" {
					role = attest.RoleAuditor
				}
				want := containsRole(rt.Roles, role)
				if role == attest.RoleAuditor {
					want = want && a == attest.RoleAuditor && when.Before(after)
				}
				for _, how := range []string{"token", "session"} {
					code, loc := f.as(t, rt.Method, path(rt, "e1"), a, how, tokens[a])
					name := rt.Method + " " + rt.Pattern + " as " + a + " by " + how + " at " + when.Format(attest.DateLayout)
					switch {
					case want && (refused(code) || code >= 500 || code == 303 && strings.HasPrefix(loc, "/login")):
						t.Errorf("%s: %d, want access", name, code)
					case !want && how == "token" && code != 403:
						t.Errorf("%s: %d, want 403", name, code)
					case !want && how == "session" && !(code == 403 || code == 401 || code == 303 && strings.HasPrefix(loc, "/login")):
						// A session of an auditor whose access ended is
						// closed by the first refusal.
						t.Errorf("%s: %d, want it refused", name, code)
					}
				}
			}
		}
	}
	// The prior period: e1's auditor, inside e1's window, reads e0's
	// results and nothing else; the other auditor reads none of it.
	f.setNow(inside)
	for _, rt := range routes {
		for _, a := range []string{attest.RoleAuditor, "auditor-other"} {
			want := rt.Results && rt.Method == "GET" && a == attest.RoleAuditor && containsRole(rt.Roles, attest.RoleAuditor)
			code, _ := f.as(t, rt.Method, path(rt, "e0"), a, "token", tokens[a])
			switch {
			case want && (refused(code) || code >= 500):
				t.Errorf("%s %s on the prior period as %s: %d, want access", rt.Method, rt.Pattern, a, code)
			case !want && code != 403:
				t.Errorf("%s %s on the prior period as %s: %d, want 403", rt.Method, rt.Pattern, a, code)
			}
		}
	}
	// Its pages show the prior period's work read only: no form to act,
	// no link to its requests. (The walk after the window closed the
	// auditor's session: the pages are read with the auditor's token.)
	page := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[attest.RoleAuditor])
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []string{"/fieldwork/e0", "/fieldwork/e0/controls/PA-01"} {
		code, page := page(p)
		if code != 200 || !strings.Contains(page, "the period before the one you audit") || strings.Contains(page, "<form method=\"post\" action=\"/fieldwork/e0") ||
			strings.Contains(page, "/fieldwork/e0/requests") {
			t.Errorf("%s as e1's auditor: %d\n%s", p, code, page)
		}
	}
	if code, page := page("/fieldwork/e1/controls/AX-01"); code != 200 || strings.Contains(page, "the period before the one you audit") || !strings.Contains(page, "action=\"/fieldwork/e1/tests\"") {
		t.Errorf("e1's own control as its auditor: %d\n%s", code, page)
	}
}

// as sends a request as an actor, by API token or by the actor's session,
// and returns the status and any redirect.
func (f *fixture) as(t *testing.T, method, path, actor, how, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	if how == "token" {
		req.Header.Set("Authorization", "Bearer "+token)
	} else if c := f.cookie[actor]; c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func mustUser(t *testing.T, f *fixture, role string) *attest.User {
	t.Helper()
	u, err := f.store.UserByEmail(context.Background(), role+"@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func containsRole(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// renamed gives controls IDs of their own (AX-01 becomes PA-01), so two
// engagements share none.
func renamed(cs []attest.Control, prefix string) []attest.Control {
	for i := range cs {
		cs[i].ID = prefix + cs[i].ID[:1] + cs[i].ID[2:]
	}
	return cs
}

// TestAuditorLedger: an auditor sees, and proves, only the ledger entries
// of their engagements; the staff see them all.
func TestAuditorLedger(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if err := f.store.CreateEngagement(ctx, ch, storetest.Engagement("e2"), renamed(storetest.Controls(2), "Q")); err != nil {
		t.Fatal(err)
	}
	n, err := f.store.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v ledger.View
	getJSON(t, f, "/api/v1/ledger", attest.RoleAuditor, &v)
	for _, e := range v.Recent {
		if e.Type == attest.EntryUserSaved || e.Seq == n-1 {
			t.Errorf("the auditor sees entry %d (%s), which is not of their engagement", e.Seq, e.Type)
		}
	}
	if len(v.Recent) == 0 || v.Recent[len(v.Recent)-1].Type != attest.EntryEngagementCreated {
		t.Errorf("the auditor's ledger: %+v, want e1's entries down to its creation", v.Recent)
	}
	var all ledger.View
	getJSON(t, f, "/api/v1/ledger", attest.RoleAdmin, &all)
	if len(all.Recent) != min(int(n), recentEntries) {
		t.Errorf("the admin sees %d entries, want %d", len(all.Recent), min(int(n), recentEntries))
	}
	if code := f.do(t, "GET", "/api/v1/ledger/proofs/0", attest.RoleAuditor, nil).StatusCode; code != 200 {
		t.Errorf("the auditor's proof of e1's creation: %d", code)
	}
	if code := f.do(t, "GET", "/api/v1/ledger/proofs/"+strconv.FormatInt(n-1, 10), attest.RoleAuditor, nil).StatusCode; code != 403 {
		t.Errorf("the auditor's proof of e2's creation: %d, want 403", code)
	}
	if code := f.do(t, "GET", "/api/v1/ledger/proofs/"+strconv.FormatInt(n-1, 10), attest.RoleCompliance, nil).StatusCode; code != 200 {
		t.Errorf("the compliance manager's proof of e2's creation: %d", code)
	}
}

func getJSON(t *testing.T, f *fixture, path, role string, v any) {
	t.Helper()
	resp, body := f.get(t, path, role)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, role, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(err)
	}
}
