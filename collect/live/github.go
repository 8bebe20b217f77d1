package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/collect"
)

const defaultGitHubAPI = "https://api.github.com"

// gitHubNeed is said when GitHub refuses the token.
const gitHubNeed = "the token needs read access to the repositories' metadata and administration " +
	"(fine-grained token: Metadata and Administration, read-only; classic token: the repo scope); " +
	"set GITHUB_TOKEN or github.token"

// GitHub reads an organization's repositories and the protection of their
// default branches from the GitHub REST API (github.com or GitHub
// Enterprise Server).
type GitHub struct {
	BaseURL string       // API root; empty: https://api.github.com
	Token   Secret       // personal access token or app installation token
	Org     string       // organization whose repositories are listed
	Repos   []string     // only these ("owner/name", or "name" in Org) instead of all of Org's
	HTTP    *http.Client // nil: http.DefaultClient
	Log     *slog.Logger // nil: no log

	// Sleep waits between retries; nil waits for real. Tests replace it.
	Sleep func(context.Context, time.Duration) error
}

// Collect returns a "github.repository" record for each repository and a
// "github.branch_protection" record for the default branch of each one that
// is not archived.
func (g *GitHub) Collect(ctx context.Context) (*collect.Result, error) {
	a, err := g.api()
	if err != nil {
		return nil, err
	}
	repos, err := g.repositories(ctx, a)
	if err != nil {
		return nil, err
	}
	res := &collect.Result{Records: []collect.Record{}, Problems: []collect.Problem{}}
	for _, repo := range repos {
		rec, err := repositoryRecord(repo)
		if err != nil {
			return nil, err
		}
		res.Records = append(res.Records, rec)
		if archived, _ := repo["archived"].(bool); archived {
			continue
		}
		if err := protection(ctx, a, rec, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (g *GitHub) api() (*api, error) {
	if g.Token == "" {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "github: no token", Hint: "set GITHUB_TOKEN or github.token in the config file"}
	}
	if g.Org == "" && len(g.Repos) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "github: no organization or repositories to read", Hint: "set github.org or github.repos in the config file"}
	}
	base := g.BaseURL
	if base == "" {
		base = defaultGitHubAPI
	}
	a, err := newAPI("github", base, g.Token)
	if err != nil {
		return nil, err
	}
	a.client, a.log, a.sleep, a.need = g.HTTP, logger(g.Log), g.Sleep, gitHubNeed
	a.scheme = "Bearer"
	return a, nil
}

// repositories lists the organization's repositories, or fetches the ones
// named.
func (g *GitHub) repositories(ctx context.Context, a *api) ([]map[string]any, error) {
	var repos []map[string]any
	if len(g.Repos) == 0 {
		err := a.pages(ctx, "/orgs/"+url.PathEscape(g.Org)+"/repos?per_page=100", func(n int, body []byte) error {
			var page []map[string]any
			if err := json.Unmarshal(body, &page); err != nil {
				return &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("github: page %d of %s's repositories is not a JSON array of repositories", n, g.Org)}
			}
			repos = append(repos, page...)
			return nil
		})
		return repos, err
	}
	for _, name := range g.Repos {
		owner, repo, ok := strings.Cut(name, "/")
		if !ok {
			owner, repo = g.Org, name
		}
		if owner == "" || repo == "" || strings.Contains(repo, "/") {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "github: " + strconv.Quote(name) + " is not a repository name", Hint: "write owner/name, or name with github.org set"}
		}
		var r map[string]any
		if _, err := a.getJSON(ctx, "/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(repo), &r); err != nil {
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "github: repository " + owner + "/" + repo + " not found",
					Hint: "GitHub answers 404 for private repositories the token cannot see; " + gitHubNeed}
			}
			return nil, err
		}
		repos = append(repos, r)
	}
	return repos, nil
}

// repositoryRecord keeps every field of GitHub's repository object and puts
// the RECORDS.md fields on top: name is "owner/name".
func repositoryRecord(r map[string]any) (collect.Record, error) {
	full, _ := r["full_name"].(string)
	branch, _ := r["default_branch"].(string)
	if full == "" {
		return collect.Record{}, &attest.Error{Code: attest.EUNAVAILABLE, Message: "github: a repository in the answer has no full_name"}
	}
	f := make(map[string]any, len(r))
	for k, v := range r {
		f[k] = v
	}
	private, _ := r["private"].(bool)
	archived, _ := r["archived"].(bool)
	visibility, _ := r["visibility"].(string)
	if visibility == "" { // older GitHub Enterprise servers leave it out
		visibility = "public"
		if private {
			visibility = "private"
		}
	}
	f["name"], f["default_branch"], f["private"], f["archived"], f["visibility"] = full, nilIfEmpty(branch), private, archived, strings.ToLower(visibility)
	return collect.Record{Type: "github.repository", ID: full, Fields: f, Source: "github"}, nil
}

// protection fetches the protection of rec's default branch and adds its
// record. A repository without a default branch (an empty one) gets a
// problem instead: there is no branch to protect yet.
func protection(ctx context.Context, a *api, rec collect.Record, res *collect.Result) error {
	full := rec.ID
	branch, _ := rec.Fields["default_branch"].(string)
	owner, name, _ := strings.Cut(full, "/")
	if branch == "" {
		res.Problems = append(res.Problems, collect.Problem{File: "github", Detail: full + ": no default branch, so no branch protection to read"})
		return nil
	}
	resp, err := a.get(ctx, "/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(name)+"/branches/"+branchPath(branch)+"/protection")
	if err != nil {
		return err
	}
	switch {
	case resp.status == http.StatusNotFound && vendorMessage(resp.body) == "Branch not protected":
		rec, err := collect.BranchProtectionRecord("github", full, branch, resp.status, resp.body)
		if err != nil {
			return err
		}
		res.Records = append(res.Records, rec)
		return nil
	case resp.status == http.StatusNotFound && vendorMessage(resp.body) == "Branch not found":
		res.Problems = append(res.Problems, collect.Problem{File: "github", Detail: full + ": default branch " + branch + " does not exist (an empty repository?), so no branch protection to read"})
		return nil
	case resp.status == http.StatusNotFound:
		return &attest.Error{Code: attest.ENOTFOUND, Message: "github: GET " + resp.path + ": " + a.statusText(resp),
			Hint: "GitHub answers 404 when the token may not read the repository's administration settings; " + gitHubNeed}
	case resp.status/100 != 2:
		return a.unexpected(resp)
	}
	// The importer reads the answer, so a saved answer and a live one give
	// the same record.
	rec, perr := collect.BranchProtectionRecord("github", full, branch, resp.status, resp.body)
	if perr != nil {
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "github: the protection of " + full + "@" + branch + " is not the JSON object GitHub documents"}
	}
	res.Records = append(res.Records, rec)
	return nil
}

// branchPath escapes a branch name for the URL path, keeping its slashes:
// GitHub reads "release/1.0" in /branches/release/1.0/protection as one
// branch.
func branchPath(b string) string {
	parts := strings.Split(b, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
