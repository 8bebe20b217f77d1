package collect

import (
	"os"
	"strings"
	"testing"
)

func TestGitHubBranchProtectionFixture(t *testing.T) {
	// octokit's recording: a GET answered 404 "Branch not protected", two
	// PUTs and a DELETE. Only the GET is a reading of the protection.
	res, err := GitHubBranchProtection("fixture.json", fixture(t, "github/octokit-fixtures_branch-protection_normalized-fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || len(res.Problems) != 0 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	r := res.Records[0]
	if r.Type != "github.branch_protection" || r.ID != "octokit-fixture-org/branch-protection@main" || r.Line != 2 || r.Source != "fixture.json" {
		t.Errorf("record %+v", r)
	}
	check(t, r, map[string]any{
		"repository": "octokit-fixture-org/branch-protection", "branch": "main", "protected": false,
		"required_approving_review_count": 0, "required_status_checks": []string{}, "enforce_admins": false,
		"allow_force_pushes": true, "allow_deletions": true, "required_signatures": false,
	})
}

// protectedBody is the answer octokit recorded for its second PUT, which
// is what a GET returns for the same settings.
func protectedBody(t *testing.T) string {
	data, err := os.ReadFile(samples + "github/octokit-fixtures_branch-protection_normalized-fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseJSON("fixture", data)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := doc.items()
	m, _ := list[2].members()
	return string(m["response"].raw)
}

func TestGitHubBranchProtectionBody(t *testing.T) {
	body := protectedBody(t)
	res, err := GitHubBranchProtection("protection.json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("%d records", len(res.Records))
	}
	r := res.Records[0]
	if r.ID != "octokit-fixture-org/branch-protection@main" || r.Line != 1 {
		t.Errorf("record %s line %d", r.ID, r.Line)
	}
	check(t, r, map[string]any{
		"protected": true, "required_approving_review_count": 1, "dismiss_stale_reviews": true, "require_code_owner_reviews": false,
		"required_status_checks": []string{"foo/bar"}, "strict_status_checks": true, "enforce_admins": true,
		"allow_force_pushes": false, "allow_deletions": false, "required_linear_history": false, "required_signatures": false,
		"block_creations": false, "required_conversation_resolution": false, "url": nil,
	})
	if _, ok := r.Fields["restrictions"].(map[string]any); !ok {
		t.Errorf("restrictions not kept: %v", r.Fields["restrictions"])
	}
	if _, ok := r.Fields["dismissal_restrictions"].(map[string]any); !ok {
		t.Errorf("dismissal_restrictions not lifted: %v", r.Fields["dismissal_restrictions"])
	}

	// A JSON array of bodies, one of them for a branch with a slash on
	// GitHub Enterprise, and one that names no branch.
	list := `[
` + body + `,
{"url": "https://ghe.example.com/api/v3/repos/acme/api/branches/release%2F1.0/protection",
 "required_pull_request_reviews": {"require_last_push_approval": true},
 "required_status_checks": {"strict": false, "contexts": ["ci"], "checks": [{"context": "ci", "app_id": 1}, {"context": "lint"}]}},
{"enforce_admins": {"enabled": true}}
]`
	res, err = GitHubBranchProtection("list.json", strings.NewReader(list))
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(body, "\n") // the body starts on line 2
	if len(res.Records) != 2 || len(res.Problems) != 1 || res.Problems[0].Line != n+6 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	ghe := res.Records[1]
	if ghe.ID != "acme/api@release/1.0" || ghe.Line != n+3 {
		t.Errorf("record %s line %d", ghe.ID, ghe.Line)
	}
	check(t, ghe, map[string]any{"required_status_checks": []string{"ci", "lint"}, "require_last_push_approval": true, "required_approving_review_count": 0, "enforce_admins": false})
}

func TestBranchProtectionRecord(t *testing.T) {
	rec, err := BranchProtectionRecord("github", "acme/api", "main", 404, []byte(`{"message":"Branch not protected","documentation_url":"x"}`))
	if err != nil || rec.ID != "acme/api@main" || rec.Fields["protected"] != false || rec.Source != "github" {
		t.Errorf("%+v %v", rec, err)
	}
	for _, tt := range []struct {
		status int
		body   string
		want   string
	}{
		{404, `{"message":"Branch not found"}`, `404 "Branch not found"`},
		{403, `{"message":"Resource not accessible by integration"}`, "403"},
		{200, `[]`, "not a JSON object"},
		{200, `null`, "not a JSON object"},
	} {
		if _, err := BranchProtectionRecord("github", "acme/api", "main", tt.status, []byte(tt.body)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d %s: %v", tt.status, tt.body, err)
		}
	}
	if _, err := GitHubBranchProtection("404.json", strings.NewReader(`{"message":"Branch not protected"}`)); err == nil || !strings.Contains(err.Error(), "which repository") {
		t.Errorf("a lone 404 body: %v", err)
	}
}

func TestGitHubRepositories(t *testing.T) {
	in := `[
  {"id": 1, "name": "api", "full_name": "acme/api", "owner": {"login": "acme"}, "private": true, "archived": false,
   "visibility": "Internal", "default_branch": "main", "html_url": "https://github.com/acme/api"},
  {"id": 2, "name": "site", "full_name": "acme/site", "private": false, "archived": true, "default_branch": "gh-pages"},
  {"id": 3, "name": "nameless"}
]`
	res, err := GitHubRepositories("repos.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Problems) != 1 || res.Problems[0].Line != 5 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	api, site := res.Records[0], res.Records[1]
	if api.ID != "acme/api" || api.Type != "github.repository" || api.Line != 2 {
		t.Errorf("record %+v", api)
	}
	check(t, api, map[string]any{"name": "acme/api", "private": true, "archived": false, "visibility": "internal", "default_branch": "main", "html_url": "https://github.com/acme/api", "id": float64(1)})
	check(t, site, map[string]any{"visibility": "public", "archived": true})

	res, err = GitHubRepositories("installation.json", strings.NewReader(`{"total_count": 1, "repositories": [{"full_name": "acme/x"}]}`))
	if err != nil || len(res.Records) != 1 {
		t.Errorf("installation repositories: %v %v", res, err)
	}
	if _, err := GitHubRepositories("x.json", strings.NewReader(`{"full_name": "acme/x"}`)); err == nil {
		t.Error("a single repository object accepted as a list")
	}
}

func FuzzGitHubBranchProtection(f *testing.F) {
	f.Add(`[{"method":"get","path":"/repos/o/r/branches/b/protection","status":404,"response":{"message":"Branch not protected"}}]`)
	f.Add(`{"url":"https://api.github.com/repos/o/r/branches/a/b/protection","required_status_checks":{"contexts":["x"],"checks":[{"context":"y"}]},"enforce_admins":{"enabled":true}}`)
	f.Fuzz(func(t *testing.T, in string) {
		res, err := GitHubBranchProtection("fuzz.json", strings.NewReader(in))
		if err != nil {
			return
		}
		sane(t, res, "github.branch_protection")
		for _, r := range res.Records {
			if _, ok := r.Fields["protected"].(bool); !ok || !strings.HasPrefix(r.ID, r.Fields["repository"].(string)+"@") {
				t.Fatalf("record %+v", r)
			}
		}
	})
}
