package report

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
)

// DraftStore is what Draft reads and keeps documents in.
type DraftStore interface {
	InputStore
	DocumentStore
}

// Rendering says how a document is rendered and kept: in which formats
// (read by Formats), with what printer for a PDF, and where each file is
// kept.
type Rendering struct {
	Formats map[string]bool
	// Print prints the document to PDF with its contents' page numbers; a
	// PDF is refused without it.
	Print func(ctx context.Context, doc *Document) ([]byte, map[string]int, error)
	// Record keeps one rendered file as a document and returns its
	// record; effect names the file ("render:pdf") for a job that must
	// not keep it twice. Nil keeps it in the blob store and the ledger
	// with the request's change.
	Record func(ctx context.Context, effect string, doc attest.Document, b []byte) (*attest.Document, error)
	// Folder, when set, is where each file is also written (under its
	// document's name) before it is kept: made if new, but only inside a
	// folder that exists, so a typo never makes a tree of folders.
	Folder string
}

// DraftRequest asks for a draft of the engagement's report.
type DraftRequest struct {
	Engagement *attest.Engagement
	// Kind and Type narrow the report (a SOC 3 from SOC 2 Type 2 work);
	// empty is the engagement's own, as Choose settles.
	Kind      attest.Kind
	Type      attest.ReportType
	ByProcess bool
	Now       time.Time
	Rendering
}

// Drafted is a draft's outcome: what it was drafted from, the document,
// the description's gaps (none for a SOC 3; the text review's findings
// are the document's Lint), the contents' page numbers when a PDF was
// printed, and the documents kept, in the order rendered (pdf, html, md).
type Drafted struct {
	Input *Input
	Doc   *Document
	Gaps  []Gap
	Pages map[string]int
	Kept  []attest.Document
}

// Draft drafts the engagement's report for management, reviews its text
// and checks its description, and renders and keeps it (Render): the
// command line, the report-build job, the reports page and the API all
// draft through it. Every page of every format says DRAFT.
func Draft(ctx context.Context, s DraftStore, bs blob.Store, ch attest.Change, actor *attest.User, req DraftRequest) (*Drafted, error) {
	if !attest.Manages(actor) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "only an administrator or a compliance manager drafts the report"}
	}
	// Render checks the rendering too, and LoadInput the kind; checking
	// them first refuses a bad request before the input is read.
	if err := req.check(); err != nil {
		return nil, err
	}
	in, doc, err := Prepare(ctx, s, bs, req)
	if err != nil {
		return nil, err
	}
	out := &Drafted{Input: in, Doc: doc}
	if in.Kind != attest.SOC3 {
		out.Gaps = in.Description.Check(in.Engagement, attest.ControlIDs(in.Controls))
	}
	out.Pages, out.Kept, err = Render(ctx, s, bs, ch, in.Engagement.ID, doc, in.DraftSlug(), req.Rendering)
	return out, err
}

// Prepare loads the input of the report req names and builds the draft,
// with the review of its text (the document's Lint), rendering nothing:
// what Draft renders, and what attest report lint reviews.
func Prepare(ctx context.Context, s InputStore, bs blob.Store, req DraftRequest) (*Input, *Document, error) {
	in, err := LoadInput(ctx, s, bs, req.Engagement, req.Kind, req.Type, req.Now)
	if err != nil {
		return nil, nil, err
	}
	in.ByProcess = req.ByProcess
	doc, err := Build(*in)
	if err != nil {
		return nil, nil, err
	}
	doc.Lint = Lint(doc, in.Controls)
	return in, doc, nil
}

// write writes a rendered file into the folder, when there is one.
func (r Rendering) write(name string, b []byte) error {
	if r.Folder == "" {
		return nil
	}
	if err := os.MkdirAll(r.Folder, 0o755); err != nil {
		return attest.Errorf(attest.EINVALID, "%s: %v", r.Folder, fileerr.Reason(err))
	}
	path := filepath.Join(r.Folder, name)
	if err := atomicfile.Write(path, b); err != nil {
		return err
	}
	return nil
}

func (r Rendering) check() error {
	if len(r.Formats) == 0 {
		return invalid("formats", "name at least one of html, pdf, md")
	}
	if r.Folder != "" {
		if err := atomicfile.Folder(r.Folder, false); err != nil {
			return err
		}
	}
	if r.Formats["pdf"] && r.Print == nil {
		return invalid("formats", "PDF needs Chromium, which this server does not run: draft the PDF with attest report build --format pdf")
	}
	return nil
}

// Render renders a document (a draft report or letter) in the asked
// formats and keeps each file as a document of the engagement named
// slug.format. The PDF is printed first so the HTML can carry the
// contents' page numbers; when printing fails, the HTML and Markdown are
// still rendered and kept, and the printing error is returned beside
// them.
func Render(ctx context.Context, s DocumentStore, bs Putter, ch attest.Change, engagement string, doc *Document, slug string, r Rendering) (map[string]int, []attest.Document, error) {
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	record := r.Record
	if record == nil {
		record = func(ctx context.Context, _ string, d attest.Document, b []byte) (*attest.Document, error) {
			return keep(ctx, s, bs, ch, d, b)
		}
	}
	var kept []attest.Document
	keepAs := func(format, mediaType string, b []byte) error {
		name := slug + "." + format
		if err := r.write(name, b); err != nil {
			return err
		}
		d, err := record(ctx, "render:"+format, attest.Document{EngagementID: engagement, Kind: attest.DocRender, Name: name, MediaType: mediaType, Meta: Meta(doc, format, b)}, b)
		if err == nil {
			kept = append(kept, *d)
		}
		return err
	}
	var pages map[string]int
	var printErr error
	if r.Formats["pdf"] {
		var pdf []byte
		if pdf, pages, printErr = r.Print(ctx, doc); printErr == nil {
			printErr = keepAs("pdf", "application/pdf", pdf)
		}
	}
	for _, f := range []string{"html", "md"} {
		if r.Formats[f] {
			b, mediaType, err := Text(doc, f, pages)
			if err == nil {
				err = keepAs(f, mediaType, b)
			}
			if err != nil {
				return pages, kept, err
			}
		}
	}
	return pages, kept, printErr
}
