package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
	"unicode"
)

// value is a piece of a JSON document with the line it starts on, so that
// records and problems read from nested arrays can still name a line.
type value struct {
	raw  json.RawMessage
	line int
	// flat is set for JSON that arrived inside a string (an SNS message,
	// a rule's invoking event): its own line breaks are not the file's,
	// so everything in it is on the string's line.
	flat bool
}

// parseJSON reads one JSON document (a leading byte order mark is
// tolerated) and refuses anything after it.
func parseJSON(name string, data []byte) (value, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return value{}, &jsonError{name, err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return value{}, &jsonError{name, errors.New("more after the end of the document")}
	}
	lead := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	return value{raw: raw, line: 1 + bytes.Count(data[:lead], []byte("\n"))}, nil
}

// firstJSON reads the first JSON value of data, and returns what follows
// it.
func firstJSON(name string, data []byte) (value, []byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return value{}, nil, &jsonError{name, err}
	}
	return value{raw: raw, line: 1}, data[dec.InputOffset():], nil
}

// embedded reads the JSON document held in the string v, giving all of it
// v's line.
func (v value) embedded() (value, error) {
	in, err := parseJSON("", []byte(v.str()))
	var je *jsonError
	if errors.As(err, &je) {
		err = je.err
	}
	in.line, in.flat = v.line, true
	return in, err
}

// kind is the JSON kind of v: '{', '[', '"', 'n' (null), or another byte
// of a number or boolean.
func (v value) kind() byte {
	if len(v.raw) == 0 {
		return 0
	}
	return v.raw[0]
}

// members splits an object into its members; ok is false if v is not an
// object. A repeated key keeps its last value, as encoding/json does.
func (v value) members() (map[string]value, bool) {
	keys, vals, ok := v.split('{')
	if !ok {
		return nil, false
	}
	m := make(map[string]value, len(keys))
	for i, k := range keys {
		m[k] = vals[i]
	}
	return m, true
}

// items splits an array into its elements; ok is false if v is not an
// array.
func (v value) items() ([]value, bool) {
	_, vals, ok := v.split('[')
	return vals, ok
}

func (v value) split(open json.Delim) ([]string, []value, bool) {
	if v.kind() != byte(open) {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	var keys []string
	var vals []value
	counted, line := 0, v.line
	for dec.More() {
		if open == '{' {
			t, err := dec.Token()
			if err != nil {
				return nil, nil, false
			}
			k, _ := t.(string)
			keys = append(keys, k)
		}
		// The decoder stops after a key or an element; the value starts
		// after the separators that follow.
		start := int(dec.InputOffset())
		for start < len(v.raw) && strings.IndexByte(" \t\r\n:,", v.raw[start]) >= 0 {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		if !v.flat {
			line += bytes.Count(v.raw[counted:start], []byte("\n"))
			counted = start
		}
		vals = append(vals, value{raw, line, v.flat})
	}
	return keys, vals, true
}

// str is v as a string, or "" when it is not one.
func (v value) str() string {
	var s string
	json.Unmarshal(v.raw, &s)
	return s
}

// any is v decoded into plain Go values (nil when v is absent).
func (v value) any() any {
	var x any
	json.Unmarshal(v.raw, &x)
	return x
}

// lookup finds the first of names in m, ignoring case: AWS spells the
// same field "ARN" in one export and "arn" in another.
func lookup(m map[string]value, names ...string) (value, bool) {
	for _, n := range names {
		if v, ok := m[n]; ok {
			return v, true
		}
	}
	for _, n := range names {
		for k, v := range m {
			if strings.EqualFold(k, n) {
				return v, true
			}
		}
	}
	return value{}, false
}

// pick is the value at the first of names in m (absent: the zero value).
func pick(m map[string]value, names ...string) value {
	v, _ := lookup(m, names...)
	return v
}

// text is the string at the first of names in m, or "".
func text(m map[string]value, names ...string) string {
	v, _ := lookup(m, names...)
	return v.str()
}

// orNil turns an empty string into nil.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timeValue reads a time given as text or as seconds since 1970, and
// renders it for a record (nil when absent or unreadable).
func timeValue(v value) any {
	return timeAny(v.any())
}

// timeAny is timeValue for a value already decoded.
func timeAny(v any) any {
	switch x := v.(type) {
	case string:
		return stamp(timeOf(x))
	case float64:
		if x <= 0 || x > 1e11 {
			return nil
		}
		return stamp(time.Unix(int64(x), 0).UTC(), true)
	}
	return nil
}

// snake spells a camelCase, PascalCase, kebab-case or spaced name in
// snake_case; a run of capitals is one word ("configurationItemMD5Hash"
// is "configuration_item_md5_hash", "ARN" is "arn").
func snake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == '-' || r == ' ' || r == '.' {
			r = '_'
		}
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
