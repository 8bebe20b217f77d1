package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// Drafts are kept as the engagement's documents: the bytes in the blob
// store, a record naming them (Render, for Draft and the letters).

// DefaultFormats are the formats a draft is rendered in when none is
// named: the CLI's --format, the report-build job and the drafts API.
const DefaultFormats = "html,md"

// FormatsOr is Formats, or DefaultFormats when names name none.
func FormatsOr(names []string) (map[string]bool, error) {
	out, err := Formats(names)
	if err == nil && len(out) == 0 {
		return Formats(strings.Split(DefaultFormats, ","))
	}
	return out, err
}

// Formats reads the formats a draft is asked in (html, md or markdown,
// pdf; each name may be a comma-separated list; empty names are
// skipped), refusing an unknown one by its name.
func Formats(names []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range strings.Split(strings.Join(names, ","), ",") {
		switch f = strings.ToLower(strings.TrimSpace(f)); f {
		case "html", "md", "pdf":
			out[f] = true
		case "markdown":
			out["md"] = true
		case "":
		default:
			return nil, attest.Errorf(attest.EINVALID, "%s: want html, pdf or md", strconv.Quote(f))
		}
	}
	return out, nil
}

// Text renders a draft in a text format, html or md, with its media type;
// pages are the contents' page numbers read back from its PDF (nil when
// none was printed).
func Text(doc *Document, format string, pages map[string]int) ([]byte, string, error) {
	var b bytes.Buffer
	if format == "html" {
		err := HTML(&b, doc, pages)
		return b.Bytes(), "text/html; charset=utf-8", err
	}
	err := Markdown(&b, doc)
	return b.Bytes(), "text/markdown; charset=utf-8", err
}

// DocumentStore records documents.
type DocumentStore interface {
	AddDocument(ctx context.Context, ch attest.Change, d attest.Document) (*attest.Document, error)
}

// Putter stores bytes by their content.
type Putter interface {
	Put(r io.Reader) (blob.Ref, int64, error)
}

// Meta is what a kept draft's record says of it: the document's kind and
// title, its format and the SHA-256 of its bytes.
func Meta(doc *Document, format string, b []byte) map[string]string {
	sum := sha256.Sum256(b)
	return map[string]string{"document": doc.Kind, "title": doc.Title, "format": format, "sha256": hex.EncodeToString(sum[:])}
}

// keep stores b by its content and records doc as naming it.
func keep(ctx context.Context, s DocumentStore, bs Putter, ch attest.Change, doc attest.Document, b []byte) (*attest.Document, error) {
	ref, size, err := bs.Put(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	doc.Ref, doc.Size = string(ref), size
	return s.AddDocument(ctx, ch, doc)
}
