// Package remind keeps when each recipient was last sent a kind of
// reminder, in one setting per kind, so that a reminder goes at most
// once per interval however often the job that sends it runs or is
// retried. The rounds are read, then written, without a lock: two runs at
// the very same moment on two servers could both send. The checklists'
// and the access reviews' reminders keep their rounds here; the portal's
// are ledger entries of their own.
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

// Store reads and writes the setting that keeps the rounds.
type Store interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Rounds is when each recipient was last reminded (a JSON object in the
// setting: recipient → RFC 3339 time).
type Rounds struct {
	key     string
	last    map[string]string
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
	case raw != "":
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
// so a job interrupted after it sends none twice.
func (r *Rounds) Save(ctx context.Context, s Store) error {
	if !r.changed {
		return nil
	}
	b, err := json.Marshal(r.last)
	if err != nil {
		return err
	}
	return s.SetSetting(ctx, r.key, string(b))
}
