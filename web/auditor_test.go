package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/workpapers"
)

// callAs sends a request as a role (its session cookie), with a JSON body
// (any value) or form values (url.Values), and returns the status and body.
func (f *fixture) callAs(t *testing.T, method, path, role string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, b := roundTrip(t, req, f.cookie[role])
	return resp.StatusCode, string(b)
}

// addPopulation stores a CSV population of n changes for control AX-01.
func (f *fixture) addPopulation(t *testing.T, n int) (*attest.Population, []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,merged_at\n")
	var keys []string
	for i := 1; i <= n; i++ {
		k := fmt.Sprintf("CHG-%04d", i)
		keys = append(keys, k)
		fmt.Fprintf(&b, "%s,2026-%02d-10\n", k, 1+(i%12))
	}
	ref, _, err := f.bstore.Put(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.store.AddPopulation(context.Background(), ch, attest.Population{ControlID: "AX-01", Ref: string(ref), Name: "changes.csv", Format: "csv", Rows: n,
		KeyColumn: "id", DateColumn: "merged_at", FirstDate: "2026-01-10", LastDate: "2026-12-10", Source: "GitHub", Query: "merged PRs", ExtractedBy: "Sam", ExtractedAt: "2027-01-04"})
	if err != nil {
		t.Fatal(err)
	}
	return p, keys
}

// lowestRanks is the selection recomputed by hand, as docs/sampling.md
// describes it: HMAC-SHA256 of each key with the seed, lowest first.
func lowestRanks(seed string, keys []string, n int) []string {
	type kr struct{ k, r string }
	var all []kr
	for _, k := range keys {
		m := hmac.New(sha256.New, []byte(seed))
		m.Write([]byte(k))
		all = append(all, kr{k, hex.EncodeToString(m.Sum(nil))})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].r < all[j].r })
	var out []string
	for _, x := range all[:n] {
		out = append(out, x.k)
	}
	return out
}

func TestAuditorDrawsASampleAndRecordsAResult(t *testing.T) {
	f := setup(t)
	pop, keys := f.addPopulation(t, 40)
	code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, map[string]any{"control": "AX-01", "seed": "fieldwork-2026", "size": 4})
	if code != 201 {
		t.Fatalf("draw: %d %s", code, body)
	}
	var out struct {
		Draw fieldwork.Shown `json:"draw"`
	}
	json.Unmarshal([]byte(body), &out)
	d := out.Draw
	want := lowestRanks("fieldwork-2026", keys, 4)
	if strings.Join(d.Items, ",") != strings.Join(want, ",") || d.Seed != "fieldwork-2026" || d.PopulationRef != pop.Ref || d.PopulationRows != 40 || !d.Binding || !strings.Contains(d.Method, "HMAC-SHA256") {
		t.Fatalf("draw %+v, want items %v", d, want)
	}
	if !strings.Contains(d.DrawnBy, "auditor@example.com") || d.Entry == 0 {
		t.Errorf("drawn by %q, entry %d", d.DrawnBy, d.Entry)
	}

	// The first draw binds: another needs a reason, and both stay.
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, map[string]any{"control": "AX-01", "seed": "other"}); code != 409 || !strings.Contains(body, "reason") {
		t.Errorf("second draw without a reason: %d %s", code, body)
	}
	code, _ = f.signedAs(t, "/fieldwork/e1/draws", attest.RoleAuditor, url.Values{"control": {"AX-01"}, "seed": {"other"}, "size": {"2"}, "reason": {"the first seed was announced too early"}, "stratify": {"quarter"}})
	if code != 303 {
		t.Fatalf("redraw by form: %d", code)
	}
	ds, _ := f.store.Draws(context.Background(), "e1", "AX-01")
	if len(ds) != 2 || ds[1].Binding || ds[1].Stratify != "quarter" || len(ds[1].Items) != 2 {
		t.Errorf("draws %+v", ds)
	}

	// Results: every drawn item, one deviation.
	items := []map[string]string{}
	for i, k := range d.Items {
		it := map[string]string{"key": k, "result": "no-exception"}
		if i == 1 {
			it["result"], it["note"] = "deviation", "merged without review"
		}
		items = append(items, it)
	}
	code, body = f.signedAs(t, "/api/v1/engagements/e1/tests", attest.RoleAuditor, map[string]any{"control": "AX-01", "draw": d.ID, "procedure": []string{"inspection"}, "items": items, "deviations": "isolated"})
	if code != 201 {
		t.Fatalf("test: %d %s", code, body)
	}
	var test attest.Test
	json.Unmarshal([]byte(body), &test)
	if test.Internal || test.Conclusion != attest.ConclusionExceptions || !strings.Contains(test.Wording, "1 of 4 items selected from a population of 40") {
		t.Errorf("test %+v", test)
	}
	// The workspace shows the test as signed; one written to the store
	// without the auditor's key shows as not signed.
	if _, err := f.store.AddTest(context.Background(), ch, attest.Test{EngagementID: "e1", ControlID: "AX-01", Procedures: []string{"inspection"}, Items: []attest.ItemResult{{Key: "X", Result: "no-exception"}},
		Conclusion: "no-exceptions", Wording: "No exceptions noted."}); err != nil {
		t.Fatal(err)
	}
	if _, page := f.callAs(t, "GET", "/fieldwork/e1/controls/AX-01", attest.RoleCompliance, nil); !strings.Contains(page, "signed by the service auditor's key") || !strings.Contains(page, "<strong>not signed by the service auditor</strong>") {
		t.Errorf("the workspace does not tell signed from unsigned tests:\n%s", page)
	}
	// So does the API's list of tests, in the order recorded.
	_, body = f.callAs(t, "GET", "/api/v1/engagements/e1/tests", attest.RoleCompliance, nil)
	var listed []fieldwork.Tested
	if err := json.Unmarshal([]byte(body), &listed); err != nil || len(listed) != 2 || listed[0].ID != test.ID ||
		listed[0].Signature != fieldwork.Verified || listed[1].Signature != fieldwork.Unsigned || !listed[0].MayRespond {
		t.Errorf("the API's tests: %v %s", err, body)
	}
	// Management responds to the exception; the auditor may not, nor may
	// anyone respond to a test without exceptions.
	if code, _ := f.callAs(t, "POST", fmt.Sprintf("/fieldwork/e1/tests/%d/responses", test.ID), attest.RoleCompliance, url.Values{"text": {"Reviews are now enforced by branch protection."}}); code != 303 {
		t.Errorf("response: %d", code)
	}
	if code, _ := f.callAs(t, "POST", fmt.Sprintf("/api/v1/engagements/e1/tests/%d/responses", test.ID), attest.RoleAuditor, map[string]any{"text": "x"}); code != 403 {
		t.Errorf("auditor response: %d", code)
	}
	if after, _ := f.store.Test(context.Background(), test.ID); after.Wording != test.Wording || after.Conclusion != test.Conclusion {
		t.Errorf("the response changed the test: %+v", after)
	}
	// Items that are not the draw's are refused, naming the field.
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/tests", attest.RoleAuditor, map[string]any{"control": "AX-01", "draw": d.ID, "procedure": "inspection", "items": []string{"NOPE=no-exception"}}); code != 400 || !strings.Contains(body, "items:") {
		t.Errorf("foreign item: %d %s", code, body)
	}

	// The page shows the seed, the hash and the result.
	code, page := f.callAs(t, "GET", "/fieldwork/e1/controls/AX-01", attest.RoleAuditor, nil)
	for _, s := range []string{"fieldwork-2026", pop.Ref, "merged without review", "Draw the sample", "Record the test", "enforced by branch protection"} {
		if code != 200 || !strings.Contains(page, s) {
			t.Errorf("control page (%d) lacks %q", code, s)
		}
	}
	_, page = f.callAs(t, "GET", fmt.Sprintf("/fieldwork/e1/controls/AX-01?draw=%d", d.ID), attest.RoleAuditor, nil)
	if !strings.Contains(page, fmt.Sprintf(`<option value="%d" selected>`, d.ID)) || !strings.Contains(page, d.Items[0]+"=\n"+d.Items[1]+"=\n") {
		t.Error("?draw=N does not prepare the test form with the draw's items")
	}
	if _, page := f.callAs(t, "GET", "/fieldwork/e1/controls/AX-01", attest.RoleCompliance, nil); strings.Contains(page, "Draw the sample") || !strings.Contains(page, "Record management's test") {
		t.Error("the compliance manager sees the auditor's forms, or not management's")
	}
	code, body = f.callAs(t, "GET", "/api/v1/engagements/e1/populations?control=AX-01", attest.RoleCompliance, nil)
	if code != 200 || !strings.Contains(body, `"source": "GitHub"`) || !strings.Contains(body, pop.Ref) {
		t.Errorf("populations: %d %s", code, body)
	}
}

func TestOnlyAuditorsChangeAuditorRecords(t *testing.T) {
	f := setup(t)
	f.addPopulation(t, 20)
	ctx := context.Background()
	draw := map[string]any{"control": "AX-01", "seed": "s", "size": 2}
	test := map[string]any{"control": "AX-01", "procedure": "inspection", "items": "CHG-0001=no-exception"}
	for _, role := range []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleViewer} {
		for path, body := range map[string]any{"/api/v1/engagements/e1/draws": draw, "/api/v1/engagements/e1/tests": test, "/fieldwork/e1/draws": url.Values{"control": {"AX-01"}}, "/fieldwork/e1/tests": url.Values{"control": {"AX-01"}}} {
			if code, _ := f.callAs(t, "POST", path, role, body); code != 403 {
				t.Errorf("%s POST %s: %d, want 403", role, path, code)
			}
		}
	}
	if ds, _ := f.store.Draws(ctx, "e1", ""); len(ds) != 0 {
		t.Errorf("refused draws were recorded: %+v", ds)
	}
	// Management records its own internal tests, apart; an auditor may not.
	code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/internal-tests", attest.RoleCompliance, test)
	if code != 201 || !strings.Contains(body, `"internal": true`) {
		t.Fatalf("internal test: %d %s", code, body)
	}
	if code, _ := f.callAs(t, "POST", "/api/v1/engagements/e1/internal-tests", attest.RoleAuditor, test); code != 403 {
		t.Errorf("auditor internal test: %d", code)
	}
	// A user with the auditor role who is not named on the engagement is
	// refused by the handler, not only the table.
	ctxU, _ := f.store.UserByEmail(ctx, "auditor@example.com")
	if err := f.store.RemoveAuditor(ctx, ch, "e1", ctxU.Name); err != nil {
		t.Fatal(err)
	}
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, draw); code != 403 || !strings.Contains(body, "not named as an auditor on any engagement") {
		t.Errorf("unnamed auditor: %d %s", code, body)
	}
	ts, _ := f.store.Tests(ctx, "e1", "")
	if len(ts) != 1 || !ts[0].Internal {
		t.Errorf("tests %+v", ts)
	}
}

func TestAuditorAccessEndsAfterReportDateAndGrace(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u, _ := f.store.UserByEmail(ctx, "auditor@example.com")
	sum := sha256.Sum256([]byte("att_auditor"))
	f.store.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "ci", Hash: hex.EncodeToString(sum[:])})
	bearer := http.Header{"Authorization": {"Bearer att_auditor"}}

	// e1's report date is 2027-02-28: access lasts through 2027-03-30.
	f.setNow(time.Date(2027, 3, 30, 23, 0, 0, 0, time.UTC))
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 200 {
		t.Fatalf("token within the grace period: %d", got)
	}
	if got := f.login(t, "auditor@example.com", password).StatusCode; got != 303 {
		t.Fatalf("sign-in within the grace period: %d", got)
	}
	f.setNow(time.Date(2027, 3, 31, 0, 0, 1, 0, time.UTC))
	code, body := f.callAs(t, "GET", "/api/v1/me", attest.RoleAuditor, nil)
	if code != 403 || !strings.Contains(body, "ended on 2027-03-31") {
		t.Errorf("session after the grace period: %d %s", code, body)
	}
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 403 {
		t.Errorf("token after the grace period: %d", got)
	}
	resp, err := noRedirect.PostForm(f.srv.URL+"/login", url.Values{"email": {"auditor@example.com"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "access as an auditor ended") {
		t.Errorf("sign-in after the grace period: %d %s", resp.StatusCode, b)
	}
	// A wrong password reveals nothing about the account.
	if got := f.login(t, "auditor@example.com", "wrong password").StatusCode; got != 401 {
		t.Errorf("wrong password after expiry: %d", got)
	}
	if got := f.do(t, "GET", "/api/v1/me", attest.RoleCompliance, nil).StatusCode; got != 200 {
		t.Errorf("other roles are not affected: %d", got)
	}
	// A longer grace, from the setting, reopens it.
	f.store.SetSetting(ctx, auth.GraceSetting, "60d")
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 200 {
		t.Errorf("token with a 60-day grace: %d", got)
	}

	// Config.AuditorGrace (attest serve --auditor-grace) wins over the setting.
	g := setupWith(t, func(c *Config) { hour := time.Hour; c.AuditorGrace = &hour })
	g.setNow(time.Date(2027, 3, 1, 0, 30, 0, 0, time.UTC))
	if got := g.do(t, "GET", "/api/v1/me", attest.RoleAuditor, nil).StatusCode; got != 200 {
		t.Errorf("within an hour's grace: %d", got)
	}
	g.setNow(time.Date(2027, 3, 1, 1, 0, 0, 0, time.UTC))
	if got := g.do(t, "GET", "/api/v1/me", attest.RoleAuditor, nil).StatusCode; got != 403 {
		t.Errorf("after an hour's grace: %d", got)
	}
}

func TestEvidenceRequestsWithComments(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ev, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: "sha256:" + strings.Repeat("a", 64), Size: 1, Name: "approval.pdf", MediaType: "application/pdf", Controls: []string{"AX-01"}, Date: "2026-03-01", Method: attest.MethodUpload}})
	if err != nil {
		t.Fatal(err)
	}
	code, body := f.signedAs(t, "/api/v1/engagements/e1/requests", attest.RoleAuditor, map[string]any{"control": "ax-01", "text": "Approval for each sampled change", "items": []string{"CHG-0001", "CHG-0002"}, "due": "2026-11-15"})
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var q attest.Request
	json.Unmarshal([]byte(body), &q)
	if q.ControlID != "AX-01" || q.Status != "open" || len(q.Items) != 2 {
		t.Errorf("request %+v", q)
	}
	base := fmt.Sprintf("/api/v1/engagements/e1/requests/%d", q.ID)
	if code, body := f.callAs(t, "GET", "/api/v1/engagements/e1/requests?status=overdue", attest.RoleOwner, nil); code != 200 || !strings.Contains(body, `"overdue": true`) {
		t.Errorf("overdue list: %d %s", code, body)
	}
	if code, body := f.callAs(t, "GET", "/fieldwork/e1/requests", attest.RoleOwner, nil); code != 200 || !strings.Contains(body, "<td>overdue</td>") || !strings.Contains(body, "Approval for each sampled change") {
		t.Errorf("the requests page shows the request as overdue: %d %s", code, body)
	}
	if code, _ := f.callAs(t, "POST", "/api/v1/engagements/e1/requests", attest.RoleCompliance, map[string]any{"control": "AX-01", "text": "x"}); code != 403 {
		t.Errorf("compliance creates a request: %d", code)
	}
	// The thread: the owner answers, the auditor follows up; a viewer reads.
	if code, _ := f.callAs(t, "POST", base+"/comments", attest.RoleOwner, url.Values{"text": {"Uploading the approvals today."}}); code != 201 {
		t.Errorf("owner comment: %d", code)
	}
	if code, _ := f.callAs(t, "POST", fmt.Sprintf("/fieldwork/e1/requests/%d/comments", q.ID), attest.RoleAuditor, url.Values{"text": {"Thanks: please include the reviewer's name."}}); code != 303 {
		t.Errorf("auditor comment by form: %d", code)
	}
	if code, _ := f.callAs(t, "POST", base+"/comments", attest.RoleViewer, map[string]any{"text": "x"}); code != 403 {
		t.Errorf("viewer comment: %d", code)
	}
	if code, body := f.callAs(t, "POST", base+"/evidence", attest.RoleOwner, map[string]any{"evidence": []int64{ev[0].ID}}); code != 200 || !strings.Contains(body, `"status": "fulfilled"`) {
		t.Errorf("answer: %d %s", code, body)
	}
	if code, _ := f.callAs(t, "POST", base+"/close", attest.RoleOwner, nil); code != 403 {
		t.Errorf("owner closes: %d", code)
	}
	if code, _ := f.signedAs(t, base+"/close", attest.RoleAuditor, map[string]any{}); code != 200 {
		t.Errorf("auditor closes: %d", code)
	}
	code, page := f.callAs(t, "GET", fmt.Sprintf("/fieldwork/e1/requests/%d", q.ID), attest.RoleViewer, nil)
	for _, s := range []string{"Uploading the approvals today.", "include the reviewer&#39;s name", "approval.pdf", "closed"} {
		if code != 200 || !strings.Contains(page, s) {
			t.Errorf("request page (%d) lacks %q", code, s)
		}
	}
	if cs, _ := f.store.Comments(ctx, q.ID); len(cs) != 2 || !strings.Contains(cs[0].By, "control-owner@example.com") {
		t.Errorf("comments %+v", cs)
	}
	// A request of another engagement is not reachable through this one.
	if code, _ := f.callAs(t, "GET", fmt.Sprintf("/api/v1/engagements/e2/requests/%d", q.ID), attest.RoleCompliance, nil); code != 404 {
		t.Errorf("request through another engagement: %d", code)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	f := setup(t)
	f.addPopulation(t, 5)
	for _, c := range []struct {
		role, path string
		body       any
		field      string
	}{
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{}, "control:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "ZZ-9"}, "control:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "AX-01", "size": "many"}, "size:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "AX-01", "size": -3}, "size:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "AX-01", "stratify": "weekly"}, "stratify:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "AX-01", "population": "x"}, "population:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "BX-01"}, "population:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": "AX-01", "reason": "no earlier draw"}, "reason:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", `[1,2]`, "want an object, not an array"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/draws", map[string]any{"control": map[string]any{"x": 1}}, "control:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/tests", map[string]any{"control": "AX-01"}, "procedure:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/tests", map[string]any{"control": "AX-01", "procedure": "inquiry", "items": "A=no-exception"}, "A are not in a draw"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/tests", map[string]any{"control": "AX-01", "procedure": "inspection", "items": "A"}, "items:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/tests", map[string]any{"control": "AX-01", "procedure": "inspection", "items": "A=deviation:late"}, "items:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/tests", map[string]any{"control": "AX-01", "procedure": "inspection", "items": "A=no-exception", "draw": 77}, "draw:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/requests", map[string]any{"control": "AX-01"}, "text:"},
		{attest.RoleAuditor, "/api/v1/engagements/e1/requests", map[string]any{"control": "AX-01", "text": "x", "due": "next week"}, "due:"},
		{attest.RoleAdmin, "/api/v1/users", map[string]any{"email": "not an address", "name": "N", "role": "viewer"}, "email:"},
		{attest.RoleAdmin, "/api/v1/users", map[string]any{"email": "n@example.com", "name": "N", "role": "boss"}, "role:"},
		{attest.RoleAdmin, "/api/v1/users", map[string]any{"email": "n@example.com", "name": "N", "role": "viewer", "password": "short"}, "password:"},
		{attest.RoleAdmin, "/api/v1/tokens", map[string]any{"user": "admin@example.com"}, "name:"},
		{attest.RoleAdmin, "/api/v1/tokens", map[string]any{"user": "nobody@example.com", "name": "ci"}, "user:"},
	} {
		var code int
		var body string
		if m, ok := c.body.(map[string]any); ok && c.role == attest.RoleAuditor {
			code, body = f.signedAs(t, c.path, c.role, m)
		} else {
			code, body = f.callAs(t, "POST", c.path, c.role, c.body)
		}
		if code < 400 || code >= 500 || !strings.Contains(body, c.field) {
			t.Errorf("POST %s %v: %d %s, want a 4xx naming %q", c.path, c.body, code, body, c.field)
		}
	}
	if ds, _ := f.store.Draws(context.Background(), "e1", ""); len(ds) != 0 {
		t.Errorf("a refused draw was recorded: %+v", ds)
	}
	// A form post gets the same check, as a page.
	code, body := f.signedAs(t, "/fieldwork/e1/draws", attest.RoleAuditor, url.Values{"control": {"AX-01"}, "size": {"0"}})
	if code != 400 || !strings.Contains(body, "size:") || !strings.Contains(body, "<h1>") {
		t.Errorf("form: %d %s", code, body)
	}
}

func TestUsersAndTokensAdmin(t *testing.T) {
	f := setup(t)
	code, body := f.callAs(t, "POST", "/api/v1/users", attest.RoleAdmin, map[string]any{"email": "Ana@Example.com", "name": "Ana Lima", "role": "auditor"})
	if code != 201 {
		t.Fatalf("add: %d %s", code, body)
	}
	var added struct {
		User     attest.User `json:"user"`
		Password string      `json:"password"`
	}
	json.Unmarshal([]byte(body), &added)
	if added.User.Email != "ana@example.com" || len(added.Password) < 20 || strings.Contains(body, "argon2id") {
		t.Fatalf("added %s", body)
	}
	// An auditor signs in once named on an engagement.
	if got := f.login(t, "ana@example.com", added.Password).StatusCode; got != 403 {
		t.Errorf("sign-in of an auditor on no engagement: %d", got)
	}
	if err := f.store.AddAuditor(context.Background(), ch, attest.Auditor{EngagementID: "e1", Name: "Ana Lima", UserID: added.User.ID}); err != nil {
		t.Fatal(err)
	}
	if got := f.login(t, "ana@example.com", added.Password).StatusCode; got != 303 {
		t.Errorf("sign-in with the generated password: %d", got)
	}
	if code, _ := f.callAs(t, "POST", "/api/v1/users", attest.RoleAdmin, map[string]any{"email": "ana@example.com", "name": "Again", "role": "viewer"}); code != 409 {
		t.Errorf("duplicate e-mail: %d", code)
	}
	// The form shows a chosen password nowhere, a generated one once.
	code, page := f.callAs(t, "POST", "/admin/users", attest.RoleAdmin, url.Values{"email": {"bo@example.com"}, "name": {"Bo"}, "role": {"viewer"}, "password": {"a long enough password"}})
	if code != 201 || !strings.Contains(page, "Added bo@example.com") || strings.Contains(page, "a long enough password") {
		t.Errorf("form add: %d", code)
	}
	// A token acts for its creator: an admin cannot make one for the
	// auditor's account (it would record tests as her), only for their own
	// account or a service account, which can never be an auditor.
	if code, body := f.callAs(t, "POST", "/api/v1/tokens", attest.RoleAdmin, map[string]any{"user": "ana@example.com", "name": "ci"}); code != 403 || !strings.Contains(body, "a token acts for its creator; create a service account for automation") {
		t.Errorf("token for the auditor's account: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/users", attest.RoleAdmin, map[string]any{"email": "bot@example.com", "role": "auditor", "service": "true"}); code != 400 || !strings.Contains(body, "auditor role") {
		t.Errorf("service auditor: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/tokens", attest.RoleAuditor, map[string]any{"name": "mine"}); code != 201 || !strings.Contains(body, `"email": "auditor@example.com"`) {
		t.Errorf("the auditor's own token: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/tokens", attest.RoleCompliance, map[string]any{"user": "admin@example.com", "name": "x"}); code != 403 {
		t.Errorf("a token for someone else, by a compliance manager: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/users", attest.RoleAdmin, map[string]any{"email": "ci@example.com", "name": "CI", "role": "compliance-manager", "service": "true"}); code != 201 {
		t.Fatalf("service account: %d %s", code, body)
	}
	// Tokens: the secret once, then it works until revoked.
	code, body = f.callAs(t, "POST", "/api/v1/tokens", attest.RoleAdmin, map[string]any{"user": "ci@example.com", "name": "ci"})
	var tok struct {
		Token  auth.HeldToken `json:"token"`
		Secret string         `json:"secret"`
	}
	json.Unmarshal([]byte(body), &tok)
	if code != 201 || !strings.HasPrefix(tok.Secret, "att_") || tok.Token.Email != "ci@example.com" {
		t.Fatalf("token: %d %s", code, body)
	}
	bearer := http.Header{"Authorization": {"Bearer " + tok.Secret}}
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 200 {
		t.Errorf("new token: %d", got)
	}
	if _, list := f.callAs(t, "GET", "/api/v1/tokens", attest.RoleAdmin, nil); strings.Contains(list, tok.Secret) || !strings.Contains(list, `"name": "ci"`) || !strings.Contains(list, `"email": "ci@example.com"`) {
		t.Errorf("token list: %s", list)
	}
	if code, _ := f.callAs(t, "POST", fmt.Sprintf("/admin/tokens/%d/revoke", tok.Token.ID), attest.RoleAdmin, nil); code != 303 {
		t.Errorf("revoke: %d", code)
	}
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 401 {
		t.Errorf("revoked token: %d", got)
	}
	// Disabling ends sign-in; an administrator cannot disable themselves.
	if code, _ := f.callAs(t, "POST", fmt.Sprintf("/api/v1/users/%d/disable", added.User.ID), attest.RoleAdmin, nil); code != 200 {
		t.Errorf("disable: %d", code)
	}
	if got := f.login(t, "ana@example.com", added.Password).StatusCode; got != 401 {
		t.Errorf("sign-in when disabled: %d", got)
	}
	admin, _ := f.store.UserByEmail(context.Background(), "admin@example.com")
	if code, body := f.callAs(t, "POST", fmt.Sprintf("/api/v1/users/%d/disable", admin.ID), attest.RoleAdmin, nil); code != 400 || !strings.Contains(body, "user:") {
		t.Errorf("self-disable: %d %s", code, body)
	}
	if code, page := f.callAs(t, "GET", "/admin/users", attest.RoleAdmin, nil); code != 200 || !strings.Contains(page, "ana@example.com") || !strings.Contains(page, "disabled") {
		t.Errorf("users page: %d", code)
	}
}

// exportFixture records a draw, a test, a request and a comment, and
// downloads the export.
func exportFixture(t *testing.T) (*fixture, []byte) {
	t.Helper()
	f := setup(t)
	f.addPopulation(t, 30)
	code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, map[string]any{"control": "AX-01", "seed": "s-2026", "size": 2})
	if code != 201 {
		t.Fatalf("draw: %d %s", code, body)
	}
	var out struct {
		Draw fieldwork.Shown `json:"draw"`
	}
	json.Unmarshal([]byte(body), &out)
	items := []string{}
	for _, k := range out.Draw.Items {
		items = append(items, k+"=no-exception")
	}
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/tests", attest.RoleAuditor, map[string]any{"control": "AX-01", "draw": out.Draw.ID, "procedure": "inspection,reperformance", "items": items, "acknowledged": "the three quarterly reviews were performed and signed late, as the response records"}); code != 201 {
		t.Fatalf("test: %d %s", code, body)
	}
	f.callAs(t, "POST", "/api/v1/engagements/e1/internal-tests", attest.RoleCompliance, map[string]any{"control": "AX-01", "procedure": "inspection", "items": "X=no-exception"})
	f.signedAs(t, "/api/v1/engagements/e1/requests", attest.RoleAuditor, map[string]any{"control": "AX-01", "text": "Approvals"})
	f.callAs(t, "POST", "/api/v1/engagements/e1/requests/1/comments", attest.RoleOwner, map[string]any{"text": "Attached."})
	req, _ := http.NewRequest("GET", f.srv.URL+"/fieldwork/e1/export", nil)
	req.AddCookie(f.cookie[attest.RoleAuditor])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attest-working-papers-e1") {
		t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	return f, b
}

// TestExportDownload downloads the export as the auditor: a ZIP named for
// the engagement that verifies with the server's key and holds the
// auditor's records, not management's own test (package workpapers tests
// the export and its verifier in depth).
func TestExportDownload(t *testing.T) {
	f, b := exportFixture(t)
	res, err := workpapers.Verify(bytes.NewReader(b), int64(len(b)), f.pub)
	if err != nil || !res.OK || res.Engagement != "e1" || res.KeyInside {
		t.Fatalf("the export does not verify: %+v %v", res, err)
	}
	// Population, draw, test and comment, each tied to its ledger entry.
	if res.Records != 4 || res.Proofs != 4 {
		t.Errorf("%d records and %d proofs, want 4 and 4", res.Records, res.Proofs)
	}
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	for _, zf := range zr.File {
		if zf.Name == "tests.json" {
			rc, _ := zf.Open()
			tb, _ := io.ReadAll(rc)
			rc.Close()
			if strings.Contains(string(tb), `"internal": true`) || !strings.Contains(string(tb), "reperformance") {
				t.Errorf("tests.json holds management's test or lacks the auditor's: %s", tb)
			}
		}
	}
	for _, role := range []string{attest.RoleCompliance, attest.RoleViewer} {
		if code, _ := f.callAs(t, "GET", "/api/v1/engagements/e1/export", role, nil); code != 403 {
			t.Errorf("%s downloads the export: %d", role, code)
		}
	}
}

// FuzzReadInput feeds the form and JSON decoders and the item-result parser
// arbitrary bodies: they answer an invalid-input error or values, never a
// panic or another kind of error.
func FuzzReadInput(f *testing.F) {
	for _, s := range []string{`{"control":"AX-01","items":[{"key":"A","result":"deviation","note":"late"}]}`, `{"items":"A=no-exception\nB=x:y"}`,
		`[1]`, `{"a":{"b":1}}`, `{"items":[{"key":"a=b"}]}`, `control=AX-01&items=A%3Dno-exception`, `%zz`, ``} {
		f.Add(s, strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["))
	}
	f.Fuzz(func(t *testing.T, body string, asJSON bool) {
		r, _ := http.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		if asJSON {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		in, err := readFormInput(httptestRecorder(), r)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		if _, err := parseResults(in); err != nil && attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("%q: %v", body, err)
		}
		in.list("procedure")
		if _, err := in.id("draw"); err != nil && attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("%q: %v", body, err)
		}
	})
}

func httptestRecorder() http.ResponseWriter { return httptest.NewRecorder() }

// An item sent as a JSON object is that one item: a note with a line
// break, which the form's lines would read as a second item, is refused.
func TestItemObjectsAreOneItemEach(t *testing.T) {
	read := func(body string) (formInput, error) {
		r, _ := http.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return readFormInput(httptestRecorder(), r)
	}
	in, err := read(`{"items":[{"key":"A","result":"no-exception","note":"seen: fine"},{"key":"B","result":"deviation"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if items, err := parseResults(in); err != nil || len(items) != 2 || items[0].Note != "seen: fine" || items[1].Key != "B" {
		t.Errorf("two objects: %+v %v", items, err)
	}
	for body, want := range map[string]string{
		`{"items":[{"key":"A","result":"no-exception","note":"x\nB=no-exception"}]}`: "item A: the note has a line break",
		`{"items":[{"key":"A=1","result":"no-exception"}]}`:                          "a key cannot hold '='",
		`{"items":[{"key":"A","result":"deviation:late"}]}`:                          "cannot hold ':'",
	} {
		if _, err := read(body); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
