// Package collect reads the export formats of the systems a service
// organization uses into normalized records that checks evaluate: AWS IAM
// credential reports, identity-provider user lists, vulnerability scanner
// reports, and more. Importers keep fields they do not know (nothing is
// dropped), and report a malformed row with its file and line without
// abandoning the rest.
package collect

import (
	"fmt"
	"strings"
	"time"
)

// Record is one normalized record.
type Record struct {
	Type   string         `json:"type"`
	ID     string         `json:"id"`
	Fields map[string]any `json:"fields"`
	Source string         `json:"source"`
	Line   int            `json:"line,omitempty"`
}

// Problem is a row that could not be read.
type Problem struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", p.File, p.Line, p.Detail)
	}
	return p.File + ": " + p.Detail
}

// Result is what an importer read.
type Result struct {
	Records  []Record  `json:"records"`
	Problems []Problem `json:"problems"`
}

func newResult() *Result { return &Result{Records: []Record{}, Problems: []Problem{}} }

func (r *Result) problem(file string, line int, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Line: line, Detail: fmt.Sprintf(format, args...)})
}

// timeOf reads the timestamps exports use; ok is false for an empty or
// placeholder value.
func timeOf(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// stamp renders a time for a record, or nil.
func stamp(t time.Time, ok bool) any {
	if !ok {
		return nil
	}
	return t.Format(time.RFC3339)
}

// orDash is s, or "-" for nothing, in a message.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
