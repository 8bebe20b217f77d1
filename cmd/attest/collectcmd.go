package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/collect/live"
	"github.com/spf13/cobra"
)

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
	out, err := m.collectOnce(ctx, d, source, from, "--from", config, label, m.cliRecorder(d))
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
			l = append(l, item{s.Source, s.Evidence, s.Complete, s.Counts, orEmpty(s.Problems)})
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
			m.printf("Collected %s (%s): %s; evidence %d.\n", s.Source, state, strings.Join(parts, ", "), s.Evidence)
		}
	}
	if partial {
		return failure{exitFailed}
	}
	return nil
}

// collectOnce collects from exports or connectors and records each
// collection with rec. attest collect and the collect job both use it;
// field is what gave from, for its errors (the flag, or the payload's
// field).
func (m *Main) collectOnce(ctx context.Context, d *data, source, from, field, config, label string, rec recorder) ([]check.Collection, error) {
	var snaps []check.Collection
	if from != "" {
		if source == "" {
			source = "files"
		}
		res, err := readExports(field, from)
		if err != nil {
			return nil, err
		}
		relativeTo(res, from)
		snaps = append(snaps, check.NewCollection(source, label, m.actor(), m.Now(), res))
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
			snaps = append(snaps, check.NewCollection(name, "connector "+name, m.actor(), m.Now(), res))
		}
	}
	var out []check.Collection
	for _, s := range snaps {
		for _, p := range s.Problems {
			m.warn(p.String())
		}
		if err := check.KeepCollection(ctx, d.db, rec, nil, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return nil, err
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
