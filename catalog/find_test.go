package catalog

import (
	"slices"
	"testing"

	"github.com/attest-dev/attest"
)

// TestFind: each filter keeps what it names, several keep what meets all,
// and what does not exist is refused by name.
func TestFind(t *testing.T) {
	c := MustLoad()
	all, err := c.Find(Filter{})
	if err != nil || len(all) != len(c.Controls) {
		t.Fatalf("no filter: %d of %d, %v", len(all), len(c.Controls), err)
	}
	cc61, _ := c.Find(Filter{Criterion: "cc6.1"})
	quarterly, _ := c.Find(Filter{Frequency: "quarterly"})
	both, _ := c.Find(Filter{Criterion: "CC6.1", Frequency: "quarterly"})
	if len(cc61) == 0 || len(quarterly) == 0 || len(both) == 0 || len(both) >= min(len(cc61), len(quarterly)) {
		t.Fatalf("CC6.1 %d, quarterly %d, both %d", len(cc61), len(quarterly), len(both))
	}
	for _, x := range both {
		if !slices.Contains(x.Criteria, "CC6.1") || x.Frequency != attest.Quarterly {
			t.Errorf("%s kept: %v %s", x.ID, x.Criteria, x.Frequency)
		}
	}
	privacy, _ := c.Find(Filter{Category: "privacy"})
	for _, x := range privacy {
		if !slices.ContainsFunc(x.Criteria, func(id string) bool { return attest.CategoryOf(id) == attest.Privacy }) {
			t.Errorf("%s kept for privacy: %v", x.ID, x.Criteria)
		}
	}
	tpl := c.TemplateIDs()[0]
	if got, err := c.Find(Filter{Template: tpl}); err != nil || len(got) == 0 {
		t.Errorf("template %s: %d, %v", tpl, len(got), err)
	}
	for f, code := range map[Filter]string{
		{Criterion: "CC9.9"}:  attest.ENOTFOUND,
		{Objective: "NO.1"}:   attest.ENOTFOUND,
		{Category: "safety"}:  attest.EINVALID,
		{Template: "nope"}:    attest.EINVALID,
		{Frequency: "hourly"}: attest.EINVALID,
	} {
		if _, err := c.Find(f); attest.ErrorCode(err) != code {
			t.Errorf("%+v: %v, want %s", f, err, code)
		}
	}
	cc6, _ := c.FindCriteria("", "cc6")
	sec, _ := c.FindCriteria("security", "")
	if len(cc6) != 8 || len(sec) == 0 || len(sec) >= len(c.Criteria) {
		t.Errorf("CC6 criteria %d, security %d of %d", len(cc6), len(sec), len(c.Criteria))
	}
}
