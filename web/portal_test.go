package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
)

var portalLinkRE = regexp.MustCompile(`/portal/login/[A-Za-z0-9_-]+`)

// portalLink is the latest sign-in link mailed to to.
func (f *fixture) portalLink(t testing.TB, to string) string {
	t.Helper()
	for _, m := range f.server.outbox.Latest() {
		if m.To == to {
			if l := portalLinkRE.FindString(m.Body); l != "" {
				return l
			}
		}
	}
	t.Fatalf("no portal link mailed to %s", to)
	return ""
}

// employeeSession puts a person on the roster (name@example.com, in
// scope) and signs them in to the portal through a mailed link: the
// session is f.cookie[name].
func (f *fixture) employeeSession(t *testing.T, name string) *attest.Person {
	t.Helper()
	return f.employeeSessionTB(t, name)
}

func (f *fixture) employeeSessionTB(t testing.TB, name string) *attest.Person {
	t.Helper()
	ps, err := f.store.RecordPeople(context.Background(), ch, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{
		{Email: name + "@example.com", Name: "Emma Employee", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-01-05", Department: "Engineering", InScope: true}})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := f.form(t, "/portal/link", "", url.Values{"email": {ps[0].Email}})
	if resp.StatusCode != 200 {
		t.Fatalf("asking for a link: %d", resp.StatusCode)
	}
	resp, body := f.form(t, f.portalLink(t, ps[0].Email), "", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
		t.Fatalf("signing in with the link: %d %s", resp.StatusCode, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "attest_session" {
			f.cookie[name] = c
		}
	}
	return &ps[0]
}

// TestPortalOverHTTP: the same answer for any address; a link signs in
// once; the portal shows the person's policy, the acknowledgement is
// recorded; the mail stops after five requests an hour for one address.
func TestPortalOverHTTP(t *testing.T) {
	f := setup(t)
	acktest.Publish(t, f.store, ch, "access-control", "Access control", "# Access control\n\nLock your screen.\n")
	resp, body := f.form(t, "/portal/link", "", url.Values{"email": {"nobody@example.com"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Check your inbox") || len(f.server.outbox.Latest()) != 0 {
		t.Fatalf("unknown address: %d %s", resp.StatusCode, body)
	}
	p := f.employeeSession(t, "emma")
	link := f.portalLink(t, p.Email)
	resp, body = f.form(t, link, "", nil)
	if resp.StatusCode != 401 || !strings.Contains(body, "used already") {
		t.Fatalf("second use: %d %s", resp.StatusCode, body)
	}
	resp, page := f.get(t, "/portal", "emma")
	if resp.StatusCode != 200 || !strings.Contains(string(page), `href="/portal/policies/access-control"`) {
		t.Fatalf("portal: %d %s", resp.StatusCode, page)
	}
	resp, page = f.get(t, "/portal/policies/access-control", "emma")
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Lock your screen.") {
		t.Fatalf("policy: %d %s", resp.StatusCode, page)
	}
	// A version that is no number is refused as such, and nothing is
	// recorded.
	for _, v := range []string{"", "-1", "one"} {
		if resp, body := f.form(t, "/portal/policies/access-control/acknowledge", "emma", url.Values{"version": {v}}); resp.StatusCode != 400 || !strings.Contains(body, "version: ") {
			t.Errorf("version %q: %d %.300s", v, resp.StatusCode, body)
		}
	}
	resp, body = f.form(t, "/portal/policies/access-control/acknowledge", "emma", url.Values{"version": {"1"}})
	if resp.StatusCode != 303 {
		t.Fatalf("acknowledge: %d %s", resp.StatusCode, body)
	}
	ks, _ := f.store.Acknowledgements(context.Background(), p.ID)
	if len(ks) != 1 || ks[0].Via != attest.AckPortal || ks[0].Version != 1 {
		t.Fatalf("recorded: %+v", ks)
	}
	resp, js := f.get(t, "/api/v1/portal", "emma")
	var pg struct {
		ToRead []any `json:"to_acknowledge"`
		Done   []any `json:"acknowledged"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(js, &pg) != nil || len(pg.ToRead) != 0 || len(pg.Done) != 1 {
		t.Fatalf("portal JSON: %d %s", resp.StatusCode, js)
	}
	// Management reads the status over the API.
	resp, js = f.get(t, "/api/v1/acknowledgements?person="+p.Email, attest.RoleCompliance)
	if resp.StatusCode != 200 || !strings.Contains(string(js), `"state": "acknowledged"`) {
		t.Fatalf("status API: %d %s", resp.StatusCode, js)
	}
	code, out := f.callAs(t, "POST", "/api/v1/training/imports?name=lms.csv", attest.RoleCompliance, "email,course,completed\n"+p.Email+",Security awareness,2026-11-02\n")
	if code != 200 || !strings.Contains(out, `"recorded": 1`) {
		t.Fatalf("training import API: %d %s", code, out)
	}
	if resp, js := f.get(t, "/api/v1/training", attest.RoleCompliance); resp.StatusCode != 200 || !strings.Contains(string(js), `"current": 1`) {
		t.Fatalf("training API: %d %s", resp.StatusCode, js)
	}
	// A staff session is not the portal's, and the other way round.
	if resp, _ := f.get(t, "/api/v1/portal", attest.RoleAdmin); resp.StatusCode != 403 {
		t.Fatalf("an admin on the portal's API: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, "/", "emma"); resp.StatusCode != 403 {
		t.Fatalf("the employee on the dashboard: %d", resp.StatusCode)
	}

	// Six requests in an hour for one address: five mails.
	before := len(f.server.outbox.Latest())
	for range 6 {
		f.form(t, "/portal/link", "", url.Values{"email": {p.Email}})
	}
	if n := len(f.server.outbox.Latest()) - before; n != 4 {
		// One was sent when Emma signed in: four more reach the limit.
		t.Fatalf("%d mails after six requests", n)
	}
}
