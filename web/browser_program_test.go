package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
	"github.com/attest-dev/attest/people"
	"github.com/attest-dev/attest/policy"
	"github.com/chromedp/chromedp"
)

// programLayoutData adds the program's wide cases to programData: a
// policy with two versions (a long paragraph, a table), and an access
// review of long AWS role names with many entitlements, assigned to the
// admin, whose page then carries the decisions form. It returns that
// review's number.
func programLayoutData(t *testing.T, f *fixture) int64 {
	t.Helper()
	ctx := context.Background()
	programData(t, f)
	body := "# Access Control Policy\n\n" + strings.Repeat("Every grant of production access is requested in a ticket and approved by the system owner. ", 12) +
		"\n\n| Role | Approver | Review |\n|---|---|---|\n| production-database-administrator-with-break-glass-access | the CTO and the system owner | quarterly |\n"
	if _, err := policy.Edit(ctx, f.store, ch, nil, "access-control", policy.EditRequest{Body: &body, Note: strings.Repeat("a longer text ", 8)}); err != nil {
		t.Fatal(err)
	}
	var accts []accessreview.Account
	for i := range 6 {
		accts = append(accts, accessreview.Account{Account: fmt.Sprintf("arn:aws:iam::123456789012:role/%s-%d", strings.Repeat("production-deployment-automation-", 3), i),
			Person: fmt.Sprintf("platform-team-%d@example.com", i), Roles: []string{"AdministratorAccess", "PowerUserAccess"}, Privileged: i%3 == 0,
			Entitlements: strings.Split(strings.Repeat("s3:GetObject;s3:PutObject;iam:PassRole;kms:Decrypt;", 4), ";")})
	}
	c, _, err := accessreview.Start(ctx, f.store, ch, nil, accessreview.StartRequest{System: "AWS IAM (production account 123456789012)", Due: "2026-12-31", Accounts: accts,
		Listing: attest.Listing{Source: "collection 7 (aws.iam_user), credential report " + strings.Repeat("0123456789abcdef", 4), ExtractedAt: "2026-11-30", ExtractedBy: "attest collect"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accessreview.Assign(ctx, f.store, ch, nil, c.ID, accessreview.AssignRequest{Reviewer: "admin@example.com"}); err != nil {
		t.Fatal(err)
	}
	peopleLayoutData(t, f)
	return c.ID
}

// peopleLayoutData puts on the roster people with long addresses,
// departments and titles, hired and gone within the last year, so that
// their checklists are open, overdue or late; IT's items are the
// admin's.
func peopleLayoutData(t *testing.T, f *fixture) {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,name,start,end,manager,department,title,in_scope\n")
	for i := range 8 {
		end := ""
		if i%2 == 1 {
			end = "2026-10-15"
		}
		fmt.Fprintf(&b, "someone.with.a.rather.long.address.%d@subsidiary-of-the-example-organization.com,Maximiliana Alexandra Featherstonehaugh-Montgomery %d,2026-09-01,%s,admin@example.com,Platform Reliability and Production Infrastructure Engineering,Principal Site Reliability Engineer for Customer-Facing Systems,true\n", i, i, end)
	}
	if _, err := people.Import(context.Background(), f.store, ch, nil, people.ImportRequest{Name: "roster.csv", Data: []byte(b.String()), Options: people.Options{Since: "2025-01-01", Owners: map[string]string{"it": "admin@example.com"}}}); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserProgram opens the program's pages at 1,280 and 390 pixels
// wide in Chromium: nothing is wider than the window, and at 1,280 no
// table is wider than its box (the same measure as TestBrowserLayout).
// Then the admin, reviewer of the AWS accounts, decides two of them with
// the page's form, one batch, and signs nothing off yet.
func TestBrowserProgram(t *testing.T) {
	f := setup(t)
	id := programLayoutData(t, f)
	review := itoa(id)
	b := newChromium(t, f.srv.URL)
	b.signIn("admin@example.com")
	pages := []string{"/", "/program", "/program/policies", "/program/policies/access-control", "/program/policies/access-control/diff",
		"/program/policies/access-control/edit", "/program/reviews", "/program/reviews/" + review,
		"/program/people", "/program/people/1", "/program/people/2", "/program/people/import", "/program/checklists", "/program/checklists?by=control", "/program/acknowledgements", "/program/training"}
	for _, width := range []int64{1280, 390} {
		b.do(fmt.Sprint("viewport-", width), chromedp.EmulateViewport(width, 900))
		for _, p := range pages {
			b.do(fmt.Sprintf("%d%s", width, strings.ReplaceAll(p, "/", "-")), chromedp.Navigate(f.srv.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
			o, err := chromedp.Run(b.ctx, chromedp.Evaluate[overflow](measure))
			if err != nil {
				t.Fatal(err)
			}
			if o.Doc > o.Window {
				t.Errorf("%s at %d px: the page is %v px wide, wider than the window (%v px)", p, width, o.Doc, o.Window)
			}
			if width >= 1280 && len(o.Tables) > 0 {
				t.Errorf("%s at %d px: tables wider than their box: %s", p, width, strings.Join(o.Tables, "; "))
			}
			if len(o.Boxes) > 0 {
				t.Errorf("%s at %d px: table boxes past the window: %s", p, width, strings.Join(o.Boxes, "; "))
			}
		}
	}

	// The admin, as management, marks Maximiliana's first item done with
	// the page's form (multipart, the file left empty: no engagement
	// here holds HR-01, so a file would have nowhere to go).
	b.do("done", chromedp.EmulateViewport(390, 900), chromedp.Navigate(f.srv.URL+"/program/people/2"), chromedp.WaitVisible(chromedp.CSS(`form.done`)),
		chromedp.SendKeys(chromedp.CSS(`form.done input[name="note"]`), "cleared by the agency"),
		chromedp.Click(chromedp.CSS(`form.done button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	if s := b.text(); !strings.Contains(s, "Background check cleared before the first day: done on") || !strings.Contains(s, "cleared by the agency") {
		t.Errorf("after marking an item done in the browser, the page reads:\n%s", s)
	}

	// The reviewer's form: keep the first account, revoke the second with
	// its reason, leave the rest; one batch.
	b.do("decide", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(f.srv.URL+"/program/reviews/"+review), chromedp.WaitVisible(chromedp.CSS(`select[name="decision"]`)),
		chromedp.Evaluate[chromedp.Void](`(() => {
  const ds = document.querySelectorAll('select[name="decision"]'), rs = document.querySelectorAll('input[name="reason"]');
  ds[0].value = "keep"; ds[1].value = "revoke"; rs[1].value = "the deployment role moved to the new account";
})()`),
		chromedp.Click(chromedp.CSS(`form[action$="/decisions"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	if s := b.text(); !strings.Contains(s, "2 decisions recorded.") || !strings.Contains(s, "4 of 6 still to decide") {
		t.Errorf("after deciding in the browser, the page reads:\n%s", s)
	}
	items, err := f.store.ReviewItems(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		if it.Decision != "" {
			got = append(got, it.Decision+": "+it.Reason)
		}
	}
	if want := []string{"keep: ", "revoke: the deployment role moved to the new account"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("decided %q, want %q", got, want)
	}
}
