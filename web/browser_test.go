package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/internal/testkit"
	"github.com/attest-dev/attest/report"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// browserT drives a real headless Chromium against the test server and
// keeps a screenshot of every step in .artifacts/browser/<test>/.
type browserT struct {
	t         *testing.T
	ctx       context.Context
	base      string
	shots     string
	downloads string
	step      int
}

// newChromium starts Chromium, or skips the test when it is missing
// (failing under CI, where .ci/run installs it).
func newChromium(t *testing.T, base string) *browserT {
	t.Helper()
	chrome, err := report.FindChrome(os.Getenv)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Chromium: under CI the browser tests must run (.ci/run installs Debian's chromium): %v", err)
		}
		t.Skipf("no Chromium here, the browser tests are skipped: %v", err)
	}
	shots, _ := filepath.Abs(filepath.Join("..", ".artifacts", "browser", t.Name()))
	os.RemoveAll(shots)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-dev-shm-usage", true))
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	b := &browserT{t: t, ctx: ctx, base: base, shots: shots, downloads: t.TempDir()}
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: b.downloads}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Logf("screenshots in %s", shots)
	return b
}

// do runs the actions as one named step and keeps a screenshot after it.
func (b *browserT) do(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.step++
	err := chromedp.Do(b.ctx, actions...)
	if png, serr := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); serr == nil {
		os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.step, name)), png, 0o644)
	}
	if err != nil {
		b.t.Fatalf("step %d (%s): %v", b.step, name, err)
	}
}

// text is the page's visible text.
func (b *browserT) text() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b *browserT) signIn(email string) {
	b.t.Helper()
	b.do("sign-in-"+strings.Split(email, "@")[0],
		chromedp.Navigate(b.base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form.login button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form.login`)))
}

func (b *browserT) signOut() {
	b.t.Helper()
	b.do("sign-out", chromedp.Navigate(b.base+"/"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`form.login`)))
}

// download clicks a link that answers with an attachment and returns the
// file Chromium saved. A click that starts nothing within 10 seconds (a
// page still settling on a loaded machine) is made again; the answer may
// take a while under the race detector.
func (b *browserT) download(name, selector string) []byte {
	b.t.Helper()
	seen := map[string]bool{}
	entries := func() []string {
		l, _ := filepath.Glob(filepath.Join(b.downloads, "*"))
		return l
	}
	for _, f := range entries() {
		seen[f] = true
	}
	b.do(name, chromedp.Click(chromedp.CSS(selector)))
	start, clicked := time.Now(), time.Now()
	for time.Since(start) < 60*time.Second {
		started := false
		for _, f := range entries() {
			if seen[f] {
				continue
			}
			started = true
			if strings.HasSuffix(f, ".pdf") {
				if data, err := os.ReadFile(f); err == nil && len(data) > 0 {
					return data
				}
			}
		}
		if !started && time.Since(clicked) > 10*time.Second {
			b.t.Logf("%s: nothing downloaded 10 s after the click: clicking again", name)
			b.do(name+"-again", chromedp.Click(chromedp.CSS(selector)))
			clicked = time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s: no file was downloaded", name)
	return nil
}

// TestBrowserTrustCenter: a visitor requests access, confirms, accepts the
// NDA, is approved, downloads a watermarked copy; a prospect cannot obtain
// a SOC 1; a SOC 3 downloads without a grant; revoked and expired links
// are refused.
func TestBrowserTrustCenter(t *testing.T) {
	clk := testkit.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	f := setupWith(t, func(c *Config) { c.Now = clk.Now })
	ctx := context.Background()
	pdf := examplePDF(t)
	soc2 := f.issue(t, "SOC 2", "Type 2", pdf)
	soc1 := f.issue(t, "SOC 1", "Type 2", pdf)
	soc3 := f.issue(t, "SOC 3", "", pdf)
	if _, err := f.store.SaveNDA(ctx, ch, "The recipient keeps the report confidential."); err != nil {
		t.Fatal(err)
	}
	b := newChromium(t, f.srv.URL)

	// SOC 3: from the public page, straight to the file.
	b.do("trust-center", chromedp.Navigate(f.srv.URL+"/trust/demo"), chromedp.WaitVisible(chromedp.CSS(`table.trust`)))
	if got := b.download("soc3-download", fmt.Sprintf(`a[href="/trust/demo/documents/%d"]`, soc3)); string(got) != string(pdf) {
		t.Errorf("the SOC 3 download differs from the issued file (%d bytes)", len(got))
	}

	// A customer asks for the SOC 2.
	request := func(doc int64, name, email, requester string) {
		b.do("request-form-"+requester,
			chromedp.Navigate(fmt.Sprintf("%s/trust/demo/request?doc=%d", f.srv.URL, doc)),
			chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
			chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
			chromedp.SendKeys(chromedp.CSS(`input[name=company]`), "Customer Inc"),
			chromedp.SetValue(chromedp.CSS(`select[name=requester]`), requester),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=reason]`), "vendor review"))
		b.do("request-sent-"+requester, chromedp.Click(chromedp.CSS(`form.stack button`)), chromedp.WaitVisible(`//h1[text()="Check your inbox"]`))
		confirm := f.lastLink(t, email, "confirm")
		b.do("nda-"+requester, chromedp.Navigate(f.srv.URL+confirm), chromedp.WaitVisible(chromedp.CSS(`#nda-text`)),
			chromedp.Click(chromedp.CSS(`input[name=accept]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=signature]`), name))
		b.do("confirmed-"+requester, chromedp.Click(chromedp.CSS(`form.stack button`)), chromedp.WaitVisible(`//h1[text()="Request confirmed"]`))
	}
	request(soc2, "Ana Example", "ana@customer.example", "customer")
	if !strings.Contains(b.text(), "waits for the organization's decision") {
		t.Errorf("after confirming: %s", b.text())
	}

	// The admin approves it.
	b.signIn("admin@example.com")
	b.do("admin-requests", chromedp.Navigate(f.srv.URL+"/admin/trust"), chromedp.WaitVisible(chromedp.CSS(`#request-1`)))
	b.do("approved", chromedp.Click(chromedp.CSS(`#request-1 form[action$="/approve"] button`)), chromedp.WaitVisible(`//tr[@id="request-1"]/td[@class="status"][text()="approved"]`))
	b.signOut()

	// The visitor opens the personal link and downloads a marked copy.
	access := f.lastLink(t, "ana@customer.example", "access")
	b.do("personal-page", chromedp.Navigate(f.srv.URL+access), chromedp.WaitVisible(chromedp.CSS(`#download`)))
	copy1 := b.download("soc2-download", `#download`)
	if string(copy1) == string(pdf) {
		t.Fatal("the delivered SOC 2 is the original, not a watermarked copy")
	}
	if text := pdfText(t, copy1); text != "" && !strings.Contains(text, "Copy for Ana Example <ana@customer.example>, Customer Inc") {
		t.Errorf("no watermark in the downloaded copy: %q", text)
	}

	// A prospect asks for the SOC 1: the admin sees the warning, and
	// approving without the override is refused.
	request(soc1, "Pat Prospect", "pat@prospect.example", "prospect")
	b.signIn("admin@example.com")
	b.do("prospect-warning", chromedp.Navigate(f.srv.URL+"/admin/trust"), chromedp.WaitVisible(chromedp.CSS(`#request-2 .warning`)))
	b.do("prospect-refused", chromedp.Click(chromedp.CSS(`#request-2 form[action$="/approve"] button`)), chromedp.WaitVisible(`//h1[text()="Bad Request"]`))
	if !strings.Contains(b.text(), "override") {
		t.Errorf("refusal page: %s", b.text())
	}
	if q, _ := f.store.AccessRequest(ctx, 2); q.Status == "approved" {
		t.Fatal("a prospect obtained a SOC 1 without an override")
	}

	// Revoke the customer's link: it is refused.
	b.do("admin-again", chromedp.Navigate(f.srv.URL+"/admin/trust"), chromedp.WaitVisible(chromedp.CSS(`#request-1`)))
	b.do("revoked", chromedp.Click(chromedp.CSS(`#request-1 form[action$="/revoke"] button`)), chromedp.WaitVisible(`//tr[@id="request-1"]/td[@class="status"][text()="revoked"]`))
	b.do("revoked-link", chromedp.Navigate(f.srv.URL+access), chromedp.WaitVisible(`//h1[text()="Forbidden"]`))
	if !strings.Contains(b.text(), "revoked") {
		t.Errorf("revoked link page: %s", b.text())
	}
	// Approve again, then let the new link expire.
	b.do("admin-reapprove", chromedp.Navigate(f.srv.URL+"/admin/trust"), chromedp.WaitVisible(chromedp.CSS(`#request-1 form[action$="/approve"]`)),
		chromedp.Click(chromedp.CSS(`#request-1 form[action$="/approve"] button`)), chromedp.WaitVisible(`//tr[@id="request-1"]/td[@class="status"][text()="approved"]`))
	b.signOut()
	fresh := f.lastLink(t, "ana@customer.example", "access")
	clk.Add(15 * 24 * time.Hour)
	b.do("expired-link", chromedp.Navigate(f.srv.URL+fresh), chromedp.WaitVisible(`//h1[text()="Forbidden"]`))
	if !regexp.MustCompile(`expired on`).MatchString(b.text()) {
		t.Errorf("expired link page: %s", b.text())
	}
}

// TestBrowserAuditorSample: an auditor signs in, draws a seeded sample in
// the fieldwork workspace and records the test's results, one deviation
// among them.
func TestBrowserAuditorSample(t *testing.T) {
	f := setup(t)
	f.addPopulation(t, 30)
	b := newChromium(t, f.srv.URL)
	b.signIn("auditor@example.com")
	// The auditor makes a key in the browser (WebCrypto Ed25519, not
	// extractable), enrolls it and confirms its fingerprint.
	b.do("key-page", chromedp.Navigate(f.srv.URL+"/fieldwork/e1/key"), chromedp.WaitVisible(chromedp.CSS(`#make-key`)), chromedp.WaitReady(chromedp.CSS(`body[data-sign-ready]`)))
	b.do("key-made", chromedp.Click(chromedp.CSS(`#make-key`)), chromedp.WaitVisible(chromedp.CSS(`#confirm-button`)))
	b.do("key-confirmed", chromedp.Click(chromedp.CSS(`#confirm-button`)), chromedp.WaitVisible(`//td[contains(., "in a browser")]/following-sibling::td[contains(., "2026")]`))
	keys, err := f.store.AuditorKeys(context.Background(), "e1")
	if err != nil || len(keys) != 2 || keys[1].Holder != "browser" || keys[1].Confirmed == "" {
		t.Fatalf("keys %+v %v", keys, err)
	}
	b.do("control-workspace", chromedp.Navigate(f.srv.URL+"/fieldwork/e1/controls/AX-01"), chromedp.WaitVisible(chromedp.CSS(`form[action="/fieldwork/e1/draws"]`)),
		chromedp.WaitVisible(`//span[@id="sign-key" and contains(., "signed in this browser")]`),
		chromedp.SendKeys(chromedp.CSS(`input[name=seed]`), "browser-2026"),
		chromedp.SendKeys(chromedp.CSS(`input[name=size]`), "5"))
	b.do("sample-drawn", chromedp.Click(chromedp.CSS(`form[action="/fieldwork/e1/draws"] button`)), chromedp.WaitVisible(chromedp.CSS(`#draw-1`)))
	draws, err := f.store.Draws(context.Background(), "e1", "AX-01")
	if err != nil || len(draws) != 1 || draws[0].Seed != "browser-2026" || len(draws[0].Items) != 5 || !strings.HasPrefix(draws[0].DrawnBy, "auditor") {
		t.Fatalf("draw %+v %v", draws, err)
	}
	b.do("record-form", chromedp.Navigate(f.srv.URL+"/fieldwork/e1/controls/AX-01?draw=1#record"), chromedp.WaitVisible(chromedp.CSS(`#record textarea[name=items]`)))
	prefill, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`#record textarea[name=items]`)))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, l := range strings.Fields(prefill) {
		if i == 2 {
			lines = append(lines, l+"deviation:approval recorded after the merge")
		} else {
			lines = append(lines, l+"no-exception")
		}
	}
	if len(lines) != 5 {
		t.Fatalf("the form is not prepared for the draw's 5 items: %q", prefill)
	}
	b.do("results-entered",
		chromedp.Click(chromedp.CSS(`#record input[name=procedure][value=inquiry]`)),
		chromedp.Click(chromedp.CSS(`#record input[name=procedure][value=inspection]`)),
		chromedp.SetValue(chromedp.CSS(`#record textarea[name=items]`), strings.Join(lines, "\n")),
		chromedp.SetValue(chromedp.CSS(`#record select[name=deviations]`), "isolated"))
	b.do("test-recorded", chromedp.Click(chromedp.CSS(`#record button`)), chromedp.WaitVisible(chromedp.CSS(`#test-1`)))
	tests, err := f.store.Tests(context.Background(), "e1", "AX-01")
	if err != nil || len(tests) != 1 || tests[0].DrawID != 1 || len(tests[0].Items) != 5 || tests[0].Conclusion != attest.ConclusionExceptions {
		t.Fatalf("test %+v %v", tests, err)
	}
	// Both acts are the auditor's signed statements, under the browser key.
	a, err := fieldwork.Check(context.Background(), f.store, "e1")
	if err != nil || a.Verdict(tests[0].Entry) != fieldwork.Verified || a.Verdict(draws[0].Entry) != fieldwork.Verified || len(a.Problems) != 0 {
		t.Fatalf("statements %+v %v", a, err)
	}
	sts, _ := f.store.Statements(context.Background(), "e1")
	for _, st := range sts {
		if st.Entry == tests[0].Entry && (st.Key != keys[1].Fingerprint || st.Kind != "test.record") {
			t.Errorf("the test is signed by %s (%s), not the browser key", st.Key, st.Kind)
		}
	}
}

// TestBrowserUploadChangesCoverage: a control owner signs in, uploads
// evidence through the upload page (the script's progress bar and the
// API), and the control's coverage calendar changes.
func TestBrowserUploadChangesCoverage(t *testing.T) {
	f := setupWith(t, func(c *Config) { c.Now = func() time.Time { return time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC) } })
	monthly := attest.Monthly
	if _, err := f.store.UpdateControl(context.Background(), ch, "e1", "AX-01", attest.ControlUpdate{Frequency: &monthly, DueDays: ptr(5), Status: ptr(attest.Implemented)}); err != nil {
		t.Fatal(err)
	}
	feb := "2026-02-01 to 2026-02-28, due 2026-03-05"
	file := filepath.Join(t.TempDir(), "february-access-review.txt")
	os.WriteFile(file, []byte("February access review: 14 accounts reviewed, 2 removed."), 0o644)
	b := newChromium(t, f.srv.URL)
	b.signIn("control-owner@example.com")
	html := func() string {
		s, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b.do("control-before", chromedp.Navigate(f.srv.URL+"/controls/e1/AX-01"), chromedp.WaitVisible(chromedp.CSS(`.cells`)))
	if got := cellTitle(html(), feb); got != feb+": upcoming" {
		t.Fatalf("before the upload, February is %q", got)
	}
	b.do("upload-form", chromedp.Navigate(f.srv.URL+"/evidence/upload?control=AX-01"), chromedp.WaitVisible(chromedp.CSS(`#upload`)),
		chromedp.SetValue(chromedp.CSS(`#upload input[name=covers]`), "2026-02-27"),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{file}))
	b.do("uploaded", chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)), chromedp.WaitVisible(`//td[contains(., "february-access-review.txt")]`))
	b.do("control-after", chromedp.Navigate(f.srv.URL+"/controls/e1/AX-01"), chromedp.WaitVisible(chromedp.CSS(`.cells`)))
	if got := cellTitle(html(), feb); got != feb+": evidence present" {
		t.Errorf("after the upload, February is %q", got)
	}
	if ev, _ := f.store.EvidenceList(context.Background(), "AX-01", false); len(ev) != 1 || ev[0].Date != "2026-02-27" {
		t.Errorf("evidence %+v", ev)
	}
}
