package period

import (
	"context"
	"strconv"
	"time"

	"github.com/attest-dev/attest"
)

// BusinessDaysKey is the setting that lays daily controls on Monday to
// Friday only ("true").
const BusinessDaysKey = "period.business_days"

// Settings reads the installation's settings.
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
}

// Records reads what a control's occurrences are matched against.
type Records interface {
	EvidenceList(ctx context.Context, control string, withRetracted bool) ([]attest.Evidence, error)
	Events(ctx context.Context, controlID string) ([]attest.Event, error)
	NotRequiredList(ctx context.Context, controlID string) ([]attest.NotRequired, error)
}

// SetOptions changes how occurrences are laid out in this installation,
// for management. It is a setting, not a ledger entry: the occurrences
// the auditor sees are recomputed from the records under it.
func SetOptions(ctx context.Context, s interface {
	SetSetting(ctx context.Context, key, value string) error
}, actor *attest.User, o Options) error {
	if !attest.Manages(actor) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "only management (an admin or a compliance manager) changes how occurrences are laid out"}
	}
	return s.SetSetting(ctx, BusinessDaysKey, strconv.FormatBool(o.BusinessDays))
}

// LoadOptions reads how occurrences are laid out in this installation.
func LoadOptions(ctx context.Context, s Settings) Options {
	v, err := s.Setting(ctx, BusinessDaysKey)
	return Options{BusinessDays: err == nil && v == "true"}
}

// ControlStatus evaluates one control's occurrences over [start, end] as of
// when, from its evidence (retracted items included, so a retraction after
// when does not change the past), events and not-required records. It is
// the one place the command line and the server read them.
func ControlStatus(ctx context.Context, s Records, c attest.Control, start, end, when time.Time, opts Options) (Status, error) {
	in := Input{Control: c, Start: start, End: end, AsOf: when, Options: opts}
	var err error
	if in.Evidence, err = s.EvidenceList(ctx, c.ID, true); err != nil {
		return Status{}, err
	}
	if in.Events, err = s.Events(ctx, c.ID); err != nil {
		return Status{}, err
	}
	if in.NotRequired, err = s.NotRequiredList(ctx, c.ID); err != nil {
		return Status{}, err
	}
	return Evaluate(in), nil
}
