package collect

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Kubernetes reads Kubernetes manifests: YAML with any number of
// documents, in block or flow style, or JSON (one object or several). Each
// object becomes a "k8s.object" record, and each item of a List (kind
// "List", or a typed list such as "PodList") a record of its own, taking
// the kind and apiVersion the list implies when the item leaves them out.
// A document that does not parse, or is not an object with a kind and an
// apiVersion, is a problem on its line; the other documents are still read.
func Kubernetes(name string, r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	res := newResult()
	if manifests, ok := jsonManifests(name, data); ok {
		for _, m := range manifests {
			manifest(res, name, m, 0)
		}
		return res, nil
	}
	for _, d := range yamlDocuments(data) {
		var doc yaml.Node
		if err := yaml.Unmarshal(d.text, &doc); err != nil {
			// yaml.v3 counts some lines from 0 and others from 1, so the
			// problem names the document's first line rather than a guess.
			res.problem(name, d.content(), "the document does not parse: %s", yamlError(err))
			continue
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue // only comments, or nothing after "---"
		}
		m, err := yamlManifest(doc.Content[0], d.line-1)
		if err != nil {
			res.problem(name, d.content(), "the document does not decode: %s", yamlError(err))
			continue
		}
		manifest(res, name, m, 0)
	}
	return res, nil
}

// parsed is one manifest decoded, with the lines its List items start on.
type parsed struct {
	obj       any
	line      int
	itemLines []int
}

// jsonManifests reads data as a stream of JSON values; ok is false when it
// is not JSON (flow-style YAML looks like JSON at first).
func jsonManifests(name string, data []byte) ([]parsed, bool) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return nil, false
	}
	var out []parsed
	for len(bytes.TrimSpace(trimmed)) > 0 {
		lead := len(data) - len(trimmed)
		v, rest, err := firstJSON(name, trimmed)
		if err != nil {
			return nil, false
		}
		v.line = 1 + bytes.Count(data[:lead], []byte("\n"))
		p := parsed{obj: v.any(), line: v.line}
		if m, ok := v.members(); ok {
			items, _ := m["items"].items()
			for _, it := range items {
				p.itemLines = append(p.itemLines, it.line)
			}
		}
		out = append(out, p)
		trimmed = bytes.TrimLeft(rest, " \t\r\n")
	}
	return out, true
}

// yamlDoc is one document of a YAML stream, and the line it starts on.
type yamlDoc struct {
	text []byte
	line int
}

var docStart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(---|\.\.\.)(\s|$)`) })

// yamlDocuments splits a YAML stream at its document markers ("---" and
// "..." at the start of a line), so that a document that does not parse
// does not take the rest with it. Directives ("%YAML") at the start of a
// document stay with it.
func yamlDocuments(data []byte) []yamlDoc {
	var docs []yamlDoc
	var cur []byte
	start, directives := 1, false
	flush := func(next int) {
		if len(bytes.TrimSpace(cur)) > 0 {
			docs = append(docs, yamlDoc{cur, start})
		}
		cur, start = nil, next
	}
	for i, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		switch marker := docStart().Match(l); {
		case l[0] == '%' && len(bytes.TrimSpace(cur)) == 0:
			directives = true
		case marker && directives:
			directives = false // the "---" after directives opens their document
		case marker && l[0] == '.':
			flush(i + 2)
			continue
		case marker:
			flush(i + 1)
		}
		cur = append(cur, l...)
	}
	flush(0)
	return docs
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: (line \d+: )?`) })

// yamlError is what yaml.v3 says is wrong, without its line number.
func yamlError(err error) string {
	return yamlLine().ReplaceAllString(err.Error(), "")
}

// content is the line of the document's first content: its "---" line
// when something follows the marker, else the first line that is not
// blank or a comment.
func (d yamlDoc) content() int {
	for i, l := range bytes.Split(d.text, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' && string(l) != "---" {
			return d.line + i
		}
	}
	return d.line
}

// yamlManifest decodes a document's root node; offset turns its lines into
// the file's.
func yamlManifest(root *yaml.Node, offset int) (parsed, error) {
	var v any
	if err := root.Decode(&v); err != nil {
		return parsed{}, err
	}
	p := parsed{obj: plain(v), line: root.Line + offset}
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "items" && root.Content[i+1].Kind == yaml.SequenceNode {
				for _, it := range root.Content[i+1].Content {
					p.itemLines = append(p.itemLines, it.Line+offset)
				}
			}
		}
	}
	return p, nil
}

// plain turns what yaml.v3 decodes into what JSON can hold: keys that are
// not strings become strings, timestamps and dates go back to text, and
// infinities and NaN to YAML's spelling of them.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(plain(k))] = plain(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	case time.Time:
		if x.Equal(x.Truncate(24*time.Hour)) && x.Location() == time.UTC {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339Nano)
	case float64:
		switch {
		case math.IsNaN(x):
			return ".nan"
		case math.IsInf(x, 1):
			return ".inf"
		case math.IsInf(x, -1):
			return "-.inf"
		}
	}
	return v
}

// manifest adds the record of one object, or of each item of a List.
func manifest(res *Result, name string, p parsed, depth int) {
	obj, ok := p.obj.(map[string]any)
	if !ok {
		res.problem(name, p.line, "not a Kubernetes object: the document is not a mapping")
		return
	}
	kind, _ := obj["kind"].(string)
	api, _ := obj["apiVersion"].(string)
	if kind == "" || api == "" {
		res.problem(name, p.line, "not a Kubernetes object: no kind or apiVersion")
		return
	}
	items, isList := obj["items"].([]any)
	if raw, has := obj["items"]; has && raw == nil {
		isList = true // an empty list, as the API gives it
	}
	if isList && strings.HasSuffix(kind, "List") && depth < 4 {
		for i, it := range items {
			line := p.line
			if i < len(p.itemLines) {
				line = p.itemLines[i]
			}
			if m, ok := it.(map[string]any); ok {
				if _, has := m["kind"]; !has && kind != "List" {
					m["kind"] = strings.TrimSuffix(kind, "List")
				}
				if _, has := m["apiVersion"]; !has {
					m["apiVersion"] = api
				}
			}
			manifest(res, name, parsed{obj: it, line: line}, depth+1)
		}
		return
	}
	meta, _ := obj["metadata"].(map[string]any)
	n, ns := scalar(meta["name"]), scalar(meta["namespace"])
	f := map[string]any{
		"kind": kind, "api_version": api, "name": orNil(n), "namespace": orNil(ns),
		"labels": nil, "annotations": nil, "object": obj,
	}
	if l, ok := meta["labels"].(map[string]any); ok {
		f["labels"] = l
	}
	if a, ok := meta["annotations"].(map[string]any); ok {
		f["annotations"] = a
	}
	res.Records = append(res.Records, Record{Type: "k8s.object", ID: kind + "/" + ns + "/" + n, Fields: f, Source: name, Line: p.line})
}

// scalar is a name or namespace as text; YAML reads an unquoted 2024 as a
// number.
func scalar(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}
