package accessreview_test

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
)

// A decision to change or revoke without a reason is refused with the
// rule named (by file, line and field when read from a file), and the
// batch records nothing (issue 18, bad input).
func TestDecisionWithoutReason(t *testing.T) {
	f := setup(t)
	db, id := f.db, f.c.ID
	if _, err := accessreview.Assign(ctx, db, ch, nil, id, accessreview.AssignRequest{Owner: "olu@example.com"}); err != nil {
		t.Fatal(err)
	}
	olu := f.users["olu@example.com"]
	for name, tc := range map[string]struct {
		in   []accessreview.DecisionInput
		want string
	}{
		"revoke":                {[]accessreview.DecisionInput{{Account: "ana", Decision: "revoke"}}, "reason: a decision to revoke needs its reason"},
		"change":                {[]accessreview.DecisionInput{{Account: "ana", Decision: "change"}}, "reason: a decision to change needs its reason"},
		"blank reason":          {[]accessreview.DecisionInput{{Account: "ana", Decision: "Revoke", Reason: "   "}}, "reason: a decision to revoke needs its reason"},
		"from a file":           {[]accessreview.DecisionInput{{Account: "bo", Decision: "keep", File: "olu.csv", Line: 2}, {Account: "ana", Decision: "change", File: "olu.csv", Line: 3}}, "olu.csv: line 3: reason: a decision to change needs its reason"},
		"a good row then a bad": {[]accessreview.DecisionInput{{Account: "bo", Decision: "revoke", Reason: "left"}, {Account: "cy", Decision: "revoke"}}, "a decision to revoke needs its reason"},
	} {
		size0, _ := db.LedgerSize(ctx)
		_, err := accessreview.Decide(ctx, db, ch, olu, nil, id, tc.in)
		if attest.ErrorCode(err) != attest.EINVALID || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want EINVALID naming %q", name, err, tc.want)
		}
		if size1, _ := db.LedgerSize(ctx); size1 != size0 {
			t.Errorf("%s: a refused batch added %d entries", name, size1-size0)
		}
	}
	items, _ := db.ReviewItems(ctx, id)
	for _, it := range items {
		if it.Decision != "" {
			t.Errorf("a refused batch decided %s: %s", it.Account, it.Decision)
		}
	}
	// Keep needs no reason.
	if _, err := accessreview.Decide(ctx, db, ch, olu, nil, id, []accessreview.DecisionInput{{Account: "ana", Decision: "keep"}}); err != nil {
		t.Errorf("keep without a reason: %v", err)
	}
}
