// Package training keeps who completed which training and when: imported
// from a training provider's CSV export (ReadCSV, Import: one transaction
// and one ledger entry naming the rows' SHA-256) or recorded one at a
// time with the certificate kept as evidence (Record), and the status per
// person (Load, Compute: security training within the last 12 months, or
// within 30 days of starting). Attest ships no course content.
package training

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Row is one completion as the export gives it.
type Row struct {
	Line        int
	Email       string
	Course      string
	Completed   string // YYYY-MM-DD
	Score       string
	Certificate string
}

// columns are the header names providers use for each field, compared
// lower-cased with spaces, dashes and underscores removed.
var columns = map[string][]string{
	"email":       {"email", "emailaddress", "useremail", "learneremail", "employeeemail"},
	"course":      {"course", "coursename", "coursetitle", "training", "trainingname", "module", "assignment"},
	"completed":   {"completed", "completedat", "completedon", "completiondate", "datecompleted", "completeddate"},
	"score":       {"score", "grade", "result"},
	"certificate": {"certificate", "certificateid", "certificatenumber", "certid"},
}

func norm(h string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "", "\ufeff", "").Replace(strings.ToLower(strings.TrimSpace(h)))
}

// maxRows bounds one import.
const maxRows = 1_000_000

// ReadCSV reads a training export. The header names the columns (e-mail,
// course and completion date are required; score and certificate are
// kept when present). Every bad row is reported by file, line and field,
// up to 20 of them.
func ReadCSV(file string, r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalid(file, 1, "", "the file is empty: a header line naming the columns comes first")
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	at := map[string]int{}
	for i, h := range head {
		for field, names := range columns {
			for _, n := range names {
				if norm(h) == n {
					if _, dup := at[field]; !dup {
						at[field] = i
					}
				}
			}
		}
	}
	for _, f := range []string{"email", "course", "completed"} {
		if _, ok := at[f]; !ok {
			return nil, invalid(file, 1, f, "no column for it in the header (for example "+strings.Join(columns[f][:2], ", ")+")")
		}
	}
	var out []Row
	var bad []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(f string) string {
			if i, ok := at[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		row := Row{Line: line, Email: strings.ToLower(get("email")), Course: get("course"), Score: get("score"), Certificate: get("certificate")}
		var msg string
		row.Completed, msg = date(get("completed"))
		switch {
		case row.Email == "" || !strings.Contains(row.Email, "@"):
			bad = append(bad, problem(file, line, "email", fmt.Sprintf("%q is not an e-mail address", row.Email)))
		case row.Course == "":
			bad = append(bad, problem(file, line, "course", "empty"))
		case len(row.Course) > 300:
			bad = append(bad, problem(file, line, "course", "longer than 300 characters"))
		case msg != "":
			bad = append(bad, problem(file, line, "completed", msg))
		default:
			out = append(out, row)
		}
		if len(bad) >= 20 {
			break
		}
		if len(out) > maxRows {
			return nil, invalid(file, line, "", fmt.Sprintf("more than %d rows: split the export", maxRows))
		}
	}
	if len(bad) > 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: strings.Join(bad, "\n")}
	}
	if len(out) == 0 {
		return nil, invalid(file, 2, "", "no completions after the header")
	}
	return out, nil
}

// date reads a completion date: YYYY-MM-DD, or a time that starts with
// one (2026-03-04T10:00:00Z, 2026-03-04 10:00). Other forms (03/04/2026)
// are refused: their order of day and month is a guess.
func date(v string) (string, string) {
	if v == "" {
		return "", "empty"
	}
	if len(v) >= 10 {
		if t, err := time.Parse(attest.DateLayout, v[:10]); err == nil && (len(v) == 10 || v[10] == 'T' || v[10] == ' ') {
			return t.Format(attest.DateLayout), ""
		}
	}
	return "", fmt.Sprintf("%q is not a date: write YYYY-MM-DD", v)
}

func problem(file string, line int, field, msg string) string {
	if field == "" {
		return fmt.Sprintf("%s: line %d: %s", file, line, msg)
	}
	return fmt.Sprintf("%s: line %d: %s: %s", file, line, field, msg)
}

func invalid(file string, line int, field, msg string) error {
	return &attest.Error{Code: attest.EINVALID, Message: problem(file, line, field, msg)}
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return invalid(file, pe.Line, "", pe.Err.Error())
	}
	return fmt.Errorf("read %s: %w", file, err)
}
