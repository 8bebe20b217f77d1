package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/fieldwork"
)

// The service auditor's keys (fieldwork.Enroll, Confirm, Retire): the
// browser makes a non-extractable Ed25519 key with WebCrypto (sign.js),
// enrolls its public half here, and confirms it by signing its first
// statement; every auditor form then signs its act in the browser.

// keyPage shows the engagement's enrolled keys, and lets an auditor make,
// enroll and confirm a key in this browser; its JSON twin lists the keys.
func (s *Server) keyPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	keys, name, err := fieldwork.Keys(r.Context(), s.cfg.Store, u, scope(r.Context()), r.PathValue("id"))
	if underAPI(r) {
		return answerJSON(w, keys, err)
	}
	if err != nil {
		return err
	}
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "auditor-key", u, &keyData{Layout: Layout{Title: "Signing keys: " + e.ID, SignEngagement: signing(u, e)}, E: e, Keys: keys, Name: name,
		IsAuditor: fieldwork.Audits(u) && name != "", Confirms: fieldwork.ConfirmText})
}

// keyData is an engagement's signing keys page: the keys enrolled, and for
// a named auditor, their name and the words a confirmation signs.
type keyData struct {
	Layout
	E         *attest.Engagement
	Keys      []attest.AuditorKey
	Name      string
	IsAuditor bool
	Confirms  string
}

// enrollKey enrolls a public key: the auditor's own, or one management
// records for them (fieldwork.EnrollAuditor chooses whose key it is when no name
// is given).
func (s *Server) enrollKey(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	name := in.str("name")
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.AuditorKey, error) {
		return fieldwork.Enroll(ctx, env, s.cfg.Store, ch, u, fieldwork.EnrollRequest{Engagement: r.PathValue("id"), Name: name, PublicKey: in.str("public_key"), Holder: in.str("holder")})
	}, keyPage)
}

// keyPage is where an engagement's signing keys show.
func keyPage(k *attest.AuditorKey) string { return fmt.Sprintf("/fieldwork/%s/key", k.EngagementID) }

// confirmKey is the auditor's confirmation of their key, signed by it.
func (s *Server) confirmKey(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusOK, func(env fieldwork.Env, ch attest.Change) (*attest.AuditorKey, error) {
		return fieldwork.Confirm(r.Context(), env, s.cfg.Store, ch, u, r.PathValue("id"), sealOf(in))
	}, keyPage)
}

// evaluate records the auditor's signed evaluation of a test's deviations.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "test")
	if err != nil {
		return err
	}
	ev := fieldwork.Evaluation{Engagement: r.PathValue("id"), Test: id, Nature: in.str("nature"), Compensating: in.str("compensating"), Conclusion: in.str("conclusion"), Seal: sealOf(in)}
	if ev.Extension, err = in.id("extension"); err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Statement, error) {
		return fieldwork.Evaluate(r.Context(), env, s.cfg.Store, ch, u, ev)
	}, func(*attest.Statement) string { return "/fieldwork/" + ev.Engagement })
}

// extend adds items to a draw after an isolated deviation, signed.
func (s *Server) extend(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	id, in, err := numberedForm(w, r, "draw")
	if err != nil {
		return err
	}
	size, err := in.id("size")
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Draw, error) {
		return fieldwork.Extend(r.Context(), env, s.cfg.Store, ch, u, r.PathValue("id"), id, int(size), in.str("reason"), sealOf(in))
	}, func(d *attest.Draw) string {
		return fmt.Sprintf("/fieldwork/%s/controls/%s#draw-%d", d.EngagementID, d.ControlID, d.ID)
	})
}

// review is a reviewer's signed sign-off on a test.
func (s *Server) review(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.statementAct(w, r, u, "test", func(ctx context.Context, env fieldwork.Env, ch attest.Change, id int64, in formInput) (*attest.Statement, error) {
		return fieldwork.Review(ctx, env, s.cfg.Store, ch, u, r.PathValue("id"), id, in.str("note"), sealOf(in))
	})
}

// statementAct is the body of an auditor's signed act on one record named
// in the path (the test reviewed, the population tested): the form, the
// record's number, the act, and the fieldwork page.
func (s *Server) statementAct(w http.ResponseWriter, r *http.Request, u *attest.User, record string, act func(ctx context.Context, env fieldwork.Env, ch attest.Change, id int64, in formInput) (*attest.Statement, error)) error {
	id, in, err := numberedForm(w, r, record)
	if err != nil {
		return err
	}
	return fieldworkAct(s, w, r, u, http.StatusCreated, func(env fieldwork.Env, ch attest.Change) (*attest.Statement, error) {
		return act(r.Context(), env, ch, id, in)
	}, func(*attest.Statement) string { return "/fieldwork/" + r.PathValue("id") })
}

// testPopulation is the auditor's signed record of how a population was
// tested for completeness and accuracy.
func (s *Server) testPopulation(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return s.statementAct(w, r, u, "population", func(ctx context.Context, env fieldwork.Env, ch attest.Change, id int64, in formInput) (*attest.Statement, error) {
		return fieldwork.TestPopulation(ctx, env, s.cfg.Store, ch, u, r.PathValue("id"), id, in.str("procedure"), sealOf(in))
	})
}
