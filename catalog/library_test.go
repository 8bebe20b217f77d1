package catalog

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// find returns the library controls whose title contains every word.
func find(c *Catalog, words ...string) []Control {
	var out []Control
	for _, ctl := range c.Controls {
		title := strings.ToLower(ctl.Title)
		all := true
		for _, w := range words {
			all = all && strings.Contains(title, w)
		}
		if all {
			out = append(out, ctl)
		}
	}
	return out
}

func has(list []string, ids ...string) bool {
	for _, id := range ids {
		found := false
		for _, x := range list {
			found = found || x == id
		}
		if !found {
			return false
		}
	}
	return true
}

func TestPenetrationTestControl(t *testing.T) {
	c := MustLoad()
	got := find(c, "penetration test")
	if len(got) != 1 {
		t.Fatalf("want one penetration test control, got %d", len(got))
	}
	pt := got[0]
	if pt.Frequency != attest.Annual || !has(pt.Criteria, "CC4.1", "CC7.1") || len(pt.ISO27001) == 0 || len(pt.NISTCSF) == 0 {
		t.Errorf("%s: frequency %s, criteria %v, ISO %v, CSF %v", pt.ID, pt.Frequency, pt.Criteria, pt.ISO27001, pt.NISTCSF)
	}
}

func TestAssetInventoryControl(t *testing.T) {
	c := MustLoad()
	got := find(c, "asset inventory")
	if len(got) != 1 {
		t.Fatalf("want one asset inventory control, got %d", len(got))
	}
	ai := got[0]
	if !has(ai.Criteria, "CC6.1") || !has(ai.ISO27001, "A.5.9") || !has(ai.NISTCSF, "ID.AM-01", "ID.AM-02") {
		t.Errorf("%s: criteria %v, ISO %v, CSF %v", ai.ID, ai.Criteria, ai.ISO27001, ai.NISTCSF)
	}
}

func TestHostingTemplate(t *testing.T) {
	c := MustLoad()
	tp := c.Template("hosting")
	if tp == nil {
		t.Fatal("no hosting template")
	}
	areas := map[string]string{}
	for _, o := range tp.Objectives {
		areas[o.Area] += " " + strings.ToLower(o.Title+" "+o.Description)
	}
	env := areas["Environmental safeguards"]
	for _, w := range []string{"power", "cooling", "fire suppression"} {
		if !strings.Contains(env, w) {
			t.Errorf("environmental objective does not speak of %s: %q", w, env)
		}
	}
	for _, a := range []string{"Physical access", "Environmental monitoring", "Logical access", "Change management", "Incident management"} {
		if areas[a] == "" {
			t.Errorf("no %s objective in %v", a, tp.Objectives)
		}
	}
	// Each safeguard has a control of its own, mapped to A1.2 for a SOC 2.
	for _, w := range []string{"power", "cooling", "fire", "monitoring"} {
		found := false
		for _, ctl := range c.ControlsFor(nil, []string{"HST.4", "HST.5"}) {
			found = found || (strings.Contains(strings.ToLower(ctl.Title), w) && has(ctl.Criteria, "A1.2"))
		}
		if !found {
			t.Errorf("no environmental control for %s", w)
		}
	}
}
