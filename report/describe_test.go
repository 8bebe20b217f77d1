package report

import (
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
