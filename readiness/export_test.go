package readiness

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"
)

func exportReport() *Report {
	gap := Gap{Kind: "no-evidence", Ref: "AX-01", Detail: "no evidence yet", Hint: "add evidence"}
	return &Report{Engagement: "e1", Label: "SOC 2 Type 2",
		Type1:  View{Score: 50, Explanation: "one", Criteria: []TargetScore{{ID: "CC1.1", Score: 100, Controls: []string{"AX-01", "BX-01"}}, {ID: "A1.1", Excluded: "availability not in scope"}}},
		Type2:  View{Score: 25, Explanation: "two", Criteria: []TargetScore{{ID: "CC1.1", Score: 25, Gaps: []Gap{gap}}, {ID: "A1.1", Excluded: "availability not in scope"}}},
		AtRisk: []AtRisk{{Ref: "CC1.1", Reasons: []string{"low", "late"}}}, Options: []string{"wait"},
		Lowest: &Lowest{Ref: "CC1.1", Score: 25}, Gaps: []Gap{gap}}
}

func TestCSV(t *testing.T) {
	b, err := exportReport().CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"criterion", "type1_score", "type2_score", "controls", "excluded", "gaps"},
		{"CC1.1", "100", "25", "AX-01 BX-01", "", "no-evidence AX-01"},
		{"A1.1", "0", "0", "", "availability not in scope", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %q", rows)
	}
}

func TestMarkdown(t *testing.T) {
	md := exportReport().Markdown(time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC))
	for _, want := range []string{
		"# Readiness: e1 (SOC 2 Type 2)\n\nAs of 2026-07-10.",
		"| Type 1 readiness | 50 / 100 |", "| lowest (CC1.1) | 25 / 100 |",
		"- **CC1.1**: low; late", "- wait",
		"| CC1.1 | 100 | 25 | AX-01, BX-01 | 1 |", "| A1.1 | excluded | excluded | | availability not in scope |",
		"- **no-evidence** `AX-01`: no evidence yet. add evidence",
		"- Type 1: one\n- Type 2: two",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
}
