package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/report"
)

// reportsPage shows the drafts and issued reports of the engagement the
// switcher names; its JSON twin answers those of every engagement.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	all, err := report.Shelves(r.Context(), s.cfg.Store, scope(r.Context()))
	if underAPI(r) {
		return answerJSON(w, all, err)
	}
	if err != nil {
		return err
	}
	cur, err := s.shownEngagement(r)
	if err != nil {
		return err
	}
	views := []report.Shelf{}
	for _, v := range all {
		if v.Engagement.ID == cur {
			views = append(views, v)
		}
	}
	return s.render(w, r, "reports", u, &reportsData{Layout: Layout{Title: "Reports"}, Engagements: views,
		Notice: report.DraftNotice, CanBuild: s.may(u, "POST", "/reports/build")})
}

// reportsData is the reports page: the engagement the switcher names,
// with its drafts, issued reports and letters.
type reportsData struct {
	Layout
	Engagements []report.Shelf
	Notice      string
	CanBuild    bool
}

// draftRequest is what a draft build takes: the engagement, the kind
// (default the engagement's) and the formats (html, md).
type draftRequest struct {
	Engagement string   `json:"engagement"`
	Kind       string   `json:"kind"`
	Formats    []string `json:"formats"`
}

// buildDraft drafts the report (report.Draft) in HTML and/or Markdown:
// the server prints no PDF, which the command line does.
func (s *Server) buildDraft(ctx context.Context, u *attest.User, req draftRequest) ([]attest.Document, error) {
	if s.cfg.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no document store"}
	}
	if strings.TrimSpace(req.Engagement) == "" {
		return nil, invalid("engagement: name the engagement to draft from")
	}
	e, err := s.cfg.Store.Engagement(ctx, req.Engagement)
	if err != nil {
		return nil, err
	}
	dr, err := report.Asked{Kind: req.Kind, Formats: req.Formats}.Request()
	if err != nil {
		return nil, err
	}
	dr.Engagement, dr.Now = e, s.cfg.Now()
	d, err := report.Draft(ctx, s.cfg.Store, s.cfg.Blobs, s.actorChange(u), u, dr)
	if err != nil {
		return nil, err
	}
	return d.Kept, s.sign(ctx)
}

// buildDraftForm is the reports page's "build draft now": formats as
// its checkboxes send them, or format as a script may (each field
// repeated or comma-separated).
func (s *Server) buildDraftForm(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	if err := parseForm(w, r, 16<<10, "the form could not be read"); err != nil {
		return err
	}
	docs, err := s.buildDraft(r.Context(), u, draftRequest{Engagement: r.PostFormValue("engagement"), Kind: r.PostFormValue("kind"), Formats: append(r.PostForm["formats"], r.PostForm["format"]...)})
	if err != nil {
		return err
	}
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	s.sessions.Put(r.Context(), "flash", "Drafted "+strings.Join(names, " and ")+": every page says DRAFT; it is kept in the ledger.")
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
	return nil
}

func (s *Server) buildDraftAPI(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	var req draftRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	req.Engagement = r.PathValue("id")
	docs, err := s.buildDraft(r.Context(), u, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, docs)
	return nil
}

// downloadDocument sends a document's bytes (a draft, the issued report,
// description inputs) as an attachment.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	id, err := pathID(r, "a document number")
	if err != nil {
		return err
	}
	d, err := report.GetDocument(r.Context(), s.cfg.Store, scope(r.Context()), id)
	if err != nil {
		return err
	}
	return s.sendBlob(w, d.Ref, d.Size, d.Name, d.MediaType)
}

// saveDescription keeps a new version of the engagement's description
// inputs from the request's body (YAML or JSON, as `attest description
// set --file` reads), through report.SaveDescription: ?replace=1 allows
// removing answered parts, ?dry_run=1 only shows the changes and gaps.
func (s *Server) saveDescription(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.cfg.Store.Engagement(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return invalid("the description inputs could not be read (at most 1 MiB)")
	}
	q := r.URL.Query()
	replace, err := yesNo("replace", q.Get("replace"))
	if err != nil {
		return err
	}
	dryRun, err := yesNo("dry_run", q.Get("dry_run"))
	if err != nil {
		return err
	}
	if s.cfg.Blobs == nil {
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no document store"}
	}
	out, err := report.SaveDescription(r.Context(), s.cfg.Store, s.cfg.Blobs, s.actorChange(u), u, report.DescriptionEdit{
		Engagement: e, Name: "the new version", Content: b, Replace: replace, DryRun: dryRun})
	var ae *attest.Error
	if errors.As(err, &ae) && out != nil && len(out.Removed()) > 0 {
		ae.Hint = "send them again, or add ?replace=1 to remove them (the current version stays in the ledger)"
	}
	if err != nil {
		return err
	}
	code := http.StatusOK
	if out.Document != nil {
		s.checkpointAfterWrite(r.Context())
		code = http.StatusCreated
	}
	writeJSON(w, code, out)
	return nil
}
