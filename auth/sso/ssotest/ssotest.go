// Package ssotest is an OpenID Connect provider run inside a test, for
// the tests of package sso and of the servers that offer single sign-on:
// discovery, keys, an authorize endpoint that approves at once, and a
// token endpoint that checks the client, the code and its PKCE verifier.
// Its fields decide what the next ID token says.
package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// ClientID and ClientSecret are the client the provider knows.
const ClientID, ClientSecret = "attest-test", "s3cret"

// Provider is the provider. A test sets its fields between sign-ins.
type Provider struct {
	// URL is its issuer.
	URL string

	// Email and EmailVerified are the next ID token's claims
	// (EmailVerified nil: no email_verified claim).
	Email         string
	EmailVerified any
	// Nonce, when set, replaces the client's nonce.
	Nonce string
	// ExpiresIn is the ID token's lifetime; negative: already expired.
	ExpiresIn time.Duration
	// SkewChallenge remembers a different PKCE challenge than the one
	// sent, as if the code had been stolen.
	SkewChallenge bool

	mu                     sync.Mutex
	exchanges, discoveries int
	srv                    *httptest.Server
	key                    *rsa.PrivateKey
	now                    func() time.Time
	codes                  map[string]grant
}

type grant struct{ nonce, challenge, redirect string }

// New starts a provider that dates its ID tokens by now, stopped when the
// test ends.
func New(t testing.TB, now func() time.Time) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{key: key, now: now, codes: map[string]grant{}, EmailVerified: true, ExpiresIn: time.Hour}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Close stops the provider: it no longer answers.
func (p *Provider) Close() { p.srv.Close() }

// Exchanges is how many codes were exchanged for tokens.
func (p *Provider) Exchanges() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exchanges
}

// Discoveries is how many times the discovery document was read.
func (p *Provider) Discoveries() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.discoveries
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	p.discoveries++
	p.mu.Unlock()
	u := p.URL
	json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
		"jwks_uri": u + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}, "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "code_challenge_methods_supported": []string{"S256"}})
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
		q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := rand.Text()
	g := grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	if p.SkewChallenge {
		g.challenge = "not-the-challenge-that-was-sent"
	}
	p.codes[code] = g
	p.mu.Unlock()
	http.Redirect(w, r, g.redirect+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
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
	if id != ClientID || secret != ClientSecret {
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
	raw, err := p.idToken(g)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	p.exchanges++
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + rand.Text(), "token_type": "Bearer", "expires_in": 3600, "id_token": raw})
}

// idToken signs the ID token of a grant, with the fields as they are now.
func (p *Provider) idToken(g grant) (string, error) {
	nonce := g.nonce
	if p.Nonce != "" {
		nonce = p.Nonce
	}
	now := p.now()
	claims := map[string]any{"iss": p.URL, "sub": "u-42", "aud": ClientID, "iat": now.Add(-time.Minute).Unix(), "exp": now.Add(p.ExpiresIn).Unix(),
		"nonce": nonce, "email": p.Email, "email_verified": p.EmailVerified}
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
