package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/automation"
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
	out, err := automation.Collect(ctx, m.automation(d), automation.Collection{Source: source, From: from, Config: config, Label: label})
	if err != nil {
		return hinted(flagNamed(err), attest.EINVALID, "no connector is configured", "set GITHUB_TOKEN, OKTA_ORG_URL and OKTA_API_TOKEN, or AWS credentials; or read exports with --from DIR")
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
			l = append(l, item{s.Source, s.Evidence, s.Complete, s.Counts, attest.OrEmpty(s.Problems)})
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
