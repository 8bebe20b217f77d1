package automation

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
	"github.com/attest-dev/attest/collect/live"
)

// Collection says where a collection reads from: a folder or file of
// exports (From, recorded under Source, default "files", and described
// as Label), or else the connectors (Source, or every one configured;
// Config is the connectors' settings file).
type Collection struct {
	Source, From, Config, Label string
}

// Collect collects, keeps each collection as evidence through env.Keep
// (check.KeepCollection) and signs the ledger. A connector that fails
// part-way keeps nothing for its source.
func Collect(ctx context.Context, env Env, c Collection) ([]check.Collection, error) {
	if env.Store == nil || env.Keep == nil {
		return nil, attest.Errorf(attest.EINVALID, "a collection is kept in a data directory: there is none here")
	}
	snaps, err := gather(ctx, env, c)
	if err != nil {
		return nil, err
	}
	var out []check.Collection
	for _, s := range snaps {
		for _, p := range s.Problems {
			env.warn(p.String())
		}
		if err := check.KeepCollection(ctx, env.Store, env.Keep, nil, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, env.checkpoint(ctx)
}

// gather reads the exports, or calls the connectors.
func gather(ctx context.Context, env Env, c Collection) ([]check.Collection, error) {
	if c.From != "" {
		source := c.Source
		if source == "" {
			source = "files"
		}
		res, err := collect.ReadPath(c.From)
		if err != nil {
			return nil, &PathError{Field: "from", Err: err}
		}
		relativeTo(res, c.From)
		return []check.Collection{check.NewCollection(source, c.Label, env.By, env.Now(), res)}, nil
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg, err := live.LoadConfig(c.Config, getenv)
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%v", err)
	}
	sources := []string{c.Source}
	if c.Source == "" {
		if sources = cfg.Configured(); len(sources) == 0 {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "no connector is configured and no folder of exports was given",
				Hint: "set GITHUB_TOKEN, OKTA_ORG_URL and OKTA_API_TOKEN, or AWS credentials; or read a folder of exports"}
		}
	}
	var snaps []check.Collection
	for _, name := range sources {
		env.progress("collecting from %s", name)
		res, err := live.Collect(ctx, name, cfg)
		if err != nil {
			// Nothing from a connector that failed part-way is kept.
			return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: err.Error(), Hint: "nothing was recorded for " + name}
		}
		snaps = append(snaps, check.NewCollection(name, "connector "+name, env.By, env.Now(), res))
	}
	return snaps, nil
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
