package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/accessreview"
)

// reviewsPage lists the access reviews.
type reviewsPage struct {
	Layout
	Reviews []accessreview.Status
}

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	l, err := accessreview.List(r.Context(), s.cfg.Store, u, scope(r.Context()), s.cfg.Now())
	if err != nil {
		return err
	}
	return s.show(w, r, u, map[string]any{"reviews": l}, "reviews", &reviewsPage{Layout: Layout{Title: "Access reviews", OrgWide: true}, Reviews: l})
}

// reviewPage is one campaign: progress per reviewer, the accounts the
// reader may see, and the reader's decisions form.
type reviewPage struct {
	Layout
	V *accessreview.View
	// Choices are the decisions a reviewer picks from.
	Choices []string
	// Error and Entered, when a batch from the page was refused: why, and
	// what was entered per account, shown again.
	Error   string
	Entered map[string]accessreview.DecisionInput
}

func (s *Server) campaignParam(r *http.Request) (int64, error) {
	return pathNumber(r, "review")
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.showReview(w, r, u, nil, nil)
}

// showReview renders a campaign's page or its JSON; refused, when set, is
// why the batch entered was refused, shown above the form kept as filled.
func (s *Server) showReview(w http.ResponseWriter, r *http.Request, u *attest.User, refused error, entered []accessreview.DecisionInput) error {
	id, err := s.campaignParam(r)
	if err != nil {
		return err
	}
	v, err := accessreview.Read(r.Context(), s.cfg.Store, u, scope(r.Context()), id, s.cfg.Now())
	if err != nil {
		return err
	}
	p := &reviewPage{Layout: Layout{Title: fmt.Sprintf("Access review %d: %s", id, v.Campaign.System), OrgWide: true}, V: v,
		Choices: []string{attest.DecisionKeep, attest.DecisionChange, attest.DecisionRevoke}, Entered: map[string]accessreview.DecisionInput{}}
	if refused != nil {
		p.Error = attest.ErrorMessage(refused)
		for _, d := range entered {
			p.Entered[d.Account] = d
		}
		return s.renderStatus(w, r, http.StatusBadRequest, "review", u, p)
	}
	return s.show(w, r, u, v, "review", p)
}

// decisionsInput reads a reviewer's batch: from the page's form, one row
// per account (account, decision, reason in step; a row left without a
// decision is not part of the batch), or as JSON {"decisions": [{account,
// decision, reason}]}.
func decisionsInput(w http.ResponseWriter, r *http.Request) ([]accessreview.DecisionInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormInput)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var in struct {
			Decisions []accessreview.DecisionInput `json:"decisions"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := readJSON(dec, &in, maxFormInput); err != nil {
			return nil, &attest.Error{Code: attest.EINVALID, Message: attest.ErrorMessage(err), Hint: `send {"decisions": [{"account": ..., "decision": ..., "reason": ...}]}`}
		}
		return in.Decisions, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, invalid("the form could not be read (at most 1 MiB)")
	}
	f := r.PostForm
	accts, decs, reasons := f["account"], f["decision"], f["reason"]
	if len(decs) != len(accts) || len(reasons) != len(accts) {
		return nil, fieldError("decision", "each account needs its decision and reason fields, in step")
	}
	var out []accessreview.DecisionInput
	for i, a := range accts {
		if strings.TrimSpace(decs[i]) == "" && strings.TrimSpace(reasons[i]) == "" {
			continue
		}
		out = append(out, accessreview.DecisionInput{Account: a, Decision: decs[i], Reason: reasons[i]})
	}
	return out, nil
}

// reviewDecide records the caller's batch of decisions, as one act.
func (s *Server) reviewDecide(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, err := s.campaignParam(r)
	if err != nil {
		return err
	}
	ds, err := decisionsInput(w, r)
	if err != nil {
		return err
	}
	n, err := accessreview.Decide(r.Context(), s.cfg.Store, s.actorChange(u), u, nil, id, ds)
	if refusedOnPage(r, err) {
		return s.showReview(w, r, u, err, ds)
	}
	if err != nil {
		return err
	}
	return s.reviewWritten(w, r, id, map[string]any{"review": id, "decided": n}, fmt.Sprintf("%d decisions recorded.", n))
}

// reviewSignOff records that the caller finished their part.
func (s *Server) reviewSignOff(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "review")
	if err != nil {
		return err
	}
	so, err := accessreview.SignOff(r.Context(), s.cfg.Store, s.actorChange(u), u, nil, id, in.str("note"))
	if err != nil {
		return err
	}
	return s.reviewWritten(w, r, id, so, "Your part of this review is signed off.")
}

// reviewExport sends the accounts and decisions the caller may read, as
// CSV or as an XLSX workbook.
func (s *Server) reviewExport(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, err := s.campaignParam(r)
	if err != nil {
		return err
	}
	x, err := accessreview.Exporting(r.Context(), s.cfg.Store, u, scope(r.Context()), id, r.URL.Query().Get("format"), s.cfg.Now())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := x.Render(&b); err != nil {
		return err
	}
	download(w, x.MediaType, x.Name, "", b.Bytes())
	return nil
}

// reviewAssign gives accounts without a reviewer theirs (management).
func (s *Server) reviewAssign(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "review")
	if err != nil {
		return err
	}
	byManager, err := in.flag("by_manager")
	if err != nil {
		return err
	}
	req := accessreview.AssignRequest{Owner: in.str("owner"), ByManager: byManager, Reviewer: in.str("reviewer"), Accounts: in.list("accounts")}
	a, err := accessreview.Assign(r.Context(), s.cfg.Store, s.actorChange(u), u, id, req)
	if err != nil {
		return err
	}
	return s.reviewWritten(w, r, id, a, fmt.Sprintf("%d accounts assigned.", a.Accounts))
}

// reviewTicket closes an open revoke by the ticket that carries it out
// (management).
func (s *Server) reviewTicket(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "review")
	if err != nil {
		return err
	}
	account := in.str("account")
	if account == "" {
		return fieldError("account", "name the account whose revoke the ticket carries out")
	}
	if err := accessreview.LinkTicket(r.Context(), s.cfg.Store, s.actorChange(u), u, id, account, in.str("ticket")); err != nil {
		return err
	}
	return s.reviewWritten(w, r, id, map[string]any{"review": id, "account": account, "ticket": in.str("ticket")}, "The revoke of "+account+" is shown done by its ticket.")
}

// reviewComplete completes a campaign nothing blocks (management); with
// controls named, its decisions become their evidence.
func (s *Server) reviewComplete(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "review")
	if err != nil {
		return err
	}
	controls := in.list("controls")
	c, err := accessreview.Complete(r.Context(), s.cfg.Store, s.cfg.Blobs, s.actorChange(u), u, id, controls)
	if err != nil {
		return err
	}
	flash := "The review is completed."
	if c.EvidenceID != 0 {
		flash += fmt.Sprintf(" Its decisions are evidence %d for %s.", c.EvidenceID, strings.ToUpper(strings.Join(controls, ", ")))
	}
	return s.reviewWritten(w, r, id, c, flash)
}

// reviewWritten answers an act on a campaign: the result as
// JSON, or back to the campaign's page with a flash.
func (s *Server) reviewWritten(w http.ResponseWriter, r *http.Request, id int64, v any, flash string) error {
	return s.written(w, r, http.StatusOK, v, "/program/reviews/"+strconv.FormatInt(id, 10), flash)
}
