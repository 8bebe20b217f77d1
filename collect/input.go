package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// InputMarker is the first member of a check input document, as Attest
// writes it beside every check run: records grouped by type under their
// dotted path. Reading one back re-runs checks on exactly what a run saw.
const InputMarker = `{"_attest":`

// InputDocument reads a check input document back into records. Each
// record's "_id", "_source" and "_line" become its ID, source and line.
func InputDocument(name string, r io.Reader) (*Result, error) {
	var doc map[string]any
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not a check input document: %w", name, err)
	}
	res := newResult()
	var walk func(path []string, v any)
	walk = func(path []string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if !strings.HasPrefix(k, "_") {
					walk(append(path, k), x[k])
				}
			}
		case []any:
			typ := strings.Join(path, ".")
			for i, item := range x {
				obj, ok := item.(map[string]any)
				id, _ := obj["_id"].(string)
				if !ok || id == "" {
					res.problem(name, 0, "%s record %d has no _id", typ, i+1)
					continue
				}
				rec := Record{Type: typ, ID: id, Fields: obj}
				rec.Source, _ = obj["_source"].(string)
				if n, ok := obj["_line"].(json.Number); ok {
					l, _ := n.Int64()
					rec.Line = int(l)
				}
				delete(obj, "_id")
				delete(obj, "_source")
				delete(obj, "_line")
				res.Records = append(res.Records, rec)
			}
		default:
			res.problem(name, 0, "%s: want records or groups of records", strings.Join(path, "."))
		}
	}
	walk(nil, doc)
	return res, nil
}

func isInputDocument(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte(InputMarker))
}
