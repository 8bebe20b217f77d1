package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/storetest"
	"github.com/google/go-cmp/cmp"
)

// rosterCSV is two people: Ana, an engineer who started a month ago
// whose manager is the control owner's account, and Cy, who left on
// 20 May; people-ops items are the compliance manager's, IT's the
// viewer's.
const rosterCSV = `email,name,status,start,end,manager,department,in_scope
ana@example.org,Ana Lima,active,2026-05-01,,control-owner@example.com,Engineering,true
cy@example.org,Cy Diaz,terminated,2025-01-10,2026-05-20,admin@example.com,Sales,true
`

const rosterOwners = "people-ops=compliance-manager@example.com, it=viewer@example.com"

// formFiles builds a multipart form: fields, then files by name.
func formFiles(fields [][2]string, files map[string]string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, kv := range fields {
		mw.WriteField(kv[0], kv[1])
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

// importRoster shows the roster's diff and confirms it, as the
// compliance manager on the page.
func importRoster(t *testing.T, f *pagesFixture) {
	t.Helper()
	ct, body := formFiles([][2]string{{"owner", rosterOwners}}, map[string]string{"roster.csv": rosterCSV})
	resp, page := f.send(t, "POST", "/program/people/import", attest.RoleCompliance, ct, body)
	wantStatus(t, "the first upload", resp.StatusCode, page, 200, "2 people to add", "Record these changes", "Ana Lima")
	if ps, _ := f.store.People(context.Background()); len(ps) != 0 {
		t.Fatalf("the upload recorded %d people before the confirmation", len(ps))
	}
	sum := sha256.Sum256([]byte(rosterCSV))
	resp, page = f.post(t, attest.RoleCompliance, "/program/people/import", url.Values{"name": {"roster.csv"}, "contents": {rosterCSV}, "confirm": {hex.EncodeToString(sum[:])}, "owner": {rosterOwners}})
	wantStatus(t, "the confirmation", resp.StatusCode, page, 303)
	if ps, _ := f.store.People(context.Background()); len(ps) != 2 {
		t.Fatalf("after the confirmation: %d people", len(ps))
	}
}

func TestProgramPeopleImport(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	// Only management imports: the route refuses the others.
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer, attest.RoleAuditor} {
		ct, body := formFiles(nil, map[string]string{"roster.csv": rosterCSV})
		resp, page := f.send(t, "POST", "/api/v1/people/import", role, ct, body)
		wantStatus(t, "an import by "+role, resp.StatusCode, page, 403)
	}
	// Bad rows: 400 with the line and the field, and nothing recorded.
	ct, body := formFiles(nil, map[string]string{"roster.csv": "email,start\nana@example.org,2026-13-01\n"})
	resp, page := f.send(t, "POST", "/program/people/import", attest.RoleAdmin, ct, body)
	wantStatus(t, "a bad date on the page", resp.StatusCode, page, 400, "Nothing was recorded", "line 2", "start")
	ct, body = formFiles(nil, map[string]string{"roster.csv": "email,name\nana@example.org,Ana\nANA@example.org,Ana again\n"})
	resp, page = f.send(t, "POST", "/api/v1/people/import", attest.RoleAdmin, ct, body)
	wantStatus(t, "an address twice", resp.StatusCode, page, 400, "line 3", "email")
	resp, page = f.send(t, "POST", "/api/v1/people/import", attest.RoleAdmin, ct, strings.NewReader(""))
	wantStatus(t, "no file", resp.StatusCode, page, 400)
	resp, page = f.post(t, attest.RoleAdmin, "/api/v1/people/import", url.Values{"contents": {rosterCSV}, "confirm": {strings.Repeat("0", 64)}})
	wantStatus(t, "a confirmation of another file", resp.StatusCode, page, 400, "confirm: ")
	ct, body = formFiles([][2]string{{"owner", "boss=x@example.com"}}, map[string]string{"roster.csv": rosterCSV})
	resp, page = f.send(t, "POST", "/api/v1/people/import", attest.RoleAdmin, ct, body)
	wantStatus(t, "an unknown group", resp.StatusCode, page, 400, "owner: ")

	importRoster(t, f)

	// A re-import through the API: the diff, recorded only once confirmed.
	changed := strings.Replace(rosterCSV, "Engineering", "Platform", 1)
	ct, body = formFiles(nil, map[string]string{"roster.csv": changed})
	resp, page = f.send(t, "POST", "/api/v1/people/import", attest.RoleAdmin, ct, body)
	var got people.Imported
	if err := json.Unmarshal([]byte(page), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("re-import: %d %s", resp.StatusCode, page)
	}
	if got.Recorded || !got.NeedsConfirm || len(got.Diff.Changed) != 1 || got.Diff.Changed[0].Fields[0].To != "Platform" {
		t.Errorf("re-import answered %+v", got)
	}
	ct, body = formFiles([][2]string{{"confirm", got.File}}, map[string]string{"roster.csv": changed})
	resp, page = f.send(t, "POST", "/api/v1/people/import", attest.RoleAdmin, ct, body)
	wantStatus(t, "the confirmed re-import", resp.StatusCode, page, 200, `"recorded": true`)
}

func TestProgramPeople(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	// An engagement holding AC-04, so offboarding evidence has a home.
	ctl := storetest.Controls(1)
	ctl[0].ID = "AC-04"
	if err := f.store.CreateEngagement(ctx, ch, storetest.Engagement("e2"), ctl); err != nil {
		t.Fatal(err)
	}
	importRoster(t, f)
	ana, _ := f.store.PersonByEmail(ctx, "ana@example.org")
	cy, _ := f.store.PersonByEmail(ctx, "cy@example.org")
	anaPath, cyPath := fmt.Sprintf("/program/people/%d", ana.ID), fmt.Sprintf("/program/people/%d", cy.ID)

	// Management reads the roster, filtered; the auditor never, by the
	// route or the workflow.
	mustContain(t, "the roster", f.page(t, attest.RoleCompliance, "/program/people"), "Ana Lima", "Cy Diaz", "overdue")
	if body := f.page(t, attest.RoleAdmin, "/program/people?department=sales"); strings.Contains(body, "Ana Lima") || !strings.Contains(body, "Cy Diaz") {
		t.Errorf("the roster filtered by department shows:\n%s", body)
	}
	resp, body := f.get(t, attest.RoleAdmin, "/api/v1/people?status=gone")
	wantStatus(t, "a bad status", resp.StatusCode, body, 400, "status: ")
	for _, p := range []string{"/program/people", "/api/v1/people", "/api/v1/people/" + itoa(cy.ID), "/program/checklists", "/api/v1/checklists", "/program/people/import"} {
		resp, body := f.get(t, attest.RoleAuditor, p)
		wantStatus(t, "the auditor on "+p, resp.StatusCode, body, 403)
	}

	// The control owner manages Ana: they see her and her items, not Cy.
	body = f.page(t, attest.RoleOwner, "/program/people")
	mustContain(t, "the manager's roster", body, "Your reports", "Ana Lima")
	if strings.Contains(body, "Cy Diaz") {
		t.Errorf("the manager sees someone who is not their report")
	}
	mustContain(t, "the manager on their report", f.page(t, attest.RoleOwner, anaPath), "Background check cleared", "Access requested by the manager")
	resp, body = f.get(t, attest.RoleOwner, cyPath)
	wantStatus(t, "the manager on someone else", resp.StatusCode, body, 403)
	resp, body = f.get(t, attest.RoleOwner, "/api/v1/people/nobody@example.org")
	wantStatus(t, "the manager on no one", resp.StatusCode, body, 403)

	// IT (the viewer) sees only Cy's offboarding items given to them.
	var pr people.Profile
	resp, body = f.get(t, attest.RoleViewer, "/api/v1/people/"+itoa(cy.ID))
	if err := json.Unmarshal([]byte(body), &pr); err != nil || resp.StatusCode != 200 {
		t.Fatalf("IT on Cy: %d %s", resp.StatusCode, body)
	}
	var sso people.ItemStatus
	for _, it := range pr.Items {
		if it.Owner != "it" {
			t.Errorf("IT sees %s's item %s", it.Owner, it.Key)
		}
		if it.Key == "sso-disabled" {
			sso = it
		}
	}
	if sso.Status != people.Overdue || pr.Person.EmployeeID != "" {
		t.Fatalf("Cy's SSO item for IT: %+v (person %+v)", sso, pr.Person)
	}

	// The overview and the dashboard count the items late.
	var st struct {
		Checklists struct {
			Shown       bool
			Offboarding struct{ Overdue int }
		}
	}
	_, body = f.get(t, attest.RoleAdmin, "/api/v1/program")
	json.Unmarshal([]byte(body), &st)
	if !st.Checklists.Shown || st.Checklists.Offboarding.Overdue != 5 {
		t.Errorf("the program's checklists: %+v", st.Checklists)
	}
	mustContain(t, "the overview", f.page(t, attest.RoleCompliance, "/program"), "Offboarding: 5 items overdue")
	mustContain(t, "the admin's dashboard", f.page(t, attest.RoleAdmin, "/"), "Offboarding: 5 items overdue")
	mustContain(t, "IT's dashboard", f.page(t, attest.RoleViewer, "/"), "Offboarding: 3 items overdue")
	if body := f.page(t, attest.RoleAuditor, "/program"); strings.Contains(body, "Onboarding and offboarding") {
		t.Errorf("the auditor's overview speaks of the checklists")
	}

	// Marking done: the control owner is not the assignee (the workflow
	// refuses); IT marks it with a file, which becomes AC-04's evidence.
	item := "/program/checklists/items/" + itoa(sso.ID)
	resp, body = f.post(t, attest.RoleOwner, "/api/v1/checklists/items/"+itoa(sso.ID)+"/done", url.Values{"on": {"2026-05-21"}})
	wantStatus(t, "someone else marking it", resp.StatusCode, body, 403, "not assigned to you")
	resp, body = f.post(t, attest.RoleViewer, item+"/done", url.Values{"on": {"21 May"}})
	wantStatus(t, "a bad day", resp.StatusCode, body, 400, "on: ")
	ct, mp := formFiles([][2]string{{"on", "2026-05-22"}, {"note", "ticket IT-9"}}, map[string]string{"okta-deactivation.txt": "deactivated 2026-05-22"})
	resp, body = f.send(t, "POST", item+"/done", attest.RoleViewer, ct, mp)
	wantStatus(t, "IT marking it done", resp.StatusCode, body, 303)
	mustContain(t, "Cy's page after", f.page(t, attest.RoleViewer, cyPath), "done on 2026-05-22", "evidence", "done late (1 days)")
	if evs, _ := f.store.EvidenceList(ctx, "AC-04", false); len(evs) != 1 || evs[0].PerformedOn != "2026-05-22" {
		t.Errorf("AC-04's evidence: %+v", evs)
	}
	resp, body = f.post(t, attest.RoleViewer, "/api/v1/checklists/items/"+itoa(sso.ID)+"/done", nil)
	wantStatus(t, "twice", resp.StatusCode, body, 409)

	// Assigning is management's: the route refuses the owner; a bad
	// address names the field.
	var other int64
	for _, it := range pr.Items {
		if it.Key == "equipment-returned" {
			other = it.ID
		}
	}
	assign := "/api/v1/checklists/items/" + itoa(other) + "/assign"
	resp, body = f.post(t, attest.RoleOwner, assign, url.Values{"to": {"control-owner@example.com"}})
	wantStatus(t, "the owner assigning", resp.StatusCode, body, 403)
	resp, body = f.post(t, attest.RoleAdmin, assign, url.Values{"to": {"nobody@example.com"}})
	wantStatus(t, "assigning to no account", resp.StatusCode, body, 400, "to: ")
	resp, body = f.post(t, attest.RoleAdmin, assign, nil)
	wantStatus(t, "assigning to no one", resp.StatusCode, body, 400, "to: ")
	resp, body = f.post(t, attest.RoleCompliance, "/program/checklists/items/"+itoa(other)+"/assign", url.Values{"to": {"control-owner@example.com"}})
	wantStatus(t, "the compliance manager assigning", resp.StatusCode, body, 303)
	mustContain(t, "the owner's items", f.page(t, attest.RoleOwner, "/program/checklists"), "Laptop, security keys", "that are yours to do")
	if body := f.page(t, attest.RoleCompliance, "/program/checklists"); strings.Contains(body, "that are yours to do") {
		t.Error("the compliance manager, who sees every item, is told they are theirs to do")
	}

	// The items late across the roster, by person and by control.
	mustContain(t, "by person", f.page(t, attest.RoleAdmin, "/program/checklists"), "cy@example.org", "Identity provider account disabled")
	mustContain(t, "by control", f.page(t, attest.RoleAdmin, "/program/checklists?by=control"), "AC-04", "HR-02")
	resp, body = f.get(t, attest.RoleAdmin, "/api/v1/checklists?by=control")
	var grouped struct {
		Items  []people.ItemStatus `json:"items"`
		Groups []people.Group      `json:"groups"`
	}
	if err := json.Unmarshal([]byte(body), &grouped); resp.StatusCode != 200 || err != nil || len(grouped.Items) == 0 || len(grouped.Groups) == 0 || !slices.ContainsFunc(grouped.Groups, func(g people.Group) bool { return g.Key == "AC-04" }) {
		t.Errorf("the JSON twin grouped by control: %d %v: %s", resp.StatusCode, err, body)
	}
	resp, body = f.get(t, attest.RoleAdmin, "/api/v1/checklists?by=team")
	wantStatus(t, "a bad grouping", resp.StatusCode, body, 400, "by: ")
}

func TestProgramPeopleOpenAPI(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	resp, body := f.get(t, "", "/api/v1/openapi.json")
	wantStatus(t, "the OpenAPI document", resp.StatusCode, body, 200, `"/api/v1/people"`, `"/api/v1/people/{person}"`, `"/api/v1/people/import"`,
		`"/api/v1/checklists"`, `"/api/v1/checklists/items/{item}/done"`, `"/api/v1/checklists/items/{item}/assign"`)
	if strings.Contains(body, `"/program/people"`) {
		t.Errorf("the OpenAPI document lists the HTML pages")
	}
}

// TestProgramAcknowledgementsAndTraining: management reads where
// acknowledgements and training stand, outstanding and overdue first;
// the rest of the staff and the auditor are refused.
func TestProgramAcknowledgementsAndTraining(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	importRoster(t, f)
	acktest.Publish(t, f.store, ch, "access-control", "Access control", "# Access control\n\nLock your screen.\n")
	mustContain(t, "the acknowledgements", f.page(t, attest.RoleCompliance, "/program/acknowledgements"), "Access control", "ana@example.org", "Not yet")
	resp, body := f.get(t, attest.RoleAdmin, "/api/v1/acknowledgements?policy=access-control")
	wantStatus(t, "the acknowledgements' JSON", resp.StatusCode, body, 200, `"state": "outstanding"`)
	mustContain(t, "the training", f.page(t, attest.RoleAdmin, "/program/training"), "Ana Lima", "overdue")
	resp, body = f.get(t, attest.RoleCompliance, "/api/v1/training?person=ana@example.org")
	wantStatus(t, "one person's training", resp.StatusCode, body, 200, `"overdue": 1`)
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer, attest.RoleAuditor} {
		for _, p := range []string{"/program/acknowledgements", "/api/v1/acknowledgements", "/program/training", "/api/v1/training"} {
			resp, body := f.get(t, role, p)
			wantStatus(t, role+" on "+p, resp.StatusCode, body, 403)
		}
	}
	if body := f.page(t, attest.RoleOwner, "/program"); strings.Contains(body, "/program/acknowledgements") {
		t.Errorf("the control owner is offered the acknowledgements page")
	}
}

// TestLongTablesPaged: the roster and the late checklist items show
// rowsShown rows a page, with links to the pages around; every row is on
// exactly one page; the JSON twins answer every row.
func TestLongTablesPaged(t *testing.T) {
	f := setupAt(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	const n = 450
	var csv strings.Builder
	csv.WriteString("email,name,status,start,in_scope\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d@example.org,Person %03d,active,2026-04-01,true\n", i, i)
	}
	if _, err := people.Import(ctx, f.store, ch, nil, people.ImportRequest{Name: "roster.csv", Data: []byte(csv.String())}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for page, want := range map[int]string{1: "1–200 of 450", 2: "201–400 of 450", 3: "401–450 of 450", 9: "401–450 of 450"} {
		body := f.page(t, attest.RoleCompliance, fmt.Sprintf("/program/people?page=%d&status=active", page))
		mustContain(t, fmt.Sprintf("roster page %d", page), body, want)
		if page < 3 && !strings.Contains(body, `rel="next"`) || page >= 3 && strings.Contains(body, `rel="next"`) {
			t.Errorf("page %d: a next link where there is %s", page, map[bool]string{true: "none", false: "one"}[page >= 3])
		}
		if page > 1 && !strings.Contains(body, "status=active") {
			t.Errorf("page %d: the links lose the filter", page)
		}
		if page == 9 {
			continue
		}
		for i := range n {
			if strings.Contains(body, fmt.Sprintf(">Person %03d<", i)) {
				seen[fmt.Sprint(i)]++
			}
		}
	}
	if len(seen) != n {
		t.Errorf("the pages show %d of %d people", len(seen), n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("person %s on %d pages", k, c)
		}
	}
	var v people.RosterView
	if _, body := f.get(t, attest.RoleCompliance, "/api/v1/people"); json.Unmarshal([]byte(body), &v) != nil || len(v.People) != n {
		t.Errorf("the JSON roster: %d people", len(v.People))
	}

	// Training and acknowledgements list every in-scope person, a page at
	// a time.
	mustContain(t, "acknowledgements, no policy asked", f.page(t, attest.RoleCompliance, "/program/acknowledgements"), "No one on the roster is asked")
	acktest.Publish(t, f.store, ch, "access-control", "Access control", "# Access control\n\nLock your screen.\n")
	for _, path := range []string{"/program/training", "/program/acknowledgements"} {
		shown := map[string]int{}
		for page := 1; page <= 3; page++ {
			body := f.page(t, attest.RoleCompliance, fmt.Sprintf("%s?page=%d", path, page))
			for _, m := range regexp.MustCompile(`>Person (\d+)<`).FindAllStringSubmatch(body, -1) {
				shown[m[1]]++
			}
			mustContain(t, fmt.Sprintf("%s page %d", path, page), body, fmt.Sprintf("%d–%d of 450", (page-1)*200+1, min(page*200, 450)))
		}
		if len(shown) != n {
			t.Errorf("%s: the pages show %d people of %d", path, len(shown), n)
		}
		for k, c := range shown {
			if c != 1 {
				t.Errorf("%s: person %s on %d rows", path, k, c)
			}
		}
	}

	// Every hire's onboarding is overdue: more rows than a page.
	var all struct {
		Items []people.ItemStatus `json:"items"`
	}
	if _, body := f.get(t, attest.RoleCompliance, "/api/v1/checklists"); json.Unmarshal([]byte(body), &all) != nil || len(all.Items) <= 2*rowsShown {
		t.Fatalf("the JSON checklist items: %d", len(all.Items))
	}
	// By person every item is on one row of one page; by control, on one
	// row per control it serves.
	itemRow := regexp.MustCompile(`#(\d+), for `)
	for _, by := range []string{"person", "control"} {
		want := map[string]int{}
		for _, it := range all.Items {
			want[itoa(it.ID)] = 1
			if by == "control" {
				want[itoa(it.ID)] = len(it.Controls)
			}
		}
		got := map[string]int{}
		for page := 1; ; page++ {
			body := f.page(t, attest.RoleCompliance, fmt.Sprintf("/program/checklists?by=%s&page=%d", by, page))
			for _, m := range itemRow.FindAllStringSubmatch(body, -1) {
				got[m[1]]++
			}
			if !strings.Contains(body, `rel="next"`) {
				break
			}
			if page > 50 {
				t.Fatal("no last page")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("by %s, the rows of each item over the pages (-want +got):\n%s", by, diff)
		}
	}
}
