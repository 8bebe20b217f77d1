package trust

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Access is what a personal link opens: the approved request and its
// document.
type Access struct {
	Request *attest.AccessRequest
	Doc     *Shared
}

// OpenAccess finds the request behind a personal link and checks, at now,
// that it is approved, unexpired and unrevoked, and that its document is
// still shared.
func OpenAccess(ctx context.Context, s Store, token string, now time.Time) (*Access, error) {
	req, err := s.AccessRequestByHash(ctx, "link", auth.HashSecret(token))
	if err != nil {
		return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "this link is not valid"}
	}
	if err := usable(req, now); err != nil {
		return nil, err
	}
	d, err := find(ctx, s, req.DocumentID)
	if err != nil {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this document is no longer shared"}
	}
	if err := holds(ctx, s, req, d); err != nil {
		return nil, err
	}
	return &Access{Request: req, Doc: d}, nil
}

// usable is the personal link's rule: approved, not revoked, not expired.
func usable(req *attest.AccessRequest, now time.Time) error {
	exp, _ := time.Parse(time.RFC3339, req.ExpiresAt)
	switch {
	case req.Status == attest.AccessRevoked || req.RevokedAt != "":
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this link was revoked: ask the organization for access again"}
	case req.Status != attest.AccessApproved:
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this link does not give access"}
	case !now.Before(exp):
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "this link expired on " + req.ExpiresAt + ": ask the organization for access again"}
	}
	return nil
}

// Copy is a delivered document: its file name and the bytes sent.
type Copy struct {
	Name  string
	Bytes []byte
}

// Deliver gives the holder of a personal link the document it grants, and
// only that one (docID), as a copy watermarked with the recipient's name,
// e-mail, company and the time. The delivery is a ledger entry with the
// SHA-256 of the copy's exact bytes.
func Deliver(ctx context.Context, s Store, blobs blob.Store, site Site, v Visit, token, docID string) (*Copy, error) {
	a, err := OpenAccess(ctx, s, token, v.At)
	if err != nil {
		return nil, err
	}
	req, d := a.Request, a.Doc
	if docID != itoa(d.ID) {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this link gives access to another document only"}
	}
	b, err := original(blobs, d)
	if err != nil {
		return nil, err
	}
	now := v.At.UTC()
	out, err := watermark(b, fmt.Sprintf("Copy for %s <%s>, %s, delivered %s by %s's trust center. Not for further distribution.",
		req.Name, req.Email, req.Company, now.Format("2006-01-02 15:04 UTC"), site.Org))
	if err != nil {
		return nil, err
	}
	if _, err := s.AddDownload(ctx, attest.Change{Actor: "visitor:" + req.Email, At: now}, attest.Download{
		DocumentID: d.ID, RequestID: req.ID, Name: req.Name, Email: req.Email, Company: req.Company,
		IP: v.IP, UserAgent: v.userAgent(), SHA256: sum(out), Watermark: true}); err != nil {
		return nil, err
	}
	return &Copy{Name: d.Name, Bytes: out}, nil
}

// PublicCopy gives anyone a public document (a SOC 3 report, or another
// document shared publicly) without a request. The SOC 3 is a
// general-use report, so the CPA firm's file goes out as it is; its
// downloads are counted per document and day, not recorded one ledger
// entry each, so that nobody grows the ledger by downloading.
func PublicCopy(ctx context.Context, s Store, blobs blob.Store, site Site, v Visit, docID string) (*Copy, error) {
	d, err := Find(ctx, s, docID)
	if err != nil {
		return nil, err
	}
	if !d.Public {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "this report is shared only on request: ask for access at /trust/" + site.Org + "/request?doc=" + itoa(d.ID)}
	}
	b, err := original(blobs, d)
	if err != nil {
		return nil, err
	}
	if err := s.CountPublicDownload(ctx, d.ID, v.At.UTC().Format(attest.DateLayout)); err != nil {
		return nil, err
	}
	return &Copy{Name: d.Name, Bytes: b}, nil
}

// original reads the document's bytes, checked against their hash.
func original(blobs blob.Store, d *Shared) ([]byte, error) {
	ref, err := blob.ParseRef(d.Ref)
	if err != nil {
		return nil, err
	}
	return blob.ReadAll(blobs, ref)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// watermark returns a copy of pdf with the recipient's line stamped at the
// foot of every page. The original bytes are never changed.
func watermark(pdf []byte, line string) ([]byte, error) {
	// pdfcpu reads commas and colons in the description, not in the text;
	// keep the text to one printable line.
	line = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, line)
	wm, err := api.TextWatermark(line, "font:Helvetica, points:8, pos:bc, off:0 14, rot:0, op:0.85, fillc:#9b1c1c, scale:1 abs", true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("watermark: %w", err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(pdf), &out, nil, wm, conf); err != nil {
		return nil, fmt.Errorf("watermark: %w", err)
	}
	return out.Bytes(), nil
}
