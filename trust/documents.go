package trust

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// The audiences of a document shared beside the SOC reports.
const (
	// AudiencePublic: anyone downloads it.
	AudiencePublic = "public"
	// AudienceNDA: on request, after the requester confirms their address
	// and accepts the NDA; every copy is watermarked for them.
	AudienceNDA = "nda"
)

// NewDocument is a PDF to share beside the SOC reports: a policy, a
// penetration test summary, a certificate of insurance.
type NewDocument struct {
	EngagementID string
	// File is the file's name as the user gave it, for messages; the
	// document keeps its base name.
	File     string
	Title    string
	Audience string
	PDF      []byte
	// Meta holds more facts to keep with the document (the demo marks
	// its fictional files).
	Meta map[string]string
}

// Check says what is wrong with the document, naming the field: its
// title, its audience, or a file that is not a PDF.
func (in NewDocument) Check() error {
	if strings.TrimSpace(in.Title) == "" {
		return invalid("title: say what the document is, e.g. \"Information security policy\"")
	}
	if in.Audience != AudiencePublic && in.Audience != AudienceNDA {
		return invalid(fmt.Sprintf("audience %q: want public or nda", in.Audience))
	}
	if !bytes.HasPrefix(in.PDF, []byte("%PDF-")) {
		return invalid(in.File + ": not a PDF file; the trust center shares PDFs, so every restricted copy can carry its recipient's name")
	}
	return nil
}

// DocumentStore records documents.
type DocumentStore interface {
	AddDocument(ctx context.Context, ch attest.Change, d attest.Document) (*attest.Document, error)
}

// Add shares a PDF in the trust center: its bytes are kept as they are
// (never replaced: a new version is a new document), with its title, its
// audience and its SHA-256. Only an administrator (or the local operator)
// shares documents.
func Add(ctx context.Context, s DocumentStore, blobs blob.Store, ch attest.Change, actor *attest.User, in NewDocument) (*attest.Document, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	if err := in.Check(); err != nil {
		return nil, err
	}
	meta := maps.Clone(in.Meta)
	if meta == nil {
		meta = map[string]string{}
	}
	meta["title"], meta["audience"], meta["sha256"] = strings.TrimSpace(in.Title), in.Audience, sum(in.PDF)
	ref, size, err := blobs.Put(bytes.NewReader(in.PDF))
	if err != nil {
		return nil, err
	}
	return s.AddDocument(ctx, ch, attest.Document{EngagementID: in.EngagementID, Kind: attest.DocShared, Name: filepath.Base(in.File),
		Ref: string(ref), Size: size, MediaType: "application/pdf", Meta: meta})
}
