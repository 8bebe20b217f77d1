package fieldwork

import (
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
	if key == "" {
		return attest.Errorf(attest.EINVALID, "an item needs a key")
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
// reads it back for a key without '=' and a result without ':' (neither
// with a line break, nor, for AddLines, the note).
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
