// Package remind keeps when each recipient was last sent a kind of
// reminder, in one setting per kind, so that a reminder goes at most
// once per interval however often the job that sends it runs or is
// retried. The rounds are written back only if no other run wrote them
// since they were read (a compare-and-set on the setting), so of two runs
// at the same moment on two servers one sends and the other sends
// nothing. The checklists' and the access reviews' reminders keep their
// rounds here; the portal's are ledger entries of their own.
package remind

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
)

// DefaultEvery is how often a recipient is reminded at most, unless the
// caller says otherwise: a week.
const DefaultEvery = 7 * 24 * time.Hour

// Store reads the setting that keeps the rounds and swaps it for the
// next.
type Store interface {
	Setting(ctx context.Context, key string) (string, error)
	SwapSetting(ctx context.Context, key string, old *string, value string) (bool, error)
}

// Rounds is when each recipient was last reminded (a JSON object in the
// setting: recipient → RFC 3339 time).
type Rounds struct {
	key  string
	last map[string]string
	// read is the setting as loaded (nil: there was none), which Save
	// expects to find still.
	read    *string
	changed bool
}

// Load reads the rounds kept under key (none yet is an empty set).
func Load(ctx context.Context, s Store, key string) (*Rounds, error) {
	r := &Rounds{key: key, last: map[string]string{}}
	raw, err := s.Setting(ctx, key)
	switch {
	case attest.ErrorCode(err) == attest.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		r.read = &raw
		if raw == "" {
			break
		}
		if err := json.Unmarshal([]byte(raw), &r.last); err != nil {
			return nil, fmt.Errorf("read %s: %w", key, err)
		}
	}
	return r, nil
}

// Due says whether to may be reminded at now: never reminded, or last
// reminded every or longer ago (every 0 or less: DefaultEvery).
func (r *Rounds) Due(to string, now time.Time, every time.Duration) bool {
	if every <= 0 {
		every = DefaultEvery
	}
	t, err := time.Parse(time.RFC3339, r.last[to])
	return err != nil || now.Sub(t) >= every
}

// Mark records that to is reminded at now.
func (r *Rounds) Mark(to string, now time.Time) {
	r.last[to] = now.UTC().Format(time.RFC3339)
	r.changed = true
}

// Save keeps the rounds when any was marked: before the messages go out,
// so a job interrupted after it sends none twice. When another run saved
// its rounds since these were loaded, nothing is kept and Save answers a
// conflict: the caller sends nothing, the other run having sent.
func (r *Rounds) Save(ctx context.Context, s Store) error {
	if !r.changed {
		return nil
	}
	b, err := json.Marshal(r.last)
	if err != nil {
		return err
	}
	ok, err := s.SwapSetting(ctx, r.key, r.read, string(b))
	if err != nil {
		return err
	}
	if !ok {
		return attest.Errorf(attest.ECONFLICT, "%s: another run kept its reminders since this one read them; this run sends none", r.key)
	}
	v := string(b)
	r.read, r.changed = &v, false
	return nil
}
