package check

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/evidence"
)

// Collection is one collection as kept in evidence: the normalized
// records of one source and what could not be read. Its JSON is the
// evidence's bytes.
type Collection struct {
	Source      string            `json:"source"`
	CollectedAt string            `json:"collected_at"`
	By          string            `json:"by"`
	From        string            `json:"from"`
	Complete    bool              `json:"complete"`
	Counts      map[string]int    `json:"counts"`
	Problems    []collect.Problem `json:"problems"`
	Records     []collect.Record  `json:"records"`
	// Evidence is the evidence item that keeps it, once kept or read.
	Evidence int64 `json:"-"`
}

// NewCollection is what res read from source: from says where (a folder,
// "connector github"), by who collected, at when. It is complete when
// nothing went unread.
func NewCollection(source, from, by string, at time.Time, res *collect.Result) Collection {
	c := Collection{Source: source, CollectedAt: at.UTC().Format(time.RFC3339), By: by, From: from, Complete: len(res.Problems) == 0,
		Counts: map[string]int{}, Problems: res.Problems, Records: res.Records}
	if c.Problems == nil {
		c.Problems = []collect.Problem{}
	}
	if c.Records == nil {
		c.Records = []collect.Record{}
	}
	for _, r := range res.Records {
		c.Counts[r.Type]++
	}
	return c
}

// Whole refuses a collection that left records unread: it is no complete
// listing of its source (an access review's accounts, a reconciliation's
// identity provider).
func (c *Collection) Whole() error {
	if !c.Complete {
		return attest.Errorf(attest.EINVALID, "collection %d had %d rows it could not read: it is no complete listing", c.Evidence, len(c.Problems))
	}
	return nil
}

// CollectionStore is what keeping a collection needs: the engagements'
// controls, and the setting that names each source's latest collection.
type CollectionStore interface {
	Engagements(ctx context.Context) ([]attest.Engagement, error)
	Controls(ctx context.Context, engagementID string) ([]attest.Control, error)
	Setting(ctx context.Context, key string) (string, error)
	SettingWriter
}

// KeepCollection keeps c as evidence, through keep, for the controls of
// the checks that read its record types (CollectionControls), noted with
// its size and whether it is complete, and makes it its source's latest
// (RecordCollection). It sets c.Evidence. Collections are management's
// (actor nil: the local operator or a job).
func KeepCollection(ctx context.Context, s CollectionStore, keep Keep, actor *attest.User, c *Collection) error {
	if !attest.Manages(actor) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager keeps collections"}
	}
	known, err := engagement.ControlIDs(ctx, s)
	if err != nil {
		return err
	}
	controls, err := CollectionControls(c.Source, c.Counts, known)
	if err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d records", len(c.Records))
	if !c.Complete {
		note += fmt.Sprintf("; INCOMPLETE: %d problems", len(c.Problems))
	}
	at, err := time.Parse(time.RFC3339, c.CollectedAt)
	if err != nil {
		return fmt.Errorf("collection from %s: collected_at: %w", c.Source, err)
	}
	ev, err := keep(ctx, "collect:"+c.Source, b, attest.Evidence{Name: "collected-" + evidence.FileName(c.Source) + "-" + at.UTC().Format("20060102T150405Z") + ".json",
		MediaType: "application/json", Controls: controls, Method: attest.MethodCollector, Source: c.From, Note: note})
	if err != nil {
		return err
	}
	c.Evidence = ev.ID
	return RecordCollection(ctx, s, c.Source, ev.ID)
}

// EvidenceReader is what reading collections back needs.
type EvidenceReader interface {
	Setting(ctx context.Context, key string) (string, error)
	Evidence(ctx context.Context, id int64) (*attest.Evidence, error)
}

// LoadCollection reads collection id back from evidence, its bytes
// verified against their hash. Evidence that is not a collection in
// force is EINVALID.
func LoadCollection(ctx context.Context, s EvidenceReader, blobs blob.Store, id int64) (*Collection, error) {
	ev, err := s.Evidence(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Method != attest.MethodCollector || ev.Retraction != nil {
		return nil, attest.Errorf(attest.EINVALID, "evidence %d is not a collection in force (see attest evidence list)", id)
	}
	return readCollection(blobs, ev)
}

func readCollection(blobs blob.Store, ev *attest.Evidence) (*Collection, error) {
	b, err := blob.ReadAll(blobs, blob.Ref(ev.Ref))
	if err != nil {
		return nil, err
	}
	var c Collection
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("collection evidence %d: %w", ev.ID, err)
	}
	c.Evidence = ev.ID
	return &c, nil
}

// LoadLatestCollections reads each source's latest collection back, by
// source. A collection retracted since is left out, and said in left (one
// sentence each); none collected at all is EINVALID.
func LoadLatestCollections(ctx context.Context, s EvidenceReader, blobs blob.Store) (cs []Collection, left []string, err error) {
	latest, err := LatestCollections(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	if len(latest) == 0 {
		return nil, nil, &attest.Error{Code: attest.EINVALID, Message: "nothing has been collected yet",
			Hint: "collect first, or run the checks on a folder of exports"}
	}
	for _, src := range slices.Sorted(maps.Keys(latest)) {
		ev, err := s.Evidence(ctx, latest[src])
		if err != nil {
			return nil, nil, err
		}
		if ev.Retraction != nil {
			left = append(left, fmt.Sprintf("the latest collection from %s (evidence %d) was retracted; it is left out", src, ev.ID))
			continue
		}
		c, err := readCollection(blobs, ev)
		if err != nil {
			return nil, nil, err
		}
		cs = append(cs, *c)
	}
	return cs, left, nil
}
