package ledger

import (
	"cmp"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// InvalidText is where v, as an entry's data is encoded to JSON, holds a
// string that is not valid UTF-8 (a JSON path such as "name" or
// "items[2].note"; "." for v itself), or "" when it holds none. JSON has
// no way to write such a string: encoding/json puts U+FFFD in place of
// each bad byte, so a record kept with the bytes as sent would never
// again match the entry that recorded it. A writer refuses such a value
// before it records anything.
func InvalidText(v any) string {
	return invalidAt(reflect.ValueOf(v), "")
}

func invalidAt(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return shown(path)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return invalidAt(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			// As encoding/json: an unexported field is not written, but
			// the fields of an embedded struct are, exported or not.
			if !f.IsExported() && !(f.Anonymous && indirect(f.Type).Kind() == reflect.Struct) {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			sub := path
			if !f.Anonymous || name != "" {
				sub = path + "." + cmp.Or(name, f.Name)
			}
			if p := invalidAt(v.Field(i), sub); p != "" {
				return p
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if k.Kind() == reflect.String && !utf8.ValidString(k.String()) {
				return shown(path)
			}
			if p := invalidAt(iter.Value(), path+"."+strings.ToValidUTF8(k.String(), "?")); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "" // bytes: encoded as base64, whatever they hold
		}
		for i := range v.Len() {
			if p := invalidAt(v.Index(i), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

func indirect(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

// shown is a path as InvalidText returns it.
func shown(path string) string {
	if path == "" {
		return "."
	}
	return strings.TrimPrefix(path, ".")
}
