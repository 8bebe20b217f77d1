package people_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

func TestDefaultChecklists(t *testing.T) {
	c := people.Default()
	for _, role := range []string{"default", "engineering", "sales", "support"} {
		for _, list := range []string{attest.Onboarding, attest.Offboarding} {
			if len(c.Steps(role, list)) == 0 {
				t.Errorf("%s has no %s steps", role, list)
			}
		}
	}
	if got := len(c.Steps("engineering", attest.Onboarding)); got != len(c.Steps("default", attest.Onboarding))+1 {
		t.Errorf("engineering extends default with one onboarding step, has %d", got)
	}
	if r := c.RoleOf(&attest.Person{Department: "Sales"}); r != "sales" {
		t.Errorf("a Sales person's role: %s", r)
	}
	if r := c.RoleOf(&attest.Person{Role: "pilot"}); r != "default" {
		t.Errorf("an unknown role: %s", r)
	}
}

func TestDue(t *testing.T) {
	for _, c := range []struct {
		due      people.Due
		date, on string
		rule     string
	}{
		{people.Due{From: "start", Before: true, Days: 1}, "2026-03-02", "2026-03-01", "1 day before the start date"},
		{people.Due{From: "start", Days: 30}, "2026-03-02", "2026-04-01", "30 days after the start date"},
		{people.Due{From: "start"}, "2026-03-02", "2026-03-02", "on the start date"},
		{people.Due{From: "end", BusinessDays: 1}, "2026-02-27", "2026-03-02", "1 business day after the end date"}, // Friday
		{people.Due{From: "end", BusinessDays: 1}, "2026-02-28", "2026-03-02", "1 business day after the end date"}, // Saturday
		{people.Due{From: "end", BusinessDays: 3}, "2026-03-04", "2026-03-09", "3 business days after the end date"},
		{people.Due{From: "start", Before: true, BusinessDays: 1}, "2026-03-02", "2026-02-27", "1 business day before the start date"},
	} {
		on, err := c.due.On(c.date)
		if err != nil || on != c.on || c.due.Rule() != c.rule {
			t.Errorf("%+v from %s: %s %q %v, want %s %q", c.due, c.date, on, c.due.Rule(), err, c.on, c.rule)
		}
	}
}

func TestParseChecklistsRefuses(t *testing.T) {
	const item = "      - {key: k, title: T, kind: task, owner: it, due: {after: end, days: 1}, controls: [AC-04]}\n"
	for _, c := range []struct{ yaml, want string }{
		{"roles: []\n", "c.yaml: line 1: roles:"},
		{"roles:\n  sales:\n    onboarding: []\n", "line 2: roles: no default role"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, "task", "chore", 1), "line 4: default.offboarding.kind:"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, "owner: it", "owner: hr", 1), "line 4: default.offboarding.owner:"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, "days: 1", "days: soon", 1), "line 4: default.offboarding.due.days:"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, "after: end", "after: lunch", 1), "line 4: default.offboarding.due.after:"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, ", controls: [AC-04]", "", 1), "line 4: default.offboarding.controls:"},
		{"roles:\n  default:\n    offboarding:\n" + item + item, "line 5: default.offboarding.key: k is listed twice"},
		{"roles:\n  default:\n    offboarding:\n" + strings.Replace(item, "kind: task", "kind: training", 1), "default.offboarding.course:"},
		{"roles:\n  default:\n    colour: red\n", "line 3: default.colour: unknown field"},
		{"roles:\n  default:\n    extends: sales\n  sales:\n    extends: default\n", "extends: roles extend each other in a circle"},
		{"roles:\n  default:\n    extends: nobody\n", "line 3: default.extends: no role nobody"},
		{"roles: [\n", "c.yaml:"},
	} {
		_, err := people.ParseChecklists("c.yaml", []byte(c.yaml))
		if err == nil || attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.yaml, err, c.want)
		}
	}
}

func FuzzParseChecklists(f *testing.F) {
	f.Add([]byte("roles:\n  default:\n    offboarding:\n      - {key: k, title: T, kind: task, owner: it, due: {after: end, days: 1}, controls: [AC-04]}\n"))
	f.Add([]byte("roles:\n  default: {}\n  a: {extends: default}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := people.ParseChecklists("f.yaml", data)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("a bad file is EINVALID, got %v", err)
			}
			return
		}
		for role, lists := range c.Roles {
			for _, steps := range lists {
				for _, s := range steps {
					if s.Key == "" || len(s.Controls) == 0 || s.Due.From == "" {
						t.Fatalf("%s: accepted an incomplete step %+v", role, s)
					}
					if _, err := s.Due.On("2026-03-02"); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}
