package main

import (
	"strings"
	"testing"
)

func TestPeriodConfig(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "init")
	if out := mustRun(t, dir, "period", "config", "--json"); !strings.Contains(out, `"business_days": false`) {
		t.Errorf("default: %s", out)
	}
	if out := mustRun(t, dir, "period", "config", "--business-days", "true"); !strings.Contains(out, "business days (Monday to Friday)") {
		t.Errorf("set: %s", out)
	}
	if out := mustRun(t, dir, "period", "config", "--json"); !strings.Contains(out, `"business_days": true`) {
		t.Errorf("kept: %s", out)
	}
	if r := run(t, dir, "", "period", "config", "--business-days", "weekdays"); r.code != 2 || !strings.Contains(r.stderr, `--business-days "weekdays": want true or false`) {
		t.Errorf("bad value: exit %d %s", r.code, r.stderr)
	}
	if out := mustRun(t, dir, "period", "config"); !strings.Contains(out, "business days") {
		t.Errorf("a refused value changed the setting: %s", out)
	}
}
