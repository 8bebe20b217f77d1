package fieldwork

import (
	"crypto/ed25519"
	"fmt"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// KeyFile signs the auditor's statements with the key file on the
// auditor's machine, and keeps the auditor's own record of what it signed
// (the journal, beside the key): before signing, it checks that the
// organization's chain continues that record (Continues), so a statement
// withheld or slipped in by the organization is refused at the next act.
type KeyFile struct {
	priv    ed25519.PrivateKey
	fp      string
	journal string
}

// OpenKeyFile reads the auditor's private key file at path; its journal
// is beside it (JournalPath).
func OpenKeyFile(path string) (*KeyFile, error) {
	priv, err := auditsig.ReadKey(path)
	if err != nil {
		return nil, err
	}
	return &KeyFile{priv: priv, fp: auditsig.Fingerprint(priv.Public().(ed25519.PublicKey)), journal: JournalPath(path)}, nil
}

// Fingerprint is the key's fingerprint.
func (k *KeyFile) Fingerprint() string { return k.fp }

// Public is the key's public half.
func (k *KeyFile) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// Journal reads the key's journal.
func (k *KeyFile) Journal() ([]JournalEntry, error) { return ReadJournal(k.journal) }

// Sign signs a statement offered for this key, only when it continues
// the journal.
func (k *KeyFile) Sign(text string) (string, error) {
	b, err := auditsig.Decode(text)
	if err != nil {
		return "", err
	}
	if b.Key != k.fp {
		return "", fmt.Errorf("the statement offered is for key %s, not yours (%s)", b.Key, k.fp)
	}
	js, err := k.Journal()
	if err != nil {
		return "", err
	}
	if err := Continues(js, b, k.journal); err != nil {
		return "", err
	}
	return auditsig.Sign(k.priv, text), nil
}

// Keep appends a signed statement the organization accepted to the
// journal, synced.
func (k *KeyFile) Keep(st *attest.Statement) error { return AppendJournal(k.journal, st) }

// Keeper is a Signer that keeps each statement the organization accepted
// in the auditor's own record (a KeyFile, a test's key).
type Keeper interface {
	Signer
	Keep(*attest.Statement) error
}

// SignedKept runs an auditor act with k, as Signed does, and keeps the
// statement it recorded.
func SignedKept[T any](k Keeper, act func(Seal) (T, error)) (T, error) {
	r, st, err := Signed(k, act)
	if err == nil && st != nil {
		err = k.Keep(st)
	}
	return r, err
}
