package engagement

import (
	"context"
	"strings"

	"github.com/attest-dev/attest"
)

// CurrentKey is the setting that names the engagement work is on when
// none is named (attest engagement use).
const CurrentKey = "current_engagement"

// CurrentStore reads engagements and the setting that names the current
// one.
type CurrentStore interface {
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Setting(ctx context.Context, key string) (string, error)
}

// Current is the engagement work is on: the one named, else the one the
// setting names, else the only one. No engagement at all is ENOTFOUND;
// several and none chosen is EINVALID, naming them.
func Current(ctx context.Context, s CurrentStore, named string) (*attest.Engagement, error) {
	if named != "" {
		return s.Engagement(ctx, named)
	}
	if id, err := s.Setting(ctx, CurrentKey); err == nil {
		return s.Engagement(ctx, id)
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return nil, err
	}
	all, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	switch len(all) {
	case 0:
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no engagement yet"}
	case 1:
		return &all[0], nil
	}
	ids := make([]string, len(all))
	for i, e := range all {
		ids[i] = e.ID
	}
	return nil, &attest.Error{Code: attest.EINVALID, Message: "several engagements: " + strings.Join(ids, ", ")}
}

// UseStore reads an engagement and writes the setting that names the
// current one.
type UseStore interface {
	Engagement(ctx context.Context, id string) (*attest.Engagement, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Use makes engagement id the current one: a setting of this
// installation, not a ledger entry (no one's act on the record).
func Use(ctx context.Context, s UseStore, id string) (*attest.Engagement, error) {
	e, err := s.Engagement(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.SetSetting(ctx, CurrentKey, e.ID); err != nil {
		return nil, err
	}
	return e, nil
}

// UseFirst makes engagement id the current one when none is yet (the
// first engagement created), and says whether it did.
func UseFirst(ctx context.Context, s interface {
	UseStore
	Setting(ctx context.Context, key string) (string, error)
}, id string) (bool, error) {
	_, err := s.Setting(ctx, CurrentKey)
	switch {
	case err == nil:
		return false, nil
	case attest.ErrorCode(err) != attest.ENOTFOUND:
		return false, err
	}
	_, err = Use(ctx, s, id)
	return err == nil, err
}
