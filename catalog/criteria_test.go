package catalog

import (
	"regexp"
	"testing"
)

// A report prints a criterion's statement only: it must restate the
// criterion in one sentence and carry none of the guidance meant for the
// user (what evidence is typical, what auditors look at).
func TestCriterionStatementsAreNeutral(t *testing.T) {
	tips := regexp.MustCompile(`(?i)\b(evidence|auditors?|typical(ly)?|usual(ly)?|for example|examples?|in practice)\b`)
	for _, cr := range MustLoad().Criteria {
		if n := sentences(cr.Statement); n != 1 {
			t.Errorf("%s: statement has %d sentences, want 1: %q", cr.ID, n, cr.Statement)
		}
		if m := tips.FindString(cr.Statement); m != "" {
			t.Errorf("%s: statement carries guidance (%q): %q", cr.ID, m, cr.Statement)
		}
		if cr.Guidance == "" {
			t.Errorf("%s: no guidance for the catalog and readiness views", cr.ID)
		}
		if want := cr.Statement + " " + cr.Guidance; cr.Description != want {
			t.Errorf("%s: description %q, want the statement then the guidance", cr.ID, cr.Description)
		}
	}
}
