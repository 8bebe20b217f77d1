package web

import (
	"context"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ack"
	"github.com/attest-dev/attest/ack/acktest"
	"github.com/chromedp/chromedp"
)

// TestBrowserPortal: an employee asks for a sign-in link, opens the link
// the outbox holds, reads the policy asked of them and acknowledges it;
// the status then shows it acknowledged. The same link is refused a
// second time, and a staff page is refused to the employee's session.
func TestBrowserPortal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	acktest.Publish(t, f.store, ch, "acceptable-use", "Acceptable use", "# Acceptable use\n\nCompany laptops are for **work**.\n")
	ps, err := f.store.RecordPeople(ctx, ch, attest.EntryRosterImported, attest.RosterChange{Source: "test"}, []attest.Person{
		{Email: "noa@example.com", Name: "Noa Park", Kind: attest.PersonEmployee, Status: attest.PersonActive, Start: "2026-11-02", InScope: true}})
	if err != nil {
		t.Fatal(err)
	}
	b := newChromium(t, f.srv.URL)

	b.do("portal-signin", chromedp.Navigate(f.srv.URL+"/portal"), chromedp.WaitVisible(chromedp.CSS(`form[action="/portal/link"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "noa@example.com"))
	b.do("link-sent", chromedp.Click(chromedp.CSS(`form[action="/portal/link"] button`)), chromedp.WaitVisible(`//h1[text()="Check your inbox"]`))
	link := f.portalLink(t, "noa@example.com")
	b.do("link-opened", chromedp.Navigate(f.srv.URL+link), chromedp.WaitVisible(chromedp.CSS(`#signin`)))
	b.do("portal", chromedp.Click(chromedp.CSS(`#signin`)), chromedp.WaitVisible(chromedp.CSS(`table#to-read`)))
	if text := b.text(); !strings.Contains(text, "Hello, Noa Park") || !strings.Contains(text, "Acceptable use") {
		t.Fatalf("portal page: %s", text)
	}
	b.do("policy", chromedp.Click(chromedp.CSS(`a[href="/portal/policies/acceptable-use"]`)), chromedp.WaitVisible(chromedp.CSS(`#acknowledge`)))
	if text := b.text(); !strings.Contains(text, "Company laptops are for work.") {
		t.Fatalf("policy page: %s", text)
	}
	b.do("acknowledged", chromedp.Click(chromedp.CSS(`#acknowledge`)), chromedp.WaitVisible(chromedp.CSS(`ul#done`)))
	if text := b.text(); !strings.Contains(text, "your acknowledgement of acceptable-use version 1 is recorded") || !strings.Contains(text, "Nothing to acknowledge") {
		t.Fatalf("after acknowledging: %s", text)
	}
	st, err := ack.Load(ctx, f.store, "2026-11-30", ack.Filter{Person: ps[0].ID})
	if err != nil || st.Total.Acknowledged != 1 || st.People[0].Items[0].State != ack.Acknowledged {
		t.Fatalf("status: %+v, %v", st, err)
	}

	// A staff page, with the employee's session: refused.
	b.do("staff-page", chromedp.Navigate(f.srv.URL+"/controls"), chromedp.WaitVisible(`//h1[text()="Forbidden"]`))
	// The link again, after signing out: refused.
	b.do("signed-out", chromedp.Navigate(f.srv.URL+"/portal"), chromedp.Click(chromedp.CSS(`form[action="/portal/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/portal/link"]`)))
	b.do("link-again", chromedp.Navigate(f.srv.URL+link), chromedp.Click(chromedp.CSS(`#signin`)), chromedp.WaitVisible(chromedp.CSS(`p.error`)))
	if text := b.text(); !strings.Contains(text, "used already") {
		t.Fatalf("second use: %s", text)
	}
}
