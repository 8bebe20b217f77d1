package fieldwork_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
)

// keyFile writes a new key file in a temporary folder and opens it.
func keyFile(t *testing.T) (*fieldwork.KeyFile, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ana.key")
	if _, _, err := auditsig.WriteKeyFiles(path, "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	k, err := fieldwork.OpenKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return k, path
}

// offered is the statement a server would offer the key to sign: seq
// after prev on engagement e1.
func offered(t *testing.T, key string, seq int64, prev string) string {
	t.Helper()
	text, err := auditsig.Encode(auditsig.Body{V: auditsig.Version, Engagement: "e1", Key: key, Seq: seq, Prev: prev, Kind: auditsig.KindDraw, At: "2026-12-07T09:00:00Z", Auditor: 7, Act: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestKeyFileKeepsItsJournal: the key file signs a statement that
// continues its journal, keeps what was accepted beside the key (0600,
// one JSON line each), and refuses a statement for another key or one
// that does not follow its own record.
func TestKeyFileKeepsItsJournal(t *testing.T) {
	k, path := keyFile(t)
	first := offered(t, k.Fingerprint(), 1, "")
	sig, err := k.Sign(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := auditsig.Check(k.Public(), first, sig); err != nil {
		t.Fatalf("the signature: %v", err)
	}
	if err := k.Keep(&attest.Statement{Body: first, Signature: sig}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(fieldwork.JournalPath(path))
	if err != nil || st.Mode().Perm() != 0o600 || fieldwork.JournalPath(path) != path+".journal" {
		t.Fatalf("journal %v %v", st, err)
	}
	js, err := k.Journal()
	if err != nil || len(js) != 1 || js[0].Statement != first || js[0].Signature != sig {
		t.Fatalf("journal %+v %v", js, err)
	}
	// A replay of the first statement, or a second that skips the one
	// kept, is not the auditor's chain.
	if _, err := k.Sign(first); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), path+".journal") {
		t.Errorf("a replayed statement: %v", err)
	}
	if _, err := k.Sign(offered(t, k.Fingerprint(), 2, "not the first's hash")); attest.ErrorCode(err) != attest.ECONFLICT {
		t.Errorf("a statement after another chain: %v", err)
	}
	if _, err := k.Sign(offered(t, "SHA256:someone-else", 2, auditsig.Hash(first))); err == nil || !strings.Contains(err.Error(), "not yours") {
		t.Errorf("a statement for another key: %v", err)
	}
	if _, err := k.Sign(offered(t, k.Fingerprint(), 2, auditsig.Hash(first))); err != nil {
		t.Errorf("the next statement: %v", err)
	}
}

// TestReadJournal: a journal not yet made is empty, blank lines are
// skipped and a bad line is named by file and line.
func TestReadJournal(t *testing.T) {
	dir := t.TempDir()
	if js, err := fieldwork.ReadJournal(filepath.Join(dir, "none.journal")); err != nil || len(js) != 0 {
		t.Errorf("no journal yet: %v %v", js, err)
	}
	path := filepath.Join(dir, "k.journal")
	os.WriteFile(path, []byte(`{"statement":"a","signature":"s"}`+"\n\n"+`{"statement":"b","signature":"t"}`+"\n"), 0o600)
	if js, err := fieldwork.ReadJournal(path); err != nil || len(js) != 2 || js[1].Statement != "b" {
		t.Errorf("journal %+v %v", js, err)
	}
	os.WriteFile(path, []byte(`{"statement":"a","signature":"s"}`+"\n\n"+`not JSON`+"\n"), 0o600)
	if _, err := fieldwork.ReadJournal(path); err == nil || !strings.HasPrefix(err.Error(), path+":3: ") {
		t.Errorf("a bad third line: %v", err)
	}
}

// TestSignedKept: an act recorded with its signature is kept in the
// journal; an act refused keeps nothing.
func TestSignedKept(t *testing.T) {
	k, _ := keyFile(t)
	act := func(refuse bool) func(sl fieldwork.Seal) (string, error) {
		return func(sl fieldwork.Seal) (string, error) {
			if sl.Statement == "" {
				return "", &fieldwork.ToSign{Key: sl.Key, Statement: offered(t, sl.Key, 1, "")}
			}
			if refuse {
				return "", errors.New("refused")
			}
			return "recorded", nil
		}
	}
	if _, err := fieldwork.SignedKept(k, act(true)); err == nil {
		t.Fatal("a refused act succeeded")
	}
	if js, _ := k.Journal(); len(js) != 0 {
		t.Errorf("a refused act was kept: %+v", js)
	}
	r, err := fieldwork.SignedKept(k, act(false))
	if js, _ := k.Journal(); err != nil || r != "recorded" || len(js) != 1 {
		t.Errorf("recorded %q %v, journal %+v", r, err, js)
	}
}
