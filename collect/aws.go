package collect

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// IAMCredentialReport reads the AWS IAM credential report (CSV, the columns
// AWS documents). Each row becomes an "aws.iam_user" record; the account's
// root user is marked "root": true. Booleans become true/false; dates become
// RFC 3339 or null for AWS's placeholders (N/A, no_information,
// not_supported). Columns AWS adds later are kept as text.
func IAMCredentialReport(name string, r io.Reader) (*Result, error) {
	res := &Result{Records: []Record{}, Problems: []Problem{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, errors.New(name + ": line 1: want the credential report's header row")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"user", "arn", "mfa_active", "password_enabled"} {
		if _, ok := col[need]; !ok {
			return nil, errors.New(name + ": line 1: not an IAM credential report: no " + need + " column")
		}
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.problem(name, pe.Line, "%v", pe.Err)
				if errors.Is(pe.Err, csv.ErrQuote) {
					return res, nil // an unterminated quote swallows the rest of the file
				}
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(row) != len(header) {
			res.problem(name, line, "%d columns, the header has %d", len(row), len(header))
			continue
		}
		f := map[string]any{}
		bad := ""
		for h, i := range col {
			v := strings.TrimSpace(row[i])
			switch {
			case h == "user" || h == "arn" || strings.HasSuffix(h, "_region") || strings.HasSuffix(h, "_service"):
				f[h] = placeholder(v)
			case strings.HasSuffix(h, "_active") || h == "password_enabled":
				b, ok := boolOf(v)
				if !ok && v != "not_supported" && v != "N/A" {
					bad = h + " " + v
				}
				f[h] = b
			case strings.HasSuffix(h, "_time") || strings.Contains(h, "last_") || strings.HasSuffix(h, "_rotation") || strings.HasSuffix(h, "_rotated") || strings.HasSuffix(h, "_changed"):
				if placeholder(v) == nil {
					f[h] = nil
					continue
				}
				t, ok := timeOf(v)
				if !ok {
					bad = h + " " + v
				}
				f[h] = stamp(t, ok)
			default:
				f[h] = v // a column AWS added later: kept as it is
			}
		}
		if bad != "" {
			res.problem(name, line, "unexpected value in %s", bad)
			continue
		}
		user, _ := f["user"].(string)
		f["root"] = user == "<root_account>"
		res.Records = append(res.Records, Record{Type: "aws.iam_user", ID: user, Fields: f, Source: name, Line: line})
	}
}

// placeholder turns AWS's "no value" words into nil.
func placeholder(v string) any {
	switch v {
	case "", "N/A", "no_information", "not_supported":
		return nil
	}
	return v
}

func boolOf(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
