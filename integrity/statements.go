package integrity

import (
	"context"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/ledger"
)

// Problem kinds for the service auditor's statements.
const (
	AuditorUnsigned  = "auditor_unsigned"
	AuditorSignature = "auditor_bad_signature"
	StatementMissing = "statement_missing"
)

// checkStatements checks every engagement's auditor statements against
// its enrolled keys (fieldwork.Check), and every ledger entry that names
// a statement against the statements stored: a result recorded as the
// auditor's without their signature, a signature that does not hold, a
// record that differs from what was signed, and a statement deleted after
// its entry are problems.
func checkStatements(ctx context.Context, s attest.Store, entries []ledger.Entry, r *Report) error {
	engs, err := s.Engagements(ctx)
	if err != nil {
		return err
	}
	stored := map[string]bool{}
	for _, e := range engs {
		a, err := fieldwork.Check(ctx, s, e.ID)
		if err != nil {
			return err
		}
		r.AuditorStatements.Verified += a.Counts.Verified
		r.AuditorStatements.Unsigned += a.Counts.Unsigned
		r.AuditorStatements.BadSignature += a.Counts.BadSignature
		for _, p := range a.Problems {
			kind := AuditorSignature
			if p.Kind == fieldwork.ProblemUnsigned {
				kind = AuditorUnsigned
			}
			r.add(kind, -1, "", "%s: %s", e.ID, p.Detail)
		}
		sts, err := s.Statements(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, st := range sts {
			stored[st.Hash] = true
		}
	}
	for _, e := range entries {
		if e.Statement != "" && !stored[e.Statement] {
			r.add(StatementMissing, e.Seq, "", "entry %d (%s) was signed by the service auditor, and its statement %.16s is missing: deleted or withheld", e.Seq, e.Type, e.Statement)
		}
	}
	return nil
}
