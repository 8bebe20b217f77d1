package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/ledger"
)

// recentEntries is how many of the newest entries the page lists.
const recentEntries = 25

func (s *Server) ledgerView(ctx context.Context) (*ledger.View, error) {
	return ledger.Read(ctx, s.cfg.Store, scope(ctx), s.cfg.PublicKey, recentEntries)
}

// ledgerPage shows the ledger's state; its JSON twin answers it
// (ledger.View).
func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	v, err := s.ledgerView(r.Context())
	if err != nil {
		return err
	}
	return s.show(w, r, u, v, "ledger", &ledgerData{Layout: Layout{Title: "Ledger"}, V: v})
}

// ledgerData is the ledger page: its size, checkpoint and recent entries,
// and the result of a verification when one was just run.
type ledgerData struct {
	Layout
	V      *ledger.View
	Verify *integrity.Report
}

// verifying lets one verification run at a time: it re-hashes every blob.
var verifying sync.Mutex

// verify runs `attest verify`'s checks.
func (s *Server) verify(ctx context.Context) (*integrity.Report, error) {
	if s.cfg.Blobs == nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "this server has no evidence store to verify"}
	}
	if !verifying.TryLock() {
		return nil, &attest.Error{Code: attest.ETOOMANY, Message: "a verification is already running: try again when it ends"}
	}
	defer verifying.Unlock()
	return integrity.CheckFor(ctx, scope(ctx), integrity.Input{Store: s.cfg.Store, Blobs: s.cfg.Blobs, PublicKey: s.cfg.PublicKey})
}

// verifyPage verifies the ledger and every blob, and shows the report
// on the ledger's page; its JSON twin answers the report.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	rep, err := s.verify(r.Context())
	if underAPI(r) {
		return answerJSON(w, rep, err)
	}
	if err != nil {
		return err
	}
	v, err := s.ledgerView(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "ledger", u, &ledgerData{Layout: Layout{Title: "Ledger"}, V: v, Verify: rep})
}

// prove builds the inclusion proof of entry n in a signed tree that holds
// it: a fresh checkpoint when the server signs, else the latest stored one.
func (s *Server) prove(ctx context.Context, raw string) (*ledger.Proof, error) {
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return nil, invalid("entry: want an entry number, 0 or more")
	}
	st := s.cfg.Store
	p, err := ledger.ProveFor(ctx, st, scope(ctx), func() ([]byte, error) {
		signed, err := s.signCheckpoint(ctx)
		if err != nil || signed != nil {
			return signed, err
		}
		cps, err := st.Checkpoints(ctx)
		if err != nil {
			return nil, err
		}
		if len(cps) == 0 {
			return nil, notFound("no signed checkpoint yet: sign one with attest ledger checkpoint")
		}
		return cps[len(cps)-1], nil
	}, s.cfg.PublicKey, n)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, notFound("entry: " + attest.ErrorMessage(err))
	}
	return p, err
}

// proofDownload sends the proof as a file `attest ledger verify-proof`
// checks anywhere.
func (s *Server) proofDownload(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	raw := r.URL.Query().Get("entry")
	if raw == "" {
		raw = r.PathValue("entry")
	}
	p, err := s.prove(r.Context(), raw)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	download(w, "application/json", "attest-proof-entry-"+strconv.FormatInt(p.Entry, 10)+".json", "private, no-store", append(b, '\n'))
	return nil
}
