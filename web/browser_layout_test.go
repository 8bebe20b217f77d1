package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// layoutPages are the pages the layout test opens: every staff page, the
// auditor's workspace, the admin pages, the sign-in page and the trust
// center.
var layoutPages = []string{
	"/", "/controls", "/controls/e1/AX-01", "/controls/e1/AX-01/edit", "/evidence", "/evidence/upload", "/checks",
	"/reports", "/ledger", "/fieldwork", "/fieldwork/e1", "/fieldwork/e1/controls/AX-01", "/fieldwork/e1/requests",
	"/fieldwork/e1/requests/1", "/fieldwork/e1/key", "/admin/users", "/admin/tokens", "/admin/trust", "/trust/demo",
}

// overflow is what the layout test reads of a page: the document's and
// the window's widths, and each table that is wider than its box or box
// that reaches past the window.
type overflow struct {
	Doc    float64  `json:"doc"`
	Window float64  `json:"win"`
	Tables []string `json:"tables"`
	Boxes  []string `json:"boxes"`
}

const measure = `(() => {
  const out = {doc: document.scrollingElement.scrollWidth, win: window.innerWidth, tables: [], boxes: []};
  const name = t => (t.closest("[id]") ? "#" + t.closest("[id]").id + " " : "") + (t.querySelector("th") ? t.querySelector("th").textContent.trim() : "table");
  for (const t of document.querySelectorAll("table")) {
    const box = t.parentElement;
    const w = t.getBoundingClientRect().width;
    if (w > box.clientWidth + 1) { out.tables.push(name(t) + ": " + Math.round(w) + " px in a box of " + box.clientWidth); }
    if (box.getBoundingClientRect().right > window.innerWidth + 1) { out.boxes.push(name(t) + " ends at " + Math.round(box.getBoundingClientRect().right)); }
  }
  return out;
})()`

// layoutData fills the fixture with what makes pages wide: a long file
// name, a check run supporting 25 controls, a draw of 30 items, a second
// engagement, a trust center with requests and a public download.
func layoutData(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	addEngagement(t, f.store)
	long := strings.Repeat("quarterly-access-review-of-production-database-accounts-", 3) + "signed.pdf"
	ref, size, err := f.bstore.Put(strings.NewReader("the review"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: size, Name: long, MediaType: "application/pdf", Controls: []string{"AX-01", "BX-01"},
		Date: "2026-03-31", Method: attest.MethodUpload, Source: "https://storage.example.com/evidence/" + strings.Repeat("a1b2c3", 12), Note: strings.Repeat("reviewed by the CTO; ", 12)}}); err != nil {
		t.Fatal(err)
	}
	var controls []string
	for i := range 25 {
		controls = append(controls, fmt.Sprintf("CC%d.%d", 1+i/5, 1+i%5))
	}
	results := []check.Result{{Check: "aws_console_mfa", Title: "Console users have MFA", Severity: "high", Controls: controls, Status: check.StatusFail, Resources: 3,
		Failing: []check.Finding{{Resource: "arn:aws:iam::123456789012:user/" + strings.Repeat("service-account-", 8), Reason: "no MFA device", Type: "aws.iam.user", Source: "credential-report.csv", Line: 4}}}}
	run := map[string]any{"run_at": "2026-11-29T08:00:00Z", "by": "ci", "summary": check.Summarize(results), "results": results}
	b, _ := json.Marshal(run)
	ref, size, err = f.bstore.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	added, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: size, Name: "check-run-20261129T080000Z.json", MediaType: "application/json",
		Controls: controls[:1], Date: "2026-11-29", Method: attest.MethodCheck, Source: "attest check run", Note: "1 checks: 0 pass, 1 fail"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := check.RecordLatest(ctx, f.store, added[0].ID); err != nil {
		t.Fatal(err)
	}
	p, _ := f.addPopulation(t, 60)
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, map[string]any{"control": "AX-01", "population": p.ID, "seed": "layout", "size": 30}); code != 201 {
		t.Fatalf("draw: %d %s", code, body)
	}
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/requests", attest.RoleAuditor, map[string]any{"control": "AX-01", "text": strings.Repeat("Please send the approvals for these changes. ", 6), "due": "2026-12-15"}); code != 201 {
		t.Fatalf("request: %d %s", code, body)
	}
	soc3 := f.issue(t, "SOC 3", "", examplePDF(t))
	if resp, _ := f.get(t, "/trust/demo/documents/"+itoa(soc3), ""); resp.StatusCode != 200 {
		t.Fatalf("public download: %d", resp.StatusCode)
	}
	if _, err := f.store.SaveNDA(ctx, ch, "The recipient keeps the report confidential."); err != nil {
		t.Fatal(err)
	}
	f.requestAndConfirm(t, f.issue(t, "SOC 2", "Type 2", examplePDF(t)), "ana@customer.example", "customer")
}

// TestBrowserLayout opens every page at 1,280 and 390 pixels wide in
// Chromium: nothing is wider than the window, and at 1,280 no table is
// wider than its box (narrower, a table may scroll inside its box, never
// the page). Times show in the viewer's zone and locale, and the
// engagement switcher keeps the page. Screenshots are kept.
func TestBrowserLayout(t *testing.T) {
	f := setup(t)
	layoutData(t, f)
	b := newChromium(t, f.srv.URL)
	emulate := func(tz, locale string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tz}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale})
			return err
		})
	}
	b.do("zone", emulate("Asia/Tokyo", "en_GB"))
	b.signIn("admin@example.com")
	for _, width := range []int64{1280, 390} {
		b.do(fmt.Sprint("viewport-", width), chromedp.EmulateViewport(width, 900))
		for _, p := range append([]string{"/login"}, layoutPages...) {
			name := fmt.Sprintf("%d%s", width, strings.NewReplacer("/", "-", "?", "-").Replace(p))
			if p == "/login" {
				b.signOut()
			}
			b.do(name, chromedp.Navigate(f.srv.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
			o, err := chromedp.Run(b.ctx, chromedp.Evaluate[overflow](measure))
			if err != nil {
				t.Fatal(err)
			}
			if o.Doc > o.Window {
				t.Errorf("%s at %d px: the page is %v px wide, wider than the window (%v px)", p, width, o.Doc, o.Window)
			}
			if width >= 1280 && len(o.Tables) > 0 {
				t.Errorf("%s at %d px: tables wider than their box: %s", p, width, strings.Join(o.Tables, "; "))
			}
			if len(o.Boxes) > 0 {
				t.Errorf("%s at %d px: table boxes past the window: %s", p, width, strings.Join(o.Boxes, "; "))
			}
			if p == "/login" {
				b.signIn("admin@example.com")
			}
		}
	}

	// Times: the ledger's entries were written at 09:00 UTC on 30
	// November, 18:00 in Tokyo.
	b.do("local-times", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(f.srv.URL+"/ledger"), chromedp.WaitVisible(chromedp.CSS(`time[data-local]`)))
	times, err := chromedp.Run(b.ctx, chromedp.Evaluate[[][3]string](`[...document.querySelectorAll("time")].map(e => [e.getAttribute("datetime"), e.title, e.textContent])`))
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, tm := range times {
		if tm[0] != tm[1] || !strings.HasSuffix(tm[0], "Z") || strings.HasSuffix(tm[2], "UTC") {
			t.Errorf("a time not localized: %q", tm)
		}
		if tm[0] == "2026-11-30T09:00:00Z" {
			seen = true
			if !strings.Contains(tm[2], "30 Nov 2026") || !strings.Contains(tm[2], "18:00") {
				t.Errorf("09:00 UTC in Tokyo, en-GB, shows as %q", tm[2])
			}
		}
	}
	if !seen {
		t.Errorf("no entry at 2026-11-30T09:00:00Z among %q", times)
	}

	// The switcher: from e1's control AX-01 to e2's, without a button.
	b.do("switcher-before", chromedp.Navigate(f.srv.URL+"/controls/e1/AX-01"), chromedp.WaitVisible(chromedp.CSS(`#switcher select`)))
	hidden, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("#switcher button").hidden`))
	if err != nil || !hidden {
		t.Errorf("the switcher's button shows with scripts on (%v)", err)
	}
	b.do("switched", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#switcher select"); s.value = "e2"; s.dispatchEvent(new Event("change")); })()`),
		chromedp.WaitVisible(`//a[@href="/controls?engagement=e2"]`))
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil || loc != f.srv.URL+"/controls/e2/AX-01" {
		t.Errorf("after switching: at %s (%v), want /controls/e2/AX-01", loc, err)
	}
	b.do("dashboard-e2", chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#e-e2`)))
	if sel, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#switcher select").value`)); sel != "e2" {
		t.Errorf("the dashboard's switcher names %q after switching to e2", sel)
	}
	// A long ID list opens on the whole list.
	b.do("checks", chromedp.Navigate(f.srv.URL+"/checks"), chromedp.WaitVisible(chromedp.CSS(`details.ids summary`)))
	if s := b.text(); !strings.Contains(s, "CC1.1, CC1.2, CC1.3 and 22 more") || strings.Contains(s, "CC5.5") {
		t.Errorf("the checks page does not collapse 25 controls")
	}
	b.do("checks-open", chromedp.Click(chromedp.CSS(`details.ids summary`)))
	if s := b.text(); !strings.Contains(s, "CC5.5") {
		t.Errorf("the opened list does not show every control")
	}
}
