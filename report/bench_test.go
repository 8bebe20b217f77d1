package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
)

// benchInput is the benchmark case: a SOC 2 Type 2 with all five
// categories, 150 controls (the library's plus copies), a test result for
// every control and 60 exceptions with management's responses.
func benchInput(b *testing.B) Input {
	cat := catalog.MustLoad()
	e := &attest.Engagement{ID: "bench", Kind: attest.SOC2, Type: attest.Type2, Firm: "Example CPAs LLP", PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31",
		Categories: []string{attest.Security, attest.Availability, attest.ProcessingIntegrity, attest.Confidentiality, attest.Privacy}}
	var crit []string
	for _, c := range cat.CriteriaIn(e.Categories) {
		crit = append(crit, c.ID)
	}
	lib := cat.ControlsFor(crit, nil)
	in := Input{Engagement: e, Kind: attest.SOC2, Type: attest.Type2, Catalog: cat, Now: clock,
		Auditors: []attest.Auditor{{EngagementID: "bench", Name: "Ana"}}, Signed: map[int64]bool{}}
	desc, err := os.ReadFile("testdata/description.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if in.Description, err = ParseDescription("d", desc); err != nil {
		b.Fatal(err)
	}
	for i := 0; len(in.Controls) < 150; i++ {
		lc := lib[i%len(lib)]
		id := lc.ID
		if i >= len(lib) {
			id = fmt.Sprintf("%s-X%d", lc.ID, i)
		}
		in.Controls = append(in.Controls, attest.Control{ID: id, Title: lc.Title, Description: lc.Description, Status: attest.Implemented, Criteria: lc.Criteria})
	}
	for i, c := range in.Controls {
		t := attest.Test{ID: int64(i + 1), EngagementID: "bench", ControlID: c.ID, Procedures: []string{"inspection", "reperformance"}, Items: make([]attest.ItemResult, 25),
			Conclusion: attest.ConclusionNoExceptions, Wording: "No exceptions noted.", TestedBy: "Ana"}
		if i < 60 {
			t.Conclusion, t.Wording = attest.ConclusionExceptions, fmt.Sprintf("Exception noted: for 1 of 25 items selected, item %d lacked the reviewer's sign-off.", i)
			in.Responses = append(in.Responses, attest.Response{TestID: t.ID, Text: "The reviewer signed off late; reminders were added."})
		}
		in.Tests = append(in.Tests, t)
		in.Signed[t.ID] = true
	}
	return in
}

func BenchmarkHTML(b *testing.B) {
	in := benchInput(b)
	var size int
	for b.Loop() {
		d, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		Lint(d, in.Controls)
		var buf bytes.Buffer
		if err := HTML(&buf, d, nil); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB")
}

func BenchmarkPDF(b *testing.B) {
	chrome, err := FindChrome(os.Getenv)
	if err != nil {
		b.Skip(err)
	}
	in := benchInput(b)
	var pages int
	for b.Loop() {
		d, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		p, err := NewPrinter(context.Background(), chrome)
		if err != nil {
			b.Fatal(err)
		}
		pdf, toc, err := p.PDF(d)
		p.Close()
		if err != nil {
			b.Fatal(err)
		}
		pages = len(pdf)
		_ = toc
	}
	b.ReportMetric(float64(pages)/1024, "KiB")
}
