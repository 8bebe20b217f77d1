package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"gopkg.in/yaml.v3"
)

// Entry is one periodic job: every Every, a job of Kind with Payload. Each
// slot has a key (name and slot start), so every server that runs the
// schedule enqueues the same job once.
type Entry struct {
	Name    string          `json:"name"`
	Kind    string          `json:"kind"`
	Every   time.Duration   `json:"every"`
	Payload json.RawMessage `json:"payload"`
}

// LoadSchedule reads a schedule file (YAML):
//
//   - name: nightly-checks
//     kind: check-run
//     every: 24h
//     payload: {input: /srv/exports}
func LoadSchedule(path string, kinds []string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "schedule: %v", err)
	}
	var raw []struct {
		Name    string         `yaml:"name"`
		Kind    string         `yaml:"kind"`
		Every   string         `yaml:"every"`
		Payload map[string]any `yaml:"payload"`
	}
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: %v (want a list of name, kind, every, payload)", path, err)
	}
	var out []Entry
	seen := map[string]bool{}
	for i, r := range raw {
		where := fmt.Sprintf("%s: entry %d", path, i+1)
		if r.Name == "" || seen[r.Name] {
			return nil, attest.Errorf(attest.EINVALID, "%s: name: want a unique, non-empty name", where)
		}
		seen[r.Name] = true
		if !slices.Contains(kinds, r.Kind) {
			return nil, attest.Errorf(attest.EINVALID, "%s: kind %q: want one of %s", where, r.Kind, strings.Join(kinds, ", "))
		}
		every, err := time.ParseDuration(r.Every)
		if err != nil || every < time.Minute {
			return nil, attest.Errorf(attest.EINVALID, "%s: every %q: want a duration of at least 1m, like 24h", where, r.Every)
		}
		p, err := json.Marshal(r.Payload)
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: payload: %v", where, err)
		}
		if r.Payload == nil {
			p = json.RawMessage(`{}`)
		}
		out = append(out, Entry{Name: r.Name, Kind: r.Kind, Every: every, Payload: p})
	}
	return out, nil
}

// Slot is the key of the entry's job for the period that holds now.
func (e Entry) Slot(now time.Time) (string, time.Time) {
	start := now.UTC().Truncate(e.Every)
	return "schedule:" + e.Name + ":" + start.Format(time.RFC3339), start
}

// enqueueDue enqueues the current slot of every schedule entry; the key
// makes this a no-op when any server already did.
func (r *Runner) enqueueDue(ctx context.Context) error {
	now := r.Now()
	if r.enqueued == nil {
		r.enqueued = map[string]string{}
	}
	for _, e := range r.Schedule {
		key, start := e.Slot(now)
		if r.enqueued[e.Name] == key {
			continue
		}
		if _, _, err := r.Store.EnqueueJob(ctx, attest.Job{Kind: e.Kind, Payload: e.Payload, Key: key, RunAt: start}, now); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		r.enqueued[e.Name] = key
	}
	return nil
}
