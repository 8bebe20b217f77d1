package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

const testToken = "ghp_TESTTOKEN0123456789abcdefSECRET"

// waits records the waits a connector asked for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// testLog returns a logger at debug level writing to buf.
func testLog(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testAPI returns an api on srv, as the GitHub connector would set it up.
func testAPI(t *testing.T, srv *httptest.Server, w *waits, log *bytes.Buffer) *api {
	t.Helper()
	a, err := newAPI("github", srv.URL, testToken)
	if err != nil {
		t.Fatal(err)
	}
	a.client, a.sleep, a.log, a.need = srv.Client(), w.sleep, testLog(log), gitHubNeed
	a.scheme = "Bearer"
	return a
}

// script answers the requests in turn with the given statuses; the last
// one repeats. Each answer is a JSON body with a message.
func script(t *testing.T, answers ...func(w http.ResponseWriter)) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("authorization header %q", r.Header.Get("Authorization"))
		}
		mu.Lock()
		i := min(n, len(answers)-1)
		n++
		mu.Unlock()
		answers[i](w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func answer(status int, header map[string]string, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

var ok200 = answer(200, nil, `{"ok":true}`)

func TestGetRetries(t *testing.T) {
	resetIn30 := func(w http.ResponseWriter) {
		// The reset time is taken against the server's Date header.
		date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		w.Header().Set("Date", date.Format(http.TimeFormat))
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(date.Add(30*time.Second).Unix(), 10))
		answer(403, nil, `{"message":"API rate limit exceeded"}`)(w)
	}
	tests := []struct {
		name      string
		answers   []func(http.ResponseWriter)
		wantWaits []time.Duration
		wantCalls int
		wantCode  string // "" for success
		wantIn    []string
	}{
		{name: "ok", answers: []func(http.ResponseWriter){ok200}, wantCalls: 1},
		{name: "429 then success, Retry-After seconds",
			answers:   []func(http.ResponseWriter){answer(429, map[string]string{"Retry-After": "7"}, `{}`), ok200},
			wantWaits: []time.Duration{7 * time.Second}, wantCalls: 2},
		{name: "github primary rate limit 403 then success",
			answers:   []func(http.ResponseWriter){resetIn30, ok200},
			wantWaits: []time.Duration{31 * time.Second}, wantCalls: 2},
		{name: "github secondary rate limit 403 with Retry-After",
			answers:   []func(http.ResponseWriter){answer(403, map[string]string{"Retry-After": "60"}, `{"message":"You have exceeded a secondary rate limit"}`), ok200},
			wantWaits: []time.Duration{time.Minute}, wantCalls: 2},
		{name: "5xx then success",
			answers:   []func(http.ResponseWriter){answer(502, nil, `{}`), answer(503, nil, `{}`), ok200},
			wantWaits: []time.Duration{time.Second, 2 * time.Second}, wantCalls: 3},
		{name: "5xx forever",
			answers:   []func(http.ResponseWriter){answer(500, nil, `{"message":"boom"}`)},
			wantWaits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, wantCalls: 4,
			wantCode: attest.EUNAVAILABLE, wantIn: []string{"github", "failed 4 times", "500 Internal Server Error: boom", "try again later"}},
		{name: "rate limit forever",
			answers:   []func(http.ResponseWriter){answer(429, map[string]string{"Retry-After": "1"}, `{}`)},
			wantWaits: []time.Duration{time.Second, time.Second, time.Second}, wantCalls: 4,
			wantCode: attest.EUNAVAILABLE, wantIn: []string{"github: rate limit reached"}},
		{name: "rate limit longer than we wait",
			answers:   []func(http.ResponseWriter){answer(429, map[string]string{"Retry-After": "3600"}, `{}`)},
			wantCalls: 1, wantCode: attest.EUNAVAILABLE, wantIn: []string{"lifts in 1h0m0s", "run again"}},
		{name: "401",
			answers:   []func(http.ResponseWriter){answer(401, nil, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`)},
			wantCalls: 1, wantCode: attest.EUNAUTHORIZED,
			wantIn: []string{"github refused the credential", "401 Unauthorized: Bad credentials", "Administration", "GITHUB_TOKEN"}},
		{name: "403",
			answers:   []func(http.ResponseWriter){answer(403, map[string]string{"X-RateLimit-Remaining": "4999"}, `{"message":"Resource not accessible by personal access token"}`)},
			wantCalls: 1, wantCode: attest.EFORBIDDEN,
			wantIn: []string{"github refused the credential access to /x", "403 Forbidden", "Metadata and Administration"}},
		{name: "404 is the caller's", answers: []func(http.ResponseWriter){answer(404, nil, `{"message":"Not Found"}`)}, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := script(t, tt.answers...)
			var w waits
			var log bytes.Buffer
			_, err := testAPI(t, srv, &w, &log).get(context.Background(), "/x")
			if got := attest.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code %q, want %q (err %v)", got, tt.wantCode, err)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if *calls != tt.wantCalls {
				t.Errorf("%d requests, want %d", *calls, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantWaits, w.all()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if strings.Contains(log.String(), testToken) || (err != nil && strings.Contains(err.Error(), testToken)) {
				t.Error("the token is in the log or the error")
			}
		})
	}
}

func TestGetRedactsEchoedToken(t *testing.T) {
	// A server (or a proxy) that echoes the credential in its message.
	srv, _ := script(t, answer(401, nil, `{"message":"token `+testToken+` is not valid"}`))
	_, err := testAPI(t, srv, new(waits), new(bytes.Buffer)).get(context.Background(), "/x")
	if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("error %v", err)
	}
}

func TestGetCancelled(t *testing.T) {
	srv, calls := script(t, answer(503, nil, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	a := testAPI(t, srv, new(waits), new(bytes.Buffer))
	a.sleep = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	if _, err := a.get(ctx, "/x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if *calls != 1 {
		t.Errorf("%d requests after cancelling", *calls)
	}
	// Cancelled before the first request: nothing is sent.
	if _, err := a.get(ctx, "/x"); !errors.Is(err, context.Canceled) || *calls != 1 {
		t.Fatalf("error %v, %d requests", err, *calls)
	}
}

func TestRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("sleep returned %v after %s", err, time.Since(start))
	}
}

func TestPagesRefusesOtherHosts(t *testing.T) {
	srv, _ := script(t, answer(200, map[string]string{"Link": `<https://evil.example/x?page=2>; rel="next"`}, `[]`))
	a := testAPI(t, srv, new(waits), new(bytes.Buffer))
	err := a.pages(context.Background(), "/x", func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "refusing to send the token") {
		t.Fatalf("error %v", err)
	}
}

func TestPagesStopsOnALoop(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "<"+srv.URL+"/x>; rel=\"next\"")
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	a := testAPI(t, srv, new(waits), new(bytes.Buffer))
	err := a.pages(context.Background(), "/x", func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "round in circles") {
		t.Fatalf("error %v", err)
	}
}

func TestNewAPIRefusesPlainHTTP(t *testing.T) {
	for _, base := range []string{"http://api.example.com", "ftp://x", "not a url", "https://user:pw@example.com"} {
		if _, err := newAPI("github", base, testToken); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%s: error %v", base, err)
		}
	}
	for _, base := range []string{"https://api.github.com", "https://ghe.example.com/api/v3/", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"} {
		if _, err := newAPI("github", base, testToken); err != nil {
			t.Errorf("%s: %v", base, err)
		}
	}
}

func TestResolveKeepsThePathPrefix(t *testing.T) {
	a, err := newAPI("github", "https://ghe.example.com/api/v3/", testToken)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.resolve("/orgs/acme/repos?per_page=100")
	if err != nil || u.String() != "https://ghe.example.com/api/v3/orgs/acme/repos?per_page=100" {
		t.Fatalf("%v, %v", u, err)
	}
}

func TestNextLink(t *testing.T) {
	tests := []struct {
		name  string
		links []string
		want  string
	}{
		{"none", nil, ""},
		{"github", []string{`<https://api.github.com/organizations/1/repos?per_page=100&page=2>; rel="next", <https://api.github.com/organizations/1/repos?per_page=100&page=5>; rel="last"`},
			"https://api.github.com/organizations/1/repos?per_page=100&page=2"},
		{"last page", []string{`<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=4>; rel="prev"`}, ""},
		{"okta, one header per link", []string{`<https://acme.okta.com/api/v1/users?limit=200>; rel="self"`, `<https://acme.okta.com/api/v1/users?after=00ub0oNGTSWTBKOLGLNR&limit=200>; rel="next"`},
			"https://acme.okta.com/api/v1/users?after=00ub0oNGTSWTBKOLGLNR&limit=200"},
		{"unquoted, odd case", []string{`<https://x/2> ; REL=Next`}, "https://x/2"},
		{"several rels quoted", []string{`<https://x/2>; rel="prev next"`}, "https://x/2"},
		{"garbage", []string{`https://x/2; rel="next"`, `<>`, `;;;`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, l := range tt.links {
				h.Add("Link", l)
			}
			if got := nextLink(h); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"`)
	f.Add(`<a>;rel=next`)
	f.Fuzz(func(t *testing.T, link string) {
		h := http.Header{}
		h.Set("Link", link)
		got := nextLink(h)
		if got != "" && !strings.Contains(link, "<"+got+">") {
			t.Errorf("%q is not a target in %q", got, link)
		}
	})
}

func TestRateWait(t *testing.T) {
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   time.Duration
	}{
		{map[string]string{"Retry-After": "12"}, 12 * time.Second},
		{map[string]string{"Retry-After": date.Add(90 * time.Second).Format(http.TimeFormat), "Date": date.Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"X-Rate-Limit-Reset": strconv.FormatInt(date.Add(10*time.Second).Unix(), 10), "Date": date.Format(http.TimeFormat)}, 11 * time.Second},
		{map[string]string{"X-RateLimit-Reset": strconv.FormatInt(date.Add(-time.Hour).Unix(), 10), "Date": date.Format(http.TimeFormat)}, time.Second},
		{map[string]string{"Retry-After": "soon"}, defaultWait},
		{nil, defaultWait},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got := rateWait(h); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.header, got, tt.want)
		}
	}
}
