package check

import (
	"reflect"
	"testing"
)

// Failures: only failed results, each with the controls kept, sorted; a
// failure left with no control is left out; a nil run has none.
func TestFailures(t *testing.T) {
	run := &Run{RunAt: "2026-03-04T10:00:00Z", Results: []Result{
		{Check: "a", Status: StatusFail, Controls: []string{"CM-02", "AC-01"}},
		{Check: "b", Status: StatusPass, Controls: []string{"AC-01"}},
		{Check: "c", Status: StatusFail, Controls: []string{"OP-09"}},
	}}
	got := func(keep func(string) bool) map[string][]string {
		out := map[string][]string{}
		for _, f := range run.Failures(keep) {
			out[f.Check] = f.Controls
		}
		return out
	}
	if g := got(nil); !reflect.DeepEqual(g, map[string][]string{"a": {"AC-01", "CM-02"}, "c": {"OP-09"}}) {
		t.Errorf("all: %v", g)
	}
	if g := got(func(c string) bool { return c == "CM-02" }); !reflect.DeepEqual(g, map[string][]string{"a": {"CM-02"}}) {
		t.Errorf("CM-02 only: %v", g)
	}
	if run.Day() != "2026-03-04" || (*Run)(nil).Failures(nil) != nil {
		t.Error("day, or a nil run")
	}
	if run.Results[0].Controls[0] != "CM-02" {
		t.Error("Failures reordered the run's own controls")
	}
}
