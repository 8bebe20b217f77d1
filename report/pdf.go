package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// ChromeHint says how to get a browser for PDF output.
const ChromeHint = "PDF output needs Chromium: on Debian or Ubuntu `apt-get install chromium`, on macOS install Google Chrome; or point ATTEST_CHROME at a Chrome or Chromium binary. HTML and Markdown output work without it."

// FindChrome returns the browser to print with: $ATTEST_CHROME, or the
// first of chromium, chromium-browser, google-chrome and chrome on PATH.
func FindChrome(getenv func(string) string) (string, error) {
	if p := getenv("ATTEST_CHROME"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", &attest.Error{Code: attest.EUNAVAILABLE, Message: "ATTEST_CHROME: " + err.Error(), Hint: ChromeHint}
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", &attest.Error{Code: attest.EUNAVAILABLE, Message: "no Chromium or Chrome found for PDF output", Hint: ChromeHint}
}

// PDFPrinter is Rendering.Print for a program that prints with the
// Chromium on its own machine (attest report build, the report-build
// job): each document in a headless browser of its own, started from the
// binary FindChrome finds through getenv. printing, when not nil, is told
// each document's title once the browser is found (the CLI's progress
// line).
func PDFPrinter(getenv func(string) string, printing func(title string)) func(context.Context, *Document) ([]byte, map[string]int, error) {
	return func(ctx context.Context, doc *Document) ([]byte, map[string]int, error) {
		chrome, err := FindChrome(getenv)
		if err != nil {
			return nil, nil, err
		}
		if printing != nil {
			printing(doc.Title)
		}
		p, err := NewPrinter(ctx, chrome)
		if err != nil {
			return nil, nil, err
		}
		defer p.Close()
		return p.PDF(doc)
	}
}

// Printer turns HTML into PDF in one headless browser, started on first
// use and kept for the printer's life.
type Printer struct {
	ctx    context.Context
	cancel func()
	dir    string
}

// NewPrinter starts a headless browser from the given binary.
func NewPrinter(ctx context.Context, chrome string) (*Printer, error) {
	dir, err := os.MkdirTemp("", "attest-print-*")
	if err != nil {
		return nil, err
	}
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("force-color-profile", "srgb"))
	bctx, bcancel := chromedp.NewContext(actx)
	p := &Printer{ctx: bctx, dir: dir, cancel: func() { bcancel(); acancel(); os.RemoveAll(dir) }}
	if err := chromedp.Do(bctx); err != nil {
		p.Close()
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "start " + chrome + ": " + err.Error(), Hint: ChromeHint}
	}
	return p, nil
}

// Close stops the browser.
func (p *Printer) Close() { p.cancel() }

func ptr[T any](v T) *T { return &v }

// Print renders one HTML page to PDF with the draft notice and the
// document's title as a running header, "Page X of Y" in the footer, and
// PDF bookmarks from the headings.
func (p *Printer) Print(html []byte, title string) ([]byte, error) {
	f, err := os.CreateTemp(p.dir, "page-*.html")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(html); err != nil {
		f.Close()
		return nil, err
	}
	f.Close()
	if err := chromedp.Do(p.ctx, chromedp.Navigate("file://"+f.Name())); err != nil {
		return nil, fmt.Errorf("load the page in Chromium: %w", err)
	}
	style := `font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7.5pt; width: 100%; margin: 0 0.75in; display: flex; justify-content: space-between;`
	res, err := chromedp.Call(p.ctx, page.PrintToPDF, page.PrintToPDFParams{
		DisplayHeaderFooter:     ptr(true),
		PrintBackground:         ptr(true),
		PreferCSSPageSize:       ptr(true),
		GenerateDocumentOutline: ptr(true),
		HeaderTemplate:          `<div style="` + style + ` color: #8a1c1c;"><span>` + htmlEscape(DraftNotice) + `</span><span>` + htmlEscape(title) + `</span></div>`,
		FooterTemplate:          `<div style="` + style + ` color: #5b6477;"><span>` + htmlEscape(title) + ` (DRAFT)</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
	})
	if err != nil {
		return nil, fmt.Errorf("print to PDF: %w", err)
	}
	return res.Data, nil
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// PDF renders the document and fills the table of contents with the pages
// where its entries start, read back from the PDF's own outline: it
// prints, reads the outline, and prints again with the numbers (the
// contents keep their size, so the pages do not move). It returns the PDF
// and the page of each entry.
func (p *Printer) PDF(d *Document) ([]byte, map[string]int, error) {
	var pages map[string]int
	var out []byte
	for range 3 {
		var html bytes.Buffer
		if err := HTML(&html, d, pages); err != nil {
			return nil, nil, err
		}
		pdf, err := p.Print(html.Bytes(), d.Title)
		if err != nil {
			return nil, nil, err
		}
		got, err := OutlinePages(pdf, d)
		if err != nil {
			return nil, nil, err
		}
		out = pdf
		if equalPages(got, pages) {
			return out, pages, nil
		}
		pages = got
	}
	return nil, nil, fmt.Errorf("the table of contents' page numbers did not settle")
}

func equalPages(a, b map[string]int) bool {
	if len(a) != len(b) || a == nil {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// OutlinePages reads a PDF's bookmarks and returns the page of each table
// of contents entry, matching headings in document order.
func OutlinePages(pdf []byte, d *Document) (map[string]int, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	bms, err := api.Bookmarks(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, fmt.Errorf("read the PDF outline: %w", err)
	}
	var flat []pdfcpu.Bookmark
	var walk func([]pdfcpu.Bookmark)
	walk = func(l []pdfcpu.Bookmark) {
		for _, b := range l {
			flat = append(flat, b)
			walk(b.Kids)
		}
	}
	walk(bms)
	pages := map[string]int{}
	i := 0
	for _, t := range d.TOC() {
		for j := i; j < len(flat); j++ {
			// Chromium drops the space where a heading wraps, so titles
			// are compared without white space.
			if squash(flat[j].Title) == squash(t.Title) {
				pages[t.ID] = flat[j].PageFrom
				i = j + 1
				break
			}
		}
	}
	return pages, nil
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }
