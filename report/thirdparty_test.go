package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/google/go-cmp/cmp"
)

func parse(t *testing.T, text string) *Description {
	t.Helper()
	d, err := ParseDescription("third.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// gapsWith are the gaps whose detail contains s.
func gapsWith(gaps []Gap, s string) []Gap {
	var out []Gap
	for _, g := range gaps {
		if strings.Contains(g.Detail, s) {
			out = append(out, g)
		}
	}
	return out
}

func TestThirdPartyQuestionComesFirst(t *testing.T) {
	d := parse(t, `
third_parties:
  - {name: Okta, services: Sign-in for staff, service_types: identity-provider}
  - {name: Slack, services: Chat for staff, service_types: other, controls_needed: false}
  - {name: Mailer, services: Notices, service_types: email-delivery, controls_needed: false, method: carve-out}
`)
	gaps := d.Check(engagement(attest.SOC2, attest.Type2), nil)
	if g := gapsWith(gaps, "Okta: are its controls needed, together with ours"); len(g) != 1 || g[0].Part != "third_parties" {
		t.Errorf("unanswered question: %v", gaps)
	}
	if g := gapsWith(gaps, "Mailer is a vendor (controls_needed: false) but has a method"); len(g) != 1 {
		t.Errorf("vendor described as a subservice organization: %v", gaps)
	}
	if g := gapsWith(gaps, "Slack"); len(g) != 0 {
		t.Errorf("a vendor with nothing more to say has gaps: %v", g)
	}
	// Until every third party is answered, DC7 is a placeholder; the
	// unanswered one is neither a subservice organization nor a vendor.
	want := []ThirdParty{{"Okta", "Sign-in for staff", []string{"identity-provider"}, RoleUnanswered},
		{"Slack", "Chat for staff", []string{"other"}, RoleVendor}, {"Mailer", "Notices", []string{"email-delivery"}, RoleVendor}}
	if diff := cmp.Diff(want, d.ThirdPartyRoles()); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if len(d.SubserviceOrgs()) != 0 {
		t.Errorf("subservice organizations: %v", d.SubserviceOrgs())
	}
}

func TestDC7FromThirdParties(t *testing.T) {
	in := input(t, attest.SOC2, attest.Type2)
	doc, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	md := mdOf(t, doc)
	for _, want := range []string{"| Amazon Web Services | Hosting, databases and backups | carve-out | VND-04 |",
		"Complementary subservice organization controls: Amazon Web Services", "| Storage media are wiped or destroyed before reuse or disposal. | CC6.5 |",
		"| Control assumed of Amazon Web Services | Criteria |"} {
		if !strings.Contains(md, want) {
			t.Errorf("DC7 lacks %q", want)
		}
	}
	if strings.Contains(md, "Slack") {
		t.Error("a vendor whose controls are not needed is described as a subservice organization")
	}
	// Only vendors: DC7 says none, and why.
	in.Description = parse(t, "organization: Example Inc.\nthird_parties: [{name: Slack, services: Chat, service_types: other, controls_needed: false}]\n")
	doc, _ = Build(in)
	md = mdOf(t, doc)
	if !strings.Contains(md, "None. The third parties the system uses provide services whose controls are not needed, together with Example Inc.'s controls, to meet the criteria.") {
		t.Errorf("DC7 with vendors only:\n%s", md[strings.Index(md, "Subservice organizations"):][:400])
	}
	// An inclusive subservice organization: described, no CSOCs asked.
	in.Description = parse(t, "third_parties: [{name: Colo Co, services: Data center, service_types: colocation, controls_needed: true, method: inclusive}]\n")
	doc, _ = Build(in)
	if md = mdOf(t, doc); !strings.Contains(md, "| Colo Co | Data center | inclusive | - |") {
		t.Error("inclusive subservice organization not listed")
	}
	if m := in.Description.MissingCSOCs(catalog.MustLoad(), in.Engagement); len(m) != 0 {
		t.Errorf("inclusive: missing CSOCs %v", m)
	}
}

func TestMissingCSOCsByServiceType(t *testing.T) {
	cat := catalog.MustLoad()
	e := engagement(attest.SOC2, attest.Type2) // security, availability, confidentiality
	d := desc(t)
	if m := d.MissingCSOCs(cat, e); len(m) != 0 {
		t.Fatalf("every suggestion covered, yet missing: %v", m)
	}
	if g := d.Check(e, nil); len(g) != 0 {
		t.Fatalf("gaps: %v", g)
	}
	// The AWS of the CPA's note: physical security and hardware only.
	aws := &d.ThirdParties[0]
	aws.CSOCs = slices.DeleteFunc(aws.CSOCs, func(c CSOC) bool { return c.Covers != "physical-access" && c.Covers != "hardware" })
	m := d.MissingCSOCs(cat, e)
	if len(m) != 1 || m[0].Organization != "Amazon Web Services" {
		t.Fatalf("missing: %v", m)
	}
	var topics []string
	for _, s := range m[0].Missing {
		topics = append(topics, s.Topic)
	}
	want := []string{"environmental", "media-disposal", "infrastructure-access", "tenant-isolation", "infrastructure-change", "provider-monitoring", "backup-replication", "restore", "encryption-at-rest", "database-patching"}
	if diff := cmp.Diff(want, topics); diff != "" {
		t.Errorf("missing topics (-want +got):\n%s", diff)
	}
	if s := m[0].Missing[1]; s.Topic != "media-disposal" || !slices.Equal(s.For, []string{"CC6.5"}) || s.Text == "" {
		t.Errorf("suggestion %+v", s)
	}
	gaps := d.Check(e, nil)
	if g := gapsWith(gaps, "Amazon Web Services: no CSOC covers media-disposal"); len(g) != 1 || g[0].Part != "third_parties" || !strings.Contains(g[0].Detail, "for CC6.5") {
		t.Errorf("check: %v", gaps)
	}
	// Security only: the availability suggestions are not asked for, and
	// a mixed one keeps only its security criteria.
	sec := engagement(attest.SOC2, attest.Type2)
	sec.Categories = []string{attest.Security}
	for _, s := range d.MissingCSOCs(cat, sec)[0].Missing {
		if s.Topic == "environmental" || s.Topic == "restore" || slices.Contains(s.For, "C1.1") {
			t.Errorf("out of scope: %+v", s)
		}
	}
	// Set aside with a reason: no longer missing; without one, a gap.
	aws.NotAssumed = []NotAssumed{{Topic: "restore", Reason: "Harbor restores from its own copies in another provider."}, {Topic: "database-patching"}}
	gaps = d.Check(e, nil)
	if len(gapsWith(gaps, "covers restore")) != 0 || len(gapsWith(gaps, "csocs_not_assumed database-patching gives no reason")) != 1 {
		t.Errorf("not assumed: %v", gaps)
	}
	// A CSOC that covers an unknown topic, or supports nothing.
	aws.CSOCs = append(aws.CSOCs, CSOC{Text: "Something.", Covers: "teleportation"})
	gaps = d.Check(e, nil)
	if len(gapsWith(gaps, `covers "teleportation"`)) != 1 || len(gapsWith(gaps, "names no criterion or objective it supports")) != 1 {
		t.Errorf("bad CSOC: %v", gaps)
	}
	// A subservice organization with no service type cannot be helped.
	aws.ServiceTypes = nil
	if g := gapsWith(d.Check(e, nil), "names no service_types"); len(g) != 1 || !strings.Contains(g[0].Detail, "infrastructure-hosting") {
		t.Errorf("no service type: %v", g)
	}
}

func TestMissingCSOCsSOC1(t *testing.T) {
	e := engagement(attest.SOC1, attest.Type2)
	e.Templates = []string{"itgc", "payroll"}
	d := parse(t, `
third_parties:
  - name: First Bank
    services: Direct deposit and tax payments
    service_types: [payment-processing]
    controls_needed: true
    method: carve-out
    monitoring_control: VND-04
    csocs:
      - {covers: payment-execution, text: Payment files received are executed on the date requested., for: [PAY.4]}
`)
	m := d.MissingCSOCs(catalog.MustLoad(), e)
	if len(m) != 1 {
		t.Fatalf("missing: %v", m)
	}
	got := map[string][]string{}
	for _, s := range m[0].Missing {
		got[s.Topic] = s.For
	}
	want := map[string][]string{"payment-data-protection": {"ITGC.10"}, "provider-monitoring": {"ITGC.7"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SOC 1 missing (-want +got):\n%s", diff)
	}
}

func TestUnknownServiceTypeIsNamed(t *testing.T) {
	_, err := ParseDescription("description.yaml", []byte("organization: X\nthird_parties:\n  - name: Cloudy\n    service_types: [infrastructure-hosting, cloud]\n"))
	if attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("unknown service type: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"description.yaml", "line 4", `"cloud"`, "infrastructure-hosting, managed-database, identity-provider, colocation", "other"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if _, err := ParseDescription("d.yaml", []byte("third_parties: [{name: A, service_types: {x: y}}]\n")); err == nil || !strings.Contains(err.Error(), "want a service type") {
		t.Errorf("a map as service type: %v", err)
	}
	d := parse(t, "third_parties: [{name: A, service_types: Managed-Database}]\n")
	if !slices.Equal(d.ThirdParties[0].ServiceTypes, []string{"managed-database"}) {
		t.Errorf("one service type: %v", d.ThirdParties[0].ServiceTypes)
	}
}

func mdOf(t *testing.T, doc *Document) string {
	t.Helper()
	var b strings.Builder
	if err := Markdown(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
