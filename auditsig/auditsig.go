// Package auditsig holds the service auditor's signatures: ed25519 key
// files the auditor keeps on their own machine, key fingerprints, the
// canonical text of a signed statement (RFC 8785 JSON), and the checks
// anyone can run on a chain of statements without trusting the server
// that stored them. It does no I/O beyond the key files (keyfile.go); the
// auditor's journal is fieldwork's.
package auditsig

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/gowebpki/jcs"
)

// Version is the statement format's version.
const Version = 1

// Statement kinds: one per auditor act.
const (
	KindConfirm    = "key.confirm"        // the key's holder confirms it: the chain's first
	KindDraw       = "sample.draw"        // a seed and a draw over a population
	KindExtend     = "sample.extend"      // an extension after a deviation
	KindTest       = "test.record"        // a test and its result
	KindEvaluate   = "deviation.evaluate" // a deviation's evaluation
	KindRequest    = "request.create"     // an evidence request
	KindClose      = "request.close"      // closing a request
	KindPopulation = "population.tested"  // how a population's completeness and accuracy were tested
	KindReview     = "test.review"        // a reviewer's sign-off on a test
)

// Kinds lists every statement kind.
var Kinds = []string{KindConfirm, KindDraw, KindExtend, KindTest, KindEvaluate, KindRequest, KindClose, KindPopulation, KindReview}

// Body is a statement before signing. Act is the act's own content, in
// the kind's format.
type Body struct {
	V          int             `json:"v"`
	Engagement string          `json:"engagement"`
	Key        string          `json:"key"`
	Seq        int64           `json:"seq"`
	Prev       string          `json:"prev"`
	Kind       string          `json:"kind"`
	At         string          `json:"at"`
	Auditor    int64           `json:"auditor"` // the auditor's account
	Act        json.RawMessage `json:"act"`
}

// Encode returns the body's canonical text, the bytes a signature covers.
func Encode(b Body) (string, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return "", err
	}
	c, err := jcs.Transform(raw)
	if err != nil {
		return "", err
	}
	return string(c), nil
}

// Decode reads a statement's text; it must be exactly canonical, so one
// statement has one text and one hash.
func Decode(text string) (Body, error) {
	var b Body
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, fmt.Errorf("statement: %v", err)
	}
	c, err := jcs.Transform([]byte(text))
	if err != nil || string(c) != text {
		return b, errors.New("statement: not in canonical form (RFC 8785)")
	}
	// encoding/json matches field names without regard to case and lets
	// fields be left out: only the exact text of a whole body is one.
	if again, err := Encode(b); err != nil || again != text {
		return b, errors.New("statement: its fields are not exactly v, engagement, key, seq, prev, kind, at, auditor and act")
	}
	if b.V != Version {
		return b, fmt.Errorf("statement: version %d, want %d", b.V, Version)
	}
	if b.Seq < 1 || b.Engagement == "" || b.Key == "" || b.Kind == "" || len(b.Act) == 0 {
		return b, errors.New("statement: engagement, key, seq (from 1), kind and act are required")
	}
	if (b.Seq == 1) != (b.Prev == "") {
		return b, errors.New("statement: only the first of a chain has no previous hash")
	}
	return b, nil
}

// Hash is the hex SHA-256 of a statement's text.
func Hash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// Fingerprint names a public key: SHA256: and the unpadded base64 of
// the key's SHA-256, as OpenSSH prints them, so a firm can compare it by
// eye or by copy with its own record.
func Fingerprint(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(h[:])
}

// Sign signs a statement's text.
func Sign(priv ed25519.PrivateKey, text string) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(text)))
}

// Check reports whether sig is pub's signature of text.
func Check(pub ed25519.PublicKey, text, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return errors.New("the signature is not a base64 ed25519 signature")
	}
	if !ed25519.Verify(pub, []byte(text), raw) {
		return errors.New("the signature does not match the statement under this key")
	}
	return nil
}

// PublicKeyPrefix starts a public key file's line.
const PublicKeyPrefix = "attest-auditor-ed25519"

// NewKey makes a key pair.
func NewKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// EncodePrivate is a private key file's text: PKCS #8 in PEM.
func EncodePrivate(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivate reads a private key file written by EncodePrivate (or any
// PKCS #8 ed25519 key in PEM, as openssl genpkey -algorithm ed25519 makes).
func ParsePrivate(b []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM private key (want -----BEGIN PRIVATE KEY-----, as attest auditor keygen writes)")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: %v", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("the private key is not an ed25519 key")
	}
	return priv, nil
}

// EncodePublic is a public key file's line: the prefix, the key in
// base64, and a comment (the auditor's name).
func EncodePublic(pub ed25519.PublicKey, comment string) string {
	line := PublicKeyPrefix + " " + base64.StdEncoding.EncodeToString(pub)
	if c := strings.Join(strings.Fields(comment), " "); c != "" {
		line += " " + c
	}
	return line + "\n"
}

// ParsePublic reads a public key: a line EncodePublic wrote, or the bare
// base64 of the 32 key bytes (as a browser exports it).
func ParsePublic(text string) (ed25519.PublicKey, error) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return nil, errors.New("the public key is empty")
	}
	b64 := f[0]
	if f[0] == PublicKeyPrefix {
		if len(f) < 2 {
			return nil, errors.New("the public key line has no key after " + PublicKeyPrefix)
		}
		b64 = f[1]
	} else if len(f) > 1 {
		return nil, fmt.Errorf("a public key line starts with %s (found %.20q)", PublicKeyPrefix, f[0])
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		if raw, err = base64.RawURLEncoding.DecodeString(b64); err != nil {
			return nil, errors.New("the public key is not base64")
		}
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("the public key has %d bytes, an ed25519 key has %d", len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(bytes.Clone(raw)), nil
}

// KeySigner signs with a private key held in memory (tests, and tools
// that keep no journal).
type KeySigner struct{ Priv ed25519.PrivateKey }

// Fingerprint is the key's fingerprint.
func (k KeySigner) Fingerprint() string { return Fingerprint(k.Priv.Public().(ed25519.PublicKey)) }

// Sign signs a statement's text.
func (k KeySigner) Sign(text string) (string, error) { return Sign(k.Priv, text), nil }
