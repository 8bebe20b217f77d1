package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func TestServiceTypesContent(t *testing.T) {
	c := MustLoad()
	if len(c.ServiceTypes) < 8 {
		t.Fatalf("%d service types", len(c.ServiceTypes))
	}
	used := map[string]bool{}
	for _, st := range c.ServiceTypes {
		if st.Name == "" {
			t.Errorf("%s has no name", st.Type)
		}
		for _, tp := range st.Topics {
			used[tp] = true
		}
	}
	seen := map[string]bool{}
	for _, tp := range c.CSOCTopics {
		if seen[tp.Topic] {
			t.Errorf("topic %s twice", tp.Topic)
		}
		seen[tp.Topic] = true
		if !used[tp.Topic] {
			t.Errorf("topic %s belongs to no service type", tp.Topic)
		}
		if len(tp.Criteria) == 0 || len(tp.Objectives) == 0 {
			t.Errorf("topic %s must map to criteria and objectives", tp.Topic)
		}
		for _, id := range tp.Criteria {
			if c.Criterion(id) == nil {
				t.Errorf("topic %s: unknown criterion %s", tp.Topic, id)
			}
		}
		for _, id := range tp.Objectives {
			if c.Objective(id) == nil {
				t.Errorf("topic %s: unknown objective %s", tp.Topic, id)
			}
		}
		low := strings.ToLower(tp.Text)
		for _, bad := range []string{"guarantee", "certif", "compliant", "best-in-class", "100%"} {
			if strings.Contains(low, bad) {
				t.Errorf("topic %s says %q", tp.Topic, bad)
			}
		}
	}
}

func topics(ts []CSOCTopic) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Topic)
	}
	return out
}

func TestSuggestCSOCs(t *testing.T) {
	c := MustLoad()
	// The cloud host named for hosting, databases and backups: one list,
	// each topic once, with the protections a CPA expects beyond physical
	// security and hardware.
	got := c.SuggestCSOCs([]string{"infrastructure-hosting", "managed-database", "backup-storage"}, attest.SOC2,
		[]string{attest.Security, attest.Availability, attest.Confidentiality}, nil)
	names := topics(got)
	for _, want := range []string{"physical-access", "environmental", "media-disposal", "infrastructure-access", "backup-replication", "restore", "encryption-at-rest"} {
		if !slices.Contains(names, want) {
			t.Errorf("hosting, database and backups: no %s in %v", want, names)
		}
	}
	if n := len(names); n != len(slices.Compact(slices.Sorted(slices.Values(names)))) {
		t.Errorf("a topic suggested twice: %v", names)
	}
	// Security only: availability-only topics are left out, and mixed ones
	// keep only their security criteria.
	got = c.SuggestCSOCs([]string{"infrastructure-hosting"}, attest.SOC2, []string{attest.Security}, nil)
	if slices.Contains(topics(got), "environmental") || slices.Contains(topics(got), "hardware") {
		t.Errorf("security only suggests availability topics: %v", topics(got))
	}
	for _, tp := range got {
		for _, id := range tp.Criteria {
			if attest.CategoryOf(id) != attest.Security {
				t.Errorf("%s maps to %s outside the categories", tp.Topic, id)
			}
		}
		if tp.Objectives != nil {
			t.Errorf("SOC 2 suggestion %s carries objectives", tp.Topic)
		}
	}
	// SOC 1: the objectives of the engagement's templates only.
	got = c.SuggestCSOCs([]string{"colocation", "payment-processing"}, attest.SOC1, nil, []string{"ITGC.6", "ITGC.8", "ITGC.9", "PAY.4"})
	want := map[string][]string{"physical-access": {"ITGC.9"}, "facility-surveillance": {"ITGC.9"}, "environmental": {"ITGC.6", "ITGC.8"},
		"power-redundancy": {"ITGC.6", "ITGC.8"}, "equipment-handling": {"ITGC.9"}, "payment-execution": {"PAY.4"}}
	gotMap := map[string][]string{}
	for _, tp := range got {
		gotMap[tp.Topic] = tp.For()
	}
	if d := cmp.Diff(want, gotMap); d != "" {
		t.Errorf("SOC 1 suggestions (-want +got):\n%s", d)
	}
	// The other type suggests nothing; an unknown one is named with the
	// known ones.
	if got := c.SuggestCSOCs([]string{"other", "no-such"}, attest.SOC2, attest.Categories, nil); len(got) != 0 {
		t.Errorf("other: %v", topics(got))
	}
	err := c.CheckServiceType("cloud")
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), `"cloud"`) || !strings.Contains(err.Error(), "infrastructure-hosting, managed-database, identity-provider, colocation") {
		t.Errorf("unknown service type: %v", err)
	}
	if err := c.CheckServiceType(" Identity-Provider "); err != nil {
		t.Errorf("known type refused: %v", err)
	}
}
