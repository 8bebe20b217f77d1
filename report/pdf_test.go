package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
)

// TestPDFPrinterFindsChrome: the printer finds its browser through the
// environment it is given; one that is not there is said so, naming
// ATTEST_CHROME, before anything is told as printing.
func TestPDFPrinterFindsChrome(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-chrome")
	told := 0
	printer := PDFPrinter(func(k string) string { return map[string]string{"ATTEST_CHROME": missing}[k] }, func(string) { told++ })
	_, _, err := printer(context.Background(), &Document{Title: "T"})
	if attest.ErrorCode(err) != attest.EUNAVAILABLE || !strings.HasPrefix(attest.ErrorMessage(err), "ATTEST_CHROME: ") || told != 0 {
		t.Errorf("got %v, told %d times", err, told)
	}
}

// TestPDFPrinter prints a draft with the Chromium the environment names
// (or the one on PATH), telling its title first.
func TestPDFPrinter(t *testing.T) {
	if _, err := FindChrome(os.Getenv); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs Chromium: %v", err)
		}
		t.Skipf("no Chromium: %v", err)
	}
	d, err := Build(input(t, attest.SOC2, attest.Type1))
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	pdf, pages, err := PDFPrinter(os.Getenv, func(title string) { told = append(told, title) })(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages[d.Sections[0].ID] == 0 {
		t.Errorf("%d bytes starting %q, pages %v", len(pdf), pdf[:min(len(pdf), 8)], pages)
	}
	if len(told) != 1 || told[0] != d.Title {
		t.Errorf("told %q, want the title %q", told, d.Title)
	}
}
