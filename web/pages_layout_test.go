package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/storetest"
)

func TestWhen(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 5, 59, 123456789, time.FixedZone("CET", 3600))
	utc := `<time datetime="2026-03-02T07:05:59Z" title="2026-03-02T07:05:59Z">2026-03-02 07:05 UTC</time>`
	for _, c := range []struct {
		in   any
		want template.HTML
	}{
		{"2026-03-02T07:05:59.123456789Z", template.HTML(utc)},
		{"2026-03-02T08:05:59+01:00", template.HTML(utc)},
		{at, template.HTML(utc)},
		{&at, template.HTML(utc)},
		{(*time.Time)(nil), ""},
		{time.Time{}, ""},
		{"2026-03-02", "2026-03-02"},
		{"", ""},
		{"<b>not a time</b>", "&lt;b&gt;not a time&lt;/b&gt;"},
	} {
		if got := when(c.in); got != c.want {
			t.Errorf("when(%#v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestIDs(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want template.HTML
	}{
		{nil, ""},
		{[]string{"CC6.1"}, "CC6.1"},
		{[]string{"A", "B", "C", "D", "E"}, "A, B, C, D, E"},
		{[]string{"CC6.1", "CC6.2", "CC6.3", "CC6.6", "CC7.1", "CC7.2"},
			`<details class="ids"><summary>CC6.1, CC6.2, CC6.3 and 3 more</summary><span class="all">CC6.1, CC6.2, CC6.3, CC6.6, CC7.1, CC7.2</span></details>`},
		{[]string{"<x>", "a", "b", "c", "d", "e"}, `<details class="ids"><summary>&lt;x&gt;, a, b and 3 more</summary><span class="all">&lt;x&gt;, a, b, c, d, e</span></details>`},
	} {
		if got := ids(c.in); got != c.want {
			t.Errorf("ids(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// addEngagement adds a second engagement, e2, with three controls (AX-01,
// BX-01, CX-01), on which the fixture's auditor is not named.
func addEngagement(t *testing.T, s attest.Store) {
	t.Helper()
	e := storetest.Engagement("e2")
	e.Name, e.Type, e.PeriodStart, e.PeriodEnd, e.AsOf = "Second system", attest.Type1, "", "", "2026-06-30"
	if err := s.CreateEngagement(context.Background(), ch, e, storetest.Controls(3)); err != nil {
		t.Fatal(err)
	}
}

// TestEngagementSwitcher: the navigation names the engagement shown and
// offers the others the user may read; choosing one keeps the page (the
// same control in the other engagement when it has it) and is remembered.
func TestEngagementSwitcher(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	addEngagement(t, f.store)
	dash := f.page(t, attest.RoleAdmin, "/")
	mustContain(t, "the dashboard", dash, `<form method="get" action="/switch" id="switcher"`, `<option value="e1" selected>Example e1 · SOC 2 Type 2</option>`,
		`<option value="e2">Second system · SOC 2 Type 1</option>`, `<input type="hidden" name="page" value="/">`, `id="e-e1"`)
	if strings.Contains(dash, `id="e-e2"`) {
		t.Error("the dashboard shows every engagement at once")
	}
	for page, want := range map[string]string{
		"/controls/e1/AX-01":             "/controls/e2/AX-01",
		"/controls/e1/CX-01/edit":        "/controls/e2/CX-01/edit",
		"/controls/e1/ZZ-99":             "/controls",
		"/fieldwork":                     "/fieldwork/e2",
		"/fieldwork/e1":                  "/fieldwork/e2",
		"/fieldwork/e1/controls/BX-01":   "/fieldwork/e2/controls/BX-01",
		"/fieldwork/e1/controls/ZZ-99":   "/fieldwork/e2",
		"/fieldwork/e1/requests/4":       "/fieldwork/e2/requests",
		"/evidence?control=AX-01":        "/evidence?control=AX-01",
		"/controls?engagement=e1":        "/controls",
		"/":                              "/",
		"https://elsewhere.example/x":    "/",
		"//elsewhere.example/controls/x": "/",
		// An encoded slash decodes to "//0 ", which was written back as
		// "//0%20": another host (found by FuzzSwitchTarget).
		"/%2F0 ":                 "/",
		"/%2Felsewhere.example/": "/%2Felsewhere.example/",
	} {
		resp, body := f.get(t, attest.RoleCompliance, "/switch?engagement=e2&page="+urlQuery(page))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("switch to e2 from %s: %d to %q, want %q (%s)", page, resp.StatusCode, resp.Header.Get("Location"), want, body)
		}
	}
	// The choice is remembered: the dashboard, controls and reports show e2.
	mustContain(t, "the dashboard after switching", f.page(t, attest.RoleCompliance, "/"), `id="e-e2"`, `<option value="e2" selected>`)
	controls := f.page(t, attest.RoleCompliance, "/controls")
	mustContain(t, "the controls page after switching", controls, "Second system", "/controls/e2/CX-01")
	if strings.Contains(controls, "/controls/e1/") {
		t.Error("the controls page shows the other engagement too")
	}
	mustContain(t, "the reports page after switching", f.page(t, attest.RoleCompliance, "/reports"), "<h2>Second system")
	// A page that names an engagement makes it the one shown.
	f.page(t, attest.RoleCompliance, "/controls/e1/AX-01")
	mustContain(t, "the dashboard after opening an e1 control", f.page(t, attest.RoleCompliance, "/"), `id="e-e1"`)
	mustContain(t, "?engagement=", f.page(t, attest.RoleCompliance, "/?engagement=e2"), `id="e-e2"`)
	// Sessions are apart: the admin still sees e1.
	mustContain(t, "another user's dashboard", f.page(t, attest.RoleAdmin, "/"), `id="e-e1"`)

	if resp, _ := f.get(t, attest.RoleAdmin, "/switch?engagement=nope&page=/"); resp.StatusCode != 404 {
		t.Errorf("switch to an unknown engagement: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, attest.RoleAdmin, "/?engagement=nope"); resp.StatusCode != 404 {
		t.Errorf("the dashboard of an unknown engagement: %d", resp.StatusCode)
	}
	// The auditor, named on e1 only, is offered nothing else and cannot
	// switch to e2.
	aud := f.page(t, attest.RoleAuditor, "/")
	mustContain(t, "the auditor's dashboard", aud, `<span class="switcher" id="switcher">Example e1 · SOC 2 Type 2</span>`)
	if strings.Contains(aud, "e2") {
		t.Error("the auditor is offered an engagement they are not named on")
	}
	if resp, _ := f.get(t, attest.RoleAuditor, "/switch?engagement=e2&page=/"); resp.StatusCode != 403 {
		t.Errorf("the auditor switching to e2: %d", resp.StatusCode)
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "=", "%3D", "/", "%2F", ":", "%3A", " ", "%20").Replace(s)
}

// TestSignInPage: the sign-in page names the product and the organization
// (from its description inputs), keeps the address to return to after a
// wrong password, and points visitors to the trust center.
func TestSignInPage(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	_, body := f.get(t, "", "/login?next=/checks")
	mustContain(t, "the sign-in page", body, `<main class="signin">`, `<p class="product">Attest</p>`, `<h1>Sign in</h1>`, `name="next" value="/checks"`, `href="/trust/demo"`)
	if strings.Contains(body, `class="org"`) {
		t.Error("an organization name is shown before any is known")
	}
	ref, size, err := f.blobs.Put(bytes.NewReader([]byte("organization: Example Payroll Ltd\nsystem: Payroll\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddDocument(context.Background(), ch, attest.Document{EngagementID: "e1", Kind: attest.DocDescription, Name: "description.yaml", MediaType: "application/yaml", Ref: string(ref), Size: size}); err != nil {
		t.Fatal(err)
	}
	_, body = f.get(t, "", "/login")
	mustContain(t, "the sign-in page", body, `<p class="org">Example Payroll Ltd</p>`)
	resp, body := f.post(t, "", "/login", map[string][]string{"email": {"admin@example.com"}, "password": {"wrong"}, "next": {"/checks"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	mustContain(t, "the sign-in page after a wrong password", body, "Wrong e-mail address or password.", `<p class="org">Example Payroll Ltd</p>`, `name="next" value="/checks"`)
}
