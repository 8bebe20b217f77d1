package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// GitHubRepositories reads a GitHub repository list (the JSON array GET
// /orgs/{org}/repos or /user/repos returns, or an object with a
// "repositories" array as GET /installation/repositories returns). Each
// repository becomes a "github.repository" record named "owner/name";
// GitHub's other fields are kept as they are.
func GitHubRepositories(name string, r io.Reader) (*Result, error) {
	doc, err := readJSON(name, r)
	if err != nil {
		return nil, err
	}
	if m, ok := doc.members(); ok {
		doc = pick(m, "repositories")
	}
	repos, ok := doc.items()
	if !ok {
		return nil, errors.New(name + ": not a GitHub repository list: want a JSON array of repositories")
	}
	res := newResult()
	for i, v := range repos {
		repo, _ := v.any().(map[string]any)
		full, _ := repo["full_name"].(string)
		if full == "" {
			res.problem(name, v.line, "repository %d: no full_name", i+1)
			continue
		}
		f := make(map[string]any, len(repo))
		for k, x := range repo {
			f[k] = x
		}
		private, _ := repo["private"].(bool)
		archived, _ := repo["archived"].(bool)
		branch, _ := repo["default_branch"].(string)
		visibility, _ := repo["visibility"].(string)
		if visibility == "" { // older GitHub Enterprise servers leave it out
			visibility = "public"
			if private {
				visibility = "private"
			}
		}
		f["name"], f["private"], f["archived"], f["default_branch"], f["visibility"] = full, private, archived, orNil(branch), strings.ToLower(visibility)
		res.Records = append(res.Records, Record{Type: "github.repository", ID: full, Fields: f, Source: name, Line: v.line})
	}
	return res, nil
}

// readJSON reads all of r as one JSON document.
func readJSON(name string, r io.Reader) (value, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return value{}, fmt.Errorf("read %s: %w", name, err)
	}
	return parseJSON(name, data)
}

// GitHubBranchProtection reads saved answers of GitHub's "get branch
// protection" endpoint: one answer body (the repository and branch are
// read from its "url"), a JSON array of such bodies, or a recording of API
// exchanges (a JSON array of objects with method, path, status and
// response, as octokit's fixtures keep them), where each GET of
// /repos/{owner}/{repo}/branches/{branch}/protection becomes one
// "github.branch_protection" record and other exchanges are passed over.
// A 404 "Branch not protected" answer is a record with protected false; a
// lone 404 body is refused, as it does not say which branch it is about.
func GitHubBranchProtection(name string, r io.Reader) (*Result, error) {
	doc, err := readJSON(name, r)
	if err != nil {
		return nil, err
	}
	res := newResult()
	if m, ok := doc.members(); ok {
		if _, hasURL := m["url"]; !hasURL {
			if msg := text(m, "message"); msg != "" {
				return nil, fmt.Errorf("%s: GitHub's answer %q does not say which repository and branch it is about; save the answers with their request paths", name, msg)
			}
			return nil, errors.New(name + ": not a GitHub branch protection answer: no url")
		}
		rec, err := BranchProtectionRecord(name, "", "", 200, doc.raw)
		if err != nil {
			return nil, err
		}
		rec.Line = doc.line
		res.Records = append(res.Records, rec)
		return res, nil
	}
	list, ok := doc.items()
	if !ok {
		return nil, errors.New(name + ": not GitHub branch protection: want an answer body or a JSON array of them")
	}
	for i, v := range list {
		m, _ := v.members()
		rec, err := protectionElement(name, m, v)
		switch {
		case err != nil:
			res.problem(name, v.line, "element %d: %v", i+1, err)
		case rec != nil:
			rec.Line = v.line
			res.Records = append(res.Records, *rec)
		}
	}
	return res, nil
}

// protectionElement reads one element of an array: a recorded exchange
// (nil when it is not a GET of a branch's protection) or an answer body.
func protectionElement(name string, m map[string]value, v value) (*Record, error) {
	if _, ok := m["method"]; !ok {
		rec, err := BranchProtectionRecord(name, "", "", 200, v.raw)
		return &rec, err
	}
	repo, branch, ok := protectionPath(text(m, "path"))
	if !strings.EqualFold(text(m, "method"), "get") || !ok {
		return nil, nil
	}
	var status int
	if err := json.Unmarshal(pick(m, "status").raw, &status); err != nil {
		return nil, fmt.Errorf("GET %s: no status", text(m, "path"))
	}
	rec, err := BranchProtectionRecord(name, repo, branch, status, pick(m, "response").raw)
	return &rec, err
}

// protectionPath reads "owner/name" and the branch from the path or URL of
// a branch's protection ("/repos/{owner}/{repo}/branches/{branch}/protection",
// after any API prefix such as GitHub Enterprise's /api/v3). A branch may
// hold slashes.
func protectionPath(p string) (repo, branch string, ok bool) {
	if u, err := url.Parse(p); err == nil {
		p = u.EscapedPath()
	}
	_, rest, found := strings.Cut(p, "/repos/")
	parts := strings.Split(rest, "/")
	if !found || len(parts) < 5 || parts[2] != "branches" || parts[len(parts)-1] != "protection" {
		return "", "", false
	}
	owner, err1 := url.PathUnescape(parts[0])
	name, err2 := url.PathUnescape(parts[1])
	branch, err3 := url.PathUnescape(strings.Join(parts[3:len(parts)-1], "/"))
	if err1 != nil || err2 != nil || err3 != nil || owner == "" || name == "" || branch == "" {
		return "", "", false
	}
	return owner + "/" + name, branch, true
}

// BranchProtectionRecord turns GitHub's answer to GET
// /repos/{owner}/{repo}/branches/{branch}/protection, its status and body,
// into a "github.branch_protection" record from source. repository
// ("owner/name") and branch may be left empty when the body's "url" names
// them. A 404 "Branch not protected" answer is a record with protected
// false, in which force pushes and deletions are allowed, as GitHub allows
// them on an unprotected branch; any other answer but a 200 is an error.
//
// Settings RECORDS.md does not name are kept: {"enabled": b} objects as b,
// the other settings inside required_pull_request_reviews and
// required_status_checks at the top level, the rest as they are. GitHub's
// API links ("url", "contexts_url", ...) are left out.
func BranchProtectionRecord(source, repository, branch string, status int, body []byte) (Record, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); (err != nil || m == nil) && status == 200 {
		return Record{}, fmt.Errorf("the protection of %s@%s is not a JSON object", orDash(repository), orDash(branch))
	}
	if u, _ := m["url"].(string); repository == "" || branch == "" {
		repository, branch, _ = protectionPath(u)
	}
	msg, _ := m["message"].(string)
	switch {
	case repository == "" || branch == "":
		return Record{}, errors.New("GitHub's answer does not say which repository and branch it is about")
	case status == 404 && msg == "Branch not protected":
		m = nil
	case status != 200:
		return Record{}, fmt.Errorf("GitHub answered %d %q for the protection of %s@%s", status, msg, repository, branch)
	}
	return Record{Type: "github.branch_protection", ID: repository + "@" + branch, Fields: protectionFields(repository, branch, m), Source: source}, nil
}

// protectionFields reads a protection body; nil means not protected.
func protectionFields(repo, branch string, body map[string]any) map[string]any {
	open := body == nil
	f := map[string]any{
		"repository": repo, "branch": branch, "protected": !open,
		"required_approving_review_count": 0, "dismiss_stale_reviews": false, "require_code_owner_reviews": false,
		"required_status_checks": []string{}, "strict_status_checks": false, "enforce_admins": false,
		"allow_force_pushes": open, "allow_deletions": open, "required_linear_history": false, "required_signatures": false,
	}
	flags := []string{"enforce_admins", "allow_force_pushes", "allow_deletions", "required_linear_history", "required_signatures"}
	for _, k := range flags {
		if v, ok := body[k]; ok {
			f[k] = enabled(v)
		}
	}
	for k, v := range body {
		if k != "required_pull_request_reviews" && k != "required_status_checks" {
			lift(f, k, v)
		}
	}
	// Nested settings last, so that the body's own names come first.
	if r, ok := body["required_pull_request_reviews"].(map[string]any); ok {
		reviews(f, r)
	}
	if c, ok := body["required_status_checks"].(map[string]any); ok {
		statusChecks(f, c)
	}
	return f
}

// enabled reads a setting GitHub gives as {"enabled": b}.
func enabled(v any) bool {
	if m, ok := v.(map[string]any); ok {
		v = m["enabled"]
	}
	b, _ := v.(bool)
	return b
}

// reviews reads required_pull_request_reviews. GitHub leaves the count
// out when a pull request is required without approvals.
func reviews(f map[string]any, r map[string]any) {
	for k, v := range r {
		switch k {
		case "required_approving_review_count":
			n, _ := v.(float64)
			f[k] = int(n)
		case "dismiss_stale_reviews", "require_code_owner_reviews":
			b, _ := v.(bool)
			f[k] = b
		default:
			lift(f, k, v)
		}
	}
}

// statusChecks reads required_status_checks: the names in the older
// "contexts" list and the newer "checks" objects, each once.
func statusChecks(f map[string]any, c map[string]any) {
	var raw []any
	contexts, _ := c["contexts"].([]any)
	raw = append(raw, contexts...)
	checks, _ := c["checks"].([]any)
	for _, x := range checks {
		m, _ := x.(map[string]any)
		raw = append(raw, m["context"])
	}
	names := []string{}
	seen := map[string]bool{}
	for _, x := range raw {
		if s, _ := x.(string); s != "" && !seen[s] {
			seen[s] = true
			names = append(names, s)
		}
	}
	f["required_status_checks"] = names
	strict, _ := c["strict"].(bool)
	f["strict_status_checks"] = strict
	for k, v := range c {
		if k != "contexts" && k != "checks" && k != "strict" {
			lift(f, k, v)
		}
	}
}

// lift keeps a setting at the top level unless it is an API link or its
// name is taken. A setting given as {"enabled": b} is kept as b.
func lift(f map[string]any, k string, v any) {
	if _, taken := f[k]; taken || k == "url" || strings.HasSuffix(k, "_url") {
		return
	}
	if m, ok := v.(map[string]any); ok {
		if b, ok := m["enabled"].(bool); ok {
			v = b
		}
	}
	f[k] = v
}
