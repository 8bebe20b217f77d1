package collect

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// HRRoster reads a roster exported from an HR system as CSV, one
// "hr.employee" record a row. The employee_id, email and status columns
// are required; header names are matched ignoring case, with spaces and
// dashes read as underscores, and columns the roster documents nowhere are
// kept as text. Emails are lower-cased so that they match the identity
// provider's logins. A row with a status other than active, leave or
// terminated, a date that is not YYYY-MM-DD (a full timestamp is read as
// its date), a worker type other than employee or contractor, no ID or
// email, or an ID seen before is a problem and is left out.
func HRRoster(name string, r io.Reader) (*Result, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, errors.New(name + ": line 1: want the roster's header row")
	}
	cols := make([]string, len(header))
	at := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		cols[i] = strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(h))
		if j, dup := at[cols[i]]; dup {
			return nil, fmt.Errorf("%s: line 1: columns %d and %d are both %s", name, j+1, i+1, cols[i])
		}
		at[cols[i]] = i
	}
	for _, need := range []string{"employee_id", "email", "status"} {
		if _, ok := at[need]; !ok {
			return nil, fmt.Errorf("%s: line 1: not an HR roster: no %s column (the header has %s)", name, need, strings.Join(cols, ", "))
		}
	}
	res := newResult()
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			res.problem(name, pe.Line, "%v", pe.Err)
			if errors.Is(pe.Err, csv.ErrQuote) {
				return res, nil // an unterminated quote swallows the rest of the file
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(row) != len(cols) {
			res.problem(name, line, "%d columns, the header has %d", len(row), len(cols))
			continue
		}
		f, bad := employee(cols, row)
		id, _ := f["employee_id"].(string)
		if first, dup := seen[id]; dup && id != "" {
			bad = append(bad, fmt.Sprintf("employee_id %s is on line %d too", id, first))
		}
		if len(bad) > 0 {
			res.problem(name, line, "%s", strings.Join(bad, "; "))
			continue
		}
		seen[id] = line
		res.Records = append(res.Records, Record{Type: "hr.employee", ID: id, Fields: f, Source: name, Line: line})
	}
}

// employee reads one roster row into fields, with what is wrong with it.
func employee(cols, row []string) (map[string]any, []string) {
	f := make(map[string]any, len(cols))
	var bad []string
	for i, h := range cols {
		v := strings.TrimSpace(row[i])
		switch h {
		case "status", "worker_type":
			v = strings.ToLower(v)
			if !rosterValues[h][v] && (v != "" || h == "status") {
				bad = append(bad, fmt.Sprintf("%s %q is not one of %s", h, v, rosterEnums[h]))
			}
		case "start_date", "end_date":
			d, ok := dateOf(v)
			if !ok {
				bad = append(bad, fmt.Sprintf("%s %q is not a date (want YYYY-MM-DD)", h, v))
			}
			v = d
		case "email", "manager_email":
			v = strings.ToLower(v)
		}
		f[h] = orNil(v)
	}
	for _, need := range []string{"employee_id", "email"} {
		if f[need] == nil {
			bad = append(bad, "no "+need)
		}
	}
	return f, bad
}

var (
	rosterEnums  = map[string]string{"status": "active, leave, terminated", "worker_type": "employee, contractor"}
	rosterValues = map[string]map[string]bool{
		"status":      {"active": true, "leave": true, "terminated": true},
		"worker_type": {"employee": true, "contractor": true},
	}
)

// dateOf reads a date as YYYY-MM-DD, or the date part of an RFC 3339
// timestamp (in the timestamp's own zone: the day HR meant). An empty
// value is no date, and fine.
func dateOf(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}
