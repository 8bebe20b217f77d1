package collect

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Prowler reads Prowler's findings, in its OCSF JSON output (a JSON array
// of Detection Findings) or its CSV output (separated by semicolons). Each
// finding becomes a "prowler.finding" record. A finding whose status is
// not PASS, FAIL or MANUAL is a problem and is left out.
//
// From OCSF, the finding's other members are kept as they are; from CSV,
// the other columns are kept as text under their lower-cased names. The
// CSV's compliance column ("CIS-2.0: 1.20 | ISO27001: A.8.2, A.8.3") is
// read into the same object of lists OCSF has. Prowler writes the CSV's
// timestamps without a zone; they are read as UTC.
func Prowler(name string, r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return prowlerOCSF(name, data)
	}
	return prowlerCSV(name, data)
}

func prowlerOCSF(name string, data []byte) (*Result, error) {
	doc, err := parseJSON(name, data)
	if err != nil {
		return nil, err
	}
	list, ok := doc.items()
	if !ok {
		return nil, errors.New(name + ": not Prowler's OCSF output: want a JSON array of findings")
	}
	res := newResult()
	for i, v := range list {
		finding, _ := v.any().(map[string]any)
		f, err := ocsfFinding(finding)
		if err != nil {
			res.problem(name, v.line, "finding %d: %v", i+1, err)
			continue
		}
		res.Records = append(res.Records, Record{Type: "prowler.finding", ID: findingID(f), Fields: f, Source: name, Line: v.line})
	}
	return res, nil
}

// ocsfFinding reads one OCSF Detection Finding.
func ocsfFinding(m map[string]any) (map[string]any, error) {
	check := str(dig(m, "metadata", "event_code"))
	if check == "" {
		return nil, errors.New("no metadata.event_code (the check)")
	}
	status, err := findingStatus(str(m["status_code"]))
	if err != nil {
		return nil, err
	}
	f := make(map[string]any, len(m)+12)
	for k, v := range m {
		f[k] = v
	}
	res, _ := m["resources"].([]any)
	var first map[string]any
	if len(res) > 0 {
		first, _ = res[0].(map[string]any)
	}
	// Prowler leaves the cloud object out for Kubernetes alone.
	provider := "kubernetes"
	if cloud, ok := m["cloud"].(map[string]any); ok {
		provider = strings.ToLower(str(cloud["provider"]))
	}
	region := str(first["region"])
	if region == "" {
		region = str(dig(m, "cloud", "region"))
	}
	message := str(m["message"])
	if message == "" {
		message = str(m["status_detail"])
	}
	compliance, _ := dig(m, "unmapped", "compliance").(map[string]any)
	when := timeAny(m["time"])
	if when == nil {
		when = stamp(timeOf(str(m["time_dt"])))
	}
	for k, v := range map[string]any{
		"uid": orNil(str(dig(m, "finding_info", "uid"))), "check_id": check, "title": orNil(str(dig(m, "finding_info", "title"))),
		"status": status, "severity": orNil(strings.ToLower(str(m["severity"]))), "provider": orNil(provider),
		"service": orNil(str(dig(first, "group", "name"))), "resource_uid": orNil(str(first["uid"])),
		"resource_name": orNil(str(first["name"])), "resource_type": orNil(str(first["type"])), "region": orNil(region),
		"account": orNil(str(dig(m, "cloud", "account", "uid"))), "message": orNil(message), "compliance": compliance, "time": when,
	} {
		f[k] = v
	}
	return f, nil
}

// findingID is the finding's UID, or its check and resource.
func findingID(f map[string]any) string {
	if uid, _ := f["uid"].(string); uid != "" {
		return uid
	}
	return f["check_id"].(string) + "/" + str(f["resource_uid"])
}

func findingStatus(s string) (string, error) {
	switch st := strings.ToLower(strings.TrimSpace(s)); st {
	case "pass", "fail", "manual":
		return st, nil
	}
	return "", fmt.Errorf("status %q is not PASS, FAIL or MANUAL", s)
}

// dig follows keys through nested objects; nil when one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str is v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// prowlerColumns are where the CSV's columns go, by the names Prowler 4
// and 5 give them and, after them, Prowler 3's.
var prowlerColumns = []struct {
	field string
	cols  []string
}{
	{"uid", []string{"finding_uid", "finding_unique_id"}},
	{"check_id", []string{"check_id"}},
	{"title", []string{"check_title"}},
	{"status", []string{"status"}},
	{"severity", []string{"severity"}},
	{"provider", []string{"provider"}},
	{"service", []string{"service_name"}},
	{"resource_uid", []string{"resource_uid", "resource_arn"}},
	{"resource_name", []string{"resource_name", "resource_id"}},
	{"resource_type", []string{"resource_type"}},
	{"region", []string{"region"}},
	{"account", []string{"account_uid", "account_id"}},
	{"message", []string{"status_extended"}},
	{"compliance", []string{"compliance"}},
	{"time", []string{"timestamp", "assessment_start_time"}},
}

func prowlerCSV(name string, data []byte) (*Result, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, errors.New(name + ": line 1: want Prowler's CSV header row")
	}
	at := map[string]int{}
	for i, h := range header {
		at[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"check_id", "status"} {
		if _, ok := at[need]; !ok {
			return nil, errors.New(name + ": line 1: not Prowler's CSV output: no " + strings.ToUpper(need) + " column")
		}
	}
	res := newResult()
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
		if len(row) != len(header) {
			res.problem(name, line, "%d columns, the header has %d", len(row), len(header))
			continue
		}
		f, err := csvFinding(at, row)
		if err != nil {
			res.problem(name, line, "%v", err)
			continue
		}
		res.Records = append(res.Records, Record{Type: "prowler.finding", ID: findingID(f), Fields: f, Source: name, Line: line})
	}
}

// csvFinding reads one row of Prowler's CSV.
func csvFinding(at map[string]int, row []string) (map[string]any, error) {
	f := make(map[string]any, len(at))
	for h, i := range at {
		v := strings.TrimSpace(row[i])
		switch {
		case h == "muted" && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false")):
			f[h] = strings.EqualFold(v, "true")
		default:
			f[h] = orNil(v)
		}
	}
	for _, c := range prowlerColumns {
		var v string
		for _, col := range c.cols {
			if i, ok := at[col]; ok {
				v = strings.TrimSpace(row[i])
				delete(f, col)
				if v != "" {
					break
				}
			}
		}
		f[c.field] = orNil(v)
	}
	if f["check_id"] == nil {
		return nil, errors.New("no CHECK_ID")
	}
	status, err := findingStatus(str(f["status"]))
	if err != nil {
		return nil, err
	}
	f["status"] = status
	f["severity"] = orNil(strings.ToLower(str(f["severity"])))
	f["provider"] = orNil(strings.ToLower(str(f["provider"])))
	f["compliance"] = complianceOf(str(f["compliance"]))
	f["time"] = stamp(timeOf(str(f["time"])))
	return f, nil
}

// complianceOf reads the CSV's compliance column: frameworks separated by
// "|", each "framework: id, id".
func complianceOf(s string) map[string]any {
	out := map[string]any{}
	for _, part := range strings.Split(s, "|") {
		fw, ids, ok := strings.Cut(part, ":")
		fw = strings.TrimSpace(fw)
		if !ok || fw == "" {
			continue
		}
		list := []any{}
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				list = append(list, id)
			}
		}
		out[fw] = list
	}
	return out
}
