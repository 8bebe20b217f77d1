package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/attest-dev/attest"
)

// A collection is the records read from one source's exports, kept as
// evidence (attest collect, and the collect job); checks run over each
// source's latest one.

// collectionsKey is the setting that holds each source's latest
// collection (its evidence ID, by source). Only RecordCollection writes it
// and only this file reads it.
const collectionsKey = "collect.latest"

// CollectionControls are the controls a collection is evidence for: those
// of the built-in checks that read a record type the collection holds
// (counts, by type), that some engagement has (known), in order. None is
// EINVALID: a collection kept for no control would be evidence of nothing.
func CollectionControls(source string, counts map[string]int, known map[string]bool) ([]string, error) {
	var controls []string
	for _, c := range Builtin().Checks {
		reads := false
		for _, t := range c.Reads {
			reads = reads || counts[t] > 0
		}
		for _, id := range c.Controls {
			if reads && known[id] && !slices.Contains(controls, id) {
				controls = append(controls, id)
			}
		}
	}
	if len(controls) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("the collection from %s supports no control in an engagement, so it cannot be kept as evidence", source),
			Hint: "create an engagement whose controls these records support, or run the checks on the exports without keeping them"}
	}
	slices.Sort(controls)
	return controls, nil
}

// LatestCollections is each source's latest collection: its evidence ID,
// by source (empty when nothing was collected).
func LatestCollections(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
}) (map[string]int64, error) {
	latest := map[string]int64{}
	v, err := s.Setting(ctx, collectionsKey)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return latest, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(v), &latest); err != nil {
		return nil, fmt.Errorf("setting %s: %w", collectionsKey, err)
	}
	return latest, nil
}

// RecordCollection makes the collection kept as evidence item evidenceID
// the source's latest.
func RecordCollection(ctx context.Context, s interface {
	Setting(ctx context.Context, key string) (string, error)
	SettingWriter
}, source string, evidenceID int64) error {
	latest, err := LatestCollections(ctx, s)
	if err != nil {
		return err
	}
	latest[source] = evidenceID
	b, err := json.Marshal(latest)
	if err != nil {
		return err
	}
	return s.SetSetting(ctx, collectionsKey, string(b))
}
