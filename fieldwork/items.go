package fieldwork

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/attest-dev/attest"
)

// Items gathers a test's item results as an adapter reads them (flags, a
// CSV file's rows, a form's lines): each key once, results in lower case,
// spaces trimmed. Its errors are EINVALID and say what is wrong; the
// caller adds where (a flag, a file's line, a form field).
type Items struct {
	list []attest.ItemResult
	seen map[string]bool
}

// Add adds one item's result.
func (l *Items) Add(key, result, note string) error {
	key = strings.TrimSpace(key)
	if err := CheckItem(key, result, note); err != nil {
		return err
	}
	if l.seen[key] {
		return attest.Errorf(attest.EINVALID, "item %s is given twice", key)
	}
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	l.seen[key] = true
	l.list = append(l.list, attest.ItemResult{Key: key, Result: strings.ToLower(strings.TrimSpace(result)), Note: strings.TrimSpace(note)})
	return nil
}

// CheckItem refuses an item that would not read back as itself: an item
// is one line of the test form's items field and of what the auditor's
// client sends (ItemText), where a line break would start another item
// and an '=' in a key would end it early, and a ':' in a result would
// start the note. A key is needed.
func CheckItem(key, result, note string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return attest.Errorf(attest.EINVALID, "an item needs a key")
	}
	if strings.ContainsAny(key, "=\r\n") {
		return attest.Errorf(attest.EINVALID, "item %q: a key cannot hold '=' or a line break", key)
	}
	for _, f := range [][2]string{{"result", result}, {"note", note}} {
		if strings.ContainsAny(strings.TrimSpace(f[1]), "\r\n") {
			return attest.Errorf(attest.EINVALID, "item %s: the %s has a line break: write it on one line", key, f[0])
		}
	}
	if strings.Contains(result, ":") {
		return attest.Errorf(attest.EINVALID, "item %s: the result %q cannot hold ':' (it starts the note)", key, strings.TrimSpace(result))
	}
	return nil
}

// AddText adds one item written KEY=RESULT[:NOTE].
func (l *Items) AddText(s string) error {
	k, rest, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return attest.Errorf(attest.EINVALID, "%q: want KEY=RESULT[:NOTE]", s)
	}
	res, note, _ := strings.Cut(rest, ":")
	return l.Add(k, res, note)
}

// AddLines adds the items written one per line, KEY=RESULT[:NOTE] (the
// test form's items field); blank lines are skipped.
func (l *Items) AddLines(text string) error {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		if err := l.AddText(line); err != nil {
			return err
		}
	}
	return nil
}

// ItemText is an item's result written KEY=RESULT[:NOTE], as AddText
// reads it back for a key without '=' and a result without ':' (Add
// refuses a key with '=', a result with ':' and a line break in any
// part: CheckItem).
func ItemText(r attest.ItemResult) string {
	if r.Note == "" {
		return r.Key + "=" + r.Result
	}
	return r.Key + "=" + r.Result + ":" + r.Note
}

// ItemsText is item results written one per line, as AddLines reads
// them: the test form's items field, which the API takes too.
func ItemsText(rs []attest.ItemResult) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = ItemText(r)
	}
	return strings.Join(lines, "\n")
}

// List is the items added, in order.
func (l *Items) List() []attest.ItemResult { return l.list }

// items is the item results as Items gathers them, whoever built them: a
// key empty or given twice is refused.
func items(in []attest.ItemResult) ([]attest.ItemResult, error) {
	var l Items
	for _, it := range in {
		if err := l.Add(it.Key, it.Result, it.Note); err != nil {
			return nil, field("items", attest.ErrorMessage(err))
		}
	}
	return l.List(), nil
}

// ReadItems reads a test's item results from a CSV file (name names it
// in errors): a header row naming a key and a result column, and a note
// column if it likes (in any order and case, a byte-order mark ignored),
// then one item per row. The items given before (the command line's)
// come first, and a row may not repeat one. Its errors are EINVALID and
// name the file and the line.
func ReadItems(name string, r io.Reader, given []attest.ItemResult) ([]attest.ItemResult, error) {
	var l Items
	for _, it := range given {
		if err := l.Add(it.Key, it.Result, it.Note); err != nil {
			return nil, err
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: line 1: want a header row with key,result", name)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range []string{"key", "result"} {
		if _, ok := col[c]; !ok {
			return nil, attest.Errorf(attest.EINVALID, "%s: line 1: the header needs a %q column", name, c)
		}
	}
	// Every row is read before any is judged, so that a file that is not
	// CSV is said so first, wherever it breaks.
	type row struct {
		line int
		rec  []string
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{line, rec})
	}
	cell := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for _, r := range rows {
		if err := l.Add(cell(r.rec, "key"), cell(r.rec, "result"), cell(r.rec, "note")); err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: %s", name, r.line, attest.ErrorMessage(err))
		}
	}
	return l.List(), nil
}
