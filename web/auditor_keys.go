package web

import (
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
// enroll and confirm a key in this browser.
func (s *Server) keyPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	keys, err := s.cfg.Store.AuditorKeys(ctx, e.ID)
	if err != nil {
		return err
	}
	name := ""
	as, err := s.cfg.Store.Auditors(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.UserID == u.ID {
			name = a.Name
		}
	}
	return s.render(w, r, "auditor-key", u, &keyData{Layout: Layout{Title: "Signing keys: " + e.ID, SignEngagement: signing(u, e)}, E: e, Keys: keys, Name: name,
		IsAuditor: u.Role == attest.RoleAuditor && name != "", Confirms: fieldwork.ConfirmText})
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

// apiKeys lists the engagement's enrolled keys.
func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	keys, err := s.cfg.Store.AuditorKeys(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}

// enrollKey enrolls a public key: the auditor's own (name defaults to the
// auditor's name on the engagement), or one management records for them.
func (s *Server) enrollKey(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	name := in.str("name")
	if name == "" && u.Role == attest.RoleAuditor {
		as, err := s.cfg.Store.Auditors(ctx, r.PathValue("id"))
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.UserID == u.ID {
				name = a.Name
			}
		}
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	k, err := fieldwork.Enroll(ctx, env, s.cfg.Store, s.actorChange(u), u, fieldwork.EnrollRequest{Engagement: r.PathValue("id"), Name: name, PublicKey: in.str("public_key"), Holder: in.str("holder")})
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, k, fmt.Sprintf("/fieldwork/%s/key", k.EngagementID))
	return nil
}

// confirmKey is the auditor's confirmation of their key, signed by it.
func (s *Server) confirmKey(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	k, err := fieldwork.Confirm(ctx, env, s.cfg.Store, s.actorChange(u), u, r.PathValue("id"), sealOf(in))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusOK, k, fmt.Sprintf("/fieldwork/%s/key", k.EngagementID))
	return nil
}

// evaluate records the auditor's signed evaluation of a test's deviations.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "test")
	if err != nil {
		return err
	}
	ev := fieldwork.Evaluation{Engagement: r.PathValue("id"), Test: id, Nature: in.str("nature"), Compensating: in.str("compensating"), Conclusion: in.str("conclusion"), Seal: sealOf(in)}
	if ev.Extension, err = in.id("extension"); err != nil {
		return err
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	st, err := fieldwork.Evaluate(ctx, env, s.cfg.Store, s.actorChange(u), u, ev)
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, st, fmt.Sprintf("/fieldwork/%s", ev.Engagement))
	return nil
}

// extend adds items to a draw after an isolated deviation, signed.
func (s *Server) extend(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "draw")
	if err != nil {
		return err
	}
	size, err := in.id("size")
	if err != nil {
		return err
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	d, err := fieldwork.Extend(ctx, env, s.cfg.Store, s.actorChange(u), u, r.PathValue("id"), id, int(size), in.str("reason"), sealOf(in))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, d, fmt.Sprintf("/fieldwork/%s/controls/%s#draw-%d", d.EngagementID, d.ControlID, d.ID))
	return nil
}

// review is a reviewer's signed sign-off on a test.
func (s *Server) review(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "test")
	if err != nil {
		return err
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	st, err := fieldwork.Review(ctx, env, s.cfg.Store, s.actorChange(u), u, r.PathValue("id"), id, in.str("note"), sealOf(in))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, st, fmt.Sprintf("/fieldwork/%s", r.PathValue("id")))
	return nil
}

// testPopulation is the auditor's signed record of how a population was
// tested for completeness and accuracy.
func (s *Server) testPopulation(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	ctx := r.Context()
	in, err := readFormInput(w, r)
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "population")
	if err != nil {
		return err
	}
	env, err := s.fieldwork(ctx)
	if err != nil {
		return err
	}
	st, err := fieldwork.TestPopulation(ctx, env, s.cfg.Store, s.actorChange(u), u, r.PathValue("id"), id, in.str("procedure"), sealOf(in))
	if err != nil {
		return err
	}
	s.checkpointAfterWrite(ctx)
	answerWrite(w, r, http.StatusCreated, st, fmt.Sprintf("/fieldwork/%s", r.PathValue("id")))
	return nil
}
