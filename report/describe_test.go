package report

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"

	"github.com/google/go-cmp/cmp"
)

func TestDiffDescriptions(t *testing.T) {
	old := &Description{Organization: "Harbor", Services: Part{Text: "Payroll"}, Incidents: Incidents{None: "none in the period"},
		CUECs: CUECs{Items: []CUEC{{Text: "Customers approve their users", For: []string{"CC6.2"}}}}}
	next := &Description{Organization: "Harbor Ltd", System: "Payroll", Services: Part{Text: "Payroll"},
		CUECs: CUECs{Items: []CUEC{{Text: "Customers approve their users", For: []string{"CC6.2", "CC6.3"}}}}, SOC1: &SOC1Description{Records: Part{None: "n/a"}}}
	want := []PartChange{
		{Part: "organization", Change: "changed", Old: "Harbor", New: "Harbor Ltd"},
		{Part: "system", Change: "added", New: "Payroll"},
		{Part: "incidents.none", Change: "removed", Old: "none in the period"},
		{Part: "cuecs.items", Change: "changed", Old: `[{"text":"Customers approve their users","for":["CC6.2"]}]`, New: `[{"text":"Customers approve their users","for":["CC6.2","CC6.3"]}]`},
		{Part: "soc1.records.none", Change: "added", New: "n/a"},
	}
	if diff := cmp.Diff(want, DiffDescriptions(old, next)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if got := DiffDescriptions(next, next); len(got) != 0 {
		t.Errorf("a version against itself: %v", got)
	}
	if got := DiffDescriptions(&Description{}, &Description{Services: Part{Text: "  "}}); len(got) != 0 {
		t.Errorf("blank text is no answer: %v", got)
	}
}

func TestSaveDescriptionRole(t *testing.T) {
	for role, ok := range map[string]bool{attest.RoleAdmin: true, attest.RoleCompliance: true, attest.RoleOwner: false, attest.RoleAuditor: false, attest.RoleViewer: false} {
		err := mayDescribe(&attest.User{Role: role})
		if (err == nil) != ok {
			t.Errorf("%s may write the description: %v", role, err)
		}
	}
	if mayDescribe(nil) != nil {
		t.Error("the local operator may not write the description")
	}
}

// TestSetPart: one part set by its dotted path, the groups on the way
// made; a path through an answer, to a group or to a list is refused.
func TestSetPart(t *testing.T) {
	cur := []byte("organization: Harbor\nservices:\n  text: Payroll\ncuecs:\n  items:\n    - text: Customers approve their users\n")
	got, err := SetPart(cur, "incidents.none", "none in the period")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDescription("set", got)
	if err != nil || d.Incidents.None != "none in the period" || d.Services.Text != "Payroll" || d.Organization != "Harbor" {
		t.Errorf("after the set: %+v, %v\n%s", d, err, got)
	}
	if got, err := SetPart(nil, "services.text", "Payroll"); err != nil || string(got) != "services:\n    text: Payroll\n" {
		t.Errorf("from nothing: %q, %v", got, err)
	}
	for path, want := range map[string]string{
		"organization.text": "organization is not a group of parts",
		"services":          "services holds several parts",
		"cuecs.items":       "cuecs.items is a list",
	} {
		if _, err := SetPart(cur, path, "x"); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
}
