package sample

import (
	"strings"
	"testing"
)

// The rule reads "1 deviation allowed", never "1 deviations".
func TestStatisticalRuleCountsDeviations(t *testing.T) {
	one, err := Statistical(0.95, 0.05, 1)
	if err != nil || !strings.Contains(one.Rule, "1 deviation allowed") {
		t.Errorf("one allowed: %+v %v", one, err)
	}
	two, err := Statistical(0.95, 0.05, 2)
	if err != nil || !strings.Contains(two.Rule, "2 deviations allowed") {
		t.Errorf("two allowed: %+v %v", two, err)
	}
}
