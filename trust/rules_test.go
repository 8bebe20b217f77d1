package trust

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestIssuedListing(t *testing.T) {
	e := &attest.Engagement{ID: "e1", Categories: []string{"Security", "Availability"}}
	for _, tc := range []struct {
		kind, ndaKinds string
		want           Shared
	}{
		{"SOC 3", DefaultNDAKinds, Shared{Kind: attest.SOC3, Label: "SOC 3", Public: true, Access: "public: download it below", Categories: e.Categories}},
		{"SOC 2", DefaultNDAKinds, Shared{Kind: attest.SOC2, Label: "SOC 2 Type 2", Access: "on request, under NDA", NDA: true, Categories: e.Categories}},
		{"SOC 2", "none", Shared{Kind: attest.SOC2, Label: "SOC 2 Type 2", Access: "on request", Categories: e.Categories}},
		// The setting is read in any case; a SOC 1 never lists categories.
		{"SOC 1", "soc 1", Shared{Kind: attest.SOC1, Label: "SOC 1 Type 2", Access: "for customers and their auditors, on request, under NDA", NDA: true}},
		{"SOC 1", "SOC 2", Shared{Kind: attest.SOC1, Label: "SOC 1 Type 2", Access: "for customers and their auditors, on request"}},
		// A SOC 3 is public whatever the setting says.
		{"SOC 3", "SOC 1,SOC 2,SOC 3", Shared{Kind: attest.SOC3, Label: "SOC 3", Public: true, Access: "public: download it below", Categories: e.Categories}},
	} {
		typ := "Type 2"
		if tc.kind == "SOC 3" {
			typ = ""
		}
		d := attest.Document{ID: 7, Meta: map[string]string{"kind": tc.kind, "type": typ, "period": "2026-01-01..2026-06-30", "firm": "Example CPA LLP"}}
		got := issued(d, e, tc.ndaKinds)
		tc.want.Document, tc.want.Period, tc.want.Firm = d, "2026-01-01 to 2026-06-30", "Example CPA LLP"
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s with NDA kinds %q (-want +got):\n%s", tc.kind, tc.ndaKinds, diff)
		}
	}
}

func TestOtherDocumentListing(t *testing.T) {
	for _, tc := range []struct {
		title, audience string
		label, access   string
		public, nda     bool
	}{
		{"Information security policy", AudiencePublic, "Information security policy", "public: download it below", true, false},
		{"Penetration test summary", AudienceNDA, "Penetration test summary", "on request, under NDA", false, true},
		{"", AudienceNDA, "pentest.pdf", "on request, under NDA", false, true},
	} {
		got := other(attest.Document{Name: "pentest.pdf", Meta: map[string]string{"title": tc.title, "audience": tc.audience}})
		if got.Label != tc.label || got.Access != tc.access || got.Public != tc.public || got.NDA != tc.nda || !got.Other {
			t.Errorf("%q (%s): %+v", tc.title, tc.audience, got)
		}
	}
}

func TestSections(t *testing.T) {
	docs := []Shared{{Label: "SOC 2"}, {Label: "Policy", Other: true}, {Label: "SOC 3"}}
	reports, others := Sections(docs)
	if len(reports) != 2 || reports[1].Label != "SOC 3" || len(others) != 1 || others[0].Label != "Policy" {
		t.Errorf("reports %+v, others %+v", reports, others)
	}
}

// TestAudiencePerKind is DOMAIN.md section 1 as the trust center applies
// it: a SOC 1 for customers and their auditors (others by an admin's
// override only), a SOC 2 for every listed requester, a SOC 3 for anyone;
// another document for every listed requester.
func TestAudiencePerKind(t *testing.T) {
	for _, tc := range []struct {
		doc       Shared
		requester string
		allowed   bool
		override  bool
	}{
		{Shared{Kind: attest.SOC1}, attest.RequesterCustomer, true, false},
		{Shared{Kind: attest.SOC1}, attest.RequesterCustomerAuditor, true, false},
		{Shared{Kind: attest.SOC1}, attest.RequesterProspect, false, true},
		{Shared{Kind: attest.SOC1}, attest.RequesterRegulator, false, true},
		{Shared{Kind: attest.SOC2}, attest.RequesterProspect, true, false},
		{Shared{Kind: attest.SOC2}, "investor", false, false},
		{Shared{Kind: attest.SOC3}, "anyone", true, false},
		{Shared{Other: true}, attest.RequesterProspect, true, false},
		{Shared{Other: true}, "investor", false, false},
	} {
		got := tc.doc.Audience(tc.requester)
		if got.Allowed != tc.allowed || got.Override != tc.override || (tc.override && !strings.Contains(got.Warning, "not among its intended users")) {
			t.Errorf("%s (other %v) for %s: %+v", tc.doc.Kind, tc.doc.Other, tc.requester, got)
		}
	}
}

func TestAccessFormProblems(t *testing.T) {
	good := AccessForm{Name: " Ana Example ", Email: " Ana@Customer.Example ", Company: "Customer Inc", Requester: attest.RequesterCustomer, Reason: "vendor review"}
	restricted, public := &Shared{}, &Shared{Public: true}
	with := func(change func(f *AccessForm)) AccessForm {
		f := good
		change(&f)
		return f
	}
	for _, tc := range []struct {
		name string
		form AccessForm
		doc  *Shared
		want string // the start of the problem; "" for none
	}{
		{"good", good, restricted, ""},
		{"public document", good, public, "This report is public"},
		{"no name", with(func(f *AccessForm) { f.Name = "  " }), restricted, "Name:"},
		{"long name", with(func(f *AccessForm) { f.Name = strings.Repeat("a", 201) }), restricted, "Name:"},
		{"not an address", with(func(f *AccessForm) { f.Email = "ana at customer" }), restricted, "Work e-mail:"},
		{"address without a dot", with(func(f *AccessForm) { f.Email = "ana@customer" }), restricted, "Work e-mail:"},
		{"address mail cannot parse", with(func(f *AccessForm) { f.Email = "a(b@customer.example" }), restricted, "Work e-mail:"},
		{"long address", with(func(f *AccessForm) { f.Email = strings.Repeat("a", 250) + "@b.example" }), restricted, "Work e-mail:"},
		{"no company", with(func(f *AccessForm) { f.Company = "" }), restricted, "Company:"},
		{"unknown requester", with(func(f *AccessForm) { f.Requester = "investor" }), restricted, "You are:"},
		{"long reason", with(func(f *AccessForm) { f.Reason = strings.Repeat("r", 2001) }), restricted, "Reason:"},
	} {
		got := tc.form.Clean().problem(tc.doc)
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if c := good.Clean(); c.Name != "Ana Example" || c.Email != "ana@customer.example" {
		t.Errorf("clean: %+v", c)
	}
}

func TestPersonalLinkRule(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	exp := now.Add(time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name string
		req  attest.AccessRequest
		want string // part of the refusal; "" for a usable link
	}{
		{"approved", attest.AccessRequest{Status: attest.AccessApproved, ExpiresAt: exp}, ""},
		{"revoked", attest.AccessRequest{Status: attest.AccessRevoked, ExpiresAt: exp}, "revoked"},
		{"revocation recorded", attest.AccessRequest{Status: attest.AccessApproved, ExpiresAt: exp, RevokedAt: "2026-11-29T10:00:00Z"}, "revoked"},
		{"pending", attest.AccessRequest{Status: attest.AccessPending}, "does not give access"},
		{"refused", attest.AccessRequest{Status: attest.AccessRefused, ExpiresAt: exp}, "does not give access"},
		{"expired at that second", attest.AccessRequest{Status: attest.AccessApproved, ExpiresAt: now.Format(time.RFC3339)}, "expired on"},
		{"no expiry", attest.AccessRequest{Status: attest.AccessApproved}, "expired on"},
	} {
		err := usable(&tc.req, now)
		if tc.want == "" && err != nil || tc.want != "" && (attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(attest.ErrorMessage(err), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestLogCellsDefuseFormulas(t *testing.T) {
	got := cells("=HYPERLINK(1)", "+1", "-2", "@sum", "\tx", "plain", "", int64(-3), true)
	want := []string{"'=HYPERLINK(1)", "'+1", "'-2", "'@sum", "'\tx", "plain", "", "-3", "true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestNewDocumentCheck(t *testing.T) {
	pdf := []byte("%PDF-1.7 ...")
	for _, tc := range []struct {
		in   NewDocument
		want string
	}{
		{NewDocument{File: "p.pdf", Title: "Policy", Audience: AudiencePublic, PDF: pdf}, ""},
		{NewDocument{File: "p.pdf", Title: " ", Audience: AudiencePublic, PDF: pdf}, "title:"},
		{NewDocument{File: "p.pdf", Title: "Policy", Audience: "friends", PDF: pdf}, `audience "friends"`},
		{NewDocument{File: "notes/p.txt", Title: "Policy", Audience: AudienceNDA, PDF: []byte("text")}, "notes/p.txt: not a PDF"},
	} {
		err := tc.in.Check()
		if tc.want == "" && err != nil || tc.want != "" && (attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.in, err, tc.want)
		}
	}
}
