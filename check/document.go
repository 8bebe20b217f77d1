package check

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/attest-dev/attest/collect"
	"github.com/open-policy-agent/opa/v1/ast"
)

// ReadDocument builds the input straight from a check input document (the
// JSON Attest keeps beside each run), without going through records: each
// record group is decoded, indexed and converted on its own, on every
// core, and its Go form dropped as soon as it is converted, so memory
// holds one form of the data, not three. The document's bytes are its
// own snapshot.
func ReadDocument(name string, b []byte) (*Input, string, error) {
	in := &Input{counts: map[string]int{}, ids: map[string][]string{}, where: map[string]collect.Record{}, raw: b}
	groups := map[string]json.RawMessage{}
	if err := split(b, nil, groups); err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	type done struct {
		typ   string
		terms *ast.Array
		ids   []string
		err   error
	}
	out := make(chan done, len(groups))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for typ, raw := range groups {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var list []any
			if err := json.Unmarshal(raw, &list); err != nil {
				out <- done{typ: typ, err: fmt.Errorf("%s: %s: want a list of records: %w", name, typ, err)}
				return
			}
			ids := make([]string, len(list))
			terms := make([]*ast.Term, len(list))
			for i, item := range list {
				obj, ok := item.(map[string]any)
				id, _ := obj["_id"].(string)
				if !ok || id == "" {
					out <- done{typ: typ, err: fmt.Errorf("%s: %s record %d has no _id", name, typ, i+1)}
					return
				}
				ids[i] = id
				v, err := ast.InterfaceToValue(obj)
				if err != nil {
					out <- done{typ: typ, err: err}
					return
				}
				terms[i] = ast.NewTerm(v)
				list[i] = nil // the Go form is not needed any more
			}
			out <- done{typ: typ, terms: ast.NewArray(terms...), ids: ids}
		})
	}
	wg.Wait()
	close(out)
	var groupsDone []done
	for d := range out {
		if d.err != nil {
			return nil, "", d.err
		}
		groupsDone = append(groupsDone, d)
	}
	// In type order, so a resource ID found in two groups is located the
	// same way on every run.
	slices.SortFunc(groupsDone, func(a, b done) int { return strings.Compare(a.typ, b.typ) })
	values := map[string]any{}
	for _, d := range groupsDone {
		if err := place(values, strings.Split(d.typ, "."), d.terms); err != nil {
			return nil, "", fmt.Errorf("%s: record type %s: %w", name, d.typ, err)
		}
		in.counts[d.typ] = len(d.ids)
		in.ids[d.typ] = d.ids
		for _, id := range d.ids {
			if _, ok := in.where[id]; !ok {
				in.where[id] = collect.Record{Type: d.typ, Source: name}
			}
		}
	}
	in.value = tree(values)
	sum := sha256.Sum256(b)
	return in, hex.EncodeToString(sum[:]), nil
}

// split finds the record groups (arrays) of a document by their dotted
// path, leaving their contents undecoded; members starting with "_" are
// Attest's own marks.
func split(b []byte, path []string, groups map[string]json.RawMessage) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("want an object of record groups: %w", err)
	}
	for k, v := range m {
		if strings.HasPrefix(k, "_") {
			continue
		}
		p := append(append([]string{}, path...), k)
		t := bytes.TrimLeft(v, " \t\r\n")
		switch {
		case len(t) > 0 && t[0] == '[':
			groups[strings.Join(p, ".")] = v
		case len(t) > 0 && t[0] == '{':
			if err := split(v, p, groups); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: want records or groups of records", strings.Join(p, "."))
		}
	}
	return nil
}
