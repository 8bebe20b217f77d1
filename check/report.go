package check

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/attest-dev/attest"
)

// Summary counts a run's results by status.
type Summary struct {
	Checks int `json:"checks"`
	Pass   int `json:"pass"`
	Fail   int `json:"fail"`
	NoData int `json:"no_data"`
	Errors int `json:"errors"`
	// ResourceChecks is the number of (resource, check) pairs evaluated.
	ResourceChecks int `json:"resource_checks"`
}

// Summarize counts results.
func Summarize(results []Result) Summary {
	s := Summary{Checks: len(results)}
	for _, r := range results {
		s.ResourceChecks += r.Resources
		switch r.Status {
		case StatusPass:
			s.Pass++
		case StatusFail:
			s.Fail++
		case StatusNoData:
			s.NoData++
		default:
			s.Errors++
		}
	}
	return s
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	Time    string        `xml:"time,attr"`
	Failure *junitProblem `xml:"failure,omitempty"`
	Error   *junitProblem `xml:"error,omitempty"`
	Skipped *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the results as a JUnit XML report: one test case per
// check; a failing check is a failure listing its resources, a check with
// no data is skipped.
func WriteJUnit(w io.Writer, results []Result) error {
	sum := Summarize(results)
	suite := junitSuite{Name: "attest checks", Tests: sum.Checks, Failures: sum.Fail, Errors: sum.Errors, Skipped: sum.NoData}
	var total float64
	for _, r := range results {
		total += r.Millis
		c := junitCase{Class: "attest.checks." + r.Check, Name: r.Check + ": " + r.Title, Time: fmt.Sprintf("%.3f", r.Millis/1000)}
		switch r.Status {
		case StatusFail:
			var b strings.Builder
			for _, f := range r.Failing {
				fmt.Fprintf(&b, "%s: %s\n", f.Resource, f.Reason)
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("%s not meet the check (severity %s; controls %s)", attest.Count(len(r.Failing), "resource does", "resources do"), r.Severity, strings.Join(r.Controls, ", ")), Type: r.Severity, Text: b.String()}
		case StatusNoData:
			c.Skipped = &junitProblem{Message: "no records of the types this check reads"}
		case StatusError:
			c.Error = &junitProblem{Message: r.Error}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = fmt.Sprintf("%.3f", total/1000)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteSARIF writes the results as a SARIF 2.1.0 log: one rule per check,
// one result per failing resource, located at the record's file and line
// when known.
func WriteSARIF(w io.Writer, s *Set, results []Result, version string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID      string         `json:"id"`
		Name    string         `json:"name"`
		Short   msg            `json:"shortDescription"`
		Full    msg            `json:"fullDescription"`
		Default map[string]any `json:"defaultConfiguration"`
		Props   map[string]any `json:"properties"`
	}
	var rules []rule
	var out []map[string]any
	for _, r := range results {
		c := s.Get(r.Check)
		desc := r.Title
		if c != nil && c.Description != "" {
			desc = c.Description
		}
		rules = append(rules, rule{ID: r.Check, Name: r.Title, Short: msg{r.Title}, Full: msg{desc},
			Default: map[string]any{"level": sarifLevel(r.Severity)},
			Props:   map[string]any{"controls": r.Controls, "severity": r.Severity, "version": r.Version}})
		for _, f := range r.Failing {
			res := map[string]any{"ruleId": r.Check, "level": sarifLevel(r.Severity),
				"message": msg{f.Resource + ": " + f.Reason}}
			if f.Source != "" {
				loc := map[string]any{"artifactLocation": map[string]any{"uri": f.Source}}
				if f.Line > 0 {
					loc["region"] = map[string]any{"startLine": f.Line}
				}
				res["locations"] = []any{map[string]any{"physicalLocation": loc}}
			}
			res["partialFingerprints"] = map[string]string{"resource": f.Resource}
			out = append(out, res)
		}
	}
	if out == nil {
		out = []map[string]any{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "attest", "version": version, "informationUri": "https://github.com/attest-dev/attest", "rules": rules}},
			"results": out,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func sarifLevel(sev string) string {
	switch sev {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	}
	return "note"
}
