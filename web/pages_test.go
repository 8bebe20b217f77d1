package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
	"golang.org/x/mod/sumdb/tlog"
)

// testLog shows the server's warnings and errors in the test's log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// pagesFixture is a server on a fixed day, signing checkpoints with its
// own key, with one user per role (the control owner owns AX-01).
type pagesFixture struct {
	*fixture
	blobs   *blob.FS
	blobDir string
	pub     string
}

func setupAt(t *testing.T, now time.Time) *pagesFixture {
	t.Helper()
	ctx := context.Background()
	s := newStore(t)
	hash, _ := argon2id.CreateHash(password, &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	addRoleUsers(t, s, hash)
	aud, _ := s.UserByEmail(ctx, "auditor@example.com")
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: "auditor", UserID: aud.ID}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "blobs")
	bs, err := blob.OpenFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	priv, pub, err := ledger.GenerateKey("attest-test")
	if err != nil {
		t.Fatal(err)
	}
	sign := func(ctx context.Context) ([]byte, error) {
		return s.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) { return ledger.Sign(n, root, priv) }, now)
	}
	srv := httptest.NewServer(New(Config{Store: s, Blobs: bs, Org: "demo", Log: testLog(t), Now: func() time.Time { return now }, PublicKey: pub, Checkpoint: sign}))
	t.Cleanup(srv.Close)
	f := &pagesFixture{fixture: &fixture{srv: srv, store: s, cookie: map[string]*http.Cookie{}}, blobs: bs, blobDir: dir, pub: pub}
	for _, role := range attest.Roles {
		resp := f.login(t, role+"@example.com", password)
		for _, c := range resp.Cookies() {
			if c.Name == "attest_session" {
				f.cookie[role] = c
			}
		}
	}
	return f
}

// send makes a request as role and returns the answer with its body.
func (f *pagesFixture) send(t *testing.T, method, path, role, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, b := roundTrip(t, req, f.cookie[role])
	return resp, string(b)
}

func (f *pagesFixture) get(t *testing.T, role, path string) (*http.Response, string) {
	t.Helper()
	return f.send(t, "GET", path, role, "", nil)
}

func (f *pagesFixture) post(t *testing.T, role, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return f.send(t, "POST", path, role, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// page gets a page that must answer 200.
func (f *pagesFixture) page(t *testing.T, role, path string) string {
	t.Helper()
	resp, body := f.get(t, role, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, role, resp.StatusCode, body)
	}
	return body
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not show %q", what, w)
		}
	}
}

// formUpload posts files through the upload page's plain form.
func (f *pagesFixture) formUpload(t *testing.T, role string, fields [][2]string, files map[string]string) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range fields {
		mw.WriteField(kv[0], kv[1])
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	return f.send(t, "POST", "/evidence/upload", role, mw.FormDataContentType(), &body)
}

// cellTitle finds the calendar square's title for a window.
func cellTitle(body, window string) string {
	m := regexp.MustCompile(`title="(` + regexp.QuoteMeta(window) + `[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestUploadChangesCoverage(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	monthly := attest.Monthly
	if _, err := f.store.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Frequency: &monthly, DueDays: ptr(5), Status: ptr(attest.Implemented)}); err != nil {
		t.Fatal(err)
	}
	feb := "2026-02-01 to 2026-02-28, due 2026-03-05"
	dash := f.page(t, attest.RoleViewer, "/")
	if got := cellTitle(dash, feb); got != feb+": upcoming" {
		t.Errorf("before the upload, February is %q", got)
	}
	mustContain(t, "the dashboard", dash, "Type 1 readiness", "Type 2 readiness", "CC6.1", "Missed occurrences (", "2026-01-01 to 2026-01-31, due 2026-02-05: missed")
	mustContain(t, "the controls page", f.page(t, attest.RoleViewer, "/controls"), `<td class="num">0%</td>`)

	resp, body := f.formUpload(t, attest.RoleOwner, [][2]string{{"control", "AX-01"}, {"date", "2026-02-27"}}, map[string]string{"february-review.txt": "reviewed"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/evidence?control=AX-01" {
		t.Fatalf("form upload: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	list := f.page(t, attest.RoleOwner, "/evidence?control=AX-01")
	mustContain(t, "the evidence list", list, "february-review.txt", "Added 1 file as evidence for AX-01.")

	dash = f.page(t, attest.RoleViewer, "/")
	if got := cellTitle(dash, feb); got != feb+": evidence present" {
		t.Errorf("after the upload, February is %q", got)
	}
	mustContain(t, "the controls page", f.page(t, attest.RoleViewer, "/controls"), `<td class="num">50%</td>`)
	detail := f.page(t, attest.RoleViewer, "/controls/e1/AX-01")
	mustContain(t, "the control page", detail, "february-review.txt", "2 expected: 1 with evidence present, 0 late, 1 missed", "within 5 days after month end")

	var d controlDetail
	_, js := f.get(t, attest.RoleAuditor, "/api/v1/engagements/e1/controls/ax-01")
	if err := json.Unmarshal([]byte(js), &d); err != nil || d.Period.Present != 1 || len(d.Evidence) != 1 {
		t.Errorf("control API: %v %+v", err, d.Period)
	}
	var v engagementView
	_, js = f.get(t, attest.RoleViewer, "/api/v1/engagements/e1/dashboard")
	if err := json.Unmarshal([]byte(js), &v); err != nil || v.Readiness == nil || len(v.Controls) != 2 || v.Controls[0].Period.Present != 1 {
		t.Errorf("dashboard API: %v %s", err, js[:min(300, len(js))])
	}

	// Missing control, or a field that is not allowed, is refused by name.
	if resp, body := f.formUpload(t, attest.RoleOwner, [][2]string{{"control", "AX-01"}, {"date", "27/02/2026"}}, map[string]string{"a.txt": "x"}); resp.StatusCode != 400 || !strings.Contains(body, "date") {
		t.Errorf("bad date: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.get(t, attest.RoleViewer, "/evidence?control=ZZ-99"); resp.StatusCode != 404 {
		t.Errorf("unknown control filter: %d", resp.StatusCode)
	}
}

func TestUploadPageStatesLimitAndWorksWithoutScript(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	body := f.page(t, attest.RoleOwner, "/evidence/upload?control=AX-01")
	mustContain(t, "the upload page", body, `method="post" action="/evidence/upload" enctype="multipart/form-data"`, `type="file" name="file" multiple`,
		"At most 256.0 MiB per upload", `<option selected>AX-01</option>`, `data-api="/api/v1/evidence"`, `src="/static/upload.js?v=`)
}

func TestControlEdit(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	before, _ := f.store.LedgerSize(ctx)
	form := url.Values{"owner": {"Dana Reyes"}, "status": {"in-progress"}, "status_reason": {""}, "frequency": {"weekly"}, "due_days": {"3"}, "description": {"Reviews access weekly."}}
	resp, body := f.post(t, attest.RoleCompliance, "/controls/e1/BX-01", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/controls/e1/BX-01" {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	c, _ := f.store.Control(ctx, "e1", "BX-01")
	if c.Owner != "Dana Reyes" || c.Status != attest.InProgress || c.Frequency != attest.Weekly || c.DueDays != 3 || c.Description != "Reviews access weekly." {
		t.Errorf("after the edit: %+v", c)
	}
	if after, _ := f.store.LedgerSize(ctx); after <= before {
		t.Errorf("no ledger entry for the change: %d then %d", before, after)
	}
	if cps, _ := f.store.Checkpoints(ctx); len(cps) == 0 {
		t.Error("no checkpoint signed after the change")
	}
	mustContain(t, "the control page", f.page(t, attest.RoleCompliance, "/controls/e1/BX-01"), "Saved BX-01", "Dana Reyes", "weekly")

	// The control owner edits the control recorded as theirs, not another,
	// and does not reassign it.
	if resp, _ := f.get(t, attest.RoleOwner, "/controls/e1/AX-01/edit"); resp.StatusCode != 200 {
		t.Errorf("owner's edit form for their control: %d", resp.StatusCode)
	}
	if resp, body := f.post(t, attest.RoleOwner, "/controls/e1/AX-01", url.Values{"status": {"implemented"}}); resp.StatusCode != 303 {
		t.Errorf("owner saving their control: %d %s", resp.StatusCode, body)
	}
	if c, _ := f.store.Control(ctx, "e1", "AX-01"); c.Status != attest.Implemented {
		t.Errorf("owner's change not saved: %s", c.Status)
	}
	if resp, _ := f.get(t, attest.RoleOwner, "/controls/e1/BX-01/edit"); resp.StatusCode != 403 {
		t.Errorf("owner's edit form for another's control: %d", resp.StatusCode)
	}
	if resp, _ := f.post(t, attest.RoleOwner, "/controls/e1/BX-01", url.Values{"status": {"not-started"}}); resp.StatusCode != 403 {
		t.Errorf("owner saving another's control: %d", resp.StatusCode)
	}
	resp, body = f.send(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", attest.RoleOwner, "application/json", strings.NewReader(`{"owner":"someone else"}`))
	if resp.StatusCode != 403 || !strings.Contains(body, "owner") {
		t.Errorf("owner reassigning: %d %s", resp.StatusCode, body)
	}
	if c, _ := f.store.Control(ctx, "e1", "BX-01"); c.Status != attest.InProgress {
		t.Errorf("a refused change was saved: %s", c.Status)
	}
	detail := f.page(t, attest.RoleOwner, "/controls/e1/BX-01")
	if strings.Contains(detail, "/controls/e1/BX-01/edit") {
		t.Error("the owner is offered to edit a control that is not theirs")
	}
	if strings.Contains(f.page(t, attest.RoleViewer, "/controls/e1/AX-01"), "/edit") {
		t.Error("a viewer is offered the edit link")
	}

	// Bad input: 400 naming the field, nothing written.
	sizeBefore, _ := f.store.LedgerSize(ctx)
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"status": {"finished"}}, "status"},
		{url.Values{"due_days": {"soon"}}, "due_days"},
		{url.Values{"due_days": {"400"}}, "due_days"},
		{url.Values{"frequency": {"fortnightly-ish"}}, "frequency"},
		{url.Values{"status": {"not-applicable"}, "status_reason": {""}}, "status_reason"},
		{url.Values{"description": {"  "}}, "description"},
	} {
		resp, body := f.post(t, attest.RoleAdmin, "/controls/e1/BX-01", tc.form)
		if resp.StatusCode != 400 || !strings.Contains(body, tc.field+":") || !strings.Contains(body, `<form method="post"`) {
			t.Errorf("%v: %d, want 400 naming %s with the form again", tc.form, resp.StatusCode, tc.field)
		}
	}
	for body, field := range map[string]string{`{"due_days":"3"}`: "due_days", `{"colour":"red"}`: "colour", `{"status":"done"}`: "status", `not json`: "JSON"} {
		resp, got := f.send(t, "PATCH", "/api/v1/engagements/e1/controls/BX-01", attest.RoleAdmin, "application/json", strings.NewReader(body))
		if resp.StatusCode != 400 || !strings.Contains(got, field) {
			t.Errorf("PATCH %s: %d %s", body, resp.StatusCode, got)
		}
	}
	if after, _ := f.store.LedgerSize(ctx); after != sizeBefore {
		t.Errorf("refused changes wrote %d ledger entries", after-sizeBefore)
	}
	// Saving the form unchanged records nothing.
	same, _ := f.store.Control(ctx, "e1", "BX-01")
	unchanged := url.Values{"owner": {same.Owner}, "status": {string(same.Status)}, "status_reason": {same.StatusReason}, "frequency": {string(same.Frequency)}, "due_days": {itoa(int64(same.DueDays))}, "description": {same.Description}}
	if resp, _ := f.post(t, attest.RoleAdmin, "/controls/e1/BX-01", unchanged); resp.StatusCode != 303 {
		t.Errorf("unchanged save: %d", resp.StatusCode)
	}
	if after, _ := f.store.LedgerSize(ctx); after != sizeBefore {
		t.Errorf("an unchanged save wrote %d ledger entries", after-sizeBefore)
	}
	if resp, _ := f.post(t, attest.RoleAdmin, "/controls/e1/ZZ-99", url.Values{"status": {"implemented"}}); resp.StatusCode != 404 {
		t.Errorf("unknown control: %d", resp.StatusCode)
	}
	resp, body = f.send(t, "PATCH", "/api/v1/engagements/e1/controls/BX-01", attest.RoleAdmin, "application/json", strings.NewReader(`{"status":"not-applicable","status_reason":"no such system"}`))
	if resp.StatusCode != 200 || !strings.Contains(body, `"not-applicable"`) {
		t.Errorf("PATCH: %d %s", resp.StatusCode, body)
	}
}

func TestEvidenceDownload(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	resp, body := upload(t, f.fixture, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{`Évidence "Q1" <b>.html`: "<script>alert(1)</script>"})
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var added []attest.Evidence
	json.Unmarshal([]byte(body), &added)
	id := itoa(added[0].ID)
	for _, path := range []string{"/evidence/" + id + "/download", "/api/v1/evidence/" + id + "/content"} {
		resp, got := f.get(t, attest.RoleViewer, path)
		h := resp.Header
		if resp.StatusCode != 200 || got != "<script>alert(1)</script>" {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, got)
		}
		if h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: unsafe headers %v", path, h)
		}
		want := `attachment; filename="_vidence _Q1_ _b_.html"; filename*=UTF-8''%C3%89vidence%20_Q1_%20%3Cb%3E.html`
		if cd := h.Get("Content-Disposition"); cd != want {
			t.Errorf("%s: Content-Disposition %s, want %s", path, cd, want)
		}
	}
	if _, err := f.store.RetractEvidence(ctx, ch, added[0].ID, "uploaded to the wrong control"); err != nil {
		t.Fatal(err)
	}
	resp, body = f.get(t, attest.RoleViewer, "/evidence/"+id+"/download")
	if resp.StatusCode != 404 || !strings.Contains(body, "retracted") || !strings.Contains(body, "uploaded to the wrong control") {
		t.Errorf("retracted: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.get(t, attest.RoleViewer, "/evidence/"+id+"/download?retracted=1"); resp.StatusCode != 200 {
		t.Errorf("retracted, asked for explicitly: %d", resp.StatusCode)
	}
	mustContain(t, "the evidence list", f.page(t, attest.RoleViewer, "/evidence"), "<strong>retracted</strong>", "uploaded to the wrong control")
	if _, err := f.store.PurgeEvidence(ctx, ch, added[0].ID); err != nil {
		t.Fatal(err)
	}
	resp, body = f.get(t, attest.RoleViewer, "/evidence/"+id+"/download?retracted=1")
	if resp.StatusCode != 404 || !strings.Contains(body, "purged") {
		t.Errorf("purged: %d %s", resp.StatusCode, body)
	}
	for path, want := range map[string]int{"/evidence/abc/download": 400, "/evidence/0/download": 400, "/evidence/999/download": 404} {
		if resp, body := f.get(t, attest.RoleViewer, path); resp.StatusCode != want {
			t.Errorf("%s: %d %s, want %d", path, resp.StatusCode, body, want)
		}
	}
	if !strings.Contains(func() string { _, b := f.get(t, attest.RoleViewer, "/evidence/abc/download"); return b }(), "id:") {
		t.Error("a bad id is not named")
	}
}

func TestAttachmentNames(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":        `attachment; filename="report.pdf"`,
		"../../etc/passwd":  `attachment; filename="_.._etc_passwd"`,
		"a\r\nSet-Cookie:x": `attachment; filename="a__Set-Cookie_x"; filename*=UTF-8''a__Set-Cookie:x`,
		"":                  `attachment; filename="evidence"`,
	} {
		if got := attachment(in); got != want {
			t.Errorf("attachment(%q) = %s, want %s", in, got, want)
		}
	}
}

// checkRunFixture records a check run as `attest check run` does.
func recordRun(t *testing.T, f *pagesFixture, results []check.Result) int64 {
	t.Helper()
	ctx := context.Background()
	run := map[string]any{"run_at": "2026-03-02T08:00:00Z", "by": "ci", "summary": check.Summarize(results), "results": results}
	b, _ := json.Marshal(run)
	ref, size, err := f.blobs.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	added, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: size, Name: "check-run-20260302T080000Z.json", MediaType: "application/json",
		Controls: []string{"AX-01"}, Date: "2026-03-02", Method: attest.MethodCheck, Source: "attest check run", Note: "1 checks: 0 pass, 1 fail"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := check.RecordLatest(ctx, f.store, added[0].ID); err != nil {
		t.Fatal(err)
	}
	return added[0].ID
}

func TestChecksPage(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	body := f.page(t, attest.RoleViewer, "/checks")
	first := builtinChecks().Checks[0]
	mustContain(t, "the checks page", body, "No check run is recorded yet.", first.ID, first.Title)
	if strings.Contains(f.page(t, attest.RoleViewer, "/"), "failing-mfa-user") {
		t.Fatal("a failing resource shows before any run")
	}
	id := recordRun(t, f, []check.Result{{Check: "aws_console_mfa", Title: "Console users have MFA", Severity: "high", Controls: []string{"AX-01"}, Status: check.StatusFail, Resources: 3,
		Failing: []check.Finding{{Resource: "failing-mfa-user", Reason: "no MFA device", Type: "aws.iam.user", Source: "credential-report.csv", Line: 4}}}})
	body = f.page(t, attest.RoleViewer, "/checks")
	mustContain(t, "the checks page", body, `Run of <time datetime="2026-03-02T08:00:00Z" title="2026-03-02T08:00:00Z">2026-03-02 08:00 UTC</time> by ci`, "failing-mfa-user", "no MFA device", "credential-report.csv:4", "/checks?run="+itoa(id))
	mustContain(t, "the dashboard", f.page(t, attest.RoleViewer, "/"), "aws_console_mfa</a> (high): 1 resource not meeting the policy; supports AX-01")
	var v checksView
	_, js := f.get(t, attest.RoleViewer, "/api/v1/checks")
	if err := json.Unmarshal([]byte(js), &v); err != nil || len(v.Runs) != 1 || len(v.Failed) != 1 || len(v.Checks) != len(builtinChecks().Checks) {
		t.Errorf("checks API: %v runs %d failed %d", err, len(v.Runs), len(v.Failed))
	}
	if resp, body := f.get(t, attest.RoleViewer, "/checks?run=x"); resp.StatusCode != 400 || !strings.Contains(body, "run:") {
		t.Errorf("bad run: %d %s", resp.StatusCode, body)
	}
}

func TestReportDrafts(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	resp, body := f.post(t, attest.RoleCompliance, "/reports/build", url.Values{"engagement": {"e1"}, "kind": {"SOC 2"}, "formats": {"html", "md"}})
	if resp.StatusCode != 303 {
		t.Fatalf("build: %d %s", resp.StatusCode, body)
	}
	docs, _ := f.store.Documents(ctx, "e1", attest.DocRender)
	if len(docs) != 2 || docs[0].Name != "e1-draft.html" || docs[1].Name != "e1-draft.md" {
		t.Fatalf("drafts %+v", docs)
	}
	page := f.page(t, attest.RoleAuditor, "/reports")
	mustContain(t, "the reports page", page, "e1-draft.html", "e1-draft.md", "/documents/"+itoa(docs[0].ID)+"/download")
	if strings.Contains(page, "Build draft now") {
		t.Error("the auditor is offered to build a draft")
	}
	mustContain(t, "the reports page", f.page(t, attest.RoleCompliance, "/reports"), "Build draft now", "Drafted e1-draft.html and e1-draft.md")
	for _, d := range docs {
		resp, got := f.get(t, attest.RoleAuditor, "/documents/"+itoa(d.ID)+"/download")
		if resp.StatusCode != 200 || !strings.Contains(got, "DRAFT") || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="`+d.Name+`"`) {
			t.Errorf("%s: %d %s", d.Name, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}
	resp, body = f.send(t, "POST", "/api/v1/engagements/e1/drafts", attest.RoleAdmin, "application/json", strings.NewReader(`{"kind":"SOC 3"}`))
	// No format named: the default, as the CLI and the job render it.
	if resp.StatusCode != 201 || !strings.Contains(body, "e1-soc-3-draft.html") || !strings.Contains(body, "e1-soc-3-draft.md") {
		t.Errorf("SOC 3 draft: %d %s", resp.StatusCode, body)
	}
	for form, field := range map[string]url.Values{
		"engagement": {"kind": {"SOC 2"}},
		"kind":       {"engagement": {"e1"}, "kind": {"SOC 9"}},
		"formats":    {"engagement": {"e1"}, "formats": {"pdf"}},
		// format, as a script may name it, is read too, never ignored.
		`formats: &#34;zzz&#34;`: {"engagement": {"e1"}, "format": {"html,zzz"}},
	} {
		resp, body := f.post(t, attest.RoleAdmin, "/reports/build", field)
		if resp.StatusCode != 400 || !strings.Contains(body, form+":") {
			t.Errorf("missing or bad %s: %d %s", form, resp.StatusCode, body)
		}
	}
	if resp, _ := f.post(t, attest.RoleAdmin, "/reports/build", url.Values{"engagement": {"nope"}}); resp.StatusCode != 404 {
		t.Errorf("unknown engagement: %d", resp.StatusCode)
	}
	if after, _ := f.store.Documents(ctx, "e1", attest.DocRender); len(after) != 4 {
		t.Errorf("%d drafts after the refused builds, want 4", len(after))
	}
}

func TestLedgerVerifyAndProof(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	resp, body := upload(t, f.fixture, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{"log.txt": "the original bytes"})
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var added []attest.Evidence
	json.Unmarshal([]byte(body), &added)
	size, _ := f.store.LedgerSize(ctx)
	page := f.page(t, attest.RoleAuditor, "/ledger")
	mustContain(t, "the ledger page", page, "<dd>"+itoa(size)+"</dd>", strings.ReplaceAll(f.pub, "+", "&#43;"), "evidence.added", `action="/ledger/verify"`)

	resp, body = f.send(t, "POST", "/ledger/verify", attest.RoleAuditor, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "<h2>Verified</h2>") {
		t.Errorf("verify: %d %s", resp.StatusCode, body)
	}

	resp, body = f.get(t, attest.RoleAuditor, "/ledger/proof?entry="+itoa(added[0].Entry))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="attest-proof-entry-`+itoa(added[0].Entry)+`.json"` {
		t.Fatalf("proof: %d %v", resp.StatusCode, resp.Header)
	}
	p, err := ledger.ParseProof([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ledger.Verify(p, f.pub, nil)
	if err != nil || res.Entry.Type != attest.EntryEvidenceAdded {
		t.Errorf("the proof does not verify: %v %+v", err, res)
	}
	for q, want := range map[string]int{"abc": 400, "-1": 400, "100000": 404} {
		resp, body := f.get(t, attest.RoleAuditor, "/ledger/proof?entry="+q)
		if resp.StatusCode != want || !strings.Contains(body, "entry") {
			t.Errorf("entry %s: %d %s", q, resp.StatusCode, body)
		}
	}

	// A changed byte in a blob is found and named.
	ref := strings.TrimPrefix(added[0].Ref, "sha256:")
	path := filepath.Join(f.blobDir, "sha256", ref[:2], ref)
	os.Chmod(path, 0o600)
	if err := os.WriteFile(path, []byte("the changed bytes!"), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, body = f.send(t, "POST", "/api/v1/ledger/verify", attest.RoleAdmin, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `"ok": false`) || !strings.Contains(body, "blob_changed") {
		t.Errorf("verify after tampering: %d %s", resp.StatusCode, body)
	}
}

func TestNavigationStaticFilesAndCSP(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	viewer := f.page(t, attest.RoleViewer, "/")
	mustContain(t, "the viewer's bar", viewer, `href="/controls"`, `href="/evidence"`, `href="/checks"`, `<a href="/" aria-current="page">Dashboard</a>`)
	if strings.Contains(viewer, `href="/ledger"`) || strings.Contains(viewer, `href="/reports"`) {
		t.Error("the viewer's bar links to pages the viewer may not open")
	}
	mustContain(t, "the auditor's bar", f.page(t, attest.RoleAuditor, "/"), `href="/ledger"`, `href="/reports"`)

	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=|javascript:`)
	for _, p := range []string{"/", "/controls", "/controls/e1/AX-01", "/controls/e1/AX-01/edit", "/evidence", "/evidence/upload", "/checks", "/reports", "/ledger"} {
		body := f.page(t, attest.RoleAdmin, p)
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s has inline script or style, which the CSP blocks: %q", p, m)
		}
		mustContain(t, p, body, `<link rel="stylesheet" href="/static/attest.css?v=`, `<script src="/static/htmx-2.0.11.min.js?v=`)
	}
	for name, ct := range map[string]string{"attest.css": "text/css; charset=utf-8", "htmx-2.0.11.min.js": "text/javascript; charset=utf-8", "upload.js": "text/javascript; charset=utf-8"} {
		resp, body := f.get(t, "", staticURL(name))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || len(body) == 0 {
			t.Errorf("%s: %d %v", name, resp.StatusCode, resp.Header)
		}
	}
	if resp, _ := f.get(t, "", "/static/attest.css?v=old"); resp.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("an old version is cached for long: %s", resp.Header.Get("Cache-Control"))
	}
	for _, bad := range []string{"/static/README", "/static/..%2fpages.go", "/static/nope.js"} {
		if resp, _ := f.get(t, "", bad); resp.StatusCode != 404 {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
}

func TestDashboardCompressedAndPlainAgree(t *testing.T) {
	f := setupAt(t, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	get := func(enc string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", f.srv.URL+"/", nil)
		req.Header.Set("Accept-Encoding", enc)
		req.AddCookie(f.cookie[attest.RoleAdmin])
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		b, _ := io.ReadAll(r)
		return resp, string(b)
	}
	plainResp, plain := get("identity")
	zResp, _ := get("gzip")
	_, zipped := get("gzip, deflate") // from the kept copy
	if plainResp.Header.Get("Content-Encoding") != "" || zResp.Header.Get("Content-Encoding") != "gzip" || zResp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("encodings: %v / %v", plainResp.Header, zResp.Header)
	}
	if plain != zipped || !strings.Contains(plain, "AX-01") || !strings.HasSuffix(plain, "</html>") {
		t.Errorf("the plain and compressed pages differ (%d and %d bytes)", len(plain), len(zipped))
	}
}

// BenchmarkDashboard serves the dashboard of an engagement about the
// demo's size (30 controls, a daily, weekly, monthly and quarterly mix, ten
// months of evidence) to parallel clients, as the load test does: after
// the first request, each is a few small queries and the kept page.
func BenchmarkDashboard(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Create(ctx, filepath.Join(b.TempDir(), "attest.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	freqs := []attest.Frequency{attest.Daily, attest.Weekly, attest.Monthly, attest.Quarterly, attest.Continuous}
	var ctls []attest.Control
	for i := range 30 {
		c := storetest.Controls(1)[0]
		c.ID, c.Frequency, c.Status, c.DueDays = fmt.Sprintf("C-%02d", i), freqs[i%len(freqs)], attest.Implemented, 5
		ctls = append(ctls, c)
	}
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), ctls); err != nil {
		b.Fatal(err)
	}
	var evs []attest.Evidence
	for _, c := range ctls {
		for d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); d.Month() <= 10; d = d.AddDate(0, 0, 1) {
			if c.Frequency == attest.Daily || d.Day() == 28 {
				evs = append(evs, attest.Evidence{Ref: "sha256:" + strings.Repeat("ab", 32), Size: 1, Name: "e.txt", Controls: []string{c.ID}, Date: d.Format(attest.DateLayout), Method: attest.MethodUpload,
					AddedBy: "x", AddedAt: d.Format(time.RFC3339)})
			}
		}
	}
	if _, err := s.AddEvidence(ctx, ch, evs); err != nil {
		b.Fatal(err)
	}
	hash, _ := argon2id.CreateHash(password, &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	s.SaveUser(ctx, ch, attest.User{Email: "v@example.com", Name: "v", Role: attest.RoleViewer, PasswordHash: hash})
	// The state is read at most every 250 ms, as under attest serve.
	srv := New(Config{Store: s, StateRecheck: 250 * time.Millisecond, Now: func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }})
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {"v@example.com"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	cookie := rec.Result().Cookies()[0]
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest("GET", "/", nil)
					r.AddCookie(cookie)
					r.Header.Set("Accept-Encoding", enc)
					w := httptest.NewRecorder()
					srv.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatal(w.Code)
					}
				}
			})
		})
	}
}

// TestStateRecheck: with Config.StateRecheck, the dashboard reuses its
// reading of the data's state until a change goes through this server.
func TestStateRecheck(t *testing.T) {
	f := setupWith(t, func(c *Config) { c.StateRecheck = time.Hour })
	ctx := context.Background()
	k1, err := f.server.dashKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another process changes the data: not seen within the interval.
	if _, err := f.store.UpdateControl(ctx, ch, "e1", "BX-01", attest.ControlUpdate{Owner: ptr("someone")}); err != nil {
		t.Fatal(err)
	}
	if k2, _ := f.server.dashKey(ctx); k2 != k1 {
		t.Errorf("state read again within the interval: %q, %q", k1, k2)
	}
	// A change through this server is seen at once.
	if resp, body := upload(t, f, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{"a.txt": "x"}); resp.StatusCode != 201 {
		t.Fatalf("upload %d %s", resp.StatusCode, body)
	}
	k3, _ := f.server.dashKey(ctx)
	if k3 == k1 {
		t.Errorf("a change through this server was not seen: %q", k3)
	}
	// Without the setting, every request reads the state.
	g := setup(t)
	a, _ := g.server.dashKey(ctx)
	g.store.UpdateControl(ctx, ch, "e1", "BX-01", attest.ControlUpdate{Owner: ptr("someone")})
	if b, _ := g.server.dashKey(ctx); a == b {
		t.Error("without StateRecheck the state was not read again")
	}
	// The switcher's engagements are read again with the state: one
	// created by another process is offered on the next page.
	if _, page := g.get(t, "/", attest.RoleCompliance); strings.Contains(string(page), "e9-new") {
		t.Fatal("an engagement offered before it exists")
	}
	e9 := storetest.Engagement("e9-new")
	if err := g.store.CreateEngagement(ctx, ch, e9, storetest.Controls(1)); err != nil {
		t.Fatal(err)
	}
	if _, page := g.get(t, "/", attest.RoleCompliance); !strings.Contains(string(page), "e9-new") {
		t.Error("the switcher does not offer an engagement created since its last read")
	}
}

// TestEvidencePaged: the evidence page lists every item, newest first,
// a page at a time; before, it showed the newest 300 and no more.
func TestEvidencePaged(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	evs := make([]attest.Evidence, 450)
	for i := range evs {
		evs[i] = attest.Evidence{Ref: fmt.Sprintf("sha256:%064x", i), Size: 1, Name: fmt.Sprintf("item-%03d.pdf", i), MediaType: "application/pdf",
			Controls: []string{"AX-01"}, Date: "2026-03-01", Method: attest.MethodUpload}
	}
	if _, err := f.store.AddEvidence(ctx, ch, evs); err != nil {
		t.Fatal(err)
	}
	first := f.page(t, attest.RoleCompliance, "/evidence")
	last := f.page(t, attest.RoleCompliance, "/evidence?page=3")
	mustContain(t, "the first page", first, "item-449.pdf", "1–200 of 450", `rel="next"`)
	mustContain(t, "the last page", last, "item-000.pdf", "401–450 of 450", `rel="prev"`)
	if strings.Contains(first, "item-000.pdf") || strings.Contains(last, "item-449.pdf") {
		t.Error("an item on the wrong page")
	}
}
