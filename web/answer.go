package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// Answering, the same way for every handler: a read answers JSON under
// the API or renders its page; a write signs a checkpoint over the
// ledger, then answers JSON or goes back to a page with a message; a
// download sends its bytes as an attachment; a page is rendered whole
// before its first byte is sent.

// actorChange is who does what now, as the ledger records it.
func (s *Server) actorChange(u *attest.User) attest.Change {
	return attest.ChangeBy(u, s.cfg.Now())
}

// writeJSON answers v as indented JSON with code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// answerJSON answers v as JSON, or the error that kept it from being
// read.
func answerJSON(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// show answers a read: v as JSON under the API, else the page name with
// its data.
func (s *Server) show(w http.ResponseWriter, r *http.Request, u *attest.User, v any, name string, data framed) error {
	if underAPI(r) {
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	return s.renderStatus(w, r, http.StatusOK, name, u, data)
}

// answerWrite answers a write: v as JSON with code under the API, else a
// redirect to next, the page that shows what was written.
func answerWrite(w http.ResponseWriter, r *http.Request, code int, v any, next string) {
	if underAPI(r) {
		writeJSON(w, code, v)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// written ends a handler that wrote: a checkpoint over the ledger, then
// the answer (answerWrite), with flash, when set, shown once on the page
// next.
func (s *Server) written(w http.ResponseWriter, r *http.Request, code int, v any, next, flash string) error {
	s.checkpointAfterWrite(r.Context())
	if flash != "" && !underAPI(r) {
		s.sessions.Put(r.Context(), "flash", flash)
	}
	answerWrite(w, r, code, v, next)
	return nil
}

// refusedOnPage reports whether err refuses input sent from a page: the
// page then shows its form again, as filled, with the reason (400),
// where the API answers the error.
func refusedOnPage(r *http.Request, err error) bool {
	return attest.ErrorCode(err) == attest.EINVALID && !underAPI(r)
}

// signCheckpoint signs the ledger's current tree head and stores it, as
// the CLI does after each write: through Config.Checkpoint when set (which
// also keeps the data directory's checkpoint file), else with
// Config.Signer; nil without either.
func (s *Server) signCheckpoint(ctx context.Context) ([]byte, error) {
	switch {
	case s.cfg.Checkpoint != nil:
		return s.cfg.Checkpoint(ctx)
	case s.cfg.Signer != nil:
		return s.cfg.Store.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) {
			return ledger.SignWith(s.cfg.Signer, n, root)
		}, s.cfg.Now())
	}
	return nil, nil
}

// checkpointAfterWrite signs a checkpoint after a write; a failure is
// logged, not answered, since the write itself stands in the ledger.
func (s *Server) checkpointAfterWrite(ctx context.Context) {
	if _, err := s.signCheckpoint(ctx); err != nil {
		s.cfg.Log.Error("checkpoint after a write", "err", err)
	}
}

// sign signs a checkpoint after a write, when the server can, and says
// when it could not.
func (s *Server) sign(ctx context.Context) error {
	_, err := s.signCheckpoint(ctx)
	return err
}

// download sends b as an attachment (attach).
func download(w http.ResponseWriter, mediaType, name, cache string, b []byte) {
	attach(w, mediaType, name, cache, int64(len(b)))
	w.Write(b)
}

// attach sets the headers of a download: its media type, its file name
// (attachment), its size and, when set, its Cache-Control.
func attach(w http.ResponseWriter, mediaType, name, cache string, size int64) {
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", attachment(name))
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	if cache != "" {
		h.Set("Cache-Control", cache)
	}
}

// attachment is a Content-Disposition header for name: an ASCII fallback
// with anything unusual replaced, and the UTF-8 name beside it.
func attachment(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\"`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = "evidence"
	}
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7e || !(r == '.' || r == '-' || r == '_' || r == ' ' || r == '(' || r == ')' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			return '_'
		}
		return r
	}, name)
	v := `attachment; filename="` + ascii + `"`
	if ascii != name {
		v += "; filename*=UTF-8''" + url.PathEscape(name)
	}
	return v
}

// writePage renders the page name from data into a buffer, then sends it
// with code: a template error is returned (the caller's 500), never half
// a page under a status already sent.
func writePage(w http.ResponseWriter, code int, name string, data any) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
	return nil
}

// gzipPage compresses a rendered page, fast: the pages kept compressed
// (the dashboard, the portal) are compressed once per state of the data.
func gzipPage(page []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	zw.Write(page)
	zw.Close()
	return b.Bytes()
}

// acceptsGzip reports whether the client takes a gzipped answer.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
}

// sendPage sends a page kept rendered, with its length: body is the page
// compressed by gzipPage when zipped, else the page itself.
func sendPage(w http.ResponseWriter, body []byte, zipped bool) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Vary", "Accept-Encoding")
	if zipped {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", itoa(int64(len(body))))
	w.Write(body)
}
