package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/go-jose/go-jose/v4"
)

// provider is an OpenID Connect provider run inside the test: discovery,
// keys, an authorize endpoint that approves at once, and a token endpoint
// that checks the client, the code and its PKCE verifier. Its fields decide
// what the next ID token says.
type provider struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu            sync.Mutex
	codes         map[string]grant
	email         string
	emailVerified any
	nonce         string        // replaces the client's nonce when set
	expiresIn     time.Duration // the ID token's lifetime; negative: already expired
	skewChallenge bool          // remember a different PKCE challenge than the one sent
	exchanges     int           // codes exchanged successfully
}

type grant struct{ nonce, challenge, redirect string }

const clientID, clientSecret = "attest-test", "s3cret"

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, codes: map[string]grant{}, emailVerified: true, expiresIn: time.Hour}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		u := p.srv.URL
		json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
			"jwks_uri": u + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}, "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
		q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := randomString()
	g := grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	if p.skewChallenge {
		g.challenge = "not-the-challenge-that-was-sent"
	}
	p.codes[code] = g
	p.mu.Unlock()
	http.Redirect(w, r, g.redirect+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	refuse := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": code})
	}
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != clientID || secret != clientSecret {
		refuse("invalid_client")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g, found := p.codes[r.PostForm.Get("code")]
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		refuse("invalid_grant")
		return
	}
	delete(p.codes, r.PostForm.Get("code"))
	nonce := g.nonce
	if p.nonce != "" {
		nonce = p.nonce
	}
	now := time.Now()
	claims := map[string]any{"iss": p.srv.URL, "sub": "u-42", "aud": clientID, "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(p.expiresIn).Unix(),
		"nonce": nonce, "email": p.email, "email_verified": p.emailVerified}
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	jws, _ := signer.Sign(payload)
	raw, _ := jws.CompactSerialize()
	p.exchanges++
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + randomString(), "token_type": "Bearer", "expires_in": 3600, "id_token": raw})
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// browser follows the sign-in by hand, so a test can tamper with a step.
type browser struct {
	t      *testing.T
	client *http.Client
	app    string
}

func newBrowser(t *testing.T, app string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: app, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (b *browser) session() string {
	u, _ := url.Parse(b.app)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "attest_session" {
			return c.Value
		}
	}
	return ""
}

// signIn runs the flow up to the callback, lets tamper change the callback
// address, and returns the callback's answer.
func (b *browser) signIn(tamper func(callback *url.URL)) (*http.Response, string) {
	b.t.Helper()
	return b.signInNext("/api/v1/me", tamper)
}

// signInNext is signIn for a sign-in that goes on to next.
func (b *browser) signInNext(next string, tamper func(callback *url.URL)) (*http.Response, string) {
	b.t.Helper()
	resp, body := b.get(b.app + "/login/oidc?next=" + next)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	resp, body = b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(cb.String(), b.app+"/login/oidc/callback?") {
		b.t.Fatalf("the provider sent the browser to %q", resp.Header.Get("Location"))
	}
	if tamper != nil {
		tamper(cb)
	}
	return b.get(cb.String())
}

func setupSSO(t *testing.T) (*fixture, *provider, *syncBuffer) {
	p := newProvider(t)
	logs := &syncBuffer{}
	f := setup(t, func(c *Config, base string) {
		c.Log = slog.New(slog.NewTextHandler(logs, nil))
		c.Now = time.Now // the provider in the test signs tokens on the wall clock
		c.OIDC = &OIDC{Issuer: p.srv.URL, ClientID: clientID, ClientSecret: clientSecret, RedirectURL: base + "/login/oidc/callback"}
	})
	return f, p, logs
}

func TestOIDCSignIn(t *testing.T) {
	f, p, _ := setupSSO(t)
	p.email = "Control-Owner@Example.com"
	b := newBrowser(t, f.srv.URL)
	if resp, body := b.get(f.srv.URL + "/login"); !strings.Contains(body, "Sign in with single sign-on") || resp.StatusCode != 200 {
		t.Errorf("the sign-in page offers no single sign-on: %s", body)
	}
	b.get(f.srv.URL + "/login/oidc") // a session exists before sign-in
	before := b.session()
	resp, body := b.signIn(nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/api/v1/me" {
		t.Fatalf("callback: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if after := b.session(); before == "" || after == "" || after == before {
		t.Errorf("the session token was not renewed on sign-in: %q then %q", before, after)
	}
	resp, body = b.get(f.srv.URL + "/api/v1/me")
	var me attest.User
	json.Unmarshal([]byte(body), &me)
	if resp.StatusCode != 200 || me.Email != "control-owner@example.com" || me.Role != attest.RoleOwner {
		t.Errorf("me: %d %s", resp.StatusCode, body)
	}
	p.mu.Lock()
	exchanges := p.exchanges
	p.mu.Unlock()
	if exchanges != 1 {
		t.Errorf("%d codes exchanged, want 1", exchanges)
	}
	// The callback's state was used up: replaying it signs nobody in.
	fresh := newBrowser(t, f.srv.URL)
	if resp, _ := fresh.get(f.srv.URL + "/login/oidc/callback?code=x&state=y"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a callback without a sign-in in progress: %d", resp.StatusCode)
	}
}

func TestOIDCRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prep   func(t *testing.T, f *fixture, p *provider)
		tamper func(cb *url.URL)
		reason string
	}{
		{name: "wrong state", tamper: func(cb *url.URL) {
			q := cb.Query()
			q.Set("state", randomString())
			cb.RawQuery = q.Encode()
		}, reason: "state does not match"},
		{name: "wrong nonce", prep: func(_ *testing.T, _ *fixture, p *provider) { p.nonce = "someone-elses-nonce" }, reason: "nonce does not match"},
		{name: "PKCE verifier mismatch", prep: func(_ *testing.T, _ *fixture, p *provider) { p.skewChallenge = true }, reason: "refused the code: invalid_grant"},
		{name: "email not verified", prep: func(_ *testing.T, _ *fixture, p *provider) { p.emailVerified = false }, reason: "has not verified the e-mail"},
		{name: "email_verified missing", prep: func(_ *testing.T, _ *fixture, p *provider) { p.emailVerified = nil }, reason: "has not verified the e-mail"},
		{name: "unknown user", prep: func(_ *testing.T, _ *fixture, p *provider) { p.email = "stranger@example.com" }, reason: "no user has the e-mail"},
		{name: "disabled user", prep: func(t *testing.T, f *fixture, p *provider) {
			u, _ := f.store.UserByEmail(context.Background(), p.email)
			u.Disabled = true
			if _, err := f.store.SaveUser(context.Background(), ch, *u); err != nil {
				t.Fatal(err)
			}
		}, reason: "is disabled"},
		{name: "expired token", prep: func(_ *testing.T, _ *fixture, p *provider) { p.expiresIn = -time.Hour }, reason: "token is expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, p, logs := setupSSO(t)
			p.email = "viewer@example.com"
			if tc.prep != nil {
				tc.prep(t, f, p)
			}
			b := newBrowser(t, f.srv.URL)
			resp, body := b.signIn(tc.tamper)
			wrongPassword := f.login(t, "viewer@example.com", "not the password")
			if resp.StatusCode != wrongPassword.StatusCode || !strings.Contains(body, "Single sign-on did not sign you in") {
				t.Errorf("callback: %d %s, want %d like a wrong password", resp.StatusCode, body, wrongPassword.StatusCode)
			}
			if resp, _ := b.get(f.srv.URL + "/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("after a refused sign-in, me: %d", resp.StatusCode)
			}
			if !strings.Contains(logs.String(), tc.reason) {
				t.Errorf("the log does not give the reason %q:\n%s", tc.reason, logs.String())
			}
		})
	}
}

func TestOIDCNotConfigured(t *testing.T) {
	f := setup(t)
	if got := f.do(t, "GET", "/login/oidc", "", nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("start without single sign-on: %d", got)
	}
	if got := f.do(t, "GET", "/login/oidc/callback?code=x&state=y", "", nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("callback without single sign-on: %d", got)
	}
	resp, err := http.Get(f.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "single sign-on") {
		t.Error("the sign-in page offers single sign-on that is not set up")
	}
}

func TestVerifiedEmail(t *testing.T) {
	for in, want := range map[string]string{
		`{"email":" A@Example.com ","email_verified":true}`: "a@example.com",
		`{"email":"a@example.com","email_verified":"true"}`: "a@example.com",
		`{"email":"a@example.com","email_verified":false}`:  "",
		`{"email":"a@example.com","email_verified":"yes"}`:  "",
		`{"email":"a@example.com"}`:                         "",
		`{"email_verified":true}`:                           "",
		`{"email":7,"email_verified":true}`:                 "",
		`[]`:                                                "",
	} {
		got, err := verifiedEmail([]byte(in))
		if got != want || (err == nil) != (want != "") {
			t.Errorf("verifiedEmail(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestOIDCPortal: a single sign-on started from the portal signs a person
// on the roster in to the portal (not as staff, even when they have an
// account), and refuses someone who is not on it.
func TestOIDCPortal(t *testing.T) {
	f, p, _ := setupSSO(t)
	if _, err := f.store.RecordPeople(t.Context(), ch, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{
		{Email: "viewer@example.com", Name: "Vera Viewer", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-01-05", InScope: true}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f.srv.URL)
	if _, body := b.get(f.srv.URL + "/portal"); !strings.Contains(body, `href="/login/oidc?next=/portal"`) {
		t.Fatalf("the portal offers no single sign-on: %s", body)
	}
	p.email = "viewer@example.com"
	resp, body := b.signInNext("/portal", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/portal" {
		t.Fatalf("callback: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if _, body := b.get(f.srv.URL + "/portal"); !strings.Contains(body, "Hello, Vera Viewer") {
		t.Fatalf("portal: %s", body)
	}
	if resp, _ := b.get(f.srv.URL + "/api/v1/me"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the portal's session on a staff route: %d", resp.StatusCode)
	}
	p.email = "admin@example.com" // an account, not on the roster
	if resp, _ := newBrowser(t, f.srv.URL).signInNext("/portal", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("someone not on the roster: %d", resp.StatusCode)
	}
}
