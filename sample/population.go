package sample

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Format is a population file's format.
type Format string

// Population file formats.
const (
	CSV       Format = "csv"
	JSONLines Format = "jsonl"
)

// FormatOf guesses a file's format from its name.
func FormatOf(name string) Format {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson") || strings.HasSuffix(n, ".json") {
		return JSONLines
	}
	return CSV
}

// Row is one population item as Scan sees it.
type Row struct {
	Line int
	Key  string
	Date time.Time // zero without a date column
}

// Spec says how to read a population file.
type Spec struct {
	Name       string // for messages
	Format     Format
	KeyColumn  string
	DateColumn string // optional
}

// Scan streams a population file and calls fn for every row. It stops at
// the first malformed row with the file name, line and what was expected;
// an empty key is malformed. Memory does not grow with the file.
func Scan(r io.Reader, spec Spec, fn func(Row) error) error {
	if spec.KeyColumn == "" {
		return attest.Errorf(attest.EINVALID, "%s: say which column identifies an item (--key COLUMN)", spec.Name)
	}
	if spec.Format == JSONLines {
		return scanJSONLines(r, spec, fn)
	}
	return scanCSV(r, spec, fn)
}

func (spec Spec) bad(line int, format string, args ...any) error {
	return attest.Errorf(attest.EINVALID, "%s: line %d: %s", spec.Name, line, fmt.Sprintf(format, args...))
}

func scanCSV(r io.Reader, spec Spec, fn func(Row) error) error {
	cr := newCSVReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return spec.bad(1, "the file is empty: want a header row naming the columns")
	}
	if err != nil {
		return csvErr(spec, err)
	}
	keyCol, dateCol := -1, -1
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(strings.TrimPrefix(string(h), "\ufeff"))
		if strings.EqualFold(names[i], spec.KeyColumn) {
			keyCol = i
		}
		if spec.DateColumn != "" && strings.EqualFold(names[i], spec.DateColumn) {
			dateCol = i
		}
	}
	if keyCol < 0 {
		return spec.bad(1, "no column %q in the header (%s)", spec.KeyColumn, strings.Join(names, ","))
	}
	if spec.DateColumn != "" && dateCol < 0 {
		return spec.bad(1, "no column %q in the header (%s)", spec.DateColumn, strings.Join(names, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvErr(spec, err)
		}
		row := Row{Line: cr.line}
		if keyCol >= len(rec) {
			return spec.bad(row.Line, "no value in column %q", spec.KeyColumn)
		}
		row.Key = string(bytes.TrimSpace(rec[keyCol]))
		if row.Key == "" {
			return spec.bad(row.Line, "the key %q is empty", spec.KeyColumn)
		}
		if dateCol >= 0 {
			if dateCol >= len(rec) {
				return spec.bad(row.Line, "no value in column %q", spec.DateColumn)
			}
			if row.Date, err = parseDateBytes(rec[dateCol]); err != nil {
				return spec.bad(row.Line, "%s %q: want a date (YYYY-MM-DD or RFC 3339)", spec.DateColumn, rec[dateCol])
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

func csvErr(spec Spec, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return spec.bad(pe.Line, "%v", pe.Err)
	}
	return attest.Errorf(attest.EINVALID, "%s: %v", spec.Name, err)
}

// parseDateBytes reads YYYY-MM-DD without allocating, and anything else
// through parseDate.
func parseDateBytes(b []byte) (time.Time, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 10 && b[4] == '-' && b[7] == '-' {
		n := func(s []byte) int {
			v := 0
			for _, c := range s {
				if c < '0' || c > '9' {
					return -1
				}
				v = v*10 + int(c-'0')
			}
			return v
		}
		y, m, d := n(b[0:4]), n(b[5:7]), n(b[8:10])
		if y >= 0 && m >= 1 && m <= 12 && d >= 1 {
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d { // not 2026-02-30
				return t, nil
			}
		}
		return time.Time{}, errors.New("not a date")
	}
	return parseDate(string(b))
}

func scanJSONLines(r io.Reader, spec Spec, fn func(Row) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 256<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return spec.bad(line, "not a JSON object: %v", err)
		}
		row := Row{Line: line}
		var err error
		if row.Key, err = jsonText(obj[spec.KeyColumn]); err != nil || row.Key == "" {
			return spec.bad(line, "the key %q is missing or empty", spec.KeyColumn)
		}
		if spec.DateColumn != "" {
			s, err := jsonText(obj[spec.DateColumn])
			if err != nil {
				return spec.bad(line, "%s is missing", spec.DateColumn)
			}
			if row.Date, err = parseDate(s); err != nil {
				return spec.bad(line, "%s %q: want a date (YYYY-MM-DD or RFC 3339)", spec.DateColumn, s)
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return attest.Errorf(attest.EINVALID, "%s: %v", spec.Name, err)
	}
	return nil
}

// jsonText renders a JSON string or number as text.
func jsonText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("missing")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), nil
	}
	return "", errors.New("not a string or number")
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(attest.DateLayout, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, err
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// DupFinder finds duplicate keys in two passes in bounded memory: the first
// pass puts every key in a Bloom filter and remembers the hashes of keys it
// may have seen before; the second confirms those candidates exactly.
type DupFinder struct {
	seed       maphash.Seed
	bits       []uint64
	candidates map[uint64]bool
	seen       map[string]int // second pass: candidate key -> first line
}

const bloomBits = 1 << 27 // 16 MiB: about 0.4% false candidates at 10 million keys

// NewDupFinder makes an empty finder.
func NewDupFinder() *DupFinder {
	return &DupFinder{seed: maphash.MakeSeed(), bits: make([]uint64, bloomBits/64), candidates: map[uint64]bool{}}
}

func (d *DupFinder) hash(key string) uint64 { return maphash.String(d.seed, key) }

// First is the first pass over one key. The filter is blocked: all of a
// key's bits fall in one 64-byte cache line, so a key costs one memory
// access, not five.
func (d *DupFinder) First(key string) {
	h := d.hash(key)
	base := (h % (bloomBits / 512)) * 8
	present := true
	for i := uint64(0); i < 5; i++ {
		b := (h >> (16 + 9*i)) & 511
		w, m := base+b/64, uint64(1)<<(b%64)
		if d.bits[w]&m == 0 {
			present = false
			d.bits[w] |= m
		}
	}
	if present {
		d.candidates[h] = true
	}
}

// NeedsSecondPass reports whether any key may be a duplicate.
func (d *DupFinder) NeedsSecondPass() bool { return len(d.candidates) > 0 }

// Second is the second pass over one key: it returns the line where the
// same key first appeared, or 0.
func (d *DupFinder) Second(key string, line int) int {
	h := d.hash(key)
	if !d.candidates[h] {
		return 0
	}
	if d.seen == nil {
		d.seen = map[string]int{}
	}
	if first, ok := d.seen[key]; ok {
		return first
	}
	d.seen[key] = line
	return 0
}
