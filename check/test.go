package check

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is one Rego unit test of a check.
type TestResult struct {
	Check  string  `json:"check"`
	Test   string  `json:"test"`
	File   string  `json:"file"`
	Line   int     `json:"line"`
	Pass   bool    `json:"pass"`
	Error  string  `json:"error,omitempty"`
	Millis float64 `json:"duration_ms"`
}

// TestClock is the run clock (data.attest.now) Rego unit tests see unless
// they set their own with `with data.attest.now as ...`: fixed, so a test's
// outcome never depends on the day it runs.
var TestClock = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// Test runs the Rego unit tests (rules named test_*) that come with the
// given checks (all when ids is empty). The tests see the same data
// document as a run (data.attest.now and data.attest.params) unless they
// replace it with `with`.
func (s *Set) Test(ctx context.Context, ids []string, o Options) ([]TestResult, error) {
	var out []TestResult
	for _, c := range s.Checks {
		if len(ids) > 0 && !slices.Contains(ids, c.ID) {
			continue
		}
		if len(c.tests) == 0 {
			continue
		}
		mods := map[string]*ast.Module{c.File: c.module}
		for _, t := range c.tests {
			mods[t.Package.Location.File] = t
		}
		if err := compile(c, c.tests); err != nil {
			for _, le := range lerrs(err) {
				out = append(out, TestResult{Check: c.ID, Test: "(compile)", File: le.File, Line: le.Line, Error: le.Message})
			}
			continue
		}
		o.Now = TestClock
		ch, err := tester.NewRunner().SetStore(inmem.NewFromObject(s.data(o))).SetTimeout(30*time.Second).
			CapturePrintOutput(true).Run(ctx, mods)
		if err != nil {
			out = append(out, TestResult{Check: c.ID, Test: "(run)", File: c.File, Error: err.Error()})
			continue
		}
		for r := range ch {
			tr := TestResult{Check: c.ID, Test: r.Name, Pass: !r.Fail && r.Error == nil && !r.Skip,
				Millis: float64(r.Duration.Microseconds()) / 1000}
			if r.Location != nil {
				tr.File, tr.Line = r.Location.File, r.Location.Row
			}
			switch {
			case r.Error != nil:
				tr.Error = r.Error.Error()
			case r.Fail:
				tr.Error = "the test's rule is false or undefined"
				if r.FailedAt != nil {
					tr.Error = fmt.Sprintf("failed at line %d: %s", r.FailedAt.Location.Row, strings.TrimSpace(string(r.FailedAt.Location.Text)))
				}
			case r.Skip:
				tr.Error = "skipped (todo_ test)"
			}
			out = append(out, tr)
		}
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		if c := strings.Compare(a.Check, b.Check); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return out, nil
}
