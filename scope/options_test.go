package scope

import (
	"encoding/json"
	"testing"

	"github.com/attest-dev/attest"
)

// TestOptionLimits: the fieldwork lag is 0 to 24 months; a minimum first
// period is 1 to 24 months, for SOC 1 or SOC 2 only.
func TestOptionLimits(t *testing.T) {
	o := DefaultOptions()
	for lag, ok := range map[int]bool{0: true, 24: true, -1: false, 25: false} {
		if err := o.SetLag(lag); (err == nil) != ok || (err != nil && attest.ErrorCode(err) != attest.EINVALID) {
			t.Errorf("lag %d: %v", lag, err)
		}
	}
	for _, c := range []struct {
		kind, months string
		ok           bool
	}{{"SOC 1", "6", true}, {"soc2", " 12 ", true}, {"SOC 3", "6", false}, {"SOC 9", "6", false}, {"SOC 2", "0", false}, {"SOC 2", "25", false}, {"SOC 2", "x", false}} {
		err := o.SetMinPeriod(c.kind, c.months, c.kind+"="+c.months)
		if (err == nil) != c.ok {
			t.Errorf("%s=%s: %v", c.kind, c.months, err)
		}
	}
	if o.MinPeriodMonths[attest.SOC1] != 6 || o.MinPeriodMonths[attest.SOC2] != 12 {
		t.Errorf("minimum periods %v", o.MinPeriodMonths)
	}
}

// TestReadRecommendation: a recommendation's JSON is read back as it was;
// answers are decided; JSON naming reports with a field a recommendation
// has not is refused, naming the file.
func TestReadRecommendation(t *testing.T) {
	a, err := ParseAnswers("a.yaml", []byte("financial_reporting_impact: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Decide(a, DefaultOptions())
	b, _ := json.Marshal(want)
	got, err := ReadRecommendation("rec.json", b, DefaultOptions())
	if err != nil || len(got.Reports) != len(want.Reports) {
		t.Fatalf("the JSON back: %+v, %v", got, err)
	}
	got, err = ReadRecommendation("a.yaml", []byte("financial_reporting_impact: true\n"), DefaultOptions())
	if err != nil || len(got.Reports) != len(want.Reports) {
		t.Errorf("answers: %+v, %v", got, err)
	}
	if _, err := ReadRecommendation("bad.json", []byte(`{"reports": [], "nonsense": 1}`), DefaultOptions()); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a recommendation with an unknown field: %v", err)
	}
}
