package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/internal/atomicfile"
)

// keySigner signs the auditor's statements with the key file on the
// auditor's machine, and keeps the auditor's own record of what it signed
// (the journal, beside the key): before signing, it checks that the
// organization's chain continues that record, so a statement withheld or
// slipped in by the organization is refused at the next act.
type keySigner struct {
	priv    ed25519.PrivateKey
	fp      string
	journal string
}

func (k *keySigner) Fingerprint() string { return k.fp }

// JournalEntry is one line of the auditor's journal.
type JournalEntry = fieldwork.JournalEntry

func journalPath(keyFile string) string { return keyFile + ".journal" }

// readJournal reads the auditor's journal (none yet is empty).
func readJournal(path string) ([]JournalEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []JournalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var j JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

func (k *keySigner) Sign(text string) (string, error) {
	b, err := auditsig.Decode(text)
	if err != nil {
		return "", err
	}
	if b.Key != k.fp {
		return "", fmt.Errorf("the statement offered is for key %s, not yours (%s)", b.Key, k.fp)
	}
	js, err := readJournal(k.journal)
	if err != nil {
		return "", err
	}
	if err := fieldwork.Continues(js, b, k.journal); err != nil {
		return "", err
	}
	return auditsig.Sign(k.priv, text), nil
}

// Keep appends a signed statement the organization accepted to the
// journal, synced.
func (k *keySigner) Keep(st *attest.Statement) error {
	line, _ := json.Marshal(JournalEntry{Statement: st.Body, Signature: st.Signature})
	f, err := os.OpenFile(k.journal, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// auditorKeyFile is --auditor-key, or ATTEST_AUDITOR_KEY.
func (m *Main) auditorKeyFile() string {
	if m.cfg.auditorKey != "" {
		return m.cfg.auditorKey
	}
	return m.Getenv("ATTEST_AUDITOR_KEY")
}

func loadSigner(path string) (*keySigner, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: "auditor key: " + err.Error()}
	}
	priv, err := auditsig.ParsePrivate(b)
	if err != nil {
		return nil, &attest.Error{Code: attest.EINVALID, Message: path + ": " + err.Error()}
	}
	return &keySigner{priv: priv, fp: auditsig.Fingerprint(priv.Public().(ed25519.PublicKey)), journal: journalPath(path)}, nil
}

// auditorAct is the environment, the acting auditor and the signer of an
// auditor act on a data directory: the account is the one the key is
// enrolled for on the engagement, never a name given with --as.
func (m *Main) auditorAct(ctx context.Context, d *data, e *attest.Engagement) (fieldwork.Env, *attest.User, *keySigner, attest.Change, error) {
	path := m.auditorKeyFile()
	if path == "" {
		return fieldwork.Env{}, nil, nil, attest.Change{}, &attest.Error{Code: attest.EFORBIDDEN, Message: "an auditor act must be " + fieldwork.SignedByKey + ": give --auditor-key FILE (or ATTEST_AUDITOR_KEY)",
			Hint: "the auditor makes a key with attest auditor keygen --out FILE on their own machine and enrolls it with attest engagement auditor enroll"}
	}
	if m.cfg.as != "" {
		return fieldwork.Env{}, nil, nil, attest.Change{}, attest.Errorf(attest.EINVALID, "--as is not taken for the auditor's acts: the enrolled key says who acts")
	}
	env, err := m.fieldworkEnv(ctx, d)
	if err != nil {
		return env, nil, nil, attest.Change{}, err
	}
	sg, err := loadSigner(path)
	if err != nil {
		return env, nil, nil, attest.Change{}, err
	}
	u, err := fieldwork.KeyHolder(ctx, d.db, e, sg.fp)
	if err != nil {
		return env, nil, nil, attest.Change{}, err
	}
	return env, u, sg, attest.ChangeBy(u, m.Now()), nil
}

// signed runs an auditor act with the key and keeps what was signed.
func signed[T any](sg *keySigner, act func(fieldwork.Seal) (T, error)) (T, error) {
	r, st, err := fieldwork.Signed(sg, act)
	if err == nil && st != nil {
		err = sg.Keep(st)
	}
	return r, err
}

// writeKeyFiles writes a new key pair: the private key (0600, never
// overwritten) and the public key beside it (FILE.pub).
func writeKeyFiles(path, name string) (string, string, error) {
	pub, priv, err := auditsig.NewKey()
	if err != nil {
		return "", "", err
	}
	return writeKey(path, name, pub, priv)
}

// writeKey writes a given key pair as writeKeyFiles does.
func writeKey(path, name string, pub ed25519.PublicKey, priv ed25519.PrivateKey) (string, string, error) {
	if _, err := os.Stat(path); err == nil {
		return "", "", attest.Errorf(attest.ECONFLICT, "%s exists: a key is never overwritten (losing it means enrolling a new one)", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", "", attest.Errorf(attest.EINVALID, "the folder %s does not exist", dir)
		}
	}
	pem, err := auditsig.EncodePrivate(priv)
	if err != nil {
		return "", "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", err
	}
	if _, err := f.Write(pem); err != nil {
		f.Close()
		os.Remove(path)
		return "", "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return "", "", err
	}
	f.Close()
	if err := atomicfile.Write(path+".pub", []byte(auditsig.EncodePublic(pub, name))); err != nil {
		return "", "", err
	}
	return auditsig.Fingerprint(pub), path + ".pub", nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// auditorCall is what a signed auditor act runs with: the fieldwork
// environment, the acting auditor's account and the change recorded.
type auditorCall struct {
	env   fieldwork.Env
	actor *attest.User
	ch    attest.Change
}

// signedAct is the body every auditor act on a data directory shares: the
// auditor found by their key (auditorAct), the act signed with it and kept
// in their journal (signed), then a checkpoint over the ledger.
func signedAct[T any](ctx context.Context, m *Main, d *data, e *attest.Engagement, act func(c auditorCall, sl fieldwork.Seal) (T, error)) (T, error) {
	var zero T
	env, actor, sg, ch, err := m.auditorAct(ctx, d, e)
	if err != nil {
		return zero, err
	}
	r, err := signed(sg, func(sl fieldwork.Seal) (T, error) { return act(auditorCall{env, actor, ch}, sl) })
	if err != nil {
		return zero, err
	}
	if _, err := d.checkpoint(ctx); err != nil {
		return zero, err
	}
	return r, nil
}
