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
	"github.com/attest-dev/attest/collect"
	"github.com/google/go-cmp/cmp"
)

// exchange is one recorded GitHub exchange of the octokit fixtures.
type exchange struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response"`
	Headers  map[string]any  `json:"headers"`
	ReqHdrs  map[string]any  `json:"reqheaders"`
}

// octokitProtection returns the recorded answers about branch protection:
// the 404 "Branch not protected" and the two protection bodies GitHub sent
// back after settings were applied.
func octokitProtection(t *testing.T) (notProtected, basic, full exchange) {
	t.Helper()
	data, err := os.ReadFile("../../testdata/formats/github/octokit-fixtures_branch-protection_normalized-fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var all []exchange
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	var bodies []exchange
	for _, e := range all {
		switch {
		case e.Method == "get" && e.Status == 404:
			notProtected = e
		case e.Method == "put" && e.Status == 200:
			bodies = append(bodies, e)
		}
	}
	if notProtected.Status == 0 || len(bodies) != 2 {
		t.Fatalf("the fixture no longer has the expected exchanges")
	}
	return notProtected, bodies[0], bodies[1]
}

// serve writes a recorded exchange's answer with its recorded headers.
func serve(w http.ResponseWriter, e exchange) {
	for k, v := range e.Headers {
		switch strings.ToLower(k) {
		case "content-length", "connection", "date":
			continue
		}
		w.Header().Set(k, fmt.Sprint(v))
	}
	w.WriteHeader(e.Status)
	w.Write(e.Response)
}

// repo is a repository object as GitHub's REST API documents it (the
// fields that matter here, and a few that must be kept).
func repo(name string, private, archived bool, branch string) map[string]any {
	visibility := "public"
	if private {
		visibility = "private"
	}
	return map[string]any{
		"id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": name,
		"full_name": "octokit-fixture-org/" + name,
		"owner":     map[string]any{"login": "octokit-fixture-org", "type": "Organization"},
		"private":   private, "html_url": "https://github.com/octokit-fixture-org/" + name,
		"fork": false, "archived": archived, "disabled": false, "visibility": visibility,
		"default_branch": branch, "pushed_at": "2026-02-01T10:00:00Z",
		"permissions": map[string]any{"admin": true, "push": true, "pull": true},
	}
}

// gitHubServer answers like GitHub for the octokit-fixture-org
// organization: two pages of repositories and the recorded protection
// answers. fail, when set, answers a path instead.
type gitHubServer struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	paths []string
	fail  map[string]func(http.ResponseWriter)
}

func newGitHubServer(t *testing.T) *gitHubServer {
	notProtected, basic, full := octokitProtection(t)
	g := &gitHubServer{t: t, fail: map[string]func(http.ResponseWriter){}}
	page1 := []any{repo("branch-protection", false, false, "main")}
	page2 := []any{repo("protected-basic", true, false, "main"), repo("protected-full", true, false, "main"),
		repo("old", false, true, "master"), repo("empty", true, false, "main")}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("%s: authorization %q", r.URL.Path, got)
		}
		g.mu.Lock()
		g.paths = append(g.paths, r.URL.RequestURI())
		fail := g.fail[r.URL.Path]
		g.mu.Unlock()
		if fail != nil {
			fail(w)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		const org = "/repos/octokit-fixture-org/"
		switch r.URL.Path {
		case "/orgs/octokit-fixture-org/repos":
			if r.URL.Query().Get("per_page") != "100" {
				t.Errorf("repos listed without per_page=100: %s", r.URL)
			}
			list := page1
			if r.URL.Query().Get("page") == "2" {
				list = page2
				w.Header().Set("Link", `<`+g.srv.URL+`/orgs/octokit-fixture-org/repos?per_page=100&page=1>; rel="prev", <`+g.srv.URL+`/orgs/octokit-fixture-org/repos?per_page=100&page=1>; rel="first"`)
			} else {
				w.Header().Set("Link", `<`+g.srv.URL+`/orgs/octokit-fixture-org/repos?per_page=100&page=2>; rel="next", <`+g.srv.URL+`/orgs/octokit-fixture-org/repos?per_page=100&page=2>; rel="last"`)
			}
			json.NewEncoder(w).Encode(list)
		case org + "protected-basic":
			json.NewEncoder(w).Encode(page2[0])
		case org + "branch-protection/branches/main/protection":
			serve(w, notProtected)
		case org + "protected-basic/branches/main/protection":
			serve(w, basic)
		case org + "protected-full/branches/main/protection":
			serve(w, full)
		case org + "empty/branches/main/protection":
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message":"Branch not found","documentation_url":"https://docs.github.com/rest/branches/branch-protection#get-branch-protection"}`)
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gitHubServer) requested() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.paths...)
}

func (g *gitHubServer) connector(w *waits, log *bytes.Buffer) *GitHub {
	return &GitHub{BaseURL: g.srv.URL, Token: testToken, Org: "octokit-fixture-org", HTTP: g.srv.Client(), Log: testLog(log), Sleep: w.sleep}
}

func TestGitHubOrganization(t *testing.T) {
	g := newGitHubServer(t)
	var log bytes.Buffer
	res, err := g.connector(new(waits), &log).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res.Records {
		ids = append(ids, r.Type+" "+r.ID)
		if r.Source != "github" {
			t.Errorf("%s: source %q", r.ID, r.Source)
		}
	}
	want := []string{
		"github.repository octokit-fixture-org/branch-protection",
		"github.branch_protection octokit-fixture-org/branch-protection@main",
		"github.repository octokit-fixture-org/protected-basic",
		"github.branch_protection octokit-fixture-org/protected-basic@main",
		"github.repository octokit-fixture-org/protected-full",
		"github.branch_protection octokit-fixture-org/protected-full@main",
		"github.repository octokit-fixture-org/old", // archived: no protection read
		"github.repository octokit-fixture-org/empty",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Detail, "octokit-fixture-org/empty: default branch main does not exist") {
		t.Errorf("problems %v", res.Problems)
	}
	for _, p := range g.requested() {
		if strings.Contains(p, "/old/") {
			t.Errorf("the archived repository's protection was read: %s", p)
		}
	}

	rec := res.Records[4].Fields
	if rec["name"] != "octokit-fixture-org/protected-full" || rec["private"] != true || rec["archived"] != false ||
		rec["visibility"] != "private" || rec["default_branch"] != "main" || rec["node_id"] == nil || rec["permissions"] == nil {
		t.Errorf("repository record %v", rec)
	}

	unprotected := map[string]any{
		"repository": "octokit-fixture-org/branch-protection", "branch": "main", "protected": false,
		"required_approving_review_count": 0, "dismiss_stale_reviews": false, "require_code_owner_reviews": false,
		"required_status_checks": []string{}, "strict_status_checks": false, "enforce_admins": false,
		// GitHub lets anyone who can push force-push to or delete an unprotected branch.
		"allow_force_pushes": true, "allow_deletions": true,
		"required_linear_history": false, "required_signatures": false,
	}
	if diff := cmp.Diff(unprotected, res.Records[1].Fields); diff != "" {
		t.Errorf("unprotected branch (-want +got):\n%s", diff)
	}

	basic := map[string]any{
		"repository": "octokit-fixture-org/protected-basic", "branch": "main", "protected": true,
		"required_approving_review_count": 0, "dismiss_stale_reviews": false, "require_code_owner_reviews": false,
		"required_status_checks": []string{}, "strict_status_checks": false, "enforce_admins": false,
		"allow_force_pushes": false, "allow_deletions": false, "required_linear_history": false, "required_signatures": false,
		"block_creations": false, "required_conversation_resolution": false,
	}
	if diff := cmp.Diff(basic, res.Records[3].Fields); diff != "" {
		t.Errorf("protected branch, nothing required (-want +got):\n%s", diff)
	}

	full := res.Records[5].Fields
	restrictions, _ := full["restrictions"].(map[string]any)
	dismissal, _ := full["dismissal_restrictions"].(map[string]any)
	if restrictions["teams"] == nil || dismissal["users"] == nil {
		t.Errorf("restrictions %v, dismissal restrictions %v: want them kept", restrictions, dismissal)
	}
	delete(full, "restrictions")
	delete(full, "dismissal_restrictions")
	wantFull := map[string]any{
		"repository": "octokit-fixture-org/protected-full", "branch": "main", "protected": true,
		"required_approving_review_count": 1, "dismiss_stale_reviews": true, "require_code_owner_reviews": false,
		"required_status_checks": []string{"foo/bar"}, "strict_status_checks": true, "enforce_admins": true,
		"allow_force_pushes": false, "allow_deletions": false, "required_linear_history": false, "required_signatures": false,
		"block_creations": false, "required_conversation_resolution": false,
	}
	if diff := cmp.Diff(wantFull, full); diff != "" {
		t.Errorf("protected branch, reviews and checks required (-want +got):\n%s", diff)
	}
	noSecret(t, res, nil, log.String())
}

func TestGitHubNamedRepositories(t *testing.T) {
	g := newGitHubServer(t)
	c := g.connector(new(waits), new(bytes.Buffer))
	c.Repos = []string{"protected-basic"} // in Org
	res, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || res.Records[1].ID != "octokit-fixture-org/protected-basic@main" {
		t.Fatalf("records %v", res.Records)
	}
	if diff := cmp.Diff([]string{"/repos/octokit-fixture-org/protected-basic", "/repos/octokit-fixture-org/protected-basic/branches/main/protection"}, g.requested()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	c.Repos = []string{"octokit-fixture-org/protected-basic", "someone/secret"}
	res, err = c.Collect(context.Background())
	if res != nil || attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "someone/secret not found") {
		t.Fatalf("result %v, error %v", res, err)
	}
	c.Repos = []string{"a/b/c"}
	if _, err := c.Collect(context.Background()); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("error %v", err)
	}
}

func TestGitHubFailures(t *testing.T) {
	const protection = "/repos/octokit-fixture-org/protected-full/branches/main/protection"
	tests := []struct {
		name   string
		path   string
		answer func(http.ResponseWriter)
		code   string
		says   []string
	}{
		{"token refused", "/orgs/octokit-fixture-org/repos", answer(401, nil, `{"message":"Bad credentials"}`),
			attest.EUNAUTHORIZED, []string{"github refused the credential", "Bad credentials", "GITHUB_TOKEN"}},
		{"no admin read part-way", protection, answer(403, nil, `{"message":"Resource not accessible by personal access token"}`),
			attest.EFORBIDDEN, []string{"access to " + protection, "Administration"}},
		{"server failing part-way", protection, answer(502, nil, `<html>bad gateway</html>`),
			attest.EUNAVAILABLE, []string{"failed 4 times", "502 Bad Gateway"}},
		{"second page broken", "/orgs/octokit-fixture-org/repos", nil, attest.EUNAVAILABLE, []string{"page 2"}},
		{"unexpected 404", protection, answer(404, nil, `{"message":"Not Found"}`), attest.ENOTFOUND, []string{"404 Not Found", "administration settings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGitHubServer(t)
			if tt.answer != nil {
				g.fail[tt.path] = tt.answer
			} else {
				// Page 1 as usual, then a page that is not a list.
				calls := 0
				g.fail[tt.path] = func(w http.ResponseWriter) {
					calls++
					if calls == 1 {
						w.Header().Set("Link", `<`+g.srv.URL+tt.path+`?per_page=100&page=2>; rel="next"`)
						json.NewEncoder(w).Encode([]any{repo("branch-protection", false, false, "main")})
						return
					}
					fmt.Fprint(w, `{"message":"surprise"}`)
				}
			}
			var log bytes.Buffer
			res, err := g.connector(new(waits), &log).Collect(context.Background())
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
			noSecret(t, nil, err, log.String())
		})
	}
}

func TestGitHubNeedsTokenAndScope(t *testing.T) {
	for _, g := range []*GitHub{{Org: "x"}, {Token: testToken}} {
		if _, err := g.Collect(context.Background()); attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%+v: error %v", g, err)
		}
	}
}

func TestBranchPath(t *testing.T) {
	if got := branchPath("release/1.0 beta"); got != "release/1.0%20beta" {
		t.Errorf("got %q", got)
	}
}

// noSecret fails if the test token is in a result, an error or log text.
func noSecret(t *testing.T, res *collect.Result, err error, log string) {
	t.Helper()
	var text []string
	if res != nil {
		data, merr := json.Marshal(res)
		if merr != nil {
			t.Fatal(merr)
		}
		text = append(text, string(data))
	}
	if err != nil {
		text = append(text, err.Error(), fmt.Sprintf("%+v", err))
	}
	text = append(text, log)
	for _, s := range text {
		for _, secret := range []string{testToken, testOktaToken, testAWSSecret} {
			if strings.Contains(s, secret) {
				t.Errorf("a secret is in %.200q", s)
			}
		}
	}
}
