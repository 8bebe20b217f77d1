package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/note"
)

// PublicKey returns the verifier key of a private key from GenerateKey, so a
// signing key kept outside the data directory needs no public half beside
// it. The private key's layout is note's: PRIVATE+KEY+<name>+<hash>+<data>,
// where data is base64 of the algorithm byte and the ed25519 seed.
func PublicKey(privateKey string) (string, error) {
	privateKey = strings.TrimSpace(privateKey)
	signer, err := note.NewSigner(privateKey)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "ledger signing key: %v", err)
	}
	// The key data is the fifth field; base64 may itself hold a "+".
	data, err := base64.StdEncoding.DecodeString(strings.SplitN(privateKey, "+", 5)[4])
	const algEd25519 = 1
	if err != nil || len(data) != 1+ed25519.SeedSize || data[0] != algEd25519 {
		return "", attest.Errorf(attest.EINVALID, "ledger signing key: not an ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(data[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return "", attest.Errorf(attest.EINVALID, "ledger signing key: %v", err)
	}
	// NewSigner checked the key hash against the public key it derived;
	// the verifier made here must name the same one.
	v, err := note.NewVerifier(vkey)
	if err != nil || v.KeyHash() != signer.KeyHash() {
		return "", attest.Errorf(attest.EINVALID, "ledger signing key: its public half does not match its hash")
	}
	return vkey, nil
}
