package trust

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/mail"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/storetest"
	"github.com/pdfcpu/pdfcpu/pkg/api"
)

var (
	t0    = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	site  = Site{Org: "demo", URL: "https://attest.example"}
	admin = &attest.User{ID: 1, Email: "admin@example.com", Name: "Ada Admin", Role: attest.RoleAdmin}
	staff = &attest.User{ID: 2, Email: "cm@example.com", Name: "Cora", Role: attest.RoleCompliance}
	byAda = attest.Change{Actor: "Ada Admin <admin@example.com>", At: t0}
)

// center is a trust center over a real SQLite store and blob folder.
type center struct {
	store attest.Store
	blobs blob.Store
	pdf   []byte
}

func newCenter(t *testing.T) *center {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Create(ctx, filepath.Join(t.TempDir(), "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateEngagement(ctx, byAda, storetest.Engagement("e1"), nil); err != nil {
		t.Fatal(err)
	}
	bs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile("../internal/demo/files/example-issued-report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	return &center{store: st, blobs: bs, pdf: pdf}
}

// issue shares the example PDF as an issued report of kind.
func (c *center) issue(t *testing.T, kind string) *Shared {
	t.Helper()
	ref, n, err := c.blobs.Put(bytes.NewReader(c.pdf))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.store.AddDocument(context.Background(), byAda, attest.Document{EngagementID: "e1", Kind: attest.DocIssued, Name: "report.pdf",
		Ref: string(ref), Size: n, MediaType: "application/pdf",
		Meta: map[string]string{"kind": kind, "type": "Type 2", "period": "2026-01-01..2026-06-30", "firm": "Example CPA LLP", "distribution_confirmed": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := Find(context.Background(), c.store, itoa(d.ID))
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// publishNDA publishes a first NDA.
func (c *center) publishNDA(t *testing.T) {
	t.Helper()
	if _, err := PublishNDA(context.Background(), c.store, byAda, admin, "Keep it confidential."); err != nil {
		t.Fatal(err)
	}
}

var tokenRE = regexp.MustCompile(`/(confirm|access)/([0-9a-f]{64})`)

// token is the token a message carries.
func token(t *testing.T, m *mail.Message) string {
	t.Helper()
	if m == nil {
		t.Fatal("no message")
	}
	l := tokenRE.FindStringSubmatch(m.Body)
	if l == nil {
		t.Fatalf("no link in %q", m.Body)
	}
	return l[2]
}

var visit = Visit{At: t0, IP: "192.0.2.7", UserAgent: "attest-test/1.0"}

// request is a visitor's request for d.
func (c *center) request(t *testing.T, d *Shared, email, requester string) *Requested {
	t.Helper()
	r, err := RequestAccess(context.Background(), c.store, site, visit, d, AccessForm{Name: "Ana Example", Email: email, Company: "Customer Inc", Requester: requester})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// confirmed runs a visitor's request up to the decision, accepting the NDA
// where it is required.
func (c *center) confirmed(t *testing.T, d *Shared, email, requester string) *Confirmed {
	t.Helper()
	ctx := context.Background()
	r := c.request(t, d, email, requester)
	conf, err := OpenConfirmation(ctx, c.store, token(t, &r.Mail))
	if err != nil {
		t.Fatal(err)
	}
	var a Acceptance
	if conf.NDA != nil {
		a = Acceptance{Accept: true, Signature: "Ana Example", NDAVersion: itoa(conf.NDA.Version)}
	}
	out, err := Confirm(ctx, c.store, site, visit, conf, a)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRequestConfirmAndNDAAcceptance(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	r := c.request(t, c.issue(t, "SOC 2"), "Ana@Customer.Example", attest.RequesterCustomer)
	if r.Mail.To != "ana@customer.example" || !strings.Contains(r.Mail.Body, "https://attest.example/trust/demo/confirm/") || r.Request.EmailHash == "" {
		t.Fatalf("requested %+v", r)
	}
	conf, err := OpenConfirmation(ctx, c.store, token(t, &r.Mail))
	if err != nil {
		t.Fatal(err)
	}
	// No NDA published: the SOC 2 (under NDA by default) cannot be confirmed.
	if _, err := Confirm(ctx, c.store, site, visit, conf, Acceptance{Accept: true, Signature: "Ana"}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Fatalf("without an NDA: %v", err)
	}
	nda, err := PublishNDA(ctx, c.store, byAda, admin, "Keep it confidential.\r\nUse it only to assess us.")
	if err != nil || nda.Text != "Keep it confidential.\nUse it only to assess us." {
		t.Fatalf("NDA %+v %v", nda, err)
	}
	conf, _ = OpenConfirmation(ctx, c.store, token(t, &r.Mail))
	for _, a := range []Acceptance{{Signature: "Ana", NDAVersion: "1"}, {Accept: true, NDAVersion: "1"}, {Accept: true, Signature: "Ana", NDAVersion: "0"}} {
		if _, err := Confirm(ctx, c.store, site, visit, conf, a); err == nil {
			t.Errorf("accepted %+v", a)
		}
	}
	out, err := Confirm(ctx, c.store, site, visit, conf, Acceptance{Accept: true, Signature: " Ana Example ", NDAVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	q := out.Request
	if q.Status != attest.AccessPending || q.NDAVersion != 1 || q.NDASHA256 != nda.SHA256 || q.NDAName != "Ana Example" || q.NDAIP != "192.0.2.7" ||
		q.NDAUserAgent != "attest-test/1.0" || q.NDAAcceptedAt != "2026-11-30T10:00:00Z" || out.Mail != nil {
		t.Errorf("confirmed %+v", q)
	}
	// The acceptance is its own ledger entry, by the visitor.
	if typ, actor := lastEntry(t, c.store); typ != attest.EntryNDAAccepted || actor != "visitor:ana@customer.example" {
		t.Errorf("ledger: %s by %s", typ, actor)
	}
	// Opening the link again changes nothing.
	conf, _ = OpenConfirmation(ctx, c.store, token(t, &r.Mail))
	if again, err := Confirm(ctx, c.store, site, visit, conf, Acceptance{}); err != nil || !conf.Done() || again.Request.NDAAcceptedAt != q.NDAAcceptedAt {
		t.Errorf("again: %+v %v", again, err)
	}
	if _, err := OpenConfirmation(ctx, c.store, strings.Repeat("0", 64)); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("made-up token: %v", err)
	}
}

// lastEntry is the newest ledger entry's type and actor.
func lastEntry(t *testing.T, s attest.Store) (typ, actor string) {
	t.Helper()
	n, err := s.LedgerSize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rec []byte
	if err := s.ScanLedger(context.Background(), n-1, n, func(_ int64, r []byte) error { rec = r; return nil }); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"actor":"([^"]*)".*"type":"([^"]*)"`).FindSubmatch(rec)
	if m == nil {
		t.Fatalf("entry %s", rec)
	}
	return string(m[2]), string(m[1])
}

func TestBadFormRecordsNothing(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	soc2 := c.issue(t, "SOC 2")
	_, err := RequestAccess(ctx, c.store, site, visit, soc2, AccessForm{Name: "Ana", Email: "not an address", Company: "C", Requester: attest.RequesterCustomer})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), "Work e-mail:") {
		t.Errorf("bad address: %v", err)
	}
	if l, _ := c.store.AccessRequests(ctx); len(l) != 0 {
		t.Errorf("recorded %d requests", len(l))
	}
}

func TestDecisionsFollowTheAudienceRule(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	c.publishNDA(t)
	soc1 := c.issue(t, "SOC 1")
	id := c.confirmed(t, soc1, "pat@prospect.example", attest.RequesterProspect).Request.ID

	if _, err := Decide(ctx, c.store, site, byAda, staff, id, Decision{Action: Approve}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a compliance manager decided: %v", err)
	}
	_, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Approve})
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), "not among its intended users") {
		t.Fatalf("SOC 1 to a prospect without override: %v", err)
	}
	out, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Approve, Override: true, Note: " board decision "})
	if err != nil {
		t.Fatal(err)
	}
	q := out.Request
	if q.Status != attest.AccessApproved || !q.Override || q.Note != "board decision" || q.DecidedBy != byAda.Actor ||
		q.ExpiresAt != "2026-12-14T10:00:00Z" || out.Mail == nil || !strings.Contains(out.Mail.Body, "valid until 2026-12-14T10:00:00Z") {
		t.Errorf("approved %+v, mail %+v", q, out.Mail)
	}
	if _, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Refuse}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("refusing an approved request: %v", err)
	}
	first := token(t, out.Mail)
	if _, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Revoke}); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAccess(ctx, c.store, first, t0); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("revoked link: %v", err)
	}
	if _, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Revoke}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("revoking twice: %v", err)
	}
	again, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Approve, Override: true})
	if err != nil || token(t, again.Mail) == first {
		t.Fatalf("re-approval: %v", err)
	}
	if _, err := OpenAccess(ctx, c.store, first, t0); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("the old link after re-approval: %v", err)
	}
	if _, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: "delete"}); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
}

func TestUnconfirmedRequestWaits(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	r := c.request(t, c.issue(t, "SOC 2"), "ana@customer.example", attest.RequesterCustomer)
	if _, err := Decide(ctx, c.store, site, byAda, admin, r.Request.ID, Decision{Action: Approve}); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("approving before confirmation: %v", err)
	}
	if _, err := Decide(ctx, c.store, site, byAda, admin, 99, Decision{Action: Approve}); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("no such request: %v", err)
	}
}

func TestAutoApprovalOnlyWithinTheAudience(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	if _, err := SaveSettings(ctx, c.store, byAda, admin, SettingsChange{AutoDomains: "Partner.Example, customer.example", LinkDays: 7}); err != nil {
		t.Fatal(err)
	}
	soc1, soc2 := c.issue(t, "SOC 1"), c.issue(t, "SOC 2")
	// No kind is under NDA now: no acceptance needed.
	got := c.confirmed(t, soc2, "lee@partner.example", attest.RequesterPartner)
	if got.Request.Status != attest.AccessApproved || got.Request.DecidedBy != "auto" || got.Mail == nil || got.Request.ExpiresAt != "2026-12-07T10:00:00Z" {
		t.Errorf("allowed domain, allowed requester: %+v", got.Request)
	}
	// A prospect is not among a SOC 1's users: an admin decides.
	if got := c.confirmed(t, soc1, "pat@customer.example", attest.RequesterProspect); got.Request.Status != attest.AccessPending || got.Mail != nil {
		t.Errorf("allowed domain, prospect for a SOC 1: %+v", got.Request)
	}
	if got := c.confirmed(t, soc2, "sam@elsewhere.example", attest.RequesterCustomer); got.Request.Status != attest.AccessPending {
		t.Errorf("other domain: %+v", got.Request)
	}
}

func TestSettings(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	if got := ReadSettings(ctx, c.store); got.LinkDays != 14 || got.NDAKinds != DefaultNDAKinds || len(got.AutoDomains) != 0 {
		t.Errorf("defaults %+v", got)
	}
	for _, tc := range []struct {
		in   SettingsChange
		want string
	}{
		{SettingsChange{AutoDomains: "bad domain!", LinkDays: 7}, "auto_domains:"},
		{SettingsChange{AutoDomains: "customer", LinkDays: 7}, "auto_domains:"},
		{SettingsChange{LinkDays: 0}, "link_days:"},
		{SettingsChange{LinkDays: 366}, "link_days:"},
	} {
		if _, err := SaveSettings(ctx, c.store, byAda, admin, tc.in); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), tc.want) {
			t.Errorf("%+v: %v", tc.in, err)
		}
	}
	if _, err := SaveSettings(ctx, c.store, byAda, staff, SettingsChange{LinkDays: 7}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a compliance manager changed the settings: %v", err)
	}
	if got := ReadSettings(ctx, c.store); got.LinkDays != 14 {
		t.Errorf("a refused change was saved: %+v", got)
	}
	saved, err := SaveSettings(ctx, c.store, byAda, nil, SettingsChange{AutoDomains: " A.example,,b.example ", LinkDays: 30, NDA: []attest.Kind{attest.SOC2, attest.SOC3}})
	if err != nil || saved.NDAKinds != "SOC 2" {
		t.Fatalf("saved %+v %v", saved, err)
	}
	got := ReadSettings(ctx, c.store)
	if got.LinkDays != 30 || strings.Join(got.AutoDomains, " ") != "a.example b.example" || !got.UnderNDA(attest.SOC2) || got.UnderNDA(attest.SOC1) {
		t.Errorf("read back %+v", got)
	}
	if c.store.SetSetting(ctx, SettingLinkDays, "400"); ReadSettings(ctx, c.store).LinkDays != 14 {
		t.Error("an out-of-range setting is not the default")
	}
}

func TestDownloads(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	if _, err := SaveSettings(ctx, c.store, byAda, admin, SettingsChange{LinkDays: 14}); err != nil {
		t.Fatal(err)
	}
	soc2, soc3 := c.issue(t, "SOC 2"), c.issue(t, "SOC 3")
	// The SOC 3 goes out as the CPA firm issued it; the SOC 2 does not.
	pub, err := PublicCopy(ctx, c.store, c.blobs, site, visit, itoa(soc3.ID))
	if err != nil || !bytes.Equal(pub.Bytes, c.pdf) {
		t.Fatalf("public copy: %v", err)
	}
	if _, err := PublicCopy(ctx, c.store, c.blobs, site, visit, itoa(soc2.ID)); attest.ErrorCode(err) != attest.EFORBIDDEN ||
		!strings.Contains(attest.ErrorMessage(err), "/trust/demo/request?doc="+itoa(soc2.ID)) {
		t.Errorf("restricted report without a grant: %v", err)
	}
	id := c.confirmed(t, soc2, "ana@customer.example", attest.RequesterCustomer).Request.ID
	out, err := Decide(ctx, c.store, site, byAda, admin, id, Decision{Action: Approve})
	if err != nil {
		t.Fatal(err)
	}
	link := token(t, out.Mail)
	if _, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc3.ID)); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("another document with this link: %v", err)
	}
	cp, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc2.ID))
	if err != nil {
		t.Fatal(err)
	}
	n, marked := inspect(t, cp.Bytes)
	if n0, before := inspect(t, c.pdf); bytes.Equal(cp.Bytes, c.pdf) || !marked || before || n != n0 {
		t.Error("the copy is not a watermarked copy of the report")
	}
	// The watermarked copy is a ledger entry; the public one only counts.
	dls, _ := c.store.Downloads(ctx)
	if len(dls) != 1 || !dls[0].Watermark || dls[0].SHA256 != sum(cp.Bytes) || dls[0].Email != "ana@customer.example" || dls[0].RequestID != id {
		t.Errorf("downloads %+v", dls)
	}
	if counts, _ := c.store.PublicDownloads(ctx); len(counts) != 1 || counts[0].DocumentID != soc3.ID || counts[0].Count != 1 || counts[0].Day != "2026-11-30" {
		t.Errorf("public downloads %+v", counts)
	}
	if typ, actor := lastEntry(t, c.store); typ != attest.EntryDownload || actor != "visitor:ana@customer.example" {
		t.Errorf("ledger: %s by %s", typ, actor)
	}
	// Fourteen days later the link has expired.
	late := visit
	late.At = t0.AddDate(0, 0, 14)
	if _, err := Deliver(ctx, c.store, c.blobs, site, late, link, itoa(soc2.ID)); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("expired link: %v", err)
	}
}

// inspect reads a PDF's page count and whether it carries a watermark.
func inspect(t *testing.T, pdf []byte) (pages int, watermarked bool) {
	t.Helper()
	n, err := api.PageCount(bytes.NewReader(pdf), nil)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := api.HasWatermarks(bytes.NewReader(pdf), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n, ok
}

func TestWatermarkRefusesWhatIsNotAPDF(t *testing.T) {
	if _, err := watermark([]byte("%PDF-1.4 not really"), "Copy for Ana"); err == nil {
		t.Error("a broken PDF was watermarked")
	}
}

func TestAdministratorsOnly(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	viewer := &attest.User{ID: 3, Email: "v@example.com", Role: attest.RoleViewer}
	for _, u := range []*attest.User{staff, viewer} {
		if _, err := Review(ctx, c.store, u, t0); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s reviewed: %v", u.Role, err)
		}
		if _, err := Log(ctx, c.store, u); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s read the log: %v", u.Role, err)
		}
		if _, err := PublishNDA(ctx, c.store, byAda, u, "text"); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s published the NDA: %v", u.Role, err)
		}
		if _, err := Add(ctx, c.store, c.blobs, byAda, u, NewDocument{EngagementID: "e1", File: "p.pdf", Title: "P", Audience: AudiencePublic, PDF: c.pdf}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s shared a document: %v", u.Role, err)
		}
	}
	if ndas, _ := c.store.NDAs(ctx); len(ndas) != 0 {
		t.Errorf("a refused NDA was saved")
	}
}

func TestReviewAndLog(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	c.publishNDA(t)
	soc1 := c.issue(t, "SOC 1")
	c.confirmed(t, soc1, "ana@customer.example", attest.RequesterCustomer)
	c.confirmed(t, soc1, "=cmd@prospect.example", attest.RequesterProspect)
	o, err := Review(ctx, c.store, admin, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Requests) != 2 || o.Requests[0].Email != "=cmd@prospect.example" || !o.Requests[0].Audience.Override || !o.Requests[1].Audience.Allowed ||
		len(o.NDAs) != 1 || len(o.Docs) != 1 || o.Settings.LinkDays != 14 {
		t.Errorf("review %+v", o)
	}
	rows, err := Log(ctx, c.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "event" || rows[1][10] == "" || rows[2][5] != "'=cmd@prospect.example" {
		t.Errorf("log %q", rows)
	}
}

func TestAddSharesAPDF(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	doc, err := Add(ctx, c.store, c.blobs, byAda, nil, NewDocument{EngagementID: "e1", File: "/tmp/x/policy.pdf", Title: " Policy ", Audience: AudienceNDA,
		PDF: c.pdf, Meta: map[string]string{"example": "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Name != "policy.pdf" || doc.Kind != attest.DocShared || doc.Meta["title"] != "Policy" || doc.Meta["sha256"] != sum(c.pdf) || doc.Meta["example"] != "yes" {
		t.Errorf("added %+v", doc)
	}
	l, err := List(ctx, c.store)
	if err != nil || len(l) != 1 || !l[0].Other || !l[0].NDA || l[0].Label != "Policy" {
		t.Errorf("listed %+v %v", l, err)
	}
	if _, err := Add(ctx, c.store, c.blobs, byAda, nil, NewDocument{EngagementID: "e1", File: "p.txt", Title: "P", Audience: AudiencePublic, PDF: []byte("text")}); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a text file: %v", err)
	}
}

func TestStateFollowsTheData(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	k1, err := State(ctx, c.store)
	if err != nil {
		t.Fatal(err)
	}
	c.issue(t, "SOC 3")
	k2, _ := State(ctx, c.store)
	if _, err := SaveSettings(ctx, c.store, byAda, admin, SettingsChange{LinkDays: 14}); err != nil {
		t.Fatal(err)
	}
	k3, _ := State(ctx, c.store)
	if k1 == k2 || k2 == k3 {
		t.Errorf("states %q %q %q", k1, k2, k3)
	}
}

// A SOC 2 "under NDA" is never delivered without the NDA: requests made
// while the NDA was off are refused at approval once it is back on, and an
// approved link stops working the moment the rule tightens (a new NDA
// version included).
func TestTighterNDAAppliesToPendingRequestsAndLinks(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	c.publishNDA(t)
	soc2 := c.issue(t, "SOC 2")
	off := func() {
		if _, err := SaveSettings(ctx, c.store, byAda, admin, SettingsChange{LinkDays: 14, NDA: []attest.Kind{}}); err != nil {
			t.Fatal(err)
		}
	}
	on := func() {
		if _, err := SaveSettings(ctx, c.store, byAda, admin, SettingsChange{LinkDays: 14, NDA: []attest.Kind{attest.SOC2}}); err != nil {
			t.Fatal(err)
		}
	}
	off()
	d, _ := Find(ctx, c.store, itoa(soc2.ID))
	pending := c.confirmed(t, d, "pat@prospect.example", attest.RequesterProspect).Request.ID
	approved := c.confirmed(t, d, "cy@customer.example", attest.RequesterCustomer).Request.ID
	out, err := Decide(ctx, c.store, site, byAda, admin, approved, Decision{Action: Approve})
	if err != nil {
		t.Fatal(err)
	}
	link := token(t, out.Mail)
	if _, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc2.ID)); err != nil {
		t.Fatalf("with the NDA off: %v", err)
	}
	on()
	if _, err := Decide(ctx, c.store, site, byAda, admin, pending, Decision{Action: Approve}); attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(attest.ErrorMessage(err), "NDA") {
		t.Errorf("approving a request made without the NDA, once it is required: %v", err)
	}
	if _, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc2.ID)); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("a link granted without the NDA, once it is required: %v", err)
	}
	// Accepted under version 1, then version 2 is published: the link
	// waits for the new acceptance.
	d, _ = Find(ctx, c.store, itoa(soc2.ID))
	ok := c.confirmed(t, d, "di@customer.example", attest.RequesterCustomer).Request.ID
	out, err = Decide(ctx, c.store, site, byAda, admin, ok, Decision{Action: Approve})
	if err != nil {
		t.Fatal(err)
	}
	link = token(t, out.Mail)
	if _, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc2.ID)); err != nil {
		t.Fatalf("under the NDA accepted: %v", err)
	}
	if _, err := PublishNDA(ctx, c.store, byAda, admin, "Keep it confidential, and delete it when done."); err != nil {
		t.Fatal(err)
	}
	if _, err := Deliver(ctx, c.store, c.blobs, site, visit, link, itoa(soc2.ID)); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("after a new NDA version: %v", err)
	}
}

// Public downloads never grow the ledger: 300 of them are counts, and the
// ledger's size does not move.
func TestPublicDownloadsAreCountedNotLedgered(t *testing.T) {
	c := newCenter(t)
	ctx := context.Background()
	soc3 := c.issue(t, "SOC 3")
	before, _ := c.store.LedgerSize(ctx)
	for i := 0; i < 300; i++ {
		if _, err := PublicCopy(ctx, c.store, c.blobs, site, visit, itoa(soc3.ID)); err != nil {
			t.Fatal(err)
		}
	}
	next := visit
	next.At = t0.AddDate(0, 0, 1)
	PublicCopy(ctx, c.store, c.blobs, site, next, itoa(soc3.ID))
	if after, _ := c.store.LedgerSize(ctx); after != before {
		t.Errorf("the ledger grew from %d to %d entries", before, after)
	}
	counts, _ := c.store.PublicDownloads(ctx)
	if len(counts) != 2 || counts[0].Count != 300 || counts[1].Count != 1 || counts[1].Day != "2026-12-01" {
		t.Errorf("counts %+v", counts)
	}
}
