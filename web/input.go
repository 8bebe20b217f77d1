package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
)

// Reading a request's input, the same way for every handler: a form or a
// JSON object as one formInput, a strict JSON body, a bounded form, the
// numbers a path names. Handlers parse with these and leave every rule
// to the workflow they call.

// underAPI reports whether the request came to the JSON API (/api/...).
func underAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fieldError is an invalid-input error that names its field.
func fieldError(field, format string, args ...any) error {
	return &attest.Error{Code: attest.EINVALID, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// formInput is a request's fields, from a form or a JSON object alike, so
// the pages and the API share their handlers.
type formInput map[string][]string

// maxFormInput bounds a form or JSON body.
const maxFormInput = 1 << 20

// readFormInput reads the request's form, or its JSON object when sent as
// application/json: strings, numbers and booleans as one value each,
// arrays as several.
func readFormInput(w http.ResponseWriter, r *http.Request) (formInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormInput)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		if err := r.ParseForm(); err != nil {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "the form could not be read (at most 1 MiB)"}
		}
		return formInput(r.PostForm), nil
	}
	var m map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := readJSON(dec, &m, maxFormInput); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, invalid("send a JSON object")
	}
	in := formInput{}
	var scalar func(k string, v any) (string, error)
	scalar = func(k string, v any) (string, error) {
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		case map[string]any:
			if k == "items" {
				// {"key": ..., "result": ..., "note": ...}, as KEY=RESULT:NOTE.
				var parts [3]string
				for i, f := range []string{"key", "result", "note"} {
					if v, ok := x[f]; ok {
						s, err := scalar(f, v)
						if err != nil {
							return "", fieldError("items", "%s: %v", f, err)
						}
						parts[i] = s
					}
				}
				// Written as one line: what would not read back as
				// this item is refused here, before it is.
				if err := fieldwork.CheckItem(parts[0], parts[1], parts[2]); err != nil {
					return "", fieldError("items", "%s", attest.ErrorMessage(err))
				}
				return fieldwork.ItemText(attest.ItemResult{Key: parts[0], Result: parts[1], Note: parts[2]}), nil
			}
		}
		return "", fieldError(k, "want a string, number or boolean")
	}
	for k, v := range m {
		switch x := v.(type) {
		case nil:
		case []any:
			for _, e := range x {
				s, err := scalar(k, e)
				if err != nil {
					return nil, err
				}
				in[k] = append(in[k], s)
			}
		default:
			s, err := scalar(k, v)
			if err != nil {
				return nil, err
			}
			in[k] = []string{s}
		}
	}
	return in, nil
}

// str is the first value of k, trimmed ("" when absent).
func (in formInput) str(k string) string {
	if v := in[k]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// list is every value of k, each split on commas and new lines.
func (in formInput) list(k string) []string {
	var out []string
	for _, v := range in[k] {
		for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// id reads a positive number, 0 when absent.
func (in formInput) id(k string) (int64, error) {
	v := in.str(k)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fieldError(k, "%q is not a positive number", v)
	}
	return n, nil
}

// flag reads a checkbox or a boolean (yesNo).
func (in formInput) flag(k string) (bool, error) { return yesNo(k, in.str(k)) }

// yesNo reads a boolean as a form, a query or JSON sends it: true, on,
// yes or 1; false, off, no, 0 or nothing. Anything else is refused,
// naming the field, rather than read as no (a dry_run=true that saved
// for real).
func yesNo(k, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "on", "yes", "1":
		return true, nil
	case "", "false", "off", "no", "0":
		return false, nil
	}
	return false, fieldError(k, "%q: want yes or no (true, 1; false, 0)", v)
}

// pathNumber is the record the path numbers in its parameter name; a
// path that names no number names no such record.
func pathNumber(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, &attest.Error{Code: attest.ENOTFOUND, Message: fmt.Sprintf("no such %s: %s", cmp.Or(pathWords[name], name), r.PathValue(name))}
	}
	return n, nil
}

// pathWords are the records the route table's short parameter names
// stand for, as a refusal says them.
var pathWords = map[string]string{"uid": "user", "tid": "token", "req": "request"}

// numberedForm is the record the path numbers in name (pathNumber), then
// the act's input (readFormInput): what an act on one record reads.
func numberedForm(w http.ResponseWriter, r *http.Request, name string) (int64, formInput, error) {
	id, err := pathNumber(r, name)
	if err != nil {
		return 0, nil, err
	}
	in, err := readFormInput(w, r)
	return id, in, err
}

// pathID is the record number in the path's {id}; what names it in the
// refusal of one that is not a number.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("id: want " + what)
	}
	return id, nil
}

// parseForm reads a plain form of at most max bytes; a form that cannot
// be read is refused with msg.
func parseForm(w http.ResponseWriter, r *http.Request, max int64, msg string) error {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		return invalid(msg)
	}
	return nil
}

// decodeJSON reads a small JSON body strictly: unknown fields are refused
// by name.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return readJSON(dec, v, 64<<10)
}

// readJSON decodes one JSON value from dec into v, and nothing after it,
// with a refusal in our words that names the field where it can (never
// Go's type names); max is the body's limit, to name it.
func readJSON(dec *json.Decoder, v any, max int64) error {
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return invalid("the body holds more than one JSON value: send one")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return invalid("send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the body ends in the middle of its JSON")
	case errors.As(err, &tooBig):
		return invalid(fmt.Sprintf("the body is larger than %d KiB", max>>10))
	case errors.As(err, &syn):
		return invalid(fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.Offset))
	case errors.As(err, &typ):
		return invalid(cmp.Or(typ.Field, "the body") + ": want " + jsonKind(typ.Type) + ", not " + article(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`) + ": not a field this takes")
	}
	return invalid("the body could not be read as JSON")
}

// jsonKind says in words what a Go type reads from JSON.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "an object"
}

// article is a JSON value's kind as json.UnmarshalTypeError names it
// ("array", "number", "string"), with its article.
func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "":
		return "this value"
	}
	if strings.HasPrefix(kind, "number") {
		return "a number"
	}
	return "a " + kind
}
