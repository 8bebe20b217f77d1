package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// maxUpload bounds one upload request (all its files).
const maxUpload = 256 << 20

// uploadEvidence takes one or more files (multipart field "file") for the
// controls named in "control" fields, covering "covers" (or "date"; default
// today), performed on "performed_on": all are staged and hashed first,
// then package evidence checks and records them in one transaction, so an
// upload lands whole or not at all.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	added, err := s.ingest(w, r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, added)
	return nil
}

// ingest reads an upload and records it through evidence.Add; the API and
// the upload page's plain form post share it.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, u *attest.User) ([]attest.Evidence, error) {
	if s.cfg.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "send the evidence as multipart/form-data with fields control, covers, performed_on and file"}
	}
	up := multipartUpload{req: evidence.AddRequest{Source: "web upload"}}
	err = up.read(s.cfg.Blobs, mr)
	if err != nil {
		s.cfg.Blobs.Abort(up.pending())
		return nil, err
	}
	added, err := evidence.Add(r.Context(), s.cfg.Store, s.cfg.Blobs, s.actorChange(u), u, up.req)
	if err != nil {
		return nil, up.named(err)
	}
	return added.Evidence, s.sign(r.Context())
}

// multipartUpload is an upload as it is read: the workflow's request, and
// the name the form gave the covered date.
type multipartUpload struct {
	req         evidence.AddRequest
	coversField string
}

func (up *multipartUpload) pending() []*blob.Pending {
	var out []*blob.Pending
	for _, it := range up.req.Items {
		out = append(out, it.Pending)
	}
	return out
}

// read reads every part: the form's fields and the files, staged as they
// stream in.
func (up *multipartUpload) read(bs blob.Store, mr *multipart.Reader) error {
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return &attest.Error{Code: attest.EINVALID, Message: "the upload is larger than 256 MiB"}
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return unreadable()
		}
		if part.FormName() == "file" {
			err = up.file(bs, part)
		} else {
			err = up.field(part)
		}
		if err != nil {
			return err
		}
	}
}

// field takes one form field.
func (up *multipartUpload) field(part *multipart.Part) error {
	name := part.FormName()
	v, err := field(part, 64)
	if err != nil {
		return err
	}
	switch name {
	case "control":
		up.req.Controls = append(up.req.Controls, v)
	case "allow_empty", "force":
		yes, err := yesNo(name, v)
		if err != nil {
			return err
		}
		if name == "force" {
			up.req.Force = yes
		} else {
			up.req.AllowEmpty = yes
		}
	case "covers", "date":
		if v == "" {
			return nil // an empty field means the default
		}
		if up.req.Covers != "" && up.req.Covers != v {
			return &attest.Error{Code: attest.EINVALID, Message: "covers: give covers or date (the same thing), not both"}
		}
		up.req.Covers, up.coversField = v, name
	case "performed_on":
		up.req.PerformedOn = v
	case "added":
		return &attest.Error{Code: attest.EINVALID, Message: "added: set by the server's clock when the evidence is recorded; it cannot be sent"}
	}
	return nil
}

// file stages one file part, refusing names and types that are not
// evidence, and reads what its content records on the way.
func (up *multipartUpload) file(bs blob.Store, part *multipart.Part) error {
	// Part.FileName already drops folders; the name as sent is checked,
	// so a name that tries to climb is refused, not trimmed.
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	name := params["filename"]
	if name == "" {
		return &attest.Error{Code: attest.EINVALID, Message: "a file part has no file name"}
	}
	body := &bodyReader{r: part}
	it, err := evidence.Stage(bs, name, part.Header.Get("Content-Type"), body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(body.err, &tooBig) {
			return &attest.Error{Code: attest.EINVALID, Message: "the upload is larger than 256 MiB"}
		}
		if body.err != nil {
			// The request broke off or is malformed: the sender's
			// problem, not the store's.
			return unreadable()
		}
		if ae, ok := err.(*attest.Error); ok {
			return &attest.Error{Code: ae.Code, Message: "file " + attest.Shown(name) + ": " + ae.Message, Hint: ae.Hint}
		}
		return err
	}
	up.req.Items = append(up.req.Items, it)
	return nil
}

// named puts the form's own field names on the workflow's refusals.
func (up *multipartUpload) named(err error) error {
	e, ok := err.(*attest.Error)
	if !ok {
		return err
	}
	out := *e
	if rest, ok := strings.CutPrefix(out.Message, "covers: "); ok && up.coversField == "date" {
		out.Message = "date: " + rest
	}
	if strings.Contains(out.Message, "is empty (0 bytes)") {
		out.Message = "file " + out.Message + " (send allow_empty=yes if it is the evidence)"
	}
	if out.Hint == attest.HintForce {
		out.Hint = "check the date; send force=yes if it is right"
	}
	if strings.HasPrefix(out.Message, "controls: ") || strings.HasPrefix(out.Message, "files: ") {
		out.Message = "name at least one control and send at least one file"
	}
	return &out
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

// unreadable is the answer to an upload that broke off or is not
// well-formed multipart: the reader's own words say nothing to a sender.
func unreadable() error {
	return &attest.Error{Code: attest.EINVALID, Message: "the upload could not be read: it broke off, or it is not well-formed multipart/form-data"}
}

// field reads a short form value whole, refusing one longer than max.
func field(part *multipart.Part, max int) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, int64(max)+1))
	if err != nil {
		return "", unreadable()
	}
	if len(b) > max {
		return "", fieldError(part.FormName(), "longer than %d bytes", max)
	}
	return strings.TrimSpace(string(b)), nil
}
