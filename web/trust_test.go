package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/internal/testkit"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
)

// issue stores pdf as an issued report of kind, shared in the trust center.
func (f *fixture) issue(t *testing.T, kind, typ string, pdf []byte) int64 {
	t.Helper()
	ref, n, err := f.bstore.Put(bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.store.AddDocument(context.Background(), ch, attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: strings.ReplaceAll(kind, " ", "") + ".pdf",
		Ref: string(ref), Size: n, MediaType: "application/pdf",
		Meta: map[string]string{"kind": kind, "type": typ, "period": "2026-01-01..2026-06-30", "firm": "Example CPA LLP", "distribution_confirmed": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func examplePDF(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../internal/demo/files/example-issued-report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) form(t testing.TB, path, role string, v url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "attest-test/1.0")
	resp, b := roundTrip(t, req, f.cookie[role])
	return resp, string(b)
}

func (f *fixture) get(t *testing.T, path, role string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	return roundTrip(t, req, f.cookie[role])
}

var linkRE = regexp.MustCompile(`/trust/demo/(confirm|access)/[0-9a-f]{64}`)

// lastLink is the newest link of a kind mailed to an address.
func (f *fixture) lastLink(t *testing.T, to, kind string) string {
	t.Helper()
	for _, m := range f.server.outbox.Latest() {
		if m.To != to {
			continue
		}
		for _, l := range linkRE.FindAllString(m.Body, -1) {
			if strings.Contains(l, "/"+kind+"/") {
				return l
			}
		}
	}
	t.Fatalf("no %s link mailed to %s", kind, to)
	return ""
}

// requestAndConfirm runs a visitor's request up to the decision.
func (f *fixture) requestAndConfirm(t *testing.T, doc int64, email, requester string) {
	t.Helper()
	resp, body := f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(doc)}, "name": {"Ana Example"}, "email": {email},
		"company": {"Customer Inc"}, "requester": {requester}, "reason": {"annual vendor review"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Check your inbox") {
		t.Fatalf("request: %d %s", resp.StatusCode, body)
	}
	confirm := f.lastLink(t, email, "confirm")
	resp, page := f.get(t, confirm, "")
	if resp.StatusCode != 200 {
		t.Fatalf("confirm page %d", resp.StatusCode)
	}
	form := url.Values{}
	if bytes.Contains(page, []byte("nda_version")) {
		v := regexp.MustCompile(`name="nda_version" value="(\d+)"`).FindSubmatch(page)
		form = url.Values{"accept": {"yes"}, "signature": {"Ana Example"}, "nda_version": {string(v[1])}}
	}
	if resp, body := f.form(t, confirm, "", form); resp.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
}

func TestTrustCenterNDAFlow(t *testing.T) {
	clk := testkit.NewClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	f := setupWith(t, func(c *Config) { c.Now = clk.Now })
	ctx := context.Background()
	pdf := examplePDF(t)
	soc2 := f.issue(t, "SOC 2", "Type 2", pdf)
	soc1 := f.issue(t, "SOC 1", "Type 2", pdf)
	soc3 := f.issue(t, "SOC 3", "", pdf)
	nda, err := f.store.SaveNDA(ctx, ch, "The recipient keeps the report confidential and uses it only to assess the organization as a vendor.")
	if err != nil {
		t.Fatal(err)
	}

	// The public page lists the three, and never a restricted report's content.
	resp, page := f.get(t, "/trust/demo", "")
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte("/trust/demo/documents/"+itoa(soc3))) || bytes.Contains(page, []byte("/trust/demo/documents/"+itoa(soc2))) {
		t.Fatalf("trust page %d: %s", resp.StatusCode, page)
	}
	// SOC 3: downloads without a grant, the CPA firm's file as it is.
	resp, got := f.get(t, "/trust/demo/documents/"+itoa(soc3), "")
	if resp.StatusCode != 200 || !bytes.Equal(got, pdf) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("SOC 3 download %d (%d bytes)", resp.StatusCode, len(got))
	}
	// A restricted one does not.
	if resp, _ := f.get(t, "/trust/demo/documents/"+itoa(soc2), ""); resp.StatusCode != 403 {
		t.Errorf("SOC 2 without a grant: %d", resp.StatusCode)
	}

	// Bad input names the field and records nothing.
	resp, body := f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(soc2)}, "name": {"Ana"}, "email": {"not an address"}, "company": {"C"}, "requester": {"customer"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "Work e-mail") {
		t.Errorf("bad e-mail: %d %s", resp.StatusCode, body)
	}
	resp, body = f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(soc2)}, "name": {"Ana"}, "email": {"ana@customer.example"}, "company": {"C"}, "requester": {"investor"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "You are") {
		t.Errorf("bad requester: %d %s", resp.StatusCode, body)
	}
	// A byte that is not UTF-8 cannot be kept as the ledger records it:
	// refused, naming the field, before anything is written.
	resp, body = f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(soc2)}, "name": {"Eve\xff\xfe"}, "email": {"eve@customer.example"}, "company": {"C"}, "requester": {"customer"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "not valid UTF-8") {
		t.Errorf("a name that is not UTF-8: %d %.300s", resp.StatusCode, body)
	}
	resp, body = f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(soc2)}, "name": {"Eve"}, "email": {"eve@customer.example"}, "company": {"Acme \u202eevil"}, "requester": {"customer"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "Company: holds a character that reorders") {
		t.Errorf("a company with an override: %d %.300s", resp.StatusCode, body)
	}
	if l, _ := f.store.AccessRequests(ctx); len(l) != 0 {
		t.Fatalf("a refused form recorded %d requests", len(l))
	}

	// A customer asks for the SOC 2, confirms and accepts the NDA.
	f.requestAndConfirm(t, soc2, "ana@customer.example", attest.RequesterCustomer)
	reqs, _ := f.store.AccessRequests(ctx)
	if len(reqs) != 1 || reqs[0].Status != attest.AccessPending || reqs[0].NDASHA256 != nda.SHA256 || reqs[0].NDAIP == "" ||
		reqs[0].NDAUserAgent != "attest-test/1.0" || reqs[0].NDAName != "Ana Example" || reqs[0].NDAVersion != nda.Version {
		t.Fatalf("after confirmation: %+v", reqs)
	}
	// Only an admin decides.
	if resp, _ := f.form(t, "/admin/trust/requests/1/approve", attest.RoleCompliance, nil); resp.StatusCode != 403 {
		t.Errorf("compliance manager approving: %d", resp.StatusCode)
	}
	if resp, body := f.form(t, "/admin/trust/requests/1/approve", attest.RoleAdmin, url.Values{"note": {"known customer"}}); resp.StatusCode != 303 {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	access := f.lastLink(t, "ana@customer.example", "access")
	resp, page = f.get(t, access, "")
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte("Ana Example")) {
		t.Fatalf("access page %d", resp.StatusCode)
	}
	// The link opens this document only.
	if resp, _ := f.get(t, access+"/documents/"+itoa(soc1), ""); resp.StatusCode != 403 {
		t.Errorf("another document with this link: %d", resp.StatusCode)
	}
	resp, copy1 := f.get(t, access+"/documents/"+itoa(soc2), "")
	if resp.StatusCode != 200 || !bytes.HasPrefix(copy1, []byte("%PDF-")) || bytes.Equal(copy1, pdf) {
		t.Fatalf("download %d, %d bytes (original %d)", resp.StatusCode, len(copy1), len(pdf))
	}
	if text := pdfText(t, copy1); text != "" && !strings.Contains(text, "Copy for Ana Example <ana@customer.example>, Customer Inc") {
		t.Errorf("the copy carries no watermark: %q", text)
	}
	// The original is untouched.
	d, _ := f.store.Document(ctx, soc2)
	if resp, got := f.get(t, "/trust/demo/documents/"+itoa(soc3), ""); resp.StatusCode != 200 || !bytes.Equal(got, pdf) || d.Size != int64(len(pdf)) {
		t.Error("the original changed")
	}
	// The watermarked copy is a ledger entry; the public SOC 3 downloads
	// are only counted.
	dls, _ := f.store.Downloads(ctx)
	if len(dls) != 1 || dls[0].Email != "ana@customer.example" || !dls[0].Watermark || dls[0].RequestID != 1 {
		t.Errorf("downloads %+v", dls)
	}
	counts, _ := f.store.PublicDownloads(ctx)
	if len(counts) != 1 || counts[0].DocumentID != soc3 || counts[0].Count < 2 {
		t.Errorf("public downloads %+v", counts)
	}
	// The admin's page shows the counts, per document and by day.
	if resp, admin := f.get(t, "/admin/trust", attest.RoleAdmin); resp.StatusCode != 200 ||
		!regexp.MustCompile(`<tr id="public-`+itoa(soc3)+`"><td>SOC 3[^<]*</td><td class="num">`+itoa(counts[0].Count)+`</td><td class="num">`+itoa(counts[0].Count)+`</td>`).Match(admin) ||
		!bytes.Contains(admin, []byte("<li>"+counts[0].Day+": "+itoa(counts[0].Count)+"</li>")) {
		t.Errorf("the admin page does not show the public downloads (%d): %s", resp.StatusCode, admin)
	}

	// Revoked: refused.
	if resp, _ := f.form(t, "/admin/trust/requests/1/revoke", attest.RoleAdmin, nil); resp.StatusCode != 303 {
		t.Fatalf("revoke %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, access+"/documents/"+itoa(soc2), ""); resp.StatusCode != 403 {
		t.Errorf("revoked link: %d", resp.StatusCode)
	}
	// Approved again: a new link; it expires after the configured days.
	if resp, _ := f.form(t, "/admin/trust/requests/1/approve", attest.RoleAdmin, nil); resp.StatusCode != 303 {
		t.Fatalf("re-approve %d", resp.StatusCode)
	}
	again := f.lastLink(t, "ana@customer.example", "access")
	if again == access {
		t.Fatal("re-approval reused the revoked link")
	}
	if resp, _ := f.get(t, access, ""); resp.StatusCode != 404 {
		t.Errorf("the revoked link's token still resolves: %d", resp.StatusCode)
	}
	clk.Add(13 * 24 * time.Hour)
	if resp, _ := f.get(t, again+"/documents/"+itoa(soc2), ""); resp.StatusCode != 200 {
		t.Errorf("day 13: %d", resp.StatusCode)
	}
	clk.Add(25 * time.Hour)
	if resp, body := f.get(t, again+"/documents/"+itoa(soc2), ""); resp.StatusCode != 403 || !bytes.Contains(body, []byte("expired")) {
		t.Errorf("day 14: %d %s", resp.StatusCode, body)
	}

	// A prospect cannot obtain a SOC 1 without an admin's override.
	f.requestAndConfirm(t, soc1, "pat@prospect.example", attest.RequesterProspect)
	_, adminPage := f.get(t, "/admin/trust", attest.RoleAdmin)
	if !bytes.Contains(adminPage, []byte("is not among its intended users")) {
		t.Error("the admin page shows no warning for a prospect's SOC 1 request")
	}
	if resp, body := f.form(t, "/admin/trust/requests/2/approve", attest.RoleAdmin, nil); resp.StatusCode != 400 || !strings.Contains(body, "override") {
		t.Errorf("SOC 1 to a prospect without override: %d %s", resp.StatusCode, body)
	}
	for _, m := range f.server.outbox.Latest() {
		if m.To == "pat@prospect.example" && strings.Contains(m.Body, "/access/") {
			t.Fatal("a prospect received a SOC 1 link")
		}
	}
	if resp, _ := f.form(t, "/admin/trust/requests/2/approve", attest.RoleAdmin, url.Values{"override": {"yes"}, "note": {"board-approved"}}); resp.StatusCode != 303 {
		t.Errorf("override: %d", resp.StatusCode)
	}
	if q, _ := f.store.AccessRequest(ctx, 2); !q.Override || q.Status != attest.AccessApproved {
		t.Errorf("override not recorded: %+v", q)
	}

	// Allowed domains are approved at once, for requesters the report is
	// meant for.
	if resp, body := f.form(t, "/admin/trust/settings", attest.RoleAdmin, url.Values{"auto_domains": {"partner.example"}, "link_days": {"7"}, "nda_soc2": {"yes"}}); resp.StatusCode != 303 {
		t.Fatalf("settings: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.form(t, "/admin/trust/settings", attest.RoleAdmin, url.Values{"auto_domains": {"bad domain!"}, "link_days": {"7"}}); resp.StatusCode != 400 || !strings.Contains(body, "auto_domains") {
		t.Errorf("bad settings: %d %s", resp.StatusCode, body)
	}
	f.requestAndConfirm(t, soc2, "lee@partner.example", attest.RequesterPartner)
	if q, _ := f.store.AccessRequest(ctx, 3); q.Status != attest.AccessApproved || q.DecidedBy != "auto" {
		t.Errorf("auto-approval: %+v", q)
	}

	// The log: every NDA acceptance with the text's hash, every download.
	resp, csvBody := f.get(t, "/admin/trust/log.csv", attest.RoleAdmin)
	rows, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
	if err != nil || resp.StatusCode != 200 || len(rows) != 1+3+2 || rows[1][10] != nda.SHA256 {
		t.Errorf("log %d rows %v: %s", len(rows), err, csvBody)
	}
	// Everything above is in the ledger, and verify agrees with the tables.
	rep, err := integrity.Check(ctx, integrity.Input{Store: f.store, Blobs: f.bstore, PublicKey: f.pub})
	if err != nil || !rep.OK {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// Rewriting who accepted the NDA behind the ledger's back is caught.
	db := f.store.(interface{ SQL() *sql.DB }).SQL()
	if _, err := db.Exec(`UPDATE trust_requests SET nda_name = 'Someone Else' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	rep, err = integrity.Check(ctx, integrity.Input{Store: f.store, Blobs: f.bstore, PublicKey: f.pub})
	if err != nil || rep.OK || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Detail, "access request 1 differs") {
		t.Errorf("tampering not caught: %+v %v", rep, err)
	}
}

// pdfText extracts a PDF's text with pdftotext, or "" when it is missing.
func pdfText(t *testing.T, pdf []byte) string {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is missing: under CI the watermark must be checked")
		}
		t.Log("no pdftotext: the watermark's text is not checked")
		return ""
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestTrustRequestLimit(t *testing.T) {
	f := setup(t)
	doc := f.issue(t, "SOC 2", "Type 2", examplePDF(t))
	var last int
	for i := 0; i < 11; i++ {
		resp, _ := f.form(t, "/trust/demo/request", "", url.Values{"doc": {itoa(doc)}, "name": {"A"}, "email": {"a@b.example"}, "company": {"C"}, "requester": {"customer"}})
		last = resp.StatusCode
	}
	if last != 429 {
		t.Errorf("11th request from one address: %d, want 429", last)
	}
}

// FuzzTrustForms sends arbitrary bodies to the trust center's public forms:
// the answer is never a server error or a panic, and a refused request
// form records nothing.
func FuzzTrustForms(f *testing.F) {
	ctx := context.Background()
	st, err := sqlite.Create(ctx, filepath.Join(f.TempDir(), "attest.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	bs, err := blob.OpenFS(filepath.Join(f.TempDir(), "blobs"))
	if err != nil {
		f.Fatal(err)
	}
	if err := st.CreateEngagement(ctx, ch, storetest.Engagement("e1"), nil); err != nil {
		f.Fatal(err)
	}
	ref, n, _ := bs.Put(strings.NewReader("%PDF-1.4 not a real report"))
	st.AddDocument(ctx, ch, attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: "r.pdf", Ref: string(ref), Size: n, MediaType: "application/pdf",
		Meta: map[string]string{"kind": "SOC 2", "type": "Type 2", "distribution_confirmed": "true"}})
	st.SaveNDA(ctx, ch, "Keep it confidential.")
	srv := New(Config{Store: st, Blobs: bs, Org: "demo"})
	var calls int
	post := func(path, body string) int {
		calls++
		r := httptest.NewRequest("POST", path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", calls>>16&255, calls>>8&255, calls&255)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w.Code
	}
	f.Add("doc=1&name=Ana&email=ana%40customer.example&company=C&requester=customer&reason=r", "accept=yes&signature=Ana&nda_version=1")
	f.Add("doc=1&name=&email=x", "accept=no")
	f.Add("doc=%zz&name=%00", "nda_version=99999999999999999999")
	f.Add(strings.Repeat("a=b&", 5000), "")
	f.Fuzz(func(t *testing.T, request, confirm string) {
		before, _ := st.AccessRequests(ctx)
		code := post("/trust/demo/request", request)
		after, _ := st.AccessRequests(ctx)
		if code >= 500 {
			t.Fatalf("request form: %d", code)
		}
		if code != 200 && len(after) != len(before) {
			t.Fatalf("a refused request (%d) was recorded", code)
		}
		if len(after) > len(before) {
			// The token is only in the mail: take it from the outbox.
			for _, m := range srv.outbox.Latest() {
				if l := linkRE.FindString(m.Body); l != "" {
					if code := post(l, confirm); code >= 500 {
						t.Fatalf("confirm form: %d", code)
					}
					break
				}
			}
		}
		if code := post("/trust/demo/confirm/"+url.PathEscape(confirm), request); code >= 500 {
			t.Fatalf("confirm with a made-up token: %d", code)
		}
	})
}

// TestTrustOtherDocuments: a document that is not a SOC report is listed
// apart; a public one downloads without a grant, a restricted one goes
// through the request and the NDA for any kind of requester, watermarked.
func TestTrustOtherDocuments(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	pdf := examplePDF(t)
	add := func(title, audience string) int64 {
		ref, n, err := f.bstore.Put(bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.store.AddDocument(ctx, ch, attest.Document{EngagementID: "e1", Kind: attest.DocShared, Name: "doc.pdf", Ref: string(ref), Size: n,
			MediaType: "application/pdf", Meta: map[string]string{"title": title, "audience": audience}})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	policy := add("Information security policy", "public")
	pentest := add("Penetration test summary", "nda")
	f.store.SaveNDA(ctx, ch, "Keep it confidential.")
	_, page := f.get(t, "/trust/demo", "")
	if !bytes.Contains(page, []byte("Other documents")) || !bytes.Contains(page, []byte("Penetration test summary")) || !bytes.Contains(page, []byte("No report is listed yet")) {
		t.Errorf("trust page: %s", page)
	}
	if resp, got := f.get(t, "/trust/demo/documents/"+itoa(policy), ""); resp.StatusCode != 200 || !bytes.Equal(got, pdf) {
		t.Errorf("public document: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, "/trust/demo/documents/"+itoa(pentest), ""); resp.StatusCode != 403 {
		t.Errorf("restricted document without a grant: %d", resp.StatusCode)
	}
	f.requestAndConfirm(t, pentest, "pat@prospect.example", attest.RequesterProspect)
	q, _ := f.store.AccessRequest(ctx, 1)
	if q.NDAVersion != 1 || q.Status != attest.AccessPending {
		t.Fatalf("request %+v", q)
	}
	if resp, body := f.form(t, "/admin/trust/requests/1/approve", attest.RoleAdmin, nil); resp.StatusCode != 303 {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	resp, copy1 := f.get(t, f.lastLink(t, "pat@prospect.example", "access")+"/documents/"+itoa(pentest), "")
	if resp.StatusCode != 200 || bytes.Equal(copy1, pdf) {
		t.Errorf("restricted download: %d, watermarked %v", resp.StatusCode, !bytes.Equal(copy1, pdf))
	}
}
