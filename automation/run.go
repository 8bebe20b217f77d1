package automation

import (
	"bytes"
	"context"
	"os"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/check"
	"github.com/attest-dev/attest/collect"
)

// Run runs the checks s over input (a folder or file of exports, or a
// check input document) or, when input is empty, over the latest
// collections in env's store; ids limits the checks run. With env.Keep
// and a store the run is recorded as evidence (check.Record) and the
// ledger signed.
func Run(ctx context.Context, env Env, s *check.Set, o check.Options, ids []string, input string) (*check.Run, error) {
	in, meta, err := runInput(ctx, env, input)
	if err != nil {
		return nil, err
	}
	record := env.Store != nil && env.Keep != nil
	meta.By, meta.Version = env.By, env.Version
	env.progress("running %d checks", len(s.Checks))
	run, snapshot, err := s.Execute(ctx, in, ids, o, meta, record)
	if err != nil || !record {
		return run, err
	}
	warning, err := check.Record(ctx, env.Store, env.Keep, nil, run, snapshot, input != "", env.Now())
	if err != nil {
		return nil, err
	}
	if warning != "" {
		env.warn(warning)
		return run, nil
	}
	return run, env.checkpoint(ctx)
}

// runInput reads what a run checks, and says where it came from.
func runInput(ctx context.Context, env Env, input string) (*check.Input, check.Meta, error) {
	var meta check.Meta
	var records []collect.Record
	switch doc, isDoc := inputDocument(input); {
	case isDoc:
		// A check input document (a run's snapshot, or generated): read
		// straight into the checks' form.
		in, _, err := check.ReadDocument(input, doc)
		if err != nil {
			return nil, meta, attest.Errorf(attest.EINVALID, "%v", err)
		}
		meta.Input.From = input
		return in, meta, nil
	case input != "":
		res, err := collect.ReadPath(input)
		if err != nil {
			return nil, meta, &PathError{Field: "input", Err: err}
		}
		for _, p := range res.Problems {
			env.warn(p.String())
		}
		records, meta.Input.From, meta.Input.Problems = res.Records, input, res.Problems
	default:
		if env.Store == nil {
			return nil, meta, attest.Errorf(attest.EINVALID, "no input: name a folder of exports, or collect first")
		}
		col, left, err := check.LoadLatestCollections(ctx, env.Store, env.Blobs)
		if err != nil {
			return nil, meta, err
		}
		for _, w := range left {
			env.warn(w)
		}
		for _, c := range col {
			records = append(records, c.Records...)
			meta.Input.Evidence = append(meta.Input.Evidence, c.Evidence)
			meta.Input.Problems = append(meta.Input.Problems, c.Problems...)
		}
		meta.Input.From = "collected"
	}
	in, err := check.NewInput(records)
	if err != nil {
		return nil, meta, attest.Errorf(attest.EINVALID, "%v", err)
	}
	return in, meta, nil
}

// inputDocument reads the input file when it is a check input document.
func inputDocument(path string) ([]byte, bool) {
	if path == "" {
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := f.Read(head)
	if st, err := f.Stat(); err != nil || st.IsDir() || !bytes.HasPrefix(bytes.TrimLeft(head[:n], " \t\r\n\ufeff"), []byte(collect.InputMarker)) {
		return nil, false
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}
