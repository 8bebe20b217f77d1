package web

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/policy"
	"github.com/google/go-cmp/cmp"
)

// programData adopts two policies (access control: owned by the control
// owner, approved by the viewer's account; incident response: owned by
// the compliance manager, approved by the admin) and starts an access
// review of GitHub: the control owner reviews ana and bo (an admin), the
// compliance manager reviews cy, who is gone.
func programData(t *testing.T, f *fixture) int64 {
	t.Helper()
	ctx := context.Background()
	user := func(role string) *attest.User {
		u, err := f.store.UserByEmail(ctx, role+"@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	owner, viewer, compliance, admin := user(attest.RoleOwner), user(attest.RoleViewer), user(attest.RoleCompliance), user(attest.RoleAdmin)
	for _, p := range []struct {
		tpl      string
		owner    int64
		approver int64
	}{{"access-control", owner.ID, viewer.ID}, {"incident-response", compliance.ID, admin.ID}} {
		if _, err := policy.New(ctx, f.store, ch, nil, policy.NewRequest{Template: p.tpl, Vars: map[string]string{"org": "Example"}, Owner: p.owner, Approvers: []int64{p.approver}}); err != nil {
			t.Fatal(err)
		}
	}
	accts := []accessreview.Account{{Account: "ana", Person: "ana@example.org", Name: "Ana Lima", Roles: []string{"member"}},
		{Account: "bo", Person: "bo@example.org", Name: "Bo Chen", Roles: []string{"admin"}, Privileged: true},
		{Account: "cy", Person: "cy@example.org", Name: "Cy Diaz", Roles: []string{"member", "billing"}}}
	roster := accessreview.Roster{"ana@example.org": {Email: "ana@example.org", Status: "active"}, "bo@example.org": {Email: "bo@example.org", Status: "active"},
		"cy@example.org": {Email: "cy@example.org", Status: "terminated", EndDate: "2026-01-15"}}
	start := attest.Change{Actor: "test", At: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	c, _, err := accessreview.Start(ctx, f.store, start, nil, accessreview.StartRequest{System: "GitHub", Due: "2026-05-31", Accounts: accts, Roster: roster,
		Listing: attest.Listing{Source: "file github-members.csv", ExtractedAt: "2026-05-01", ExtractedBy: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []accessreview.AssignRequest{{Reviewer: owner.Email, Accounts: []string{"ana", "bo"}}, {Reviewer: compliance.Email, Accounts: []string{"cy"}}} {
		if _, err := accessreview.Assign(ctx, f.store, start, nil, c.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

func wantStatus(t *testing.T, what string, got int, body string, want int, says ...string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: %d, want %d: %s", what, got, want, body)
		return
	}
	mustContain(t, what, body, says...)
}

func TestProgramPolicies(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	programData(t, f.fixture)

	// Every staff role lists both; the auditor neither (drafts, never in
	// force, supporting none of e1's controls) and is refused one by name.
	for _, role := range []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleViewer} {
		mustContain(t, "policies as "+role, f.page(t, role, "/program/policies"), "Access Control Policy", "Incident Response Policy", "once in force")
	}
	if body := f.page(t, attest.RoleAuditor, "/program/policies"); strings.Contains(body, "Access Control Policy") {
		t.Errorf("the auditor lists a draft that bears on none of their engagements")
	}
	resp, body := f.get(t, attest.RoleAuditor, "/api/v1/policies/access-control")
	wantStatus(t, "the auditor reading a draft", resp.StatusCode, body, 403, "policy access-control: an auditor reads the organization", "only when they were in force")

	// The owner submits; the viewer may not (the route).
	resp, body = f.post(t, attest.RoleViewer, "/program/policies/access-control/submit", nil)
	wantStatus(t, "the viewer submitting", resp.StatusCode, body, 403)
	resp, body = f.post(t, attest.RoleOwner, "/program/policies/access-control/submit", url.Values{"note": {"ready"}})
	wantStatus(t, "the owner submitting", resp.StatusCode, body, 303)
	if loc := resp.Header.Get("Location"); loc != "/program/policies/access-control" {
		t.Errorf("after submitting: to %q", loc)
	}

	// Only the named approver sees the approval form, and only they may
	// approve: an admin is refused by the workflow, naming the rule.
	mustContain(t, "the owner's page", f.page(t, attest.RoleOwner, "/program/policies/access-control"), "Sent to the approvers.", "in-review")
	mustContain(t, "the approver's page", f.page(t, attest.RoleViewer, "/program/policies/access-control"), "Approve version 1")
	if body := f.page(t, attest.RoleAdmin, "/program/policies/access-control"); strings.Contains(body, "Approve version") {
		t.Errorf("the admin, not an approver, is offered the approval")
	}
	resp, body = f.send(t, "POST", "/api/v1/policies/access-control/approve", attest.RoleAdmin, "application/json", strings.NewReader(`{"version": 1}`))
	wantStatus(t, "the admin approving", resp.StatusCode, body, 403, "only the approvers the policy names may approve it")
	resp, body = f.post(t, attest.RoleViewer, "/program/policies/access-control/approve", url.Values{"version": {"x"}})
	wantStatus(t, "a bad version", resp.StatusCode, body, 400, "version")
	resp, body = f.post(t, attest.RoleViewer, "/program/policies/access-control/approve", url.Values{"version": {"1"}, "note": {"read it"}})
	wantStatus(t, "the approver approving", resp.StatusCode, body, 303)

	// Publishing is management's: the owner is refused by the route.
	resp, body = f.post(t, attest.RoleOwner, "/program/policies/access-control/publish", nil)
	wantStatus(t, "the owner publishing", resp.StatusCode, body, 403)
	resp, body = f.send(t, "POST", "/api/v1/policies/access-control/publish", attest.RoleCompliance, "application/json", strings.NewReader(`{}`))
	wantStatus(t, "management publishing", resp.StatusCode, body, 200, `"status": "published"`)

	// Now in force during e1's period: the auditor reads it, with no form.
	body = f.page(t, attest.RoleAuditor, "/program/policies/access-control")
	mustContain(t, "the auditor's page", body, "Access Control Policy", "viewer (approved)", "<h2>Purpose</h2>", "next due 2027-06-01")
	for _, form := range []string{"/submit", "/approve", "/publish", "/edit"} {
		if strings.Contains(body, "/program/policies/access-control"+form) {
			t.Errorf("the auditor is offered %s", form)
		}
	}
	resp, body = f.post(t, attest.RoleAuditor, "/program/policies/access-control/edit", url.Values{"body": {"x"}})
	wantStatus(t, "the auditor editing", resp.StatusCode, body, 403)

	// Editing: bad input names its field; a new text is version 2, a draft.
	for _, tc := range []struct{ json, field string }{
		{`{"review": "fortnightly"}`, "review"},
		{`{"owner": "nobody@example.com"}`, "owner"},
		{`{"approvers": "lee@example.com, ghost@example.com"}`, "approvers: lee@example.com"},
		{`{"body": "  "}`, "empty"},
	} {
		resp, body = f.send(t, "POST", "/api/v1/policies/access-control/edit", attest.RoleOwner, "application/json", strings.NewReader(tc.json))
		wantStatus(t, "edit "+tc.json, resp.StatusCode, body, 400, tc.field)
	}
	resp, body = f.send(t, "POST", "/api/v1/policies/access-control/edit", attest.RoleCompliance, "application/json", strings.NewReader(`{"owner": "control-owner@example.com"}`))
	wantStatus(t, "the compliance manager editing nothing", resp.StatusCode, body, 400, "nothing to change")
	_, cur := f.get(t, attest.RoleOwner, "/api/v1/policies/access-control")
	var got struct {
		Body string      `json:"text"`
		Acts policy.Acts `json:"acts"`
	}
	if err := json.Unmarshal([]byte(cur), &got); err != nil || !got.Acts.Edit || got.Acts.Publish {
		t.Fatalf("the owner's JSON: %v %s", err, cur)
	}
	resp, body = f.post(t, attest.RoleOwner, "/program/policies/access-control/edit", url.Values{"body": {got.Body + "\n## Exceptions\nNone without the CTO's approval.\n"}, "note": {"exceptions"}})
	wantStatus(t, "the owner editing", resp.StatusCode, body, 303)
	mustContain(t, "the edited policy", f.page(t, attest.RoleOwner, "/program/policies/access-control"), "version 2, draft", "version 1 in force")
	mustContain(t, "the edit form", f.page(t, attest.RoleOwner, "/program/policies/access-control/edit"), `value="control-owner@example.com"`, `value="viewer@example.com"`)
	// A refused edit from the page keeps what was typed.
	resp, body = f.post(t, attest.RoleOwner, "/program/policies/access-control/edit", url.Values{"body": {"# A long new text"}, "owner": {"nobody@example.com"}, "approvers": {"viewer@example.com"}, "review": {"quarterly"}})
	wantStatus(t, "a refused edit from the page", resp.StatusCode, body, 400, "owner: nobody@example.com: no account", "# A long new text", `<option value="quarterly" selected>`)
	resp, body = f.get(t, attest.RoleOwner, "/program/policies/incident-response/edit")
	wantStatus(t, "the control owner opening another's policy's form", resp.StatusCode, body, 403)

	// The versions compared, as a page and as JSON; the first text on ask.
	mustContain(t, "the diff", f.page(t, attest.RoleAuditor, "/program/policies/access-control/diff"), "version 1 to 2", `<span class="op add">&#43; ## Exceptions</span>`)
	resp, body = f.get(t, attest.RoleViewer, "/api/v1/policies/access-control/diff?from=1&to=2")
	wantStatus(t, "the diff as JSON", resp.StatusCode, body, 200, `"op": "+"`)
	resp, body = f.get(t, attest.RoleViewer, "/api/v1/policies/access-control/diff?from=one")
	wantStatus(t, "a bad diff", resp.StatusCode, body, 400, "from")
	resp, body = f.get(t, attest.RoleViewer, "/program/policies/access-control?version=1")
	wantStatus(t, "version 1", resp.StatusCode, body, 200, "Text of version 1")
	resp, body = f.get(t, attest.RoleViewer, "/program/policies/nope")
	wantStatus(t, "no such policy", resp.StatusCode, body, 404)
}

func TestProgramReviews(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	id := itoa(programData(t, f.fixture))
	path := "/program/reviews/" + id

	// The reviewer sees their two accounts, the privileged first, with the
	// form; management sees all three and the flag, with no form.
	body := f.page(t, attest.RoleOwner, path)
	mustContain(t, "the reviewer's page", body, "2 of 2 still to decide", "Record my decisions", "privileged")
	if strings.Contains(body, "Cy Diaz") || strings.Index(body, ">bo") > strings.Index(body, ">ana") {
		t.Errorf("the reviewer's accounts: not theirs alone, or the privileged one not first")
	}
	body = f.page(t, attest.RoleAdmin, path)
	mustContain(t, "management's page", body, "Cy Diaz", "no-longer-employed", "GitHub", "overdue")
	if strings.Contains(body, "Record my decisions") {
		t.Errorf("the admin, who reviews nothing, is offered the form")
	}
	mustContain(t, "the list", f.page(t, attest.RoleViewer, "/program/reviews"), "GitHub", "2026-05-31")
	mustContain(t, "the auditor's page", f.page(t, attest.RoleAuditor, path), "Cy Diaz")

	// A revoke without its reason names the field, and nothing is kept of
	// the batch; a good batch is one act.
	bad := url.Values{"account": {"bo", "ana"}, "decision": {"keep", "revoke"}, "reason": {"", ""}}
	resp, body := f.post(t, attest.RoleOwner, path+"/decisions", bad)
	wantStatus(t, "a revoke without reason", resp.StatusCode, body, 400, "Nothing was recorded: reason: a decision to revoke needs its reason", `<option value="revoke" selected>`)
	resp, body = f.post(t, attest.RoleOwner, path+"/decisions", url.Values{"account": {"bo", "ana"}, "decision": {"keep"}, "reason": {"", ""}})
	wantStatus(t, "rows out of step", resp.StatusCode, body, 400, "decision")
	resp, body = f.post(t, attest.RoleOwner, path+"/decisions", url.Values{"account": {"bo", "ana"}, "decision": {"keep", "revoke"}, "reason": {"", "left the team"}})
	wantStatus(t, "the reviewer's batch", resp.StatusCode, body, 303)
	mustContain(t, "after the batch", f.page(t, attest.RoleOwner, path), "2 decisions recorded.", "Sign off my part", "left the team")

	// Nobody decides another's accounts; the auditor decides nothing.
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/decisions", attest.RoleCompliance, "application/json", strings.NewReader(`{"decisions": [{"account": "ana", "decision": "keep"}]}`))
	wantStatus(t, "deciding another's account", resp.StatusCode, body, 403, "assigned to control-owner@example.com")
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/decisions", attest.RoleAuditor, "application/json", strings.NewReader(`{"decisions": [{"account": "cy", "decision": "keep"}]}`))
	wantStatus(t, "the auditor deciding", resp.StatusCode, body, 403)
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/decisions", attest.RoleCompliance, "application/json", strings.NewReader(`{"decision": "keep"}`))
	wantStatus(t, "a malformed batch", resp.StatusCode, body, 400, "decisions")
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/decisions", attest.RoleCompliance, "application/json", strings.NewReader(`{"decisions": [{"account": "cy", "decision": "drop"}]}`))
	wantStatus(t, "an unknown decision", resp.StatusCode, body, 400, "decision")
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/decisions", attest.RoleCompliance, "application/json", strings.NewReader(`{"decisions": [{"account": "cy", "decision": "revoke", "reason": "gone since January"}]}`))
	wantStatus(t, "the compliance manager's batch", resp.StatusCode, body, 200, `"decided": 1`)

	// Sign-off: once, and only with everything decided.
	resp, body = f.post(t, attest.RoleOwner, path+"/signoff", nil)
	wantStatus(t, "the reviewer signing off", resp.StatusCode, body, 303)
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/signoff", attest.RoleOwner, "application/json", strings.NewReader(`{}`))
	wantStatus(t, "signing off twice", resp.StatusCode, body, 409)
	// Someone with no accounts in it has nothing to sign off (refused as
	// bad input here, as forbidden once the review branch's rule lands).
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/signoff", attest.RoleViewer, "application/json", strings.NewReader(`{}`))
	if resp.StatusCode != 400 && resp.StatusCode != 403 || !strings.Contains(body, "has no accounts to review") {
		t.Errorf("signing off with nothing to review: %d %s", resp.StatusCode, body)
	}

	// Management follows up: assigning is theirs (and nothing is left to
	// assign), revokes are shown done by tickets, and the review completes
	// once nothing blocks it, its decisions becoming evidence.
	resp, body = f.post(t, attest.RoleOwner, path+"/assign", url.Values{"owner": {"admin@example.com"}})
	wantStatus(t, "a control owner assigning", resp.StatusCode, body, 403)
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/assign", attest.RoleAdmin, "application/json", strings.NewReader(`{"owner": "admin@example.com"}`))
	wantStatus(t, "assigning with nothing left", resp.StatusCode, body, 400, "already has a reviewer")
	mustContain(t, "management's follow-up", f.page(t, attest.RoleAdmin, path), "Manage this review", "Link the ticket", "<option>ana</option>")
	resp, body = f.post(t, attest.RoleAdmin, path+"/tickets", url.Values{"ticket": {"IT-42"}})
	wantStatus(t, "a ticket for no account", resp.StatusCode, body, 400, "account")
	resp, body = f.post(t, attest.RoleAdmin, path+"/tickets", url.Values{"account": {"ana"}, "ticket": {"IT-42"}})
	wantStatus(t, "a ticket", resp.StatusCode, body, 303)
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/complete", attest.RoleCompliance, "application/json", strings.NewReader(`{"controls": "AX-01"}`))
	wantStatus(t, "completing too soon", resp.StatusCode, body, 409, "cannot be completed yet", "compliance-manager@example.com has not signed off", "1 revokes are not yet shown done")
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/tickets", attest.RoleCompliance, "application/json", strings.NewReader(`{"account": "cy", "ticket": "IT-43"}`))
	wantStatus(t, "a ticket through the API", resp.StatusCode, body, 200)
	resp, body = f.send(t, "POST", "/api/v1/reviews/"+id+"/signoff", attest.RoleCompliance, "application/json", strings.NewReader(`{"note": "done"}`))
	wantStatus(t, "the compliance manager signing off", resp.StatusCode, body, 200)
	resp, body = f.post(t, attest.RoleAdmin, path+"/complete", url.Values{"controls": {"ax-01"}})
	wantStatus(t, "completing", resp.StatusCode, body, 303)
	mustContain(t, "the completed review", f.page(t, attest.RoleAdmin, path), "The review is completed. Its decisions are evidence", "for AX-01", "completed")
	if body := f.page(t, attest.RoleAdmin, path); strings.Contains(body, "Manage this review") {
		t.Errorf("a completed review offers management's follow-up")
	}

	// The JSON twin and the exports.
	resp, body = f.get(t, attest.RoleOwner, "/api/v1/reviews/"+id)
	wantStatus(t, "the reviewer's JSON", resp.StatusCode, body, 200, `"assigned_to_you": 2`, `"signed_off_by_you": true`)
	if strings.Contains(body, `"cy"`) {
		t.Errorf("the reviewer's JSON holds another's account")
	}
	resp, body = f.get(t, attest.RoleAdmin, path+"/export?format=csv")
	wantStatus(t, "the CSV", resp.StatusCode, body, 200, "campaign,system,seq,account", "gone since January")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("the CSV's type: %q", ct)
	}
	resp, body = f.get(t, attest.RoleAuditor, "/api/v1/reviews/"+id+"/export?format=xlsx")
	wantStatus(t, "the XLSX", resp.StatusCode, body, 200, "PK")
	resp, body = f.get(t, attest.RoleAdmin, path+"/export?format=pdf")
	wantStatus(t, "another format", resp.StatusCode, body, 400, "format")
	resp, body = f.get(t, attest.RoleAdmin, "/program/reviews/x")
	wantStatus(t, "no such review", resp.StatusCode, body, 404)
}

func TestProgramOverviewAndDashboard(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	programData(t, f.fixture)
	resp, body := f.get(t, attest.RoleCompliance, "/api/v1/program")
	wantStatus(t, "the program's JSON", resp.StatusCode, body, 200, `"total": 2`, `"undecided": 3`, `"overdue": true`)
	mustContain(t, "the overview", f.page(t, attest.RoleOwner, "/program"), "Compliance program", "3 of 3 accounts to decide")
	mustContain(t, "the dashboard", f.page(t, attest.RoleAdmin, "/"), `id="program"`, "No policy is due for review", "GitHub")
	if body := f.page(t, attest.RoleAuditor, "/"); strings.Contains(body, `id="program"`) {
		t.Errorf("the auditor's dashboard shows the whole program")
	}
	// The twins are in the OpenAPI document, with their roles.
	resp, body = f.get(t, "", "/api/v1/openapi.json")
	wantStatus(t, "the OpenAPI document", resp.StatusCode, body, 200, `"/api/v1/policies/{policy}/approve"`, `"/api/v1/reviews/{review}/decisions"`, `"/api/v1/program"`)
	if strings.Contains(body, `"/program/policies"`) {
		t.Errorf("the OpenAPI document lists the HTML pages")
	}
}

// TestProgramNav: the program's sub-bar offers each role the pages the
// route table lets it open, and every page it offers answers 200.
func TestProgramNav(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	link := regexp.MustCompile(`<a href="(/program[^"]*)"( aria-current="page")?>`)
	subnav := regexp.MustCompile(`<p class="subnav">(.*?)</p>`)
	all := []string{"/program", "/program/policies", "/program/reviews", "/program/people", "/program/checklists", "/program/acknowledgements", "/program/training"}
	for role, want := range map[string][]string{
		attest.RoleCompliance: all,
		attest.RoleAdmin:      all,
		attest.RoleOwner:      all[:5],
		attest.RoleViewer:     all[:5],
		attest.RoleAuditor:    all[:3],
	} {
		bar := subnav.FindStringSubmatch(f.page(t, role, "/program"))
		if bar == nil {
			t.Fatalf("%s: no sub-bar", role)
		}
		var got []string
		for _, m := range link.FindAllStringSubmatch(bar[1], -1) {
			got = append(got, m[1])
			if (m[2] != "") != (m[1] == "/program") {
				t.Errorf("%s on /program: %s marked current: %t", role, m[1], m[2] != "")
			}
			// On each page of the bar, that page alone is marked.
			page := subnav.FindStringSubmatch(f.page(t, role, m[1]))
			if page == nil {
				t.Fatalf("%s: no sub-bar on %s", role, m[1])
			}
			for _, l := range link.FindAllStringSubmatch(page[1], -1) {
				if (l[2] != "") != (l[1] == m[1]) {
					t.Errorf("%s on %s: %s marked current: %t", role, m[1], l[1], l[2] != "")
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s's sub-bar (-want +got):\n%s", role, diff)
		}
	}
	// Empty lists: the auditor's is empty of what bears on their
	// engagements; management is told how to begin.
	for _, p := range []string{"/program/policies", "/program/reviews"} {
		mustContain(t, "the auditor's empty "+p, f.page(t, attest.RoleAuditor, p), "that bear on the engagements you audit")
		if body := f.page(t, attest.RoleCompliance, p); strings.Contains(body, "engagements you audit") || !strings.Contains(body, "<code>attest ") {
			t.Errorf("management's empty %s:\n%s", p, body)
		}
	}
}
