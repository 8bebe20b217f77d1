package scope

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestQuestionValue: what a typed line becomes for each kind of question,
// and that ParseAnswers takes it.
func TestQuestionValue(t *testing.T) {
	cases := []struct {
		key, line string
		want      any
	}{
		{"service_types", "saas, hosting,", []string{"saas", "hosting"}},
		{"requested", "SOC 2 Type 2", []string{"SOC 2 Type 2"}},
		{"customer_data", "Y", true},
		{"customer_data", "no", false},
		{"controls_operating_months", "7", 7},
		{"controls_operating_months", "seven", "seven"},
		{"controls_in_place", "partly", "partly"},
		{"customer_fiscal_year_ends", "Dec 31, Jun 30", "Dec 31, Jun 30"},
	}
	for _, c := range cases {
		q, ok := question(c.key)
		if !ok {
			t.Fatalf("no question %s", c.key)
		}
		got := q.Value(c.line)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: %#v, want %#v", c.key, c.line, got, c.want)
			continue
		}
		b, _ := json.Marshal(map[string]any{c.key: got})
		_, err := ParseAnswers("answer", b)
		if bad := c.line == "seven"; (err != nil) != bad {
			t.Errorf("%s %q: ParseAnswers: %v", c.key, c.line, err)
		}
	}
}
