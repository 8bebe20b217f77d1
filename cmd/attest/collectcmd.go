package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/collect/live"
	"github.com/spf13/cobra"
)

// snapshot is one collection as kept in evidence: the normalized records
// and what could not be read.
type snapshot struct {
	Source      string            `json:"source"`
	CollectedAt string            `json:"collected_at"`
	By          string            `json:"by"`
	From        string            `json:"from"`
	Complete    bool              `json:"complete"`
	Counts      map[string]int    `json:"counts"`
	Problems    []collect.Problem `json:"problems"`
	Records     []collect.Record  `json:"records"`

	evidence int64
}

func (m *Main) collectCommand() *cobra.Command {
	var source, from, config string
	c := &cobra.Command{
		Use:   "collect",
		Short: "Collect records from your systems (live connectors or export files) as evidence",
		Long: `Collect reads the systems a service organization uses into normalized
records that checks evaluate, and keeps each collection as dated evidence.

  attest collect --from DIR              read the export files in DIR
  attest collect --source github         call one live connector
  attest collect                         call every configured connector

Connectors: ` + strings.Join(live.Sources(), ", ") + `. Credentials come from the
environment (GITHUB_TOKEN, OKTA_ORG_URL and OKTA_API_TOKEN, the AWS_*
chain) or from --config FILE; they are never logged or kept in evidence.
Export formats read with --from: ` + formatNames() + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.collect(cmd.Context(), source, from, config, from)
		},
	}
	c.Flags().StringVar(&source, "source", "", "the connector to call, or with --from the name this collection is kept under (default \"files\")")
	c.Flags().StringVar(&from, "from", "", "read export files from this folder (or file) instead of calling a connector")
	c.Flags().StringVar(&config, "config", "", "connector settings file (YAML); environment variables take precedence")
	return c
}

func formatNames() string {
	var names []string
	for _, f := range collect.Formats() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// collect reads exports (from) or calls connectors; label is what the
// collection records as where it came from.
func (m *Main) collect(ctx context.Context, source, from, config, label string) error {
	d, err := m.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	out, err := m.collectOnce(ctx, d, source, from, config, label, m.cliRecorder(d))
	if err != nil {
		return err
	}
	partial := false
	for _, s := range out {
		partial = partial || !s.Complete
	}
	if m.cfg.json {
		type item struct {
			Source   string            `json:"source"`
			Evidence int64             `json:"evidence"`
			Complete bool              `json:"complete"`
			Counts   map[string]int    `json:"counts"`
			Problems []collect.Problem `json:"problems"`
		}
		var l []item
		for _, s := range out {
			l = append(l, item{s.Source, s.evidence, s.Complete, s.Counts, orEmpty(s.Problems)})
		}
		m.printJSON(map[string]any{"collections": l})
	} else {
		for _, s := range out {
			var parts []string
			for _, t := range slices.Sorted(maps.Keys(s.Counts)) {
				parts = append(parts, fmt.Sprintf("%d %s", s.Counts[t], t))
			}
			state := "complete"
			if !s.Complete {
				state = fmt.Sprintf("INCOMPLETE: %d problems", len(s.Problems))
			}
			m.printf("Collected %s (%s): %s; evidence %d.\n", s.Source, state, strings.Join(parts, ", "), s.evidence)
		}
	}
	if partial {
		return failure{exitFailed}
	}
	return nil
}

// collectOnce collects from exports or connectors and records each
// collection with rec. attest collect and the collect job both use it.
func (m *Main) collectOnce(ctx context.Context, d *data, source, from, config, label string, rec recorder) ([]snapshot, error) {
	var snaps []snapshot
	if from != "" {
		if source == "" {
			source = "files"
		}
		res, err := readExports(from)
		if err != nil {
			return nil, err
		}
		relativeTo(res, from)
		snaps = append(snaps, m.newSnapshot(source, label, res))
	} else {
		cfg, err := live.LoadConfig(config, m.Getenv)
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%v", err)
		}
		sources := []string{source}
		if source == "" {
			sources = cfg.Configured()
			if len(sources) == 0 {
				return nil, &attest.Error{Code: attest.EINVALID, Message: "no connector is configured and no --from folder was given",
					Hint: "set GITHUB_TOKEN, OKTA_ORG_URL and OKTA_API_TOKEN, or AWS credentials; or read exports with --from DIR"}
			}
		}
		for _, name := range sources {
			m.progress("collecting from %s", name)
			res, err := live.Collect(ctx, name, cfg)
			if err != nil {
				// Nothing from a connector that failed part-way is kept.
				return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: err.Error(), Hint: "nothing was recorded for " + name}
			}
			snaps = append(snaps, m.newSnapshot(name, "connector "+name, res))
		}
	}
	var out []snapshot
	for _, s := range snaps {
		for _, p := range s.Problems {
			m.warn(p.String())
		}
		if err := m.recordSnapshot(ctx, d, &s, rec); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

func (m *Main) newSnapshot(source, from string, res *collect.Result) snapshot {
	s := snapshot{Source: source, CollectedAt: m.Now().UTC().Format("2006-01-02T15:04:05Z"), By: m.actor(), From: from,
		Complete: len(res.Problems) == 0, Counts: map[string]int{}, Problems: orEmpty(res.Problems), Records: orEmpty(res.Records)}
	for _, r := range res.Records {
		s.Counts[r.Type]++
	}
	return s
}

// recordSnapshot keeps a collection as evidence for the controls of the
// checks that read its record types, and remembers it as the source's
// latest.
func (m *Main) recordSnapshot(ctx context.Context, d *data, s *snapshot, rec recorder) error {
	known, err := knownControls(ctx, d.db)
	if err != nil {
		return err
	}
	controls, err := check.CollectionControls(s.Source, s.Counts, known)
	if err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("%d records", len(s.Records))
	if !s.Complete {
		note += fmt.Sprintf("; INCOMPLETE: %d problems", len(s.Problems))
	}
	ev, err := rec(ctx, "collect:"+s.Source, b, attest.Evidence{Name: "collected-" + safeName(s.Source) + "-" + m.Now().UTC().Format("20060102T150405Z") + ".json",
		MediaType: "application/json", Controls: controls, Method: attest.MethodCollector, Source: s.From, Note: note})
	if err != nil {
		return err
	}
	s.evidence = ev.ID
	return check.RecordCollection(ctx, d.db, s.Source, ev.ID)
}

// latestCollections reads each source's latest collection back from
// evidence, verifying its bytes against their hash.
func (m *Main) latestCollections(ctx context.Context, d *data) ([]snapshot, error) {
	latest, err := check.LatestCollections(ctx, d.db)
	if err != nil {
		return nil, err
	}
	if len(latest) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "nothing has been collected yet",
			Hint: "run attest collect (or attest check run --input DIR)"}
	}
	var out []snapshot
	for _, src := range slices.Sorted(maps.Keys(latest)) {
		ev, err := d.db.Evidence(ctx, latest[src])
		if err != nil {
			return nil, err
		}
		if ev.Retraction != nil {
			m.warn("the latest collection from " + src + " (evidence " + strconv.FormatInt(ev.ID, 10) + ") was retracted; it is left out")
			continue
		}
		b, err := blob.ReadAll(d.blobs, blob.Ref(ev.Ref))
		if err != nil {
			return nil, err
		}
		var s snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("collection evidence %d: %w", ev.ID, err)
		}
		s.evidence = ev.ID
		out = append(out, s)
	}
	return out, nil
}

// relativeTo names each record's and problem's file relative to the folder
// read, so a collection says the same wherever the folder lives.
func relativeTo(res *collect.Result, dir string) {
	rel := func(p string) string {
		if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") && r != "." {
			return filepath.ToSlash(r)
		}
		return p
	}
	for i := range res.Records {
		res.Records[i].Source = rel(res.Records[i].Source)
	}
	for i := range res.Problems {
		res.Problems[i].File = rel(res.Problems[i].File)
	}
}
