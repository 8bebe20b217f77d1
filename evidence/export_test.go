package evidence_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// The export copies each item with a proof that verifies against the
// checkpoint it writes; it refuses a folder with files in it, a role that
// is not management's, and bytes changed behind a record, signing nothing
// when it refuses.
func TestExport(t *testing.T) {
	w := setup(t)
	priv, pub, err := ledger.GenerateKey("attest-test")
	if err != nil {
		t.Fatal(err)
	}
	signs := 0
	sign := func(ctx context.Context) (evidence.Signed, error) {
		signs++
		note, err := w.s.Checkpoint(ctx, func(n int64, root tlog.Hash) ([]byte, error) { return ledger.Sign(n, root, priv) }, now)
		if err != nil {
			return evidence.Signed{}, err
		}
		cp, err := ledger.Open(note, pub)
		return evidence.Signed{Note: note, Key: pub, Size: cp.Size}, err
	}
	var added []attest.Evidence
	for _, c := range []struct{ control, content string }{{"AX-01", "first"}, {"BX-01", "second"}, {"AX-01", "third"}} {
		got, err := evidence.Add(ctx, w.s, w.bs, ch, nil, evidence.AddRequest{Controls: []string{c.control}, Covers: "2026-03-31", Items: []evidence.Item{w.stage(t, "f.txt", c.content)}})
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, got.Evidence[0])
	}
	if _, err := evidence.Retract(ctx, w.s, ch, nil, added[2].ID, "superseded"); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "export")
	items, err := evidence.Export(ctx, w.s, w.bs, w.users[attest.RoleCompliance], out, "AX-01", sign)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != added[0].ID {
		t.Fatalf("AX-01's export: %+v (the retracted item and BX-01's are not exported)", items)
	}
	if b, _ := os.ReadFile(filepath.Join(out, items[0].File)); string(b) != "first" {
		t.Errorf("exported file: %q", b)
	}
	var manifest []map[string]any
	if b, err := os.ReadFile(filepath.Join(out, "manifest.json")); err != nil || json.Unmarshal(b, &manifest) != nil || len(manifest) != 1 || manifest[0]["proof"] != items[0].Proof || manifest[0]["ref"] != added[0].Ref {
		t.Errorf("manifest: %v %v", manifest, err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p, err := ledger.ParseProof(read(items[0].Proof))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := ledger.Verify(p, strings.TrimSpace(string(read("ledger.pub"))), read("checkpoint")); err != nil || res.Entry.Seq != added[0].Entry {
		t.Errorf("the proof against the export's own checkpoint and key: %+v %v", res, err)
	}

	signed := signs
	refused := []struct {
		name  string
		actor *attest.User
		out   string
		code  string
		says  string
	}{
		{"into a folder with files", nil, out, attest.EINVALID, "is not empty"},
		{"under a folder that does not exist", nil, filepath.Join(out, "no", "such"), attest.EINVALID, "does not exist"},
		{"by a control owner", w.users[attest.RoleOwner], filepath.Join(t.TempDir(), "x"), attest.EFORBIDDEN, "working papers"},
		{"by the auditor", w.users[attest.RoleAuditor], filepath.Join(t.TempDir(), "x"), attest.EFORBIDDEN, "may not export"},
	}
	for _, c := range refused {
		if _, err := evidence.Export(ctx, w.s, w.bs, c.actor, c.out, "", sign); attest.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
			t.Errorf("export %s: %v, want %s saying %q", c.name, err, c.code, c.says)
		}
	}
	if signs != signed {
		t.Errorf("refused exports signed %d checkpoints", signs-signed)
	}

	// Bytes changed behind BX-01's record: the export fails and leaves
	// no copy of them.
	path := filepath.Join(w.dir, "blobs", "sha256", strings.TrimPrefix(added[1].Ref, "sha256:")[:2], strings.TrimPrefix(added[1].Ref, "sha256:"))
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatalf("the blob's file: %v", err)
	}
	if err := os.WriteFile(path, []byte("forged"), 0o644); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered")
	_, err = evidence.Export(ctx, w.s, w.bs, nil, tampered, "BX-01", sign)
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "no longer match") {
		t.Errorf("tampered bytes: %v", err)
	}
	if entries, _ := os.ReadDir(tampered); len(entries) != 1 || entries[0].Name() != "proofs" {
		t.Errorf("after a tampered export the folder holds %v, want only proofs/", entries)
	}
}
