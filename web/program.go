package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/policy"
	"github.com/attest-dev/attest/program"
)

// The compliance program's pages and their JSON twins: the overview,
// policies and access reviews (program_reviews.go). Each handler reads
// its input, calls the feature package's workflow with the acting
// account and, for reads, the caller's scope (an auditor reads only what
// bears on their engagements), and renders its answer.

// programPage is the program's overview.
type programPage struct {
	Layout
	Status *program.Status
}

func (s *Server) programPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	st, err := program.Load(r.Context(), s.cfg.Store, s.completions(), u, scope(r.Context()), s.cfg.Now())
	if err != nil {
		return err
	}
	return s.show(w, r, u, st, "program", &programPage{Layout: Layout{Title: "Compliance program", OrgWide: true}, Status: st})
}

// policiesPage lists the policies.
type policiesPage struct {
	Layout
	Policies []policy.Summary
}

func (s *Server) policiesPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ps, err := policy.List(r.Context(), s.cfg.Store, u, scope(r.Context()), s.cfg.Now())
	if err != nil {
		return err
	}
	return s.show(w, r, u, map[string]any{"policies": ps}, "policies", &policiesPage{Layout: Layout{Title: "Policies", OrgWide: true}, Policies: ps})
}

// policyPage is one policy: a version's text, the versions, the acts on
// it, and the forms the reader may use.
type policyPage struct {
	Layout
	P *policy.View
	// Shown is the version whose text is shown, Text that text as HTML.
	Shown int
	Text  template.HTML
	Acts  policy.Acts
}

// policyAnswer is the JSON twin's answer: the policy with the acts the
// caller may make, and the text of the version asked for.
type policyAnswer struct {
	*policy.View
	Acts    policy.Acts `json:"acts"`
	Version int         `json:"version_shown"`
	Text    string      `json:"text"`
}

func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx, id, sc := r.Context(), r.PathValue("policy"), scope(r.Context())
	n, err := versionParam(r, "version")
	if err != nil {
		return err
	}
	v, err := policy.Read(ctx, s.cfg.Store, u, sc, id, s.cfg.Now())
	if err != nil {
		return err
	}
	_, text, err := policy.ReadText(ctx, s.cfg.Store, u, sc, id, n)
	if err != nil {
		return err
	}
	p := &policyPage{Layout: Layout{Title: v.Title, OrgWide: true}, P: v, Shown: text.Version,
		Text: template.HTML(policy.BodyHTML(text.Body)), Acts: v.Acts(u)} // BodyHTML escapes every character of the text
	return s.show(w, r, u, policyAnswer{View: v, Acts: v.Acts(u), Version: text.Version, Text: text.Body}, "policy", p)
}

// versionParam reads a version number from the query (0 when absent).
func versionParam(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
	if err != nil || n < 1 {
		return 0, fieldError(name, "%q is not a version number", v)
	}
	return n, nil
}

// policyDiffPage compares two versions of a policy.
type policyDiffPage struct {
	Layout
	P *policy.Compare
}

func (s *Server) policyDiff(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	from, err := versionParam(r, "from")
	if err != nil {
		return err
	}
	to, err := versionParam(r, "to")
	if err != nil {
		return err
	}
	d, err := policy.ReadDiff(r.Context(), s.cfg.Store, u, scope(r.Context()), r.PathValue("policy"), from, to)
	if err != nil {
		return err
	}
	title := d.Policy + ": version " + strconv.Itoa(d.From) + " to " + strconv.Itoa(d.To)
	return s.show(w, r, u, d, "policy-diff", &policyDiffPage{Layout: Layout{Title: title, OrgWide: true}, P: d})
}

// policyEditPage is the form to edit a policy.
type policyEditPage struct {
	Layout
	P *policy.View
	// Owner, Approvers, Review, Body and Note are the form's values: the
	// policy's own, or what was sent when the edit was refused (Error).
	Owner, Approvers, Body, Note, Error string
	Review                              attest.Frequency
	Reviews                             []attest.Frequency
}

func (s *Server) policyEditPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	p, err := s.policyEditForm(r, u)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, http.StatusOK, "policy-edit", u, p)
}

// policyEditForm is the edit form filled with the policy as it stands.
func (s *Server) policyEditForm(r *http.Request, u *attest.User) (*policyEditPage, error) {
	ctx := r.Context()
	v, err := policy.Read(ctx, s.cfg.Store, u, scope(ctx), r.PathValue("policy"), s.cfg.Now())
	if err != nil {
		return nil, err
	}
	if !v.Acts(u).Edit {
		return nil, forbidden("only management or the policy's owner edits " + v.ID)
	}
	p := &policyEditPage{Layout: Layout{Title: "Edit " + v.Title, OrgWide: true}, P: v, Body: v.Body, Review: v.Review,
		Reviews: []attest.Frequency{attest.Monthly, attest.Quarterly, attest.SemiAnnual, attest.Annual}}
	p.Owner = v.Emails[v.Owner]
	var approvers []string
	for _, id := range v.Approvers {
		approvers = append(approvers, v.Emails[id])
	}
	p.Approvers = strings.Join(approvers, ", ")
	return p, nil
}

// accountField reads the accounts a field names by e-mail address.
func (s *Server) accountField(r *http.Request, field string, emails []string) ([]int64, error) {
	ids, err := auth.AccountIDs(r.Context(), s.cfg.Store, emails)
	if attest.ErrorCode(err) == attest.EINVALID {
		return nil, fieldError(field, "%s", attest.ErrorMessage(err))
	}
	return ids, err
}

// policyEdit records an edit: the fields given change, the others stay.
// A refused edit from the page shows the form again with what was sent,
// so a long text is not lost to a mistyped address.
func (s *Server) policyEdit(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	err = s.editPolicy(w, r, u, in)
	if !refusedOnPage(r, err) {
		return err
	}
	p, ferr := s.policyEditForm(r, u)
	if ferr != nil {
		return ferr
	}
	p.Owner, p.Approvers, p.Body, p.Note, p.Review, p.Error = in.str("owner"), in.str("approvers"), firstValue(in, "body"), in.str("note"), attest.Frequency(in.str("review")), attest.ErrorMessage(err)
	return s.renderStatus(w, r, http.StatusBadRequest, "policy-edit", u, p)
}

func firstValue(in formInput, k string) string {
	if v := in[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *Server) editPolicy(w http.ResponseWriter, r *http.Request, u *attest.User, in formInput) error {
	var req policy.EditRequest
	if _, ok := in["body"]; ok {
		body := in["body"][0]
		req.Body = &body
	}
	if v := in.str("owner"); v != "" {
		ids, err := s.accountField(r, "owner", []string{v})
		if err != nil {
			return err
		}
		req.Owner = &ids[0]
	}
	if l := in.list("approvers"); len(l) > 0 {
		ids, err := s.accountField(r, "approvers", l)
		if err != nil {
			return err
		}
		req.Approvers = &ids
	}
	if v := in.str("review"); v != "" {
		f, err := attest.ParseFrequency(v)
		if err != nil {
			return fieldError("review", "%q: monthly, quarterly, semi-annual or annual", v)
		}
		req.Review = &f
	}
	req.Note = in.str("note")
	id := r.PathValue("policy")
	c, err := policy.Edit(r.Context(), s.cfg.Store, s.actorChange(u), u, id, req)
	return s.policyWritten(w, r, c, err, "Saved: "+id+" is a draft again, to submit to its approvers.")
}

// policyWritten answers a policy's act: the change as JSON, or back to
// the policy's page with a flash.
func (s *Server) policyWritten(w http.ResponseWriter, r *http.Request, c *attest.PolicyChange, err error, flash string) error {
	if err != nil {
		return err
	}
	return s.written(w, r, http.StatusOK, c, "/program/policies/"+c.Policy.ID, flash)
}

func (s *Server) policySubmit(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.policyNoted(w, r, u, policy.Submit, "Sent to the approvers.")
}

func (s *Server) policyApprove(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	n := 0
	if v := in.str("version"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return fieldError("version", "%q is not a version number", v)
		}
	}
	c, err := policy.Approve(r.Context(), s.cfg.Store, s.actorChange(u), u, r.PathValue("policy"), policy.ApproveRequest{Version: n, Note: in.str("note")})
	flash := "Your approval is recorded."
	if err == nil && c.Policy.Status == attest.PolicyApproved {
		flash += " Every approver has approved: the version may be published."
	}
	return s.policyWritten(w, r, c, err, flash)
}

func (s *Server) policyPublish(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.policyNoted(w, r, u, policy.Publish, "Published: this version is in force.")
}

// policyNoted is a policy's act that takes only a note (submit, publish):
// the form's note, the act on the path's policy, and policyWritten.
func (s *Server) policyNoted(w http.ResponseWriter, r *http.Request, u *attest.User, act func(context.Context, policy.Store, attest.Change, *attest.User, string, string) (*attest.PolicyChange, error), flash string) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	c, err := act(r.Context(), s.cfg.Store, s.actorChange(u), u, r.PathValue("policy"), in.str("note"))
	return s.policyWritten(w, r, c, err, flash)
}
