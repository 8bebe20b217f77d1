package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/storetest"
)

// staysLocal reports whether a browser sent to loc from a page of this
// server stays on it. Browsers drop tabs and newlines from addresses and
// read a backslash as a slash, so the check does too.
func staysLocal(loc string) bool {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, loc)
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	base, _ := url.Parse("http://attest.test/a/b")
	got := base.ResolveReference(u)
	return got.Scheme == "http" && got.Host == "attest.test"
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/controls?x=1", "", "//evil.example", "/\\evil.example", "/%5Cevil.example", "https://evil.example/", "javascript:alert(1)",
		"/\t/evil.example", "/./evil", "/..//evil", "\\\\evil", "/ok\r\nSet-Cookie: x", "/%2F%2Fevil", "http:/evil", "/@evil", "/:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if got != "/" && got != next {
			t.Fatalf("localPath(%q) = %q: neither the input nor /", next, got)
		}
		if !staysLocal(got) {
			t.Fatalf("localPath(%q) = %q leaves the server", next, got)
		}
	})
}

// addrs gives each fuzzed request its own client address, so the sign-in
// limits do not turn every later input into a 429.
var addrs atomic.Int64

func nextAddr() string {
	n := addrs.Add(1)
	return fmt.Sprintf("10.%d.%d.%d:40000", n>>16&255, n>>8&255, n&255)
}

// FuzzLogin posts arbitrary bodies to /login: no panic, and only a
// redirect (after the right password) to a path on this server, or a 4xx.
func FuzzLogin(f *testing.F) {
	fx := setup(f)
	saved := auth.UnknownHash
	cheap, _ := argon2id.CreateHash("attest: no such user", cheapHash)
	auth.UnknownHash = func() string { return cheap }
	f.Cleanup(func() { auth.UnknownHash = saved })
	form := "application/x-www-form-urlencoded"
	good := url.Values{"email": {"admin@example.com"}, "password": {password}}
	f.Add(form, good.Encode())
	f.Add(form, good.Encode()+"&next=%2Fapi%2Fv1%2Fme")
	f.Add(form, good.Encode()+"&next=%2F%5Cevil.example")
	f.Add(form, good.Encode()+"&next=%2F.%2F%2Fevil.example")
	f.Add(form, "email=nobody%40example.com&password=x")
	f.Add(form, "email=%zz&password")
	f.Add(form, ";&&==;")
	f.Add(form, "email="+strings.Repeat("a", 70000))
	f.Add("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nadmin@example.com\r\n--x--\r\n")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		// Each input starts with no failures counted: an account's
		// failures slow its sign-ins (a wait of up to ten seconds), which
		// thousands of wrong passwords in a row would turn into a hang.
		fx.server.throttle = auth.NewThrottle(fx.server.cfg.Now)
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.RemoteAddr = nextAddr()
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		fx.srv.Config.Handler.ServeHTTP(rec, req)
		switch code := rec.Code; {
		case code == http.StatusSeeOther:
			if v, _ := url.ParseQuery(body); v.Get("password") != password {
				t.Fatalf("signed in without the password: %q", body)
			}
			if loc := rec.Header().Get("Location"); !staysLocal(loc) {
				t.Fatalf("sign-in sends the browser to %q, off this server", loc)
			}
		case code < 400 || code > 499:
			t.Fatalf("POST /login %q: %d %s", body, code, rec.Body)
		}
	})
}

func addUpload(f *testing.F, fields map[string]string, files map[string]string) {
	b, body := multipartBody(fields, files)
	f.Add(b, body)
}

func multipartBody(fields map[string]string, files map[string]string) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	return mw.Boundary(), b.Bytes()
}

// FuzzUploadEvidence posts arbitrary multipart bodies as a control owner:
// no panic, 201 or a 4xx, and a refused upload leaves no evidence and no
// staged file behind.
func FuzzUploadEvidence(f *testing.F) {
	fx := setup(f)
	ctx := context.Background()
	addUpload(f, map[string]string{"control": "AX-01", "date": "2026-03-31"}, map[string]string{"a.txt": "Q1 review"})
	addUpload(f, map[string]string{"control": "ax-02"}, map[string]string{"a.csv": "a,b\n", "b.pdf": "%PDF-1.7"})
	addUpload(f, map[string]string{"control": "AX-01", "date": "2026-13-45"}, map[string]string{"a.txt": "x"})
	addUpload(f, map[string]string{"control": "ZZ-99"}, map[string]string{"a.txt": "x"})
	addUpload(f, map[string]string{"control": "AX-01"}, map[string]string{"../../etc/passwd": "x"})
	addUpload(f, map[string]string{"control": strings.Repeat("A", 100)}, nil)
	b, body := multipartBody(map[string]string{"control": "AX-01"}, map[string]string{"a.txt": "cut short"})
	f.Add(b, body[:len(body)-10])
	f.Add("", []byte("not multipart"))
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		before, err := fx.store.EvidenceList(ctx, "", true)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/api/v1/evidence", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		req.AddCookie(fx.cookie[attest.RoleOwner])
		rec := httptest.NewRecorder()
		fx.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code == http.StatusCreated {
			return
		}
		if rec.Code < 400 || rec.Code > 499 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("the refusal is not JSON: %s", rec.Body)
		}
		after, err := fx.store.EvidenceList(ctx, "", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("a refused upload (%d) added evidence: %d items, then %d", rec.Code, len(before), len(after))
		}
		if left, _ := os.ReadDir(filepath.Join(fx.blobs, "tmp")); len(left) != 0 {
			t.Fatalf("a refused upload (%d) left %d staged files", rec.Code, len(left))
		}
	})
}

// FuzzAPIJSON sends arbitrary paths, queries and Accept headers to the
// API: every answer under /api/ is JSON, never a 5xx, and every refusal
// carries an error code and message.
func FuzzAPIJSON(f *testing.F) {
	fx := setup(f)
	for _, s := range []string{"me", "engagements", "engagements/e1/controls", "engagements/nope/tests", "evidence", "users", "openapi.json", "nothing/here", "engagements/%00/documents", "engagements/e1/documents"} {
		f.Add(s, "control=AX-01&kind=issued", "application/json", uint8(0))
	}
	f.Add("evidence", "control=%zz", "text/html", uint8(3))
	f.Add("engagements/e1/tests", "", "", uint8(4))
	f.Fuzz(func(t *testing.T, path, query, accept string, who uint8) {
		u, err := url.Parse("/api/v1/" + path)
		if err != nil {
			return
		}
		u.RawQuery = query
		req := httptest.NewRequest("GET", "/", nil)
		req.URL, req.RequestURI = u, u.RequestURI()
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		req.AddCookie(fx.cookie[attest.Roles[int(who)%len(attest.Roles)]])
		rec := httptest.NewRecorder()
		fx.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", u, rec.Code, rec.Body)
		}
		if rec.Code >= 300 && rec.Code < 400 || !strings.HasPrefix(u.Path, "/api/") {
			return // the mux cleaning the path, or a path that left /api/
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("GET %s: Content-Type %q", u, ct)
		}
		var answer struct {
			Error *struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil && rec.Code >= 400 {
			t.Fatalf("GET %s: %d, not a JSON error: %s", u, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET %s: %d, not JSON: %s", u, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && (answer.Error == nil || answer.Error.Code == "" || answer.Error.Message == "") {
			t.Fatalf("GET %s: %d without an error code and message: %s", u, rec.Code, rec.Body)
		}
	})
}

// FuzzWhen: whatever a stored time holds, when never panics, prints no
// markup of its own making but a <time> element, and escapes the rest.
func FuzzWhen(f *testing.F) {
	for _, s := range []string{"2026-03-02T07:05:59.123456789Z", "2026-03-02T08:05:59+01:00", "2026-03-02", "", "<script>", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(when(s))
		if strings.HasPrefix(out, "<time ") {
			if !strings.HasSuffix(out, " UTC</time>") || strings.Count(out, "<") != 2 {
				t.Fatalf("when(%q) = %s", s, out)
			}
			return
		}
		if strings.ContainsAny(out, "<>\"") {
			t.Fatalf("when(%q) = %s: unescaped", s, out)
		}
	})
}

// FuzzSwitchTarget: the page to return to after switching engagements is
// always a path on this server.
func FuzzSwitchTarget(f *testing.F) {
	srv := &Server{cfg: Config{Store: fuzzStore(f)}}
	for _, s := range []string{"/controls/e1/AX-01", "/fieldwork/e1/requests/3", "//evil.example/", "/evidence?control=AX-01&engagement=e1", "/%2e%2e/x", "/controls/e1/%00"} {
		f.Add(s, "e2")
	}
	f.Fuzz(func(t *testing.T, page, id string) {
		got := srv.switchTarget(context.Background(), localPath(page), id)
		if !strings.HasPrefix(got, "/") || !staysLocal(got) {
			t.Fatalf("switchTarget(%q, %q) = %q", page, id, got)
		}
	})
}

// fuzzStore is a SQLite store with engagements e1 and e2 (controls AX-01
// and BX-01, and CX-01 in e2 only).
func fuzzStore(f *testing.F) attest.Store {
	f.Helper()
	s := newStore(f)
	if err := s.CreateEngagement(context.Background(), ch, storetest.Engagement("e2"), storetest.Controls(3)); err != nil {
		f.Fatal(err)
	}
	return s
}
