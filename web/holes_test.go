package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/storetest"
	"github.com/attest-dev/attest/trust"
)

// signIn adds an account and keeps its session under key, for callAs.
func (f *fixture) signIn(t *testing.T, key string, u attest.User) *attest.User {
	t.Helper()
	u.PasswordHash, _ = argon2id.CreateHash(password, cheapHash)
	saved, err := f.store.SaveUser(context.Background(), ch, u)
	if err != nil {
		t.Fatal(err)
	}
	resp := f.login(t, u.Email, password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", u.Email, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		f.cookie[key] = c
	}
	return saved
}

// Hole: the auditor check matched display names ignoring case, so an
// account an admin named like the auditor recorded tests as her. Only the
// account linked to the engagement's named auditor acts as the auditor.
func TestLookAlikeAuditorIsNotTheAuditor(t *testing.T) {
	f := setup(t)
	f.addPopulation(t, 40)
	// Named on another engagement, so that it may sign in at all.
	if err := f.store.CreateEngagement(context.Background(), ch, storetest.Engagement("e9"), nil); err != nil {
		t.Fatal(err)
	}
	look, _ := f.store.SaveUser(context.Background(), ch, attest.User{Email: "auditor@example-cpa.example", Name: "AUDITOR", Role: attest.RoleAuditor})
	if err := f.store.AddAuditor(context.Background(), ch, attest.Auditor{EngagementID: "e9", Name: "AUDITOR", UserID: look.ID}); err != nil {
		t.Fatal(err)
	}
	f.signIn(t, "look-alike", attest.User{ID: look.ID, Email: look.Email, Name: look.Name, Role: look.Role})
	draw := map[string]any{"control": "AX-01", "seed": "s", "size": 2}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/draws", "look-alike", draw); code != 403 || !strings.Contains(body, "not a named auditor") {
		t.Errorf("look-alike draws: %d %s", code, body)
	}
	test := map[string]any{"control": "AX-01", "procedure": "inspection", "not_performed": true}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/tests", "look-alike", test); code != 403 {
		t.Errorf("look-alike records a test: %d %s", code, body)
	}
	if code, body := f.callAs(t, "POST", "/api/v1/engagements/e1/requests", "look-alike", map[string]any{"control": "AX-01", "text": "x"}); code != 403 {
		t.Errorf("look-alike makes a request: %d %s", code, body)
	}
	// The real auditor, linked by account, still may.
	if code, body := f.signedAs(t, "/api/v1/engagements/e1/draws", attest.RoleAuditor, draw); code != 201 {
		t.Errorf("the named auditor draws: %d %s", code, body)
	}
}

// Hole: auditors were checked on writes only. An auditor named on e1
// reads nothing of e2 (tests, draws, requests, documents and the issued
// report, the export, evidence that supports only e2's controls), and an
// auditor named on no engagement reads nothing at all.
func TestAuditorsReadOnlyTheirEngagements(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ctls := storetest.Controls(1)
	ctls[0].ID = "ZZ-01"
	if err := f.store.CreateEngagement(ctx, ch, storetest.Engagement("e2"), ctls); err != nil {
		t.Fatal(err)
	}
	ref, n, err := f.bstore.Put(strings.NewReader("e2's issued report"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := f.store.AddDocument(ctx, ch, attest.Document{EngagementID: "e2", Kind: attest.DocIssued, Name: "soc2.pdf", Ref: string(ref), Size: n, MediaType: "application/pdf", Meta: map[string]string{"kind": "SOC 2"}})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: n, Name: "e2-only.pdf", MediaType: "application/pdf", Controls: []string{"ZZ-01"}, Date: "2026-03-01", Method: attest.MethodUpload}})
	if err != nil {
		t.Fatal(err)
	}
	refused := []string{
		"/api/v1/engagements/e2/tests", "/api/v1/engagements/e2/draws", "/api/v1/engagements/e2/populations",
		"/api/v1/engagements/e2/requests", "/api/v1/engagements/e2/documents", "/api/v1/engagements/e2/export",
		"/api/v1/engagements/e2/controls", "/api/v1/engagements/e2/dashboard", "/fieldwork/e2", "/fieldwork/e2/export",
		"/controls/e2/ZZ-01", "/controls?engagement=e2",
		"/api/v1/documents/" + itoa(doc.ID) + "/content", "/documents/" + itoa(doc.ID) + "/download",
		"/api/v1/evidence/" + itoa(evs[0].ID) + "/content", "/evidence/" + itoa(evs[0].ID) + "/download",
	}
	for _, path := range refused {
		code, body := f.callAs(t, "GET", path, attest.RoleAuditor, nil)
		if code != 403 {
			t.Errorf("auditor of e1 reads %s: %d", path, code)
		} else if strings.Contains(path, "/e2") && !strings.Contains(body, "e2") {
			t.Errorf("the refusal of %s does not name the engagement: %s", path, body)
		}
		if code, _ := f.callAs(t, "GET", path, attest.RoleCompliance, nil); code == 403 && !strings.HasSuffix(path, "/export") {
			t.Errorf("the compliance manager is refused %s", path)
		}
	}
	// Lists leave e2 out.
	for _, path := range []string{"/api/v1/engagements", "/api/v1/evidence", "/api/v1/reports", "/fieldwork", "/", "/controls", "/evidence", "/reports"} {
		code, body := f.callAs(t, "GET", path, attest.RoleAuditor, nil)
		if code != 200 || strings.Contains(body, `"e2"`) || strings.Contains(body, "Example e2") || strings.Contains(body, "e2-only.pdf") || strings.Contains(body, "ZZ-01") {
			t.Errorf("auditor of e1 lists e2 in %s: %d", path, code)
		}
	}
	// Still their own.
	if code, _ := f.callAs(t, "GET", "/api/v1/engagements/e1/tests", attest.RoleAuditor, nil); code != 200 {
		t.Errorf("auditor reads e1's tests: %d", code)
	}
	// Named on no engagement: no access at all, sign-in included.
	lone, _ := f.store.SaveUser(ctx, ch, attest.User{Email: "lone@cpa.example", Name: "Lone", Role: attest.RoleAuditor})
	sum := sha256.Sum256([]byte("att_lone"))
	f.store.SaveToken(ctx, ch, attest.Token{UserID: lone.ID, Name: "x", Hash: hex.EncodeToString(sum[:])})
	bearer := http.Header{"Authorization": {"Bearer att_lone"}}
	for _, path := range []string{"/api/v1/engagements", "/api/v1/engagements/e1/tests", "/api/v1/evidence", "/api/v1/reports"} {
		if got := f.do(t, "GET", path, "", bearer).StatusCode; got != 403 {
			t.Errorf("auditor on no engagement reads %s: %d", path, got)
		}
	}
	// e1's window closes (report date 2027-02-28 plus 30 days) while e2
	// has none of theirs: nothing is left.
	f.setNow(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	if code, _ := f.callAs(t, "GET", "/api/v1/engagements/e1/tests", attest.RoleAuditor, nil); code != 403 {
		t.Errorf("auditor after the window: %d", code)
	}
}

// Hole: control owners were matched by display name, so whoever was later
// created under the owner's name owned their controls. Only the owner's
// account edits as the owner; assigning by address links the account.
func TestLookAlikeOwnerIsNotTheOwner(t *testing.T) {
	f := setup(t)
	f.signIn(t, "same-name", attest.User{Email: "other@example.com", Name: attest.RoleOwner, Role: attest.RoleOwner})
	change := map[string]any{"status": "implemented"}
	if code, body := f.callAs(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", "same-name", change); code != 403 {
		t.Errorf("an account with the owner's name edits AX-01: %d %s", code, body)
	}
	if code, body := f.callAs(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", attest.RoleOwner, change); code != 200 {
		t.Errorf("the owner's account: %d %s", code, body)
	}
	// Reassigned by address to the other account: now theirs, not the first's.
	if code, body := f.callAs(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", attest.RoleCompliance, map[string]any{"owner": "other@example.com"}); code != 200 || !strings.Contains(body, `"owner_id"`) {
		t.Errorf("assign by address: %d %s", code, body)
	}
	if code, _ := f.callAs(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", attest.RoleOwner, change); code != 403 {
		t.Errorf("the former owner still edits: %d", code)
	}
	if code, body := f.callAs(t, "PATCH", "/api/v1/engagements/e1/controls/AX-01", attest.RoleCompliance, map[string]any{"owner": "nobody@example.com"}); code != 400 || !strings.Contains(body, "owner:") {
		t.Errorf("assign to an unknown address: %d %s", code, body)
	}
}

// Tampered evidence is never served as the original: a small item is
// checked whole (500, cause logged), a large one streams with its end held
// back and the response is aborted, so the client never gets it whole.
func TestDownloadsVerifyWhatTheyServe(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, size := range []int{1000, smallBlob + 3<<20} {
		orig := bytes.Repeat([]byte{'x'}, size)
		ref, n, err := f.bstore.Put(bytes.NewReader(orig))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := f.store.AddEvidence(ctx, ch, []attest.Evidence{{Ref: string(ref), Size: n, Name: "log.txt", MediaType: "text/plain", Controls: []string{"AX-01"}, Date: "2026-03-01", Method: attest.MethodUpload}})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/evidence/" + itoa(evs[0].ID) + "/content"
		if code, body := f.callAs(t, "GET", path, attest.RoleViewer, nil); code != 200 || len(body) != size {
			t.Fatalf("intact %d bytes: %d, %d bytes", size, code, len(body))
		}
		hex := strings.TrimPrefix(string(ref), "sha256:")
		file := filepath.Join(f.blobs, "sha256", hex[:2], hex)
		os.Chmod(file, 0o644)
		forged := append([]byte(nil), orig...)
		forged[size-1] = 'y'
		if err := os.WriteFile(file, forged, 0o644); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.AddCookie(f.cookie[attest.RoleViewer])
		resp, err := noRedirect.Do(req)
		if err != nil {
			continue // the connection was cut: the forgery was not served
		}
		got, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case size <= smallBlob && resp.StatusCode != 500:
			t.Errorf("forged %d bytes: %d, want 500", size, resp.StatusCode)
		case bytes.Equal(got, forged):
			t.Errorf("forged %d bytes served whole (status %d)", size, resp.StatusCode)
		case size > smallBlob && rerr == nil:
			t.Errorf("forged %d bytes: the response ended normally after %d bytes", size, len(got))
		}
	}
}

// Lockouts cannot be turned against users: invalid tokens (even on a public
// route) never stop a valid one, failed sign-ins with made-up addresses
// never stop the right password, and behind a trusted proxy each client
// has limits of its own.
func TestLockoutsCannotBeUsedAgainstUsers(t *testing.T) {
	f := setup(t, func(c *Config, _ string) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	ctx := context.Background()
	u, _ := f.store.UserByEmail(ctx, "admin@example.com")
	sum := sha256.Sum256([]byte("att_admin"))
	f.store.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "admin", Hash: hex.EncodeToString(sum[:])})
	bad := http.Header{"Authorization": {"Bearer att_guess"}}
	for i := 0; i < 25; i++ {
		if got := f.do(t, "GET", "/healthz", "", bad).StatusCode; got != 200 {
			t.Fatalf("a public route with a bad token: %d", got)
		}
		f.do(t, "GET", "/api/v1/me", "", bad)
	}
	if got := f.do(t, "GET", "/api/v1/me", "", bad).StatusCode; got != 429 {
		t.Errorf("more bad tokens from the address: %d, want 429", got)
	}
	if got := f.do(t, "GET", "/api/v1/me", "", http.Header{"Authorization": {"Bearer att_admin"}}).StatusCode; got != 200 {
		t.Errorf("the admin's valid token after the bad ones: %d", got)
	}
	// 35 failed sign-ins with made-up addresses from one client.
	post := func(email, pw, xff string) int {
		req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < 35; i++ {
		post(fmt.Sprintf("nobody%d@example.com", i), "wrong", "203.0.113.9")
	}
	if got := post("someone@example.com", "wrong", "203.0.113.9"); got != 429 {
		t.Errorf("another wrong password from that client: %d, want 429", got)
	}
	if got := post("viewer@example.com", password, "203.0.113.9"); got != 303 {
		t.Errorf("the right password from that client: %d, want 303", got)
	}
	if got := post("someone@example.com", "wrong", "198.51.100.7"); got != 401 {
		t.Errorf("a wrong password from another client behind the proxy: %d, want 401", got)
	}
}

// A grace period of 0 means 0: access ends with the report date (it once
// became 30 days silently).
func TestZeroGraceMeansZero(t *testing.T) {
	zero := time.Duration(0)
	f := setup(t, func(c *Config, _ string) { c.AuditorGrace = &zero })
	f.setNow(time.Date(2027, 3, 1, 1, 0, 0, 0, time.UTC)) // the day after e1's report date
	if code, _ := f.callAs(t, "GET", "/api/v1/engagements/e1/tests", attest.RoleAuditor, nil); code != 403 {
		t.Errorf("the day after the report date with no grace: %d", code)
	}
}

// The settings that decide access are ledger entries: one changed in the
// database alone (the grace lengthened, the NDA turned off) is reported by
// attest verify's check.
func TestAccessSettingsAreInTheRecord(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	if code, body := f.callAs(t, "POST", "/admin/trust/settings", attest.RoleAdmin, url.Values{"link_days": {"14"}, "nda_soc2": {"yes"}}); code != 303 {
		t.Fatalf("settings: %d %s", code, body)
	}
	check := func() *integrity.Report {
		rep, err := integrity.Check(ctx, integrity.Input{Store: f.store, Blobs: f.bstore, PublicKey: f.pub})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := check(); !rep.OK {
		t.Fatalf("settings saved through the app: %+v", rep.Problems)
	}
	f.store.SetSetting(ctx, trust.SettingNDAKinds, "none")
	f.store.SetSetting(ctx, auth.GraceSetting, "3650d")
	rep := check()
	var kinds []string
	for _, p := range rep.Problems {
		kinds = append(kinds, p.Kind+": "+p.Detail)
	}
	all := strings.Join(kinds, "\n")
	if rep.OK || !strings.Contains(all, "trust.nda_kinds") || !strings.Contains(all, "auditor.grace") {
		t.Errorf("settings changed in the database alone:\n%s", all)
	}
}

// An empty file is refused as evidence unless the upload says it is meant.
func TestEmptyUploadNeedsAllowEmpty(t *testing.T) {
	f := setup(t)
	resp, body := upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "date": "2026-03-01"}, map[string]string{"empty.txt": ""})
	if resp.StatusCode != 400 || !strings.Contains(body, "empty.txt is empty") {
		t.Errorf("empty upload: %d %s", resp.StatusCode, body)
	}
	if l, _ := f.store.EvidenceList(context.Background(), "", true); len(l) != 0 {
		t.Errorf("a refused upload recorded %d items", len(l))
	}
	resp, body = upload(t, f, attest.RoleCompliance, map[string]string{"control": "AX-01", "date": "2026-03-01", "allow_empty": "yes"}, map[string]string{"empty.txt": ""})
	if resp.StatusCode != 201 {
		t.Errorf("empty upload allowed: %d %s", resp.StatusCode, body)
	}
}
