package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/fieldwork"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
	"golang.org/x/mod/sumdb/note"
)

var ch = attest.Change{Actor: "test", At: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}

const password = "correct horse battery staple"

type fixture struct {
	srv    *httptest.Server
	server *Server
	store  attest.Store
	blobs  string // the blob store's folder
	bstore blob.Store
	// cookie is each role's session cookie.
	cookie map[string]*http.Cookie
	// clock is the server's clock (Unix nanoseconds, set with setNow);
	// pub and signer its ledger key.
	clock  *atomic.Int64
	pub    string
	signer note.Signer
	// key is the auditor's signing key on e1, enrolled and confirmed.
	key auditsig.KeySigner
}

// setupWith builds the fixture, letting the test adjust the server's
// configuration first.
func setupWith(t testing.TB, adjust func(*Config)) *fixture {
	return setup(t, func(c *Config, _ string) {
		if adjust != nil {
			adjust(c)
		}
	})
}

// setup starts a server over a fresh SQLite store with one user per role,
// each signed in. opts may change the configuration; url is the server's
// address, known before it starts. The clock is fixed (2026-11-30) and
// settable with f.setNow; the auditor user is a named auditor of e1.
func setup(t testing.TB, opts ...func(c *Config, url string)) *fixture {
	t.Helper()
	ctx := context.Background()
	s := newStore(t)
	hash, _ := argon2id.CreateHash(password, cheapHash)
	addRoleUsers(t, s, hash)
	blobDir := filepath.Join(t.TempDir(), "blobs")
	bs, err := blob.OpenFS(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	aud, _ := s.UserByEmail(ctx, attest.RoleAuditor+"@example.com")
	if err := s.AddAuditor(ctx, ch, attest.Auditor{EngagementID: "e1", Name: attest.RoleAuditor, UserID: aud.ID, Firm: "Example CPA LLP"}); err != nil {
		t.Fatal(err)
	}
	priv, pub, err := ledger.GenerateKey("attest-test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	clock := new(atomic.Int64)
	clock.Store(ch.At.UnixNano())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: s, Blobs: bs, Org: "demo", Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }, Signer: signer, PublicKey: pub}
	for _, o := range opts {
		o(&cfg, "http://"+ln.Addr().String())
	}
	server := New(cfg)
	srv := httptest.NewUnstartedServer(server)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, server: server, store: s, blobs: blobDir, bstore: bs, cookie: map[string]*http.Cookie{}, clock: clock, pub: pub, signer: signer}
	_, kp, err := auditsig.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	f.key = auditsig.KeySigner{Priv: kp}
	env := fieldwork.Env{Store: s, Blobs: bs, Policy: auth.Policy{Dir: s, Grace: auth.DefaultGrace, Now: ch.At}}
	if _, err := fieldwork.Enroll(ctx, env, s, ch, aud, fieldwork.EnrollRequest{Engagement: "e1", Name: attest.RoleAuditor, PublicKey: auditsig.EncodePublic(kp.Public().(ed25519.PublicKey), "")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fieldwork.Signed(f.key, func(sl fieldwork.Seal) (*attest.AuditorKey, error) {
		return fieldwork.Confirm(ctx, env, s, ch, aud, "e1", sl)
	}); err != nil {
		t.Fatal(err)
	}
	for _, role := range attest.Roles {
		resp := f.login(t, role+"@example.com", password)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", role, resp.StatusCode)
		}
		for _, c := range resp.Cookies() {
			if c.Name == "attest_session" {
				f.cookie[role] = c
			}
		}
	}
	return f
}

// signedAs posts an auditor act as role, signed with the fixture's
// auditor key: the fields with the key, then, on the 428 answer, the same
// fields with the statement and its signature, as sign.js does.
func (f *fixture) signedAs(t *testing.T, path, role string, body any) (int, string) {
	t.Helper()
	with := func(extra map[string]string) any {
		switch b := body.(type) {
		case url.Values:
			v := url.Values{}
			for k, x := range b {
				v[k] = x
			}
			for k, x := range extra {
				v.Set(k, x)
			}
			return v
		case map[string]any:
			m := map[string]any{}
			for k, x := range b {
				m[k] = x
			}
			for k, x := range extra {
				m[k] = x
			}
			return m
		}
		t.Fatalf("signedAs: body %T", body)
		return nil
	}
	code, out := f.callAs(t, "POST", path, role, with(map[string]string{"key": f.key.Fingerprint()}))
	if code != http.StatusPreconditionRequired {
		return code, out
	}
	var ask struct {
		Sign fieldwork.ToSign `json:"sign"`
	}
	if err := json.Unmarshal([]byte(out), &ask); err != nil {
		t.Fatal(err)
	}
	sig, _ := f.key.Sign(ask.Sign.Statement)
	return f.callAs(t, "POST", path, role, with(map[string]string{"key": f.key.Fingerprint(), "statement": ask.Sign.Statement, "signature": sig}))
}

// cheapHash keeps test passwords quick to check.
var cheapHash = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// setNow sets the server's clock.
func (f *fixture) setNow(t time.Time) { f.clock.Store(t.UnixNano()) }

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (f *fixture) login(t testing.TB, email, pw string) *http.Response {
	t.Helper()
	resp, err := noRedirect.PostForm(f.srv.URL+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// newStore is a fresh SQLite store in the test's temporary folder, closed
// when the test ends, with engagement e1 (controls AX-01 and AX-02).
func newStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlite.Create(ctx, filepath.Join(tb.TempDir(), "attest.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.CreateEngagement(ctx, ch, storetest.Engagement("e1"), storetest.Controls(2)); err != nil {
		tb.Fatal(err)
	}
	return s
}

// addRoleUsers adds one user per role, ROLE@example.com with the password
// hash given; the control owner's account owns AX-01, so editing it is
// theirs to do.
func addRoleUsers(tb testing.TB, s *sqlite.DB, hash string) {
	tb.Helper()
	ctx := context.Background()
	for _, role := range attest.Roles {
		if _, err := s.SaveUser(ctx, ch, attest.User{Email: role + "@example.com", Name: role, Role: role, PasswordHash: hash}); err != nil {
			tb.Fatal(err)
		}
	}
	owner, _ := s.UserByEmail(ctx, attest.RoleOwner+"@example.com")
	if _, err := s.UpdateControl(ctx, ch, "e1", "AX-01", attest.ControlUpdate{Owner: ptr(attest.RoleOwner), OwnerID: &owner.ID}); err != nil {
		tb.Fatal(err)
	}
}

// roundTrip sends req with the cookie (none when nil), following no
// redirect, and returns the answer with its body read and closed.
func roundTrip(tb testing.TB, req *http.Request, c *http.Cookie) (*http.Response, []byte) {
	tb.Helper()
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (f *fixture) do(t testing.TB, method, path, role string, header http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, _ := roundTrip(t, req, f.cookie[role])
	return resp
}

// allowed is who may use each route, written down apart from the server's
// own table (DESIGN.md section 6): nil is public.
var allowed = map[string][]string{
	"GET /healthz":                           nil,
	"GET /readyz":                            nil,
	"GET /api/v1/openapi.json":               nil,
	"GET /login":                             nil,
	"POST /login":                            nil,
	"GET /trust":                             nil,
	"GET /portal":                            nil,
	"POST /portal/link":                      nil,
	"GET /portal/login/{token}":              nil,
	"POST /portal/login/{token}":             nil,
	"GET /api/v1/portal":                     {attest.RoleEmployee},
	"POST /portal/logout":                    {attest.RoleEmployee},
	"GET /portal/policies/{id}":              {attest.RoleEmployee},
	"POST /portal/policies/{id}/acknowledge": {attest.RoleEmployee},
	"POST /api/v1/portal/policies/{id}/acknowledgements":           {attest.RoleEmployee},
	"GET /program/acknowledgements":                                {attest.RoleAdmin, attest.RoleCompliance},
	"GET /program/training":                                        {attest.RoleAdmin, attest.RoleCompliance},
	"GET /api/v1/acknowledgements":                                 {attest.RoleAdmin, attest.RoleCompliance},
	"POST /api/v1/training/imports":                                {attest.RoleAdmin, attest.RoleCompliance},
	"GET /api/v1/training":                                         {attest.RoleAdmin, attest.RoleCompliance},
	"GET /trust/{org}":                                             nil,
	"POST /logout":                                                 attest.Roles,
	"GET /{$}":                                                     attest.Roles,
	"GET /api/v1/me":                                               attest.Roles,
	"GET /api/v1/engagements":                                      attest.Roles,
	"GET /api/v1/engagements/{id}/controls":                        attest.Roles,
	"GET /api/v1/evidence":                                         attest.Roles,
	"POST /api/v1/evidence":                                        {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"GET /api/v1/engagements/{id}/tests":                           {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/engagements/{id}/documents":                       {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/users":                                            {attest.RoleAdmin},
	"GET /trust/{org}/request":                                     nil,
	"POST /trust/{org}/request":                                    nil,
	"GET /trust/{org}/confirm/{token}":                             nil,
	"POST /trust/{org}/confirm/{token}":                            nil,
	"GET /trust/{org}/access/{token}":                              nil,
	"GET /trust/{org}/access/{token}/documents/{id}":               nil,
	"GET /trust/{org}/documents/{id}":                              nil,
	"GET /admin/trust":                                             {attest.RoleAdmin},
	"POST /admin/trust/requests/{id}/approve":                      {attest.RoleAdmin},
	"POST /admin/trust/requests/{id}/refuse":                       {attest.RoleAdmin},
	"POST /admin/trust/requests/{id}/revoke":                       {attest.RoleAdmin},
	"POST /admin/trust/nda":                                        {attest.RoleAdmin},
	"POST /admin/trust/settings":                                   {attest.RoleAdmin},
	"GET /admin/trust/log.csv":                                     {attest.RoleAdmin},
	"GET /api/v1/trust/requests":                                   {attest.RoleAdmin},
	"GET /api/v1/trust/downloads":                                  {attest.RoleAdmin},
	"POST /api/v1/trust/requests/{id}/approve":                     {attest.RoleAdmin},
	"POST /api/v1/trust/requests/{id}/revoke":                      {attest.RoleAdmin},
	"GET /login/oidc":                                              nil,
	"GET /login/oidc/callback":                                     nil,
	"GET /fieldwork":                                               {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /fieldwork/{id}":                                          {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /fieldwork/{id}/controls/{control}":                       {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /fieldwork/{id}/draws":                                   {attest.RoleAuditor},
	"POST /fieldwork/{id}/tests":                                   {attest.RoleAuditor},
	"POST /fieldwork/{id}/internal-tests":                          {attest.RoleAdmin, attest.RoleCompliance},
	"GET /fieldwork/{id}/export":                                   {attest.RoleAuditor},
	"POST /fieldwork/{id}/tests/{test}/responses":                  {attest.RoleAdmin, attest.RoleCompliance},
	"POST /api/v1/engagements/{id}/tests/{test}/responses":         {attest.RoleAdmin, attest.RoleCompliance},
	"GET /api/v1/engagements/{id}/populations":                     {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/engagements/{id}/draws":                           {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/draws":                          {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/tests":                          {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/internal-tests":                 {attest.RoleAdmin, attest.RoleCompliance},
	"GET /api/v1/engagements/{id}/export":                          {attest.RoleAuditor},
	"GET /fieldwork/{id}/requests":                                 attest.Roles,
	"POST /fieldwork/{id}/requests":                                {attest.RoleAuditor},
	"GET /fieldwork/{id}/requests/{req}":                           attest.Roles,
	"POST /fieldwork/{id}/requests/{req}/comments":                 {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleAuditor},
	"POST /fieldwork/{id}/requests/{req}/evidence":                 {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"POST /fieldwork/{id}/requests/{req}/close":                    {attest.RoleAuditor},
	"GET /api/v1/engagements/{id}/requests":                        attest.Roles,
	"POST /api/v1/engagements/{id}/requests":                       {attest.RoleAuditor},
	"GET /api/v1/engagements/{id}/requests/{req}":                  attest.Roles,
	"POST /api/v1/engagements/{id}/requests/{req}/comments":        {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/requests/{req}/evidence":        {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"POST /api/v1/engagements/{id}/requests/{req}/close":           {attest.RoleAuditor},
	"GET /fieldwork/{id}/key":                                      {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/engagements/{id}/auditor-keys":                    {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/auditor-keys":                   {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/auditor-keys/confirm":           {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/tests/{test}/evaluations":       {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/tests/{test}/reviews":           {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/draws/{draw}/extensions":        {attest.RoleAuditor},
	"POST /api/v1/engagements/{id}/populations/{population}/tests": {attest.RoleAuditor},
	"GET /admin/users":                                             {attest.RoleAdmin},
	"POST /admin/users":                                            {attest.RoleAdmin},
	"POST /admin/users/{uid}/disable":                              {attest.RoleAdmin},
	"GET /admin/tokens":                                            {attest.RoleAdmin},
	"POST /admin/tokens":                                           {attest.RoleAdmin},
	"POST /admin/tokens/{tid}/revoke":                              {attest.RoleAdmin},
	"POST /api/v1/users":                                           {attest.RoleAdmin},
	"POST /api/v1/users/{uid}/disable":                             {attest.RoleAdmin},
	"GET /api/v1/tokens":                                           {attest.RoleAdmin},
	"POST /api/v1/tokens":                                          attest.Roles,
	"GET /program":                                                 readers,
	"GET /api/v1/program":                                          readers,
	"GET /program/policies":                                        readers,
	"GET /api/v1/policies":                                         readers,
	"GET /program/policies/{policy}":                               readers,
	"GET /api/v1/policies/{policy}":                                readers,
	"GET /program/policies/{policy}/diff":                          readers,
	"GET /api/v1/policies/{policy}/diff":                           readers,
	"GET /program/policies/{policy}/edit":                          staff,
	"POST /program/policies/{policy}/edit":                         staff,
	"POST /api/v1/policies/{policy}/edit":                          staff,
	"POST /program/policies/{policy}/submit":                       staff,
	"POST /api/v1/policies/{policy}/submit":                        staff,
	"POST /program/policies/{policy}/approve":                      members,
	"POST /api/v1/policies/{policy}/approve":                       members,
	"POST /program/policies/{policy}/publish":                      managers,
	"POST /api/v1/policies/{policy}/publish":                       managers,
	"GET /program/reviews":                                         readers,
	"GET /api/v1/reviews":                                          readers,
	"GET /program/reviews/{review}":                                readers,
	"GET /api/v1/reviews/{review}":                                 readers,
	"POST /program/reviews/{review}/decisions":                     members,
	"POST /api/v1/reviews/{review}/decisions":                      members,
	"POST /program/reviews/{review}/signoff":                       members,
	"POST /api/v1/reviews/{review}/signoff":                        members,
	"POST /program/reviews/{review}/assign":                        managers,
	"POST /api/v1/reviews/{review}/assign":                         managers,
	"POST /program/reviews/{review}/tickets":                       managers,
	"POST /api/v1/reviews/{review}/tickets":                        managers,
	"POST /program/reviews/{review}/complete":                      managers,
	"POST /api/v1/reviews/{review}/complete":                       managers,
	"GET /program/reviews/{review}/export":                         readers,
	"GET /api/v1/reviews/{review}/export":                          readers,
	"GET /program/people":                                          members,
	"GET /api/v1/people":                                           members,
	"GET /program/people/import":                                   managers,
	"POST /program/people/import":                                  managers,
	"POST /api/v1/people/import":                                   managers,
	"GET /program/people/{person}":                                 members,
	"GET /api/v1/people/{person}":                                  members,
	"GET /program/checklists":                                      members,
	"GET /api/v1/checklists":                                       members,
	"POST /program/checklists/items/{item}/done":                   members,
	"POST /api/v1/checklists/items/{item}/done":                    members,
	"POST /program/checklists/items/{item}/assign":                 managers,
	"POST /api/v1/checklists/items/{item}/assign":                  managers,
	"POST /api/v1/tokens/{tid}/revoke":                             {attest.RoleAdmin},
	"GET /static/{name}":                                           nil,
	"GET /api/v1/engagements/{id}/dashboard":                       attest.Roles,
	"GET /controls":                                                attest.Roles,
	"GET /controls/{engagement}/{control}":                         attest.Roles,
	"GET /controls/{engagement}/{control}/edit":                    {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"POST /controls/{engagement}/{control}":                        {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"GET /api/v1/engagements/{id}/controls/{control}":              attest.Roles,
	"PATCH /api/v1/engagements/{id}/controls/{control}":            {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"GET /evidence":                                                attest.Roles,
	"GET /evidence/upload":                                         {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"POST /evidence/upload":                                        {attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner},
	"GET /evidence/{id}/download":                                  attest.Roles,
	"GET /api/v1/evidence/{id}/content":                            attest.Roles,
	"GET /switch":                                                  attest.Roles,
	"GET /checks":                                                  attest.Roles,
	"GET /api/v1/checks":                                           attest.Roles,
	"GET /reports":                                                 {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /reports/build":                                          {attest.RoleAdmin, attest.RoleCompliance},
	"GET /api/v1/reports":                                          {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"PUT /api/v1/engagements/{id}/description":                     {attest.RoleAdmin, attest.RoleCompliance},
	"POST /api/v1/engagements/{id}/drafts":                         {attest.RoleAdmin, attest.RoleCompliance},
	"GET /documents/{id}/download":                                 {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/documents/{id}/content":                           {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /ledger":                                                  {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /ledger/verify":                                          {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /ledger/proof":                                            {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/ledger":                                           {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"POST /api/v1/ledger/verify":                                   {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
	"GET /api/v1/ledger/proofs/{entry}":                            {attest.RoleAdmin, attest.RoleCompliance, attest.RoleAuditor},
}

// TestAuthorizationMatrix walks every route with every role, the
// employee portal's principal and no session, and checks each answer
// against the expected matrix above.
func TestAuthorizationMatrix(t *testing.T) {
	f := setup(t)
	f.employeeSession(t, attest.RoleEmployee)
	routes := New(Config{Store: f.store}).Routes()
	for _, rt := range routes {
		if _, ok := allowed[rt.Method+" "+rt.Pattern]; !ok {
			t.Errorf("%s %s is not in the expected matrix: add it", rt.Method, rt.Pattern)
		}
	}
	if len(routes) != len(allowed) {
		t.Errorf("%d routes, %d in the matrix", len(routes), len(allowed))
	}
	// Signing out ends the session: walk it last.
	slices.SortStableFunc(routes, func(a, b route) int {
		last := func(r route) int {
			switch r.Pattern {
			case "/logout":
				return 1
			case "/portal/logout":
				return 2
			}
			return 0
		}
		return last(a) - last(b)
	})
	for _, rt := range routes {
		// Unknown request, user and token numbers: a walk must not disable
		// or revoke what the next steps sign in with.
		path := strings.NewReplacer("{id}", "e1", "{org}", "demo", "{$}", "", "{control}", "AX-01", "{req}", "999", "{uid}", "999", "{tid}", "999", "{test}", "999", "{draw}", "999", "{population}", "999", "{engagement}", "e1", "{name}", "attest.css", "{entry}", "0", "{token}", "x").Replace(rt.Pattern)
		roles := allowed[rt.Method+" "+rt.Pattern]
		for _, who := range append([]string{"", attest.RoleEmployee}, attest.Roles...) {
			if rt.Pattern == "/portal/logout" && who != "" && who != attest.RoleEmployee {
				// Walked after /logout ended the staff sessions: the
				// staff signed-in were checked on every other route.
				who = ""
			}
			resp := f.do(t, rt.Method, path, who, nil)
			got := resp.StatusCode
			name := rt.Method + " " + rt.Pattern + " as " + map[bool]string{true: "no session", false: who}[who == ""]
			switch {
			case roles == nil:
				if got == 403 || (got == 401 && !(rt.Method == "POST" && (rt.Pattern == "/login" || rt.Pattern == "/portal/login/{token}"))) || got >= 500 {
					t.Errorf("%s: %d on a public route", name, got)
				}
			case who == "" && rt.API:
				if got != 401 {
					t.Errorf("%s: %d, want 401", name, got)
				}
			case who == "" && slices.Equal(roles, []string{attest.RoleEmployee}):
				if got != 303 || resp.Header.Get("Location") != "/portal" {
					t.Errorf("%s: %d, want a redirect to the portal's sign-in", name, got)
				}
			case who == "":
				if got != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
					t.Errorf("%s: %d, want a redirect to sign in", name, got)
				}
			case !slices.Contains(roles, who):
				if got != 403 {
					t.Errorf("%s: %d, want 403", name, got)
				}
			default:
				// Allowed: whatever the answer (a request without a body
				// may be refused as invalid), it is not a refusal of access.
				if got == 401 || got == 403 || got >= 500 {
					t.Errorf("%s: %d, want access", name, got)
				}
			}
		}
	}
}

func TestLoginLimitsAndUniformAnswers(t *testing.T) {
	f := setup(t)
	wrongUser := f.login(t, "nobody@example.com", "x")
	wrongPass := f.login(t, "admin@example.com", "x")
	if wrongUser.StatusCode != 401 || wrongPass.StatusCode != 401 {
		t.Errorf("failed logins: %d %d", wrongUser.StatusCode, wrongPass.StatusCode)
	}
	var last int
	for range 6 {
		last = f.login(t, "viewer@example.com", "wrong password").StatusCode
	}
	// An account's failures slow its sign-ins; they never lock it: the
	// right password still signs in (after the backoff's wait).
	if last != http.StatusUnauthorized {
		t.Errorf("after repeated failures: %d, want 401", last)
	}
	start := time.Now()
	if got := f.login(t, "viewer@example.com", password).StatusCode; got != http.StatusSeeOther {
		t.Errorf("the right password after the failures: %d, want 303", got)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("no backoff after six failures: %v", waited)
	}
}

func TestTokensHeadersAndCrossOrigin(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u, _ := f.store.UserByEmail(ctx, "auditor@example.com")
	sum := sha256.Sum256([]byte("att_secret"))
	tok, err := f.store.SaveToken(ctx, ch, attest.Token{UserID: u.ID, Name: "ci", Hash: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	bearer := http.Header{"Authorization": {"Bearer att_secret"}}
	resp := f.do(t, "GET", "/api/v1/me", "", bearer)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	if got := f.do(t, "GET", "/api/v1/users", "", bearer).StatusCode; got != 403 {
		t.Errorf("auditor token on users: %d", got)
	}
	f.store.SaveToken(ctx, ch, attest.Token{ID: tok.ID, RevokedAt: "2026-11-30T10:00:00Z"})
	if got := f.do(t, "GET", "/api/v1/me", "", bearer).StatusCode; got != 401 {
		t.Errorf("revoked token: %d", got)
	}
	h := f.do(t, "GET", "/healthz", "", nil).Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
	cross := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	if got := f.do(t, "POST", "/logout", "admin", cross).StatusCode; got != 403 {
		t.Errorf("cross-origin POST: %d, want 403", got)
	}
	resp2, err := http.Get(f.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.NewDecoder(resp2.Body).Decode(&doc)
	resp2.Body.Close()
	health := doc["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)
	if sec, ok := health["security"].([]any); !ok || len(sec) != 0 {
		t.Errorf("healthz is not marked public: %v", health)
	}
	if _, ok := doc["paths"].(map[string]any)["/api/v1/users"].(map[string]any)["get"].(map[string]any)["security"]; ok {
		t.Error("a protected operation is marked public")
	}
}

func TestTrustCenterListsOnlyConfirmedIssuedReports(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, confirmed := range []string{"true", "false"} {
		f.store.AddDocument(ctx, ch, attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: "r.pdf", Ref: "sha256:ab", Size: 1, MediaType: "application/pdf",
			Meta: map[string]string{"kind": "SOC 2", "type": "Type 2", "period": "2026-01-01..2026-12-31", "distribution_confirmed": confirmed}})
	}
	resp := f.do(t, "GET", "/trust", "", nil)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/trust/demo" {
		t.Fatalf("redirect %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	r, err := http.Get(f.srv.URL + "/trust/demo")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	n, _ := r.Body.Read(buf)
	b.Write(buf[:n])
	body := b.String()
	if strings.Count(body, "SOC 2 Type 2 examination") != 1 || !strings.Contains(body, "under NDA") {
		t.Errorf("trust page: %s", body)
	}
	for _, w := range []string{"certified", "compliant", "passed"} {
		if strings.Contains(strings.ToLower(body), w) {
			t.Errorf("trust page says %q", w)
		}
	}
}

func upload(t *testing.T, f *fixture, role string, fields map[string]string, files map[string]string) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/evidence", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, b := roundTrip(t, req, f.cookie[role])
	return resp, string(b)
}

func TestEvidenceUpload(t *testing.T) {
	f := setup(t)
	resp, body := upload(t, f, attest.RoleOwner, map[string]string{"control": "AX-01", "date": "2026-03-31"}, map[string]string{"review.txt": "Q1 review", "export.csv": "a,b\n"})
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var added []attest.Evidence
	json.Unmarshal([]byte(body), &added)
	if len(added) != 2 || added[0].Date != "2026-03-31" || added[0].Controls[0] != "AX-01" || !strings.HasPrefix(added[0].Ref, "sha256:") || !strings.Contains(added[0].AddedBy, "control-owner@example.com") {
		t.Errorf("added %+v", added)
	}
	for _, bad := range []string{"../../etc/passwd", "a/b.txt", ".."} {
		if resp, body := upload(t, f, attest.RoleOwner, map[string]string{"control": "AX-01"}, map[string]string{bad: "x"}); resp.StatusCode != 400 || !strings.Contains(body, "not allowed") {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	// Two dots inside a name are a name, as they are from the CLI.
	if resp, body := upload(t, f, attest.RoleOwner, map[string]string{"control": "AX-01"}, map[string]string{"Q1..Q2 review.txt": "x"}); resp.StatusCode != 201 {
		t.Errorf("Q1..Q2 review.txt: %d %s", resp.StatusCode, body)
	}
	if resp, _ := upload(t, f, attest.RoleOwner, map[string]string{"control": "ZZ-99"}, map[string]string{"a.txt": "x"}); resp.StatusCode != 404 {
		t.Errorf("unknown control: %d", resp.StatusCode)
	}
	if resp, _ := upload(t, f, attest.RoleAuditor, map[string]string{"control": "AX-01"}, map[string]string{"a.txt": "x"}); resp.StatusCode != 403 {
		t.Errorf("auditor upload: %d", resp.StatusCode)
	}
	if l, _ := f.store.EvidenceList(context.Background(), "AX-01", false); len(l) != 3 {
		t.Errorf("%d evidence items after the refused uploads, want 3 (two, then Q1..Q2)", len(l))
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/controls?x=1": "/controls?x=1", "": "/", "//evil.example": "/", "/\\evil.example": "/", "/%5Cevil.example": "/",
		"https://evil.example/": "/", "javascript:alert(1)": "/", "controls": "/", "/ok\r\nSet-Cookie: x": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoginLimitPerAddressAcrossEmails(t *testing.T) {
	f := setup(t)
	var last int
	for i := range 35 {
		last = f.login(t, fmt.Sprintf("guess%d@example.com", i), "x").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("35 failures over 35 e-mails from one address: %d, want 429", last)
	}
}

func ptr[T any](v T) *T { return &v }

func TestUploadRefusesPrograms(t *testing.T) {
	f := setup(t)
	for name, content := range map[string]string{"setup.exe": "anything", "run.sh": "#!/bin/sh\n", "review.pdf": "MZ\x90\x00 a Windows program", "notes.txt": "\x7fELF\x02\x01"} {
		resp, body := upload(t, f, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{name: content})
		if resp.StatusCode != 400 || !strings.Contains(body, name) {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	if l, _ := f.store.EvidenceList(context.Background(), "AX-01", true); len(l) != 0 {
		t.Errorf("a refused upload recorded %d items", len(l))
	}
	if resp, body := upload(t, f, attest.RoleAdmin, map[string]string{"control": "AX-01"}, map[string]string{"access-review.csv": "user,decision\nana,keep\n"}); resp.StatusCode != 201 {
		t.Errorf("a CSV: %d %s", resp.StatusCode, body)
	}
}

// TestPapersRefusedByTheirRule: a role that does not read the working
// papers is told why on every page of them, the index pages as much as an
// engagement's.
func TestPapersRefusedByTheirRule(t *testing.T) {
	f := setup(t)
	for _, path := range []string{"/fieldwork", "/fieldwork/e1", "/reports", "/ledger", "/api/v1/reports", "/api/v1/ledger"} {
		for _, role := range []string{attest.RoleViewer, attest.RoleOwner} {
			resp, body := f.get(t, path, role)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "does not read the examination") {
				t.Errorf("%s as %s: %d %.200s", path, role, resp.StatusCode, body)
			}
		}
	}
}

// TestShownMessage: a refusal quoting a huge value is cut, on a
// character's edge, and short ones are answered whole.
func TestShownMessage(t *testing.T) {
	if got := shownMessage("control: no such control"); got != "control: no such control" {
		t.Errorf("short: %q", got)
	}
	long := "to: " + strings.Repeat("é", 5000)
	got := shownMessage(long)
	if len(got) > maxShown+len("… (cut)") || !strings.HasSuffix(got, "… (cut)") || !utf8.ValidString(got) {
		t.Errorf("long: %d bytes, ends %q", len(got), got[len(got)-12:])
	}
	for _, h := range []string{"give --control ID", "run attest collect", "set ATTEST_DATA"} {
		if webHint(h) != "" {
			t.Errorf("a command line's hint shown on the web: %q", h)
		}
	}
	if webHint("check the date") != "check the date" {
		t.Error("a hint in plain words dropped")
	}
}

// TestJSONRefusedInOurWords: a JSON body of the wrong shape is refused
// naming the field and what it wants, never in Go's type names, and a
// body holding more than one value is refused too.
func TestJSONRefusedInOurWords(t *testing.T) {
	f := setup(t)
	for _, c := range []struct{ method, path, body, want string }{
		{"POST", "/api/v1/users", `[1, 2]`, "the body: want an object, not an array"},
		{"POST", "/api/v1/users", `{"email": "a@example.com"} {"x": 1}`, "more than one JSON value"},
		{"POST", "/api/v1/users", `{"email": `, "ends in the middle"},
		{"POST", "/api/v1/users", `null`, "send a JSON object"},
		{"PATCH", "/api/v1/engagements/e1/controls/AX-01", `{"due_days": "ten"}`, "due_days: want a whole number, not a string"},
		{"PATCH", "/api/v1/engagements/e1/controls/AX-01", `{"colour": "red"}`, "colour: not a field this takes"},
		{"PATCH", "/api/v1/engagements/e1/controls/AX-01", `[]`, "want an object, not an array"},
		{"PATCH", "/api/v1/engagements/e1/controls/AX-01", `{"owner": "Ana\nLima"}`, "owner: holds a control character"},
	} {
		code, body := f.callAs(t, c.method, c.path, attest.RoleAdmin, c.body)
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s %s %s: %d %s, want 400 saying %q", c.method, c.path, c.body, code, body, c.want)
		}
		for _, leak := range []string{"Go ", "interface", "map[", "engagement.", "json:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s %s %s: %q in %s", c.method, c.path, c.body, leak, body)
			}
		}
	}
}

// TestMethodNotAllowed: a method a path's routes do not take is answered
// 405 with the ones they do, in the API's error form; an unknown path is
// still 404.
func TestMethodNotAllowed(t *testing.T) {
	f := setup(t)
	code, body := f.callAs(t, "DELETE", "/api/v1/tokens", attest.RoleAdmin, nil)
	if code != 405 || !strings.Contains(body, `"code": "method"`) || !strings.Contains(body, "DELETE is not taken at /api/v1/tokens: use GET or POST") {
		t.Errorf("DELETE /api/v1/tokens: %d %s", code, body)
	}
	if code, body := f.callAs(t, "GET", "/api/v1/nothing-here", attest.RoleAdmin, nil); code != 404 {
		t.Errorf("an unknown path: %d %s", code, body)
	}
}

// TestDeclaredLengthRefused: a request declaring more than any route
// reads is refused at once, without waiting for its body.
func TestDeclaredLengthRefused(t *testing.T) {
	f := setup(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	// The request's head only: a body of 10 GiB is declared, and none sent.
	fmt.Fprintf(conn, "POST /api/v1/evidence HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\nCookie: %s\r\n\r\n", int64(10<<30), f.cookie[attest.RoleAdmin].String())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "no request here takes more than 257 MiB") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}
