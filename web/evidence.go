package web

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// maxUpload bounds one upload request (all its files).
const maxUpload = 256 << 20

// uploadEvidence takes one or more files (multipart field "file") for the
// controls named in "control" fields, dated by "date" (default today): all
// are staged and hashed first, then recorded in one transaction, so an
// upload lands whole or not at all.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	added, err := s.ingest(w, r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, added)
	return nil
}

// ingest reads an upload and records it; the API and the upload page's
// plain form post share it.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, u *attest.User) ([]attest.Evidence, error) {
	if s.cfg.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "send the evidence as multipart/form-data with fields control, date and file"}
	}
	var controls []string
	allowEmpty := false
	date := s.cfg.Now().UTC().Format(time.DateOnly)
	var pending []*blob.Pending
	var items []attest.Evidence
	defer func() { s.cfg.Blobs.Abort(pending) }()
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, &attest.Error{Code: attest.EINVALID, Message: "the upload is larger than 256 MiB"}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, &attest.Error{Code: attest.EINVALID, Message: "the upload could not be read: " + err.Error()}
		}
		switch part.FormName() {
		case "control":
			v, err := field(part, 64)
			if err != nil {
				return nil, err
			}
			controls = append(controls, strings.ToUpper(v))
		case "allow_empty":
			v, err := field(part, 8)
			if err != nil {
				return nil, err
			}
			allowEmpty = v == "yes" || v == "true" || v == "on"
		case "date":
			d, err := field(part, 32)
			if err != nil {
				return nil, err
			}
			if d == "" {
				continue // an empty date field means today
			}
			if _, err := attest.ParseDate(d); err != nil {
				return nil, &attest.Error{Code: attest.EINVALID, Message: "date " + d + ": want YYYY-MM-DD"}
			}
			date = d
		case "file":
			// Part.FileName already drops folders; the name as sent is
			// checked, so a name that tries to climb is refused, not trimmed.
			_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			name, err := safeName(params["filename"])
			if err != nil {
				return nil, err
			}
			if err := evidenceType(name); err != nil {
				return nil, err
			}
			br := bufio.NewReader(part)
			if head, _ := br.Peek(4); bytes.HasPrefix(head, []byte("MZ")) || bytes.HasPrefix(head, []byte("\x7fELF")) {
				return nil, &attest.Error{Code: attest.EINVALID, Message: "file " + name + ": a program, not evidence; programs are not accepted"}
			}
			body := &bodyReader{r: br}
			p, err := s.cfg.Blobs.Stage(body)
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(body.err, &tooBig) {
					return nil, &attest.Error{Code: attest.EINVALID, Message: "the upload is larger than 256 MiB"}
				}
				if body.err != nil {
					// The request broke off or is malformed: the sender's
					// problem, not the store's.
					return nil, &attest.Error{Code: attest.EINVALID, Message: "the upload could not be read: " + body.err.Error()}
				}
				return nil, err
			}
			pending = append(pending, p)
			mt := part.Header.Get("Content-Type")
			if mt == "" || mt == "application/octet-stream" {
				mt = mime.TypeByExtension(path.Ext(name))
			}
			items = append(items, attest.Evidence{Ref: string(p.Ref), Size: p.Size, Name: name, MediaType: mt})
		}
	}
	for _, it := range items {
		if it.Size == 0 && !allowEmpty {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "file " + it.Name + " is empty (0 bytes): an empty file shows nothing (send allow_empty=yes if it is the evidence)"}
		}
	}
	if len(items) == 0 || len(controls) == 0 {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "name at least one control and send at least one file"}
	}
	known := map[string]bool{}
	engs, err := s.cfg.Store.Engagements(r.Context())
	if err != nil {
		return nil, err
	}
	for _, e := range engs {
		ctls, err := s.cfg.Store.Controls(r.Context(), e.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range ctls {
			known[c.ID] = true
		}
	}
	for _, c := range controls {
		if !known[c] {
			return nil, &attest.Error{Code: attest.ENOTFOUND, Message: "no such control: " + c}
		}
	}
	for i := range items {
		items[i].Controls, items[i].Date, items[i].Method, items[i].Source = controls, date, attest.MethodUpload, "web upload"
	}
	if err := s.cfg.Blobs.Commit(pending); err != nil {
		return nil, err
	}
	pending = nil
	added, err := s.cfg.Store.AddEvidence(r.Context(), attest.Change{Actor: actor(u), At: s.cfg.Now()}, items)
	if err != nil {
		return nil, err
	}
	return added, s.sign(r.Context())
}

// bodyReader remembers why reading the request failed, to tell a broken
// upload from a failing blob store.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// field reads a short form value whole, refusing one longer than max.
func field(part io.Reader, max int) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, int64(max)+1))
	if err != nil {
		return "", &attest.Error{Code: attest.EINVALID, Message: "the upload could not be read: " + err.Error()}
	}
	if len(b) > max {
		return "", &attest.Error{Code: attest.EINVALID, Message: fmt.Sprintf("a form value is longer than %d bytes", max)}
	}
	return strings.TrimSpace(string(b)), nil
}

// safeName keeps a file name's last element and refuses names that try to
// climb out of a folder or hide control characters.
func safeName(name string) (string, error) {
	if name == "" {
		return "", &attest.Error{Code: attest.EINVALID, Message: "a file part has no file name"}
	}
	if strings.Contains(name, "..") || strings.ContainsAny(name, "/\\\x00") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
		return "", &attest.Error{Code: attest.EINVALID, Message: "file name " + strings.ToValidUTF8(name, "?") + " is not allowed: use a plain name without folders"}
	}
	return name, nil
}

// programTypes are file types that run rather than show something: never
// evidence, and a risk to whoever opens them later.
var programTypes = map[string]bool{".exe": true, ".dll": true, ".com": true, ".scr": true, ".msi": true, ".bat": true, ".cmd": true,
	".ps1": true, ".vbs": true, ".jar": true, ".sh": true, ".app": true, ".elf": true, ".so": true, ".dylib": true, ".apk": true}

// evidenceType refuses a file name whose type is a program.
func evidenceType(name string) error {
	if programTypes[strings.ToLower(path.Ext(name))] {
		return &attest.Error{Code: attest.EINVALID, Message: "file " + name + ": " + path.Ext(name) + " files are programs, not evidence; they are not accepted"}
	}
	return nil
}
