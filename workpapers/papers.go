package workpapers

import (
	"context"
	"slices"

	"github.com/attest-dev/attest"
)

// papers is what an export holds besides its proofs.
type papers struct {
	controls    []attest.Control
	populations []attest.Population
	complete    []attest.Completeness
	draws       []attest.Draw
	tests       []attest.Test
	responses   []attest.Response
	requests    []requestRecord
	keys        []attest.AuditorKey
	statements  []attest.Statement
}

// requestRecord is a request with its thread.
type requestRecord struct {
	attest.Request
	Comments []attest.Comment `json:"comments"`
}

// gather reads engagement e's working papers.
func gather(ctx context.Context, s Store, e *attest.Engagement) (*papers, error) {
	p := &papers{complete: []attest.Completeness{}, tests: []attest.Test{}, responses: []attest.Response{}, requests: []requestRecord{}}
	var err error
	if p.controls, err = s.Controls(ctx, e.ID); err != nil {
		return nil, err
	}
	if err := p.sampling(ctx, s, e); err != nil {
		return nil, err
	}
	if err := p.testing(ctx, s, e); err != nil {
		return nil, err
	}
	if err := p.threads(ctx, s, e); err != nil {
		return nil, err
	}
	if p.keys, err = s.AuditorKeys(ctx, e.ID); err != nil {
		return nil, err
	}
	if p.statements, err = s.Statements(ctx, e.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// sampling reads the populations of the engagement's controls with their
// completeness checks, and the engagement's draws.
func (p *papers) sampling(ctx context.Context, s Store, e *attest.Engagement) error {
	all, err := s.Populations(ctx, "")
	if err != nil {
		return err
	}
	p.populations = []attest.Population{}
	for _, pop := range all {
		if !slices.ContainsFunc(p.controls, func(c attest.Control) bool { return c.ID == pop.ControlID }) {
			continue
		}
		cs, err := s.CompletenessChecks(ctx, pop.ID)
		if err != nil {
			return err
		}
		p.populations, p.complete = append(p.populations, pop), append(p.complete, cs...)
	}
	p.draws, err = s.Draws(ctx, e.ID, "")
	return err
}

// testing reads the service auditor's tests with management's responses
// to them; management's own tests are not the auditor's working papers.
func (p *papers) testing(ctx context.Context, s Store, e *attest.Engagement) error {
	all, err := s.Tests(ctx, e.ID, "")
	if err != nil {
		return err
	}
	for _, t := range all {
		if t.Internal {
			continue
		}
		rs, err := s.Responses(ctx, t.ID)
		if err != nil {
			return err
		}
		p.tests, p.responses = append(p.tests, t), append(p.responses, rs...)
	}
	return nil
}

// threads reads the engagement's requests with their comments.
func (p *papers) threads(ctx context.Context, s Store, e *attest.Engagement) error {
	reqs, err := s.Requests(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, q := range reqs {
		cs, err := s.Comments(ctx, q.ID)
		if err != nil {
			return err
		}
		p.requests = append(p.requests, requestRecord{q, cs})
	}
	return nil
}

// files is the export's README and JSON files, in order.
func (p *papers) files(e *attest.Engagement) ([]file, error) {
	out := []file{{"README.txt", []byte(readme)}}
	for _, x := range []struct {
		name string
		v    any
	}{{"engagement.json", e}, {"controls.json", p.controls}, {"populations.json", p.populations}, {"completeness.json", p.complete}, {"draws.json", p.draws},
		{"tests.json", p.tests}, {"responses.json", p.responses}, {"requests.json", p.requests}, {"auditor_keys.json", p.keys}, {"statements.json", p.statements}} {
		f, err := jsonFile(x.name, x.v)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
