package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/ledger"
)

// ExportStore is what an export reads: the evidence records and the ledger
// that holds them.
type ExportStore interface {
	EvidenceList(ctx context.Context, control string, all bool) ([]attest.Evidence, error)
	ledger.Records
}

// Signed is the signed checkpoint an export proves its items against: the
// signed note, the public key that verifies it and the tree size it holds.
// Export asks for it (sign) once its input is known to be good, so that a
// refused export signs nothing.
type Signed struct {
	Note []byte
	Key  string
	Size int64
}

// ManifestItem is one exported file with what its recipient needs to
// check it: the evidence record, the file's name in the folder and its
// proof's.
type ManifestItem struct {
	attest.Evidence
	File  string `json:"file"`
	Proof string `json:"proof"`
}

// MarshalJSON writes the evidence record's fields with the file and the
// proof beside them (the embedded record's own MarshalJSON would
// otherwise write the record alone).
func (it ManifestItem) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(it.Evidence)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	fields["file"], _ = json.Marshal(it.File)
	fields["proof"], _ = json.Marshal(it.Proof)
	return json.Marshal(fields)
}

// Export copies every evidence item not retracted (or one control's) into
// out, a new or empty folder: each file re-hashed as it is copied (a file
// whose stored bytes no longer match is removed and the export fails),
// proofs/ID.json proving its ledger entry in cp, manifest.json listing the
// items, checkpoint and ledger.pub (the checkpoint sign returns). Anyone can then check each item with
// attest ledger verify-proof and each file's SHA-256 with any tool.
// Exporting all the evidence is management's act (nil: the local
// operator); an auditor has the working-papers export of their engagement.
func Export(ctx context.Context, s ExportStore, bs blob.Store, actor *attest.User, out, control string, sign func(context.Context) (Signed, error)) ([]ManifestItem, error) {
	if actor != nil && actor.Role != attest.RoleAdmin && actor.Role != attest.RoleCompliance {
		return nil, &attest.Error{Code: attest.EFORBIDDEN, Message: "your role (" + actor.Role + ") may not export all the evidence: an auditor exports their engagement's working papers"}
	}
	if out == "" {
		return nil, invalid("out", "say where to export: a new folder")
	}
	if err := atomicfile.Folder(out, true); err != nil {
		return nil, err
	}
	list, err := s.EvidenceList(ctx, control, false)
	if err != nil {
		return nil, err
	}
	// The folders first: an export that cannot write has signed nothing.
	proofs := filepath.Join(out, "proofs")
	if err := os.MkdirAll(proofs, 0o755); err != nil {
		return nil, attest.Errorf(attest.EINVALID, "create %s: %v", out, err)
	}
	cp, err := sign(ctx)
	if err != nil {
		os.Remove(proofs)
		return nil, err
	}
	items := []ManifestItem{}
	for _, e := range list {
		name := fmt.Sprintf("%d-%s", e.ID, FileName(e.Name))
		if err := copyVerified(bs, e, filepath.Join(out, name)); err != nil {
			return nil, err
		}
		p, err := ledger.ProveStored(ctx, s, e.Entry, cp.Size, cp.Note, 0)
		if err != nil {
			return nil, err
		}
		proof := filepath.Join("proofs", fmt.Sprintf("%d.json", e.ID))
		if err := writeJSON(filepath.Join(out, proof), p); err != nil {
			return nil, err
		}
		items = append(items, ManifestItem{Evidence: e, File: name, Proof: proof})
	}
	if err := writeJSON(filepath.Join(out, "manifest.json"), items); err != nil {
		return nil, err
	}
	for name, content := range map[string][]byte{"checkpoint": cp.Note, "ledger.pub": []byte(cp.Key + "\n")} {
		if err := atomicfile.Write(filepath.Join(out, name), content); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// copyVerified copies the bytes behind e to path through a verifying
// reader, and removes the copy when they no longer match the record.
func copyVerified(bs blob.Store, e attest.Evidence, path string) error {
	r, err := bs.Open(blob.Ref(e.Ref))
	if err != nil {
		return fmt.Errorf("export %s: %w", e.Ref, err)
	}
	defer r.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return attest.Errorf(attest.EINVALID, "export to %s: %v", path, err)
	}
	_, err = io.Copy(f, blob.Verified(r, blob.Ref(e.Ref), e.Size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, blob.ErrMismatch) {
		err = attest.Errorf(attest.EINVALID, "export %s (evidence %d): the stored bytes no longer match their hash (run attest verify)", e.Ref, e.ID)
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
