package readiness

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// CSV is the report's per-criterion scores and gaps as CSV, one row per
// criterion or objective: its Type 1 and Type 2 scores, its controls, why
// it is excluded, and its gaps (kind and reference).
func (r *Report) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"criterion", "type1_score", "type2_score", "controls", "excluded", "gaps"})
	for i, c := range r.Type1.Criteria {
		var gaps []string
		for _, g := range r.Type2.Criteria[i].Gaps {
			gaps = append(gaps, g.Kind+" "+g.Ref)
		}
		w.Write([]string{c.ID, fmt.Sprint(c.Score), fmt.Sprint(r.Type2.Criteria[i].Score), strings.Join(c.Controls, " "), c.Excluded, strings.Join(gaps, "; ")})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// Markdown is the whole report as of when, as Markdown: the scores, what
// is at risk, each criterion or objective, every gap and how the scores
// are computed.
func (r *Report) Markdown(when time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Readiness: %s (%s)\n\nAs of %s. **Internal readiness indicator**, not an assessment of design or operating effectiveness, which is the service auditor's.\n\n", r.Engagement, r.Label, when.Format(attest.DateLayout))
	fmt.Fprintf(&b, "| view | score |\n|---|---|\n| Type 1 readiness | %d / 100 |\n| Type 2 readiness | %d / 100 |\n", r.Type1.Score, r.Type2.Score)
	if r.Lowest != nil {
		fmt.Fprintf(&b, "| lowest (%s) | %d / 100 |\n", r.Lowest.Ref, r.Lowest.Score)
	}
	b.WriteString("\n")
	if len(r.AtRisk) > 0 {
		b.WriteString("## At risk\n\n")
		for _, a := range r.AtRisk {
			fmt.Fprintf(&b, "- **%s**: %s\n", a.Ref, strings.Join(a.Reasons, "; "))
		}
		b.WriteString("\nThe options:\n\n")
		for _, o := range r.Options {
			fmt.Fprintf(&b, "- %s\n", o)
		}
		b.WriteString("\n")
	}
	b.WriteString("| criterion | Type 1 | Type 2 | controls | gaps |\n|---|---|---|---|---|\n")
	for i, c := range r.Type1.Criteria {
		if c.Excluded != "" {
			fmt.Fprintf(&b, "| %s | excluded | excluded | | %s |\n", c.ID, c.Excluded)
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %d |\n", c.ID, c.Score, r.Type2.Criteria[i].Score, strings.Join(c.Controls, ", "), len(r.Type2.Criteria[i].Gaps))
	}
	b.WriteString("\n## Gaps, most blocking first\n\n")
	for _, g := range r.Gaps {
		fmt.Fprintf(&b, "- **%s** `%s`: %s. %s\n", g.Kind, g.Ref, g.Detail, g.Hint)
	}
	fmt.Fprintf(&b, "\n## How the scores are computed\n\n- Type 1: %s\n- Type 2: %s\n", r.Type1.Explanation, r.Type2.Explanation)
	return b.String()
}
