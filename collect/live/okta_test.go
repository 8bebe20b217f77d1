package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

const testOktaToken = "00TESTOKTATOKENabcdefghijklmnopSECRET"

// oktaUsers returns the users of Okta's documented listUsers example and a
// second, deprovisioned user made from the first, so that the list fills
// two pages and the deprovisioned query has an answer.
func oktaUsers(t *testing.T) (page1, page2, deprovisioned []map[string]any) {
	t.Helper()
	data, err := os.ReadFile("../../testdata/formats/okta/okta-openapi_listUsers_example.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &page1); err != nil || len(page1) == 0 {
		t.Fatalf("the example is not a user list: %v", err)
	}
	if err := json.Unmarshal(data, &page2); err != nil {
		t.Fatal(err)
	}
	page2 = page2[:1]
	page2[0]["id"] = "00u2bobSECONDPAGE0g4"
	page2[0]["status"] = "SUSPENDED"
	profile := page2[0]["profile"].(map[string]any)
	profile["login"], profile["email"], profile["firstName"] = "bob.jones@example.com", "bob.jones@example.com", "Bob"
	if err := json.Unmarshal(data, &deprovisioned); err != nil {
		t.Fatal(err)
	}
	deprovisioned = deprovisioned[:1]
	deprovisioned[0]["id"] = "00u3carolLEFT000g4"
	deprovisioned[0]["status"] = "DEPROVISIONED"
	deprovisioned[0]["statusChanged"] = "2026-01-31T17:00:00.000Z"
	deprovisioned[0]["profile"].(map[string]any)["login"] = "carol.left@example.com"
	return page1, page2, deprovisioned
}

type oktaServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	uris []string
	fail func(n int, w http.ResponseWriter) bool // answers request n instead, when it returns true
}

// newOktaServer answers GET /api/v1/users like Okta: the users in two pages
// joined by Link headers (Okta sends one header per link), and the
// deprovisioned users when asked for them with a filter.
func newOktaServer(t *testing.T) *oktaServer {
	page1, page2, gone := oktaUsers(t)
	o := &oktaServer{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "SSWS "+testOktaToken {
			t.Errorf("authorization %q", got)
		}
		o.mu.Lock()
		o.uris = append(o.uris, r.URL.RequestURI())
		n := len(o.uris)
		o.mu.Unlock()
		if o.fail != nil && o.fail(n, w) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		if r.URL.Path != "/api/v1/users" || q.Get("limit") != "200" {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"errorCode":"E0000022","errorSummary":"The endpoint does not support the provided HTTP method"}`)
			return
		}
		self := o.srv.URL + r.URL.RequestURI()
		w.Header().Add("Link", "<"+self+`>; rel="self"`)
		switch {
		case q.Get("filter") == `status eq "DEPROVISIONED"`:
			json.NewEncoder(w).Encode(gone)
		case q.Get("after") == "":
			w.Header().Add("Link", "<"+o.srv.URL+`/api/v1/users?after=00u118oQYT4TBTemp0g4&limit=200>; rel="next"`)
			json.NewEncoder(w).Encode(page1)
		case q.Get("after") == "00u118oQYT4TBTemp0g4":
			json.NewEncoder(w).Encode(page2)
		default:
			t.Errorf("unexpected query %s", r.URL)
		}
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *oktaServer) connector(w *waits, log *bytes.Buffer) *Okta {
	return &Okta{BaseURL: o.srv.URL, Token: testOktaToken, HTTP: o.srv.Client(), Log: testLog(log), Sleep: w.sleep}
}

func TestOktaPages(t *testing.T) {
	o := newOktaServer(t)
	var log bytes.Buffer
	res, err := o.connector(new(waits), &log).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Records {
		got = append(got, fmt.Sprintf("%s %s %s %v", r.Type, r.ID, r.Source, r.Fields["status"]))
	}
	want := []string{
		"idp.user 00u118oQYT4TBTemp0g4 okta active",
		"idp.user 00u2bobSECONDPAGE0g4 okta suspended",
		"idp.user 00u3carolLEFT000g4 okta deprovisioned",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	alice := res.Records[0].Fields
	if alice["login"] != "alice.smith@example.com" || alice["last_login"] != "2022-05-04T19:50:52Z" || alice["provider"] != "okta" {
		t.Errorf("alice %v", alice)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems %v", res.Problems)
	}
	wantURIs := []string{
		"/api/v1/users?limit=200",
		"/api/v1/users?after=00u118oQYT4TBTemp0g4&limit=200",
		"/api/v1/users?limit=200&filter=status+eq+%22DEPROVISIONED%22",
	}
	if diff := cmp.Diff(wantURIs, o.uris); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	noSecret(t, res, nil, log.String())
}

func TestOktaFailures(t *testing.T) {
	oktaError := func(status int, header map[string]string, code, summary string) func(http.ResponseWriter) {
		return answer(status, header, `{"errorCode":"`+code+`","errorSummary":"`+summary+`","errorLink":"`+code+`","errorId":"oaeXYZ","errorCauses":[]}`)
	}
	tests := []struct {
		name     string
		on       int // the request answered badly
		times    int // how many times
		answer   func(http.ResponseWriter)
		code     string
		says     []string
		wantWait int
	}{
		{"401", 1, 1, oktaError(401, nil, "E0000011", "Invalid token provided"),
			attest.EUNAUTHORIZED, []string{"okta refused the credential", "Invalid token provided", "Read-Only Administrator", "OKTA_API_TOKEN"}, 0},
		{"403 on page 2", 2, 1, oktaError(403, nil, "E0000006", "You do not have permission to perform the requested action"),
			attest.EFORBIDDEN, []string{"okta refused the credential access to /api/v1/users", "do not have permission"}, 0},
		{"429 then success", 2, 1, oktaError(429, map[string]string{"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "0"}, "E0000047", "API call exceeded rate limit due to too many requests."),
			"", nil, 1},
		{"5xx then success", 1, 2, oktaError(500, nil, "E0000009", "Internal Server Error"), "", nil, 2},
		{"5xx forever on the last query", 3, 100, oktaError(503, nil, "E0000009", "Service unavailable"),
			attest.EUNAVAILABLE, []string{"okta: GET /api/v1/users failed 4 times", "503 Service Unavailable"}, 3},
		{"page 2 not a user list", 2, 1, answer(200, nil, `{"not":"a list"}`), attest.EUNAVAILABLE, []string{"okta users page 2: not the expected JSON"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOktaServer(t)
			o.fail = func(n int, w http.ResponseWriter) bool {
				if n >= tt.on && n < tt.on+tt.times {
					tt.answer(w)
					return true
				}
				return false
			}
			var w waits
			var log bytes.Buffer
			res, err := o.connector(&w, &log).Collect(context.Background())
			if len(w.all()) != tt.wantWait {
				t.Errorf("waits %v, want %d", w.all(), tt.wantWait)
			}
			noSecret(t, res, err, log.String())
			if tt.code == "" {
				if err != nil || len(res.Records) != 3 {
					t.Fatalf("error %v, result %v", err, res)
				}
				return
			}
			if res != nil {
				t.Errorf("a partial result was returned: %d records", len(res.Records))
			}
			if attest.ErrorCode(err) != tt.code {
				t.Fatalf("code %q, want %q (%v)", attest.ErrorCode(err), tt.code, err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestOktaNeedsAddressAndToken(t *testing.T) {
	for _, o := range []*Okta{{BaseURL: "https://example.okta.com"}, {Token: testOktaToken}, {BaseURL: "http://example.okta.com", Token: testOktaToken}} {
		_, err := o.Collect(context.Background())
		if attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%+v: error %v", o, err)
		}
		noSecret(t, nil, err, fmt.Sprintf("%v %+v %#v", o, o, o))
	}
}
