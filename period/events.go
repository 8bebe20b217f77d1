package period

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/attest-dev/attest"
)

// ParseEvents reads a population of events from CSV: a header row naming
// the columns id and date (YYYY-MM-DD), optionally description, in any
// order; other columns are ignored. Any problem is reported with the file
// name and line, and nothing is returned then.
func ParseEvents(name string, r io.Reader) ([]attest.Event, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%s: line 1: want a header row with id,date[,description]", name)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	idCol, ok1 := col["id"]
	dateCol, ok2 := col["date"]
	if !ok1 || !ok2 {
		return nil, attest.Errorf(attest.EINVALID, "%s: line 1: the header needs columns id and date (got %s)", name, strings.Join(header, ","))
	}
	descCol, hasDesc := col["description"]
	out := []attest.Event{}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= idCol || len(rec) <= dateCol {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: want at least the id and date columns", name, line)
		}
		key := strings.TrimSpace(rec[idCol])
		if key == "" {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: id is empty", name, line)
		}
		if prev, dup := seen[key]; dup {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: id %q already on line %d", name, line, key, prev)
		}
		seen[key] = line
		dt, err := attest.ParseDate(rec[dateCol])
		if err != nil {
			return nil, attest.Errorf(attest.EINVALID, "%s: line %d: date %q: want YYYY-MM-DD", name, line, rec[dateCol])
		}
		ev := attest.Event{Key: key, Date: dt.Format(attest.DateLayout)}
		if hasDesc && len(rec) > descCol {
			ev.Description = strings.TrimSpace(rec[descCol])
		}
		out = append(out, ev)
	}
	return out, nil
}
