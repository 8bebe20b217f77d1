package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/internal/units"
)

// controlIDs lists every engagement's control IDs, sorted.
func (s *Server) controlIDs(r *http.Request) ([]string, error) {
	dash, err := s.dashboardViews(r.Context())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range dashboard.Readable(scope(r.Context()), dash.views) {
		for _, c := range v.Controls {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c.ID)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// evidencePage lists evidence, newest first, optionally for one control;
// retracted and purged items are listed and say so.
func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	control := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("control")))
	ids, err := s.controlIDs(r)
	if err != nil {
		return err
	}
	if control != "" && !slices.Contains(ids, control) {
		return notFound("control: no such control: " + control)
	}
	evs, err := evidence.List(r.Context(), s.cfg.Store, scope(r.Context()), control, true)
	if err != nil {
		return err
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].ID > evs[j].ID })
	d := &evidenceData{Layout: Layout{Title: "Evidence"}, Control: control, Controls: ids, CanUpload: s.may(u, "GET", "/evidence/upload")}
	d.Items, d.Pager = paged(evs, r.URL.Query())
	return s.render(w, r, "evidence", u, d)
}

// evidenceData is the evidence list, newest first, a page at a time (the
// API lists everything): for one control or all the account may see.
type evidenceData struct {
	Layout
	Control   string
	Controls  []string
	Items     []attest.Evidence
	Pager     pager
	CanUpload bool
}

// uploadData is the upload form: the controls to choose from, the one
// chosen, today's date and the size limit.
type uploadData struct {
	Layout
	Controls        []string
	Selected, Today string
	Limit           string
	LimitBytes      int64
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ids, err := s.controlIDs(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "evidence-upload", u, &uploadData{Layout: Layout{Title: "Upload evidence"}, Controls: ids,
		Selected: strings.ToUpper(r.URL.Query().Get("control")), Today: s.today().Format(attest.DateLayout), Limit: units.Bytes(maxUpload), LimitBytes: maxUpload})
}

// uploadForm takes the upload page's plain form post (no script): the
// same upload as the API, then back to the evidence list.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	added, err := s.ingest(w, r, u)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "flash", fmt.Sprintf("Added %s as evidence for %s.", attest.Count(len(added), "file", "files"), strings.Join(added[0].Controls, ", ")))
	http.Redirect(w, r, "/evidence?control="+url.QueryEscape(added[0].Controls[0]), http.StatusSeeOther)
	return nil
}

// downloadEvidence sends an item's bytes as an attachment. A purged item
// has none left; a retracted one says so and is sent only when asked for
// explicitly (?retracted=1), since it no longer supports its controls.
func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	id, err := pathID(r, "an evidence number")
	if err != nil {
		return err
	}
	e, err := evidence.Download(r.Context(), s.cfg.Store, scope(r.Context()), id, r.URL.Query().Get("retracted") == "1", "add ?retracted=1 to download them anyway")
	if err != nil {
		return err
	}
	return s.sendBlob(w, e.Ref, e.Size, e.Name, e.MediaType)
}

// inlineSafe are the media types sent as they are; anything else (HTML,
// SVG, scripts) goes as application/octet-stream.
var inlineSafe = map[string]bool{"application/pdf": true, "text/plain": true, "text/csv": true, "application/json": true,
	"image/png": true, "image/jpeg": true, "text/markdown": true, "application/zip": true}

// sendBlob streams a blob as an attachment with a safe file name.
func (s *Server) sendBlob(w http.ResponseWriter, ref string, size int64, name, mediaType string) error {
	if s.cfg.Blobs == nil {
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"}
	}
	rc, err := s.cfg.Blobs.Open(blob.Ref(ref))
	if err != nil {
		return err
	}
	defer rc.Close()
	// What is served is what was recorded: the bytes are hashed as they
	// are read and checked against their reference and size.
	vr := blob.Verified(rc, blob.Ref(ref), size)
	var small []byte
	if size <= smallBlob {
		// Checked whole before the first byte is sent: a mismatch is a
		// plain 500.
		if small, err = io.ReadAll(vr); err != nil {
			s.cfg.Log.Error("stored bytes do not match their record", "ref", ref, "err", err)
			return &attest.Error{Code: attest.EINTERNAL, Message: "the stored bytes of this item do not match their record: attest verify reports it"}
		}
	}
	mt, _, _ := mime.ParseMediaType(mediaType)
	if !inlineSafe[mt] {
		mediaType = "application/octet-stream"
	}
	attach(w, mediaType, name, "private, no-store", size)
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("X-Attest-Ref", ref)
	if small != nil || size == 0 {
		w.Write(small)
		return nil
	}
	// A large blob streams; its last chunk is held back until the whole
	// matched, and a mismatch aborts the response, so the client never
	// receives a changed file whole.
	if _, err := io.Copy(w, vr); err != nil {
		if errors.Is(err, blob.ErrMismatch) {
			s.cfg.Log.Error("stored bytes do not match their record; download aborted", "ref", ref, "err", err)
			panic(http.ErrAbortHandler)
		}
		s.cfg.Log.Warn("download cut short", "ref", ref, "err", err)
	}
	return nil
}

// smallBlob is the size up to which stored bytes are checked whole before
// the first byte of a download is sent.
const smallBlob = 8 << 20
