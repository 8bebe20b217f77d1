package evidence

import (
	"context"
	"fmt"

	"github.com/attest-dev/attest"
)

// Scope is the evidence a reader may see: auth.Scope for an account (an
// auditor sees the evidence of the controls of the engagements they
// audit), auth.Everything for management and the local operator.
type Scope interface {
	Evidence(e *attest.Evidence) error
}

// Reader reads evidence records.
type Reader interface {
	EvidenceList(ctx context.Context, control string, all bool) ([]attest.Evidence, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// List is the evidence in the scope, oldest first: one control's when
// control is named, the retracted and purged items too when all is set.
func List(ctx context.Context, s Reader, sc Scope, control string, all bool) ([]attest.Evidence, error) {
	evs, err := s.EvidenceList(ctx, control, all)
	if err != nil {
		return nil, err
	}
	out := make([]attest.Evidence, 0, len(evs))
	for i := range evs {
		if sc.Evidence(&evs[i]) == nil {
			out = append(out, evs[i])
		}
	}
	return out, nil
}

// Get is evidence id, refused outside the scope.
func Get(ctx context.Context, s Reader, sc Scope, id int64) (*attest.Evidence, error) {
	e, err := s.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	return e, sc.Evidence(e)
}

// Download is evidence id when its bytes may be handed out: in the scope,
// not purged, and not retracted unless retracted is set (a retracted item
// no longer supports its controls, so its bytes go only to whoever asks
// for them as such; ask is the caller's words for how).
func Download(ctx context.Context, s Reader, sc Scope, id int64, retracted bool, ask string) (*attest.Evidence, error) {
	e, err := Get(ctx, s, sc, id)
	switch {
	case err != nil:
		return nil, err
	case e.PurgedAt != "":
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("evidence %d was retracted and its bytes were purged on %s under the retention rule; the record stays in the ledger", e.ID, e.PurgedAt)}
	case e.Retraction != nil && !retracted:
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("evidence %d was retracted on %s by %s (%s); its bytes are kept until a retention rule allows a purge: %s", e.ID, e.Retraction.At, e.Retraction.By, e.Retraction.Reason, ask)}
	}
	return e, nil
}
