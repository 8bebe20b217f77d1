package evidence

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/attest-dev/attest/collect"
)

// Found is what a file's content records of the control it evidences: when
// the control was performed, where the content says so, and, when the
// content says, the occurrence it covers (a pull request's merge).
type Found struct {
	When   time.Time
	From   string
	Covers time.Time
}

// Performed reads when a file's content records the control as performed,
// for the formats that record it:
//   - a pull request's reviews, from GitHub's REST API (GET
//     .../pulls/N/reviews, or a pull request with its "reviews") or the gh
//     command line (gh pr view --json reviews,mergedAt): the approval in
//     force at the merge (the latest approving review at or before it), else
//     the first one after it, else the latest; the merge is what it covers;
//   - a ticket's closure: a Jira issue (fields.resolutiondate) or a GitHub
//     issue (closed_at, closedAt);
//   - a sign-off in a CSV export (an access review, a checklist): the latest
//     value of a column named signed_off_at, signed_off, sign_off_date,
//     approved_at, approval_date, reviewed_at, review_date, completed_at,
//     completion_date, closed_at, resolved_at or resolution_date;
//   - a scan or capture the collectors read (collect/RECORDS.md), in
//     JSON: AWS Config's capture and evaluation times, Prowler's finding
//     times (OCSF), a Trivy or Grype report's own time; and Attest's own
//     check runs and collections.
//
// Anything else records nothing (the zero Found): the person adding it
// enters the date.
func Performed(name string, content []byte) Found {
	content = bytes.TrimPrefix(content, []byte("\ufeff"))
	trimmed := bytes.TrimSpace(content)
	if len(trimmed) == 0 || bytes.IndexByte(trimmed[:min(len(trimmed), 8192)], 0) >= 0 {
		return Found{} // nothing, or binary (a PDF, an image): no date read from it
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		var doc any
		d := json.NewDecoder(bytes.NewReader(trimmed))
		if d.Decode(&doc) != nil || d.Decode(new(any)) != io.EOF {
			return Found{}
		}
		if f := fromJSON(doc); !f.When.IsZero() {
			return f
		}
		// The collectors' JSON formats (AWS Config, Prowler's OCSF).
		return fromRecords(name, content)
	}
	if strings.EqualFold(path.Ext(name), ".csv") || bytes.IndexByte(trimmed[:min(len(trimmed), 4096)], ',') > 0 {
		return fromSignOff(trimmed)
	}
	return Found{}
}

// fromJSON reads the JSON shapes Performed knows.
func fromJSON(doc any) Found {
	if reviews, ok := doc.([]any); ok {
		return approval(reviews, time.Time{})
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return Found{}
	}
	if rs, ok := m["reviews"].([]any); ok {
		merged := timeIn(m, "merged_at", "mergedAt")
		f := approval(rs, merged)
		f.Covers = merged
		return f
	}
	if fields, ok := m["fields"].(map[string]any); ok {
		if t := timeIn(fields, "resolutiondate"); !t.IsZero() {
			return Found{When: t, From: "the Jira issue's resolution"}
		}
	}
	if t := timeIn(m, "closed_at", "closedAt"); !t.IsZero() {
		return Found{When: t, From: "the GitHub issue's closure"}
	}
	if _, ok := m["results"]; ok {
		if t := timeIn(m, "run_at"); !t.IsZero() {
			return Found{When: t, From: "the Attest check run's time"}
		}
	}
	if _, ok := m["records"]; ok {
		if t := timeIn(m, "collected_at"); !t.IsZero() {
			return Found{When: t, From: "the Attest collection's time"}
		}
	}
	if _, ok := m["SchemaVersion"]; ok {
		if t := timeIn(m, "CreatedAt"); !t.IsZero() {
			return Found{When: t, From: "the Trivy scan's time"}
		}
	}
	if d, ok := m["descriptor"].(map[string]any); ok {
		if _, ok := m["matches"]; ok {
			if t := timeIn(d, "timestamp"); !t.IsZero() {
				return Found{When: t, From: "the Grype scan's time"}
			}
		}
	}
	return Found{}
}

// approval picks, from a pull request's reviews, the approval that counts:
// with the merge time known, the latest approval at or before the merge,
// else the first one after it (given after the merge: for a preventive
// control, a deviation); without it, the latest approval.
func approval(reviews []any, merged time.Time) Found {
	var before, after, latest time.Time
	for _, r := range reviews {
		m, ok := r.(map[string]any)
		if !ok {
			return Found{} // not a list of reviews
		}
		if state, _ := m["state"].(string); !strings.EqualFold(state, "APPROVED") {
			continue
		}
		t := timeIn(m, "submitted_at", "submittedAt")
		if t.IsZero() {
			continue
		}
		if t.After(latest) {
			latest = t
		}
		switch {
		case merged.IsZero():
		case !t.After(merged) && t.After(before):
			before = t
		case t.After(merged) && (after.IsZero() || t.Before(after)):
			after = t
		}
	}
	switch {
	case !before.IsZero():
		return Found{When: before, From: "the pull request's approving review before its merge (GitHub)"}
	case !after.IsZero():
		return Found{When: after, From: "the pull request's first approving review, given after its merge (GitHub)"}
	case !latest.IsZero():
		return Found{When: latest, From: "the pull request's latest approving review (GitHub)"}
	}
	return Found{}
}

// timeIn is the first of keys in m that holds a time.
func timeIn(m map[string]any, keys ...string) time.Time {
	for _, k := range keys {
		if s, ok := m[k].(string); ok {
			if t, ok := parseTime(s); ok {
				return t
			}
		}
	}
	return time.Time{}
}

// parseTime reads the timestamps exports use: RFC 3339, Jira's
// 2026-03-04T10:11:12.000+0000, a date and time with a space, a date.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1970 && t.Year() < 10000 {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// signOffColumns name the CSV columns that record a sign-off, a review or
// a closure, after the header is normalized (lower case, spaces and dashes
// as underscores).
var signOffColumns = map[string]bool{"signed_off_at": true, "signed_off": true, "sign_off_date": true, "approved_at": true, "approval_date": true,
	"reviewed_at": true, "review_date": true, "completed_at": true, "completion_date": true, "closed_at": true, "resolved_at": true, "resolution_date": true}

// fromSignOff reads the latest sign-off of a CSV export: the control was
// performed when its last item was signed off.
func fromSignOff(content []byte) Found {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return Found{}
	}
	col, name := -1, ""
	for i, h := range header {
		n := normalize(h)
		if signOffColumns[n] {
			col, name = i, n
			break
		}
	}
	if col < 0 {
		return Found{}
	}
	var latest time.Time
	rows := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Found{} // not a CSV file after all
		}
		if col >= len(rec) {
			continue
		}
		if t, ok := parseTime(rec[col]); ok {
			rows++
			if t.After(latest) {
				latest = t
			}
		}
	}
	if rows == 0 {
		return Found{}
	}
	return Found{When: latest, From: fmt.Sprintf("column %s of the export, the latest of %d sign-offs", name, rows)}
}

// recordTimes are the record fields that say when a collected record was
// captured or evaluated.
var recordTimes = map[string]struct{ field, from string }{
	"aws.config_item":       {"capture_time", "the latest AWS Config capture time"},
	"aws.config_evaluation": {"recorded", "the latest AWS Config evaluation time"},
	"prowler.finding":       {"time", "the latest Prowler finding time"},
}

// fromRecords reads the file as the collectors do and takes the latest
// capture or evaluation time of the records that carry one.
func fromRecords(name string, content []byte) Found {
	res, err := collect.Read(name, bytes.NewReader(content))
	if err != nil || res == nil {
		return Found{}
	}
	var f Found
	for _, rec := range res.Records {
		rt, ok := recordTimes[rec.Type]
		if !ok {
			continue
		}
		s, _ := rec.Fields[rt.field].(string)
		if t, ok := parseTime(s); ok && t.After(f.When) {
			f = Found{When: t, From: rt.from}
		}
	}
	return f
}

// HeadSize is the largest file read for what its content records: larger
// ones are exports too big to be one review or one approval.
const HeadSize = 4 << 20

// Head keeps the first HeadSize bytes written to it: the adapters tee a
// file through it while staging, then ask it what the content records,
// so no file is read twice. After its first bytes it keeps only what may
// record a date (JSON, or a CSV export whose header names a sign-off
// column): a binary file or any other text is not held.
type Head struct {
	buf     []byte
	over    bool
	decided bool
}

// sniff is how much of a file shows what it is.
const sniff = 8 << 10

// Write keeps what fits and may record a date.
func (h *Head) Write(p []byte) (int, error) {
	n := len(p)
	if h.over {
		return n, nil
	}
	if !h.decided && len(h.buf)+n >= sniff {
		// Decide on the first sniff bytes before keeping any more.
		probe := p[:sniff-len(h.buf)]
		if len(h.buf) > 0 {
			probe = append(h.buf[:len(h.buf):len(h.buf)], probe...)
		}
		h.decided = true
		if !mayRecord(probe) {
			h.over, h.buf = true, nil
			return n, nil
		}
	}
	if room := HeadSize - len(h.buf); room < n {
		h.over = true
		p = p[:max(room, 0)]
	}
	h.buf = append(h.buf, p...)
	return n, nil
}

// Found is what the content records, when the head holds the whole file
// (size bytes), and the zero Found otherwise.
func (h *Head) Found(name string, size int64) Found {
	if h.over || int64(len(h.buf)) != size {
		return Found{}
	}
	return Performed(name, h.buf)
}

// mayRecord says whether a file that starts with b may record a date:
// text that is JSON, or CSV whose header names a sign-off column.
func mayRecord(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return true
	}
	header, _, _ := bytes.Cut(b, []byte("\n"))
	for _, h := range strings.Split(string(header), ",") {
		if signOffColumns[normalize(h)] {
			return true
		}
	}
	return false
}

// normalize writes a header as the sign-off columns are named: lower
// case, spaces and dashes as underscores, quotes dropped.
func normalize(h string) string {
	return strings.NewReplacer(" ", "_", "-", "_", `"`, "").Replace(strings.ToLower(strings.TrimSpace(h)))
}
