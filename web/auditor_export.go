package web

import (
	"fmt"
	"net/http"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/workpapers"
)

// export downloads the auditor's working papers, signed with the ledger's
// key (package workpapers builds them; attest verify --export checks
// them).
func (s *Server) export(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	if s.cfg.Signer == nil || s.cfg.PublicKey == "" {
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no ledger key to sign an export with"}
	}
	keys := workpapers.Keys{Checkpoint: s.signCheckpoint, Signer: s.cfg.Signer, PublicKey: s.cfg.PublicKey}
	env, err := s.fieldwork(r.Context())
	if err != nil {
		return err
	}
	b, err := workpapers.Export(r.Context(), env, s.cfg.Store, u, e, keys)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("attest-working-papers-%s-%s.zip", e.ID, s.cfg.Now().UTC().Format("20060102T150405Z"))
	download(w, "application/zip", name, "", b)
	return nil
}
