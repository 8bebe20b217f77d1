package check

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest/collect"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Input is the document every check of a run reads: records grouped by
// type under their dotted path (input.aws.iam_user, input.vulnerability).
// It is converted to OPA's value form once and shared by all checks.
type Input struct {
	doc    map[string]any
	where  map[string]collect.Record // resource ID to its first record, for locations
	counts map[string]int
	ids    map[string][]string
	value  ast.Value
	raw    []byte // the document as read, when it came whole from a file
}

// NewInput groups records into the input document. It takes the records'
// field maps as they are (adding _id, _source and _line to them) rather
// than copying them, and converts them to OPA's values on every core.
func NewInput(records []collect.Record) (*Input, error) {
	in := &Input{doc: map[string]any{}, counts: map[string]int{}, ids: map[string][]string{}, where: map[string]collect.Record{}}
	lists := map[string][]any{}
	for _, r := range records {
		obj := r.Fields
		if obj == nil {
			obj = map[string]any{}
		}
		obj["_id"], obj["_source"] = r.ID, r.Source
		if r.Line > 0 {
			obj["_line"] = r.Line
		}
		lists[r.Type] = append(lists[r.Type], obj)
		in.ids[r.Type] = append(in.ids[r.Type], r.ID)
		if _, ok := in.where[r.ID]; !ok {
			in.where[r.ID] = collect.Record{Type: r.Type, Source: r.Source, Line: r.Line}
		}
	}
	values := map[string]any{}
	for typ, l := range lists {
		path := strings.Split(typ, ".")
		if err := place(in.doc, path, l); err != nil {
			return nil, fmt.Errorf("record type %s: %w", typ, err)
		}
		in.counts[typ] = len(l)
		terms, err := convert(l)
		if err != nil {
			return nil, fmt.Errorf("convert the %s records for the checks: %w", typ, err)
		}
		place(values, path, terms)
	}
	in.value = tree(values)
	return in, nil
}

// convert turns records into OPA terms, in chunks on every core.
func convert(l []any) (*ast.Array, error) {
	terms := make([]*ast.Term, len(l))
	const chunk = 2048
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for lo := 0; lo < len(l); lo += chunk {
		hi := min(lo+chunk, len(l))
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for i := lo; i < hi; i++ {
				v, err := ast.InterfaceToValue(l[i])
				if err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					return
				}
				terms[i] = ast.NewTerm(v)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return ast.NewArray(terms...), nil
}

// tree builds the input object from groups whose leaves are arrays.
func tree(m map[string]any) ast.Value {
	var items [][2]*ast.Term
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var v ast.Value
		switch x := m[k].(type) {
		case *ast.Array:
			v = x
		case map[string]any:
			v = tree(x)
		}
		items = append(items, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(v)})
	}
	return ast.NewObject(items...)
}

func place[T any](doc map[string]any, path []string, l T) error {
	for _, p := range path[:len(path)-1] {
		next, ok := doc[p].(map[string]any)
		if !ok {
			if doc[p] != nil {
				return fmt.Errorf("%s is both a record type and a prefix of one", p)
			}
			next = map[string]any{}
			doc[p] = next
		}
		doc = next
	}
	last := path[len(path)-1]
	if doc[last] != nil {
		return fmt.Errorf("%s is both a record type and a prefix of one", last)
	}
	doc[last] = l
	return nil
}

// Count is the number of records of a type.
func (in *Input) Count(typ string) int { return in.counts[typ] }

// Types lists the record types present, sorted.
func (in *Input) Types() []string { return slices.Sorted(maps.Keys(in.counts)) }

// Snapshot is the input document as canonical JSON (keys sorted) and its
// SHA-256: what a run evaluated, kept beside its results. With keep false
// only the hash is computed, without holding the bytes.
func (in *Input) Snapshot(keep bool) ([]byte, string, error) {
	if in.raw != nil {
		sum := sha256.Sum256(in.raw)
		return in.raw, hex.EncodeToString(sum[:]), nil
	}
	doc := maps.Clone(in.doc)
	doc["_attest"] = map[string]any{"document": "check input", "version": 1}
	h := sha256.New()
	var buf bytes.Buffer
	var w io.Writer = h
	if keep {
		w = io.MultiWriter(h, &buf)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), hex.EncodeToString(h.Sum(nil)), nil
}

// Finding is one resource's outcome under a check.
type Finding struct {
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
	// Type, Source and Line locate the resource's record, when known.
	Type   string `json:"type,omitempty"`
	Source string `json:"source,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// Statuses of a check in a run.
const (
	StatusPass   = "pass"
	StatusFail   = "fail"
	StatusNoData = "no_data"
	StatusError  = "error"
)

// Result is one check's outcome in a run.
type Result struct {
	Check     string    `json:"check"`
	Title     string    `json:"title"`
	Severity  string    `json:"severity"`
	Controls  []string  `json:"controls"`
	Version   string    `json:"version"`
	Status    string    `json:"status"`
	Resources int       `json:"resources"`
	Failing   []Finding `json:"failing"`
	Passing   []Finding `json:"passing"`
	Error     string    `json:"error,omitempty"`
	Millis    float64   `json:"duration_ms,omitempty"`
}

// Options set what a run evaluates.
type Options struct {
	// Now is the run's clock as checks see it (data.attest.now).
	Now time.Time
	// Params override check parameters: check ID to name to value.
	Params map[string]map[string]any
	// Workers bounds parallel evaluation; 0 means GOMAXPROCS.
	Workers int
}

// data is the store document checks read beside their input: the run's
// clock and every check's parameters, defaults merged with overrides.
func (s *Set) data(o Options) map[string]any {
	params := map[string]any{}
	for _, c := range s.Checks {
		p := map[string]any{}
		maps.Copy(p, c.Params)
		maps.Copy(p, o.Params[c.ID])
		params[c.ID] = p
	}
	return map[string]any{"attest": map[string]any{
		"now":    o.Now.UTC().Format(time.RFC3339),
		"params": params,
	}}
}

// ParamsDocument is the data document a run gives the checks, for running
// the same policies in another Rego engine.
func (s *Set) ParamsDocument(o Options) map[string]any { return s.data(o) }

// Run evaluates the given checks (all when ids is empty) over the input in
// parallel and returns one result per check, in ID order.
func (s *Set) Run(ctx context.Context, in *Input, ids []string, o Options) ([]Result, error) {
	checks := s.Checks
	if len(ids) > 0 {
		checks = nil
		for _, id := range ids {
			c := s.byID[id]
			if c == nil {
				return nil, fmt.Errorf("no check %q among the checks loaded", id)
			}
			checks = append(checks, c)
		}
	}
	store := inmem.NewFromObject(s.data(o))
	results := make([]Result, len(checks))
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(checks)) {
		wg.Go(func() {
			for i := range next {
				results[i] = evaluate(ctx, checks[i], store, in)
			}
		})
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	return results, ctx.Err()
}

func evaluate(ctx context.Context, c *Check, store storage.Store, in *Input) (r Result) {
	start := time.Now()
	r = Result{Check: c.ID, Title: c.Title, Severity: c.Severity, Controls: c.Controls, Version: c.Version,
		Failing: []Finding{}, Passing: []Finding{}}
	defer func() { r.Millis = float64(time.Since(start).Microseconds()) / 1000 }()
	present := false
	for _, t := range c.Reads {
		present = present || in.counts[t] > 0
	}
	if !present {
		r.Status = StatusNoData
		return r
	}
	ref := "data." + c.Package
	q := "deny := " + ref + ".deny"
	if c.applies {
		q += "; applies := " + ref + ".applies"
	}
	pq, err := rego.New(rego.Query(q), rego.ParsedModule(c.module), rego.Store(store)).PrepareForEval(ctx)
	if err != nil {
		r.Status, r.Error = StatusError, err.Error()
		return r
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(in.value))
	if err != nil {
		r.Status, r.Error = StatusError, err.Error()
		return r
	}
	if len(rs) == 0 {
		r.Status, r.Error = StatusError, "the deny rule is undefined"
		return r
	}
	failed := map[string]bool{}
	for _, d := range asList(rs[0].Bindings["deny"]) {
		f := finding(d)
		if w, ok := in.where[f.Resource]; ok {
			f.Type, f.Source, f.Line = w.Type, w.Source, w.Line
		}
		failed[f.Resource] = true
		r.Failing = append(r.Failing, f)
	}
	var subjects []string
	switch {
	case c.applies:
		for _, a := range asList(rs[0].Bindings["applies"]) {
			subjects = append(subjects, fmt.Sprint(a))
		}
	case c.Subject != "":
		subjects = in.ids[c.Subject]
	}
	pass := c.Pass
	if pass == "" {
		pass = "meets the check"
	}
	for _, id := range subjects {
		if !failed[id] {
			r.Passing = append(r.Passing, Finding{Resource: id, Reason: pass})
		}
	}
	r.Resources = max(len(subjects), len(failed))
	if c.applies && r.Resources == 0 {
		// Records of the types it reads, but none in its scope.
		r.Status = StatusNoData
		return r
	}
	if len(subjects) == 0 {
		for _, t := range c.Reads {
			r.Resources = max(r.Resources, in.counts[t])
		}
	}
	sortFindings(r.Failing)
	sortFindings(r.Passing)
	r.Status = StatusPass
	if len(r.Failing) > 0 {
		r.Status = StatusFail
	}
	return r
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// finding reads one deny value: a message, or an object with resource and
// msg (or reason).
func finding(d any) Finding {
	switch v := d.(type) {
	case string:
		return Finding{Reason: v}
	case map[string]any:
		f := Finding{}
		f.Resource, _ = v["resource"].(string)
		if f.Reason, _ = v["msg"].(string); f.Reason == "" {
			f.Reason, _ = v["reason"].(string)
		}
		return f
	}
	b, _ := json.Marshal(d)
	return Finding{Reason: string(b)}
}

func sortFindings(l []Finding) {
	slices.SortFunc(l, func(a, b Finding) int {
		if c := strings.Compare(a.Resource, b.Resource); c != 0 {
			return c
		}
		return strings.Compare(a.Reason, b.Reason)
	})
}
