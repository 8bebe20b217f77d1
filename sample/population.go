package sample

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
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
	Key  string // empty when Spec.BytesOnly is set
	// KeyBytes is the key, valid only during the callback.
	KeyBytes []byte
	Date     time.Time // zero without a date column
}

// Spec says how to read a population file.
type Spec struct {
	Name       string // for messages
	Format     Format
	KeyColumn  string
	DateColumn string // optional
	// BytesOnly leaves Row.Key empty and gives the key only as KeyBytes,
	// saving an allocation per row for callers that hash it.
	BytesOnly bool
}

// Scan streams a population file and calls fn for every row. It stops at
// the first malformed row with the file name, line and what was expected;
// an empty key is malformed. Memory does not grow with the file.
func Scan(r io.Reader, spec Spec, fn func(Row) error) error {
	if spec.KeyColumn == "" {
		return attest.Errorf(attest.EINVALID, "%s: say which column identifies an item (the key column)", spec.Name)
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
	// Only the columns up to the key and the date are needed.
	cr.limit = max(keyCol, dateCol) + 2
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
		row.KeyBytes = bytes.TrimSpace(rec[keyCol])
		if !spec.BytesOnly {
			row.Key = string(row.KeyBytes)
		}
		if len(row.KeyBytes) == 0 {
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
		if y >= minYear && y <= maxYear && m >= 1 && m <= 12 && d >= 1 {
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
		row.KeyBytes = []byte(row.Key)
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

// Dates outside these years are typing or export errors (0001-01-01 is
// many systems' "no date"), not dates a population can hold.
const minYear, maxYear = 1900, 2999

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(attest.DateLayout, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return t, err
		}
		t = t.UTC()
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, fmt.Errorf("year %d is not a plausible date", t.Year())
	}
	return t, nil
}

// DupFinder finds duplicate keys in bounded memory. The first pass keeps a
// 64-bit hash of every key, sorting each 4-million-hash chunk and spilling
// it to a temporary file; merging the sorted chunks finds the hashes that
// repeat. Only if one does (a real duplicate, or a 64-bit collision, about
// one chance in 10^5 at 10 million keys) does a second pass over the file
// compare those keys exactly and name their lines.
type DupFinder struct {
	seed       maphash.Seed
	chunk      []uint64
	spare      []uint64
	pending    chan spilled
	spills     []*os.File
	err        error
	candidates map[uint64]bool
	seen       map[string]int
}

// chunkSize hashes are sorted in memory at a time: 8 MiB (two chunks live
// while one is spilled in the background).
const chunkSize = 1 << 20

// NewDupFinder makes an empty finder.
func NewDupFinder() *DupFinder {
	return &DupFinder{seed: maphash.MakeSeed()}
}

// First is the first pass over one key.
func (d *DupFinder) First(key []byte) {
	if d.chunk == nil {
		// Reserved whole: pages count only once written, and the chunk
		// never grows by copying.
		d.chunk = make([]uint64, 0, chunkSize)
	}
	d.chunk = append(d.chunk, maphash.Bytes(d.seed, key))
	if len(d.chunk) == chunkSize {
		d.spill()
	}
}

func (d *DupFinder) spill() {
	// Sort and write the full chunk in the background while the caller
	// fills a fresh one; at most one chunk is being spilled at a time.
	d.wait()
	full := d.chunk
	d.chunk = d.spare
	if d.chunk == nil {
		d.chunk = make([]uint64, 0, chunkSize)
	}
	d.chunk = d.chunk[:0]
	d.pending = make(chan spilled, 1)
	go func(full []uint64, out chan<- spilled) {
		slices.Sort(full)
		f, err := os.CreateTemp("", "attest-keys-*")
		if err != nil {
			out <- spilled{buf: full, err: err}
			return
		}
		os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
		w := bufio.NewWriterSize(f, 1<<20)
		var b [8]byte
		for _, h := range full {
			binary.LittleEndian.PutUint64(b[:], h)
			w.Write(b[:])
		}
		if err == nil {
			err = w.Flush()
		}
		f.Seek(0, io.SeekStart)
		out <- spilled{f: f, buf: full, err: err}
	}(full, d.pending)
}

type spilled struct {
	f   *os.File
	buf []uint64
	err error
}

// wait collects the spill in progress, if any.
func (d *DupFinder) wait() {
	if d.pending == nil {
		return
	}
	s := <-d.pending
	d.pending = nil
	if s.f != nil {
		d.spills = append(d.spills, s.f)
	}
	if s.err != nil && d.err == nil {
		d.err = s.err
	}
	d.spare = s.buf
}

// Finish merges the sorted hashes and reports whether a second pass is
// needed. It releases the temporary files.
func (d *DupFinder) Finish() (bool, error) {
	d.wait()
	d.spare = nil
	defer func() {
		for _, f := range d.spills {
			f.Close()
		}
		d.spills, d.chunk = nil, nil
	}()
	if d.err != nil {
		return false, d.err
	}
	slices.Sort(d.chunk)
	type src struct {
		r   *bufio.Reader
		mem []uint64
		cur uint64
		ok  bool
	}
	next := func(s *src) {
		if s.r == nil {
			if len(s.mem) == 0 {
				s.ok = false
				return
			}
			s.cur, s.mem, s.ok = s.mem[0], s.mem[1:], true
			return
		}
		var b [8]byte
		if _, err := io.ReadFull(s.r, b[:]); err != nil {
			s.ok = false
			return
		}
		s.cur, s.ok = binary.LittleEndian.Uint64(b[:]), true
	}
	var srcs []*src
	for _, f := range d.spills {
		srcs = append(srcs, &src{r: bufio.NewReaderSize(f, 1<<20)})
	}
	srcs = append(srcs, &src{mem: d.chunk})
	for _, s := range srcs {
		next(s)
	}
	d.candidates = map[uint64]bool{}
	var prev uint64
	first := true
	for {
		best := -1
		for i, s := range srcs {
			if s.ok && (best < 0 || s.cur < srcs[best].cur) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		h := srcs[best].cur
		if !first && h == prev {
			d.candidates[h] = true
		}
		prev, first = h, false
		next(srcs[best])
	}
	return len(d.candidates) > 0, nil
}

// Second is the second pass over one key: it returns the line where the
// same key first appeared, or 0.
func (d *DupFinder) Second(key []byte, line int) int {
	h := maphash.Bytes(d.seed, key)
	if !d.candidates[h] {
		return 0
	}
	if d.seen == nil {
		d.seen = map[string]int{}
	}
	if first, ok := d.seen[string(key)]; ok {
		return first
	}
	d.seen[string(key)] = line
	return 0
}
