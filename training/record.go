package training

import (
	"context"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// Controls are the library's controls a completion is evidence for when
// the caller names none: new-hire training within 30 days (HR-02) and
// the yearly training (HR-03), those an engagement has.
var Controls = []string{"HR-02", "HR-03"}

// RecordRequest is one completion shown by its certificate.
type RecordRequest struct {
	Email, Course, Completed, Score, Certificate string
	// File is the certificate, staged; it is kept as evidence.
	File evidence.Item
	// Controls the certificate is evidence for (default: Controls, those
	// an engagement has).
	Controls []string
}

// EvidenceStore is what recording a certificate needs besides Store.
type EvidenceStore interface {
	evidence.Store
}

// Record keeps a certificate as evidence (through the evidence workflow,
// with its own ledger entry) and records the completion it shows, naming
// that evidence. Management only.
func Record(ctx context.Context, s Store, es EvidenceStore, bs evidence.Blobs, ch attest.Change, actor *attest.User, req RecordRequest) (*attest.Completion, error) {
	abort := func(err error) (*attest.Completion, error) {
		if req.File.Pending != nil {
			bs.Abort([]*blob.Pending{req.File.Pending})
		}
		return nil, err
	}
	if !attest.Manages(actor) {
		return abort(forbidden("only management (an admin or a compliance manager) records training"))
	}
	p, err := s.PersonByEmail(ctx, req.Email)
	if err != nil {
		return abort(err)
	}
	course := strings.TrimSpace(req.Course)
	if course == "" {
		return abort(&attest.Error{Code: attest.EINVALID, Message: "course: name the course completed"})
	}
	day, msg := date(strings.TrimSpace(req.Completed))
	if msg != "" {
		return abort(&attest.Error{Code: attest.EINVALID, Message: "completed: " + msg})
	}
	if req.File.Pending == nil {
		return abort(&attest.Error{Code: attest.EINVALID, Message: "certificate file: send the certificate; a provider's export is imported instead (attest training import)"})
	}
	ctls := req.Controls
	if len(ctls) == 0 {
		if ctls, err = evidence.Present(ctx, es, Controls); err != nil {
			return abort(err)
		}
	}
	added, err := evidence.Add(ctx, es, bs, ch, actor, evidence.AddRequest{Controls: ctls, Items: []evidence.Item{req.File}, Covers: day, PerformedOn: day,
		Source: "training certificate of " + p.Email, Note: course})
	if err != nil {
		return nil, err
	}
	c := attest.Completion{PersonID: p.ID, Email: p.Email, Course: course, Completed: day, Score: strings.TrimSpace(req.Score), Certificate: strings.TrimSpace(req.Certificate),
		Evidence: added.Evidence[0].ID, Source: "certificate " + req.File.Name}
	out, err := s.RecordCompletions(ctx, ch, attest.EntryTrainingRecorded, attest.TrainingChange{Source: "certificate " + req.File.Name, File: strings.TrimPrefix(added.Evidence[0].Ref, "sha256:")}, []attest.Completion{c})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}
