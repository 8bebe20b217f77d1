package people

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/collect"
)

// Columns are the columns of Attest's own roster CSV, in the order
// WriteCSV writes them. Only email is required; kind is employee or
// contractor (employee when empty), status active, leave or terminated
// (worked out from the end date when empty), dates YYYY-MM-DD, manager the
// manager's e-mail address, role the checklists that apply (default when
// empty), in_scope true or false (true when empty).
var Columns = []string{"email", "name", "kind", "status", "start", "end", "manager", "department", "title", "role", "in_scope", "employee_id"}

// Formats of roster file.
const (
	FormatHR     = "hr-roster" // the HR export collect.HRRoster reads
	FormatAttest = "attest"    // Columns
)

// Row is one person as a roster file gives them: the line, and the
// fields the file says something about (a field the file has no column
// for leaves the person's current value alone).
type Row struct {
	Person attest.Person
	Line   int
	// Has names the fields the file gives, by Person's JSON names.
	Has map[string]bool
}

// ReadCSV reads a roster file, telling the two formats apart by the
// header: one whose columns are all Attest's is Attest's own (Columns);
// any other with employee_id and status columns is an HR export
// (collect.HRRoster; its role and in_scope columns are read too when
// present). Every bad row is an
// error naming the file, the line and the field; so is an e-mail address
// two rows share or a row without one.
func ReadCSV(name string, data []byte) (format string, rows []Row, err error) {
	header, err := csv.NewReader(bytes.NewReader(data)).Read()
	if err != nil {
		return "", nil, attest.Errorf(attest.EINVALID, "%s: line 1: want a header row naming the roster's columns", name)
	}
	cols := normalize(header)
	ours := true
	for _, c := range cols {
		ours = ours && has(Columns, c)
	}
	if !ours && has(cols, "employee_id") && has(cols, "status") {
		rows, err = readHR(name, data)
		format = FormatHR
	} else {
		rows, err = readAttest(name, data)
		format = FormatAttest
	}
	if err != nil {
		return "", nil, err
	}
	return format, rows, unique(name, rows)
}

func normalize(header []string) []string {
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		cols[i] = strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(h))
	}
	return cols
}

func has(cols []string, c string) bool {
	for _, x := range cols {
		if x == c {
			return true
		}
	}
	return false
}

func bad(name string, line int, field, format string, args ...any) error {
	return &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("%s: line %d: %s: %s", name, line, field, fmt.Sprintf(format, args...))}
}

// unique refuses a row without an e-mail address, a field that is not
// one line of UTF-8 text, and two rows with the same address or the same
// employee ID.
func unique(name string, rows []Row) error {
	emails := map[string]int{}
	ids := map[string]int{}
	for _, r := range rows {
		p := r.Person
		for _, f := range []struct{ field, v string }{{"email", p.Email}, {"name", p.Name}, {"employee_id", p.EmployeeID}, {"manager_email", p.Manager},
			{"department", p.Department}, {"title", p.Title}, {"role", p.Role}} {
			if !utf8.ValidString(f.v) {
				return bad(name, r.Line, f.field, "not valid UTF-8 text: save the file as UTF-8")
			}
			if problem := attest.LineProblem(f.v); problem != "" {
				return bad(name, r.Line, f.field, "%s", problem)
			}
		}
		if p.Email == "" {
			return bad(name, r.Line, "email", "every person needs an e-mail address")
		}
		if first, dup := emails[p.Email]; dup {
			return bad(name, r.Line, "email", "%s is on line %d too: each person needs an address of their own", p.Email, first)
		}
		emails[p.Email] = r.Line
		if p.EmployeeID != "" {
			if first, dup := ids[p.EmployeeID]; dup {
				return bad(name, r.Line, "employee_id", "%s is on line %d too", p.EmployeeID, first)
			}
			ids[p.EmployeeID] = r.Line
		}
	}
	return nil
}

// readHR reads an HR export through collect.HRRoster; any row it finds
// wrong refuses the file.
func readHR(name string, data []byte) ([]Row, error) {
	res, err := collect.HRRoster(name, bytes.NewReader(data))
	if err != nil {
		return nil, attest.Errorf(attest.EINVALID, "%v", err)
	}
	if len(res.Problems) > 0 {
		p := res.Problems[0]
		return nil, attest.Errorf(attest.EINVALID, "%s: line %d: %s", name, p.Line, p.Detail)
	}
	rows := make([]Row, 0, len(res.Records))
	for _, r := range res.Records {
		f := r.Fields
		p := attest.Person{EmployeeID: str(f["employee_id"]), Email: str(f["email"]), Name: str(f["name"]), Kind: str(f["worker_type"]), Status: str(f["status"]),
			Start: str(f["start_date"]), End: str(f["end_date"]), Manager: str(f["manager_email"]), Department: str(f["department"]), Title: str(f["title"]),
			Source: fmt.Sprintf("%s line %d", name, r.Line)}
		row := Row{Person: p, Line: r.Line, Has: map[string]bool{"employee_id": true, "email": true, "status": true}}
		for field, col := range map[string]string{"name": "name", "kind": "worker_type", "start": "start_date", "end": "end_date", "manager": "manager_email", "department": "department", "title": "title"} {
			_, row.Has[field] = f[col]
		}
		if v, ok := f["role"]; ok {
			row.Person.Role, row.Has["role"] = strings.ToLower(str(v)), true
		}
		if v, ok := f["in_scope"]; ok {
			b, ok := boolOf(str(v))
			if !ok {
				return nil, bad(name, r.Line, "in_scope", "%q is not true or false", str(v))
			}
			row.Person.InScope, row.Has["in_scope"] = b, true
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func boolOf(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "true", "yes", "y", "1":
		return true, true
	case "false", "no", "n", "0":
		return false, true
	}
	return false, false
}

// readAttest reads Attest's own roster CSV (Columns).
func readAttest(name string, data []byte) ([]Row, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, _ := cr.Read()
	cols := normalize(header)
	at := map[string]int{}
	for i, c := range cols {
		if !has(Columns, c) {
			return nil, bad(name, 1, c, "not a roster column (want %s; or an HR export with employee_id and status)", strings.Join(Columns, ", "))
		}
		if j, dup := at[c]; dup {
			return nil, bad(name, 1, c, "columns %d and %d are both %s", j+1, i+1, c)
		}
		at[c] = i
	}
	if _, ok := at["email"]; !ok {
		return nil, bad(name, 1, "email", "the header has no email column (it has %s)", strings.Join(cols, ", "))
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, attest.Errorf(attest.EINVALID, "%s: line %d: %v", name, pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			return nil, bad(name, line, "row", "%d columns, the header has %d", len(rec), len(cols))
		}
		row, err := attestRow(name, line, cols, rec)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

func attestRow(name string, line int, cols, rec []string) (Row, error) {
	row := Row{Line: line, Has: map[string]bool{}}
	p := &row.Person
	p.Source = fmt.Sprintf("%s line %d", name, line)
	for i, c := range cols {
		v := strings.TrimSpace(rec[i])
		row.Has[c] = true
		switch c {
		case "email":
			p.Email = strings.ToLower(v)
		case "name":
			p.Name = v
		case "kind":
			p.Kind = strings.ToLower(v)
			if p.Kind != "" && p.Kind != attest.PersonEmployee && p.Kind != attest.PersonContractor {
				return row, bad(name, line, c, "%q is not employee or contractor", v)
			}
		case "status":
			p.Status = strings.ToLower(v)
			if p.Status != "" && p.Status != attest.PersonActive && p.Status != attest.PersonLeave && p.Status != attest.PersonTerminated {
				return row, bad(name, line, c, "%q is not active, leave or terminated", v)
			}
		case "start", "end":
			if v != "" {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					return row, bad(name, line, c, "%q is not a date (want YYYY-MM-DD)", v)
				}
			}
			if c == "start" {
				p.Start = v
			} else {
				p.End = v
			}
		case "manager":
			p.Manager = strings.ToLower(v)
		case "department":
			p.Department = v
		case "title":
			p.Title = v
		case "role":
			p.Role = strings.ToLower(v)
		case "in_scope":
			b, ok := boolOf(v)
			if !ok {
				return row, bad(name, line, c, "%q is not true or false", v)
			}
			p.InScope = b
		case "employee_id":
			p.EmployeeID = v
		}
	}
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		return row, bad(name, line, "email", "%q is not an e-mail address", p.Email)
	}
	if p.Start != "" && p.End != "" && p.End < p.Start {
		return row, bad(name, line, "end", "%s is before the start date %s", p.End, p.Start)
	}
	return row, nil
}

// WriteCSV writes people in Attest's own roster format (Columns).
func WriteCSV(w io.Writer, people []attest.Person) error {
	cw := csv.NewWriter(w)
	cw.Write(Columns)
	for _, p := range people {
		cw.Write([]string{p.Email, p.Name, p.Kind, p.Status, p.Start, p.End, p.Manager, p.Department, p.Title, p.Role, fmt.Sprint(p.InScope), p.EmployeeID})
	}
	cw.Flush()
	return cw.Error()
}
