package main

import (
	"strings"
	"testing"
)

// The population caps every size, and each statistical parameter has its
// own range, given as a fraction or a percentage (issue 16, point 4).
func TestSampleSizeCapsAndRanges(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want float64
		says string
	}{
		{[]string{"--confidence", "95", "--tolerable", "5", "--population-size", "10"}, 10, "every item is tested"},
		{[]string{"--confidence", "0.95", "--tolerable", "0.05", "--population-size", "59"}, 59, "every item is tested"},
		{[]string{"--confidence", "95%", "--tolerable", "5%", "--population-size", "60"}, 59, "exact binomial"},
		{[]string{"--confidence", "0.95", "--tolerable", "5"}, 59, "95% confidence"},
		{[]string{"--confidence", "99.9", "--tolerable", "1"}, 688, "99.9% confidence"},
		{[]string{"--frequency", "daily", "--population-size", "20"}, 20, "every item is tested"},
		{[]string{"--frequency", "quarterly", "--population-size", "4"}, 2, "per the table"},
		{[]string{"--population-size", "3"}, 2, "event-driven"},
		{[]string{"--population-size", "1"}, 1, "every item"},
	}
	for _, c := range cases {
		out := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "size", "--json"}, c.args...)...))
		if out["size"] != c.want || !strings.Contains(out["rule"].(string), c.says) {
			t.Errorf("sample size %v = %v, want %v saying %q", c.args, out, c.want, c.says)
		}
	}
	refused := []struct {
		args []string
		says string
	}{
		{[]string{"--confidence", "1.5", "--tolerable", "5"}, "--confidence: confidence 1.5 is 1.5%: outside the accepted range, 80% to 99.9%"},
		{[]string{"--confidence", "50", "--tolerable", "5"}, "risk of overreliance of 0.1% to 20%"},
		{[]string{"--confidence", "95", "--tolerable", "0.5"}, "--tolerable: tolerable deviation rate 0.5 is 50%: outside the accepted range, 1% to 20%"},
		{[]string{"--confidence", "ninety", "--tolerable", "5"}, "want a fraction such as 0.95 or a percentage such as 95"},
		{[]string{"--frequency", "monthly", "--population-size", "-1"}, "want 0 or more"},
	}
	for _, c := range refused {
		r := run(t, dir, "", append([]string{"sample", "size"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.says) {
			t.Errorf("sample size %v: exit %d, %q; want refused saying %q", c.args, r.code, r.stderr, c.says)
		}
	}
}

// A draw's default size is capped by its population: a daily control's
// 25 over a population of 8 days takes the 8, and says so once.
func TestDrawDefaultSizeCappedByPopulation(t *testing.T) {
	dir := setup(t)
	writeFile(t, dir, "days.csv", changesCSV(8, 0))
	mustRun(t, dir, "population", "import", "--control", "AC-05", "--file", "days.csv", "--key", "id", "--date", "merged", "--source", "job history")
	addAuditor(t, dir, "Ana Lima")
	d := decode[map[string]any](t, mustRun(t, dir, append([]string{"sample", "draw", "--control", "AC-05", "--seed", "s", "--json"}, keyOf(dir, "Ana Lima")...)...))
	rule, _ := d["rule"].(string)
	if d["size"] != 8.0 || len(toStrings(d["items"])) != 8 || strings.Count(rule, "every item") != 1 {
		t.Errorf("draw over 8 days: size %v, %d items, rule %q", d["size"], len(toStrings(d["items"])), rule)
	}
	if out := decode[map[string]any](t, mustRun(t, dir, "sample", "size", "--control", "AC-05", "--json")); out["size"] != 8.0 {
		t.Errorf("sample size for AC-05 with its population of 8: %v", out)
	}
}
