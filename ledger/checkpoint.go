package ledger

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head: the log's origin, its size and root hash.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the checkpoint body that gets signed: three lines, origin, size
// and base64 root hash (the C2SP checkpoint layout).
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, c.Root)
}

// originPattern is compiled on first use, not at start: its bounded
// repetition makes a large program that every command would otherwise build.
var originPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$`) })

// ParseCheckpoint parses a checkpoint body (not its signatures).
func ParseCheckpoint(text string) (Checkpoint, error) {
	bad := func(format string, args ...any) (Checkpoint, error) {
		return Checkpoint{}, attest.Errorf(attest.EINVALID, "checkpoint: "+format, args...)
	}
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return bad("want three lines (origin, size, root hash) ending in a newline")
	}
	if len(lines) != 4 {
		return bad("unexpected extra lines")
	}
	if !originPattern().MatchString(lines[0]) {
		return bad("origin %q is not valid", lines[0])
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || lines[1] != strconv.FormatInt(size, 10) {
		return bad("size %q is not a non-negative integer", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil || root.String() != lines[2] {
		// Only the canonical encoding: base64 lets the last character's
		// unused bits vary, and one checkpoint must have one text.
		return bad("root hash %q is not the base64 of 32 bytes", lines[2])
	}
	return Checkpoint{Origin: lines[0], Size: size, Root: root}, nil
}

// GenerateKey makes a signing key pair named name. The private key string
// must be kept secret (mode 0600); the public key is what auditors use.
func GenerateKey(name string) (private, public string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// Sign signs a checkpoint with a private key from GenerateKey; the origin
// is the key's name. It returns the signed note text.
func Sign(size int64, root tlog.Hash, privateKey string) ([]byte, error) {
	signer, err := note.NewSigner(strings.TrimSpace(privateKey))
	if err != nil {
		return nil, fmt.Errorf("ledger signing key: %w", err)
	}
	return SignWith(signer, size, root)
}

// SignWith signs a checkpoint with a signer made from the ledger's key
// (note.NewSigner); the origin is the signer's name.
func SignWith(signer note.Signer, size int64, root tlog.Hash) ([]byte, error) {
	c := Checkpoint{Origin: signer.Name(), Size: size, Root: root}
	return note.Sign(&note.Note{Text: c.Text()}, signer)
}

// Open checks a signed checkpoint against a public key and parses it.
func Open(signed []byte, publicKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(publicKey))
	if err != nil {
		return Checkpoint{}, attest.Errorf(attest.EINVALID, "public key: %v", err)
	}
	if len(signed) > 1<<16 {
		return Checkpoint{}, attest.Errorf(attest.EINVALID, "checkpoint: %d bytes is too large", len(signed))
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, attest.Errorf(attest.EINVALID, "checkpoint signature: %v", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, attest.Errorf(attest.EINVALID, "checkpoint origin %q does not match the key's name %q", c.Origin, v.Name())
	}
	return c, nil
}

// OpenOrParse is Open when a public key is given, else only the parse of
// the signed note's body: what a server given no key can read of the
// checkpoints it keeps (it cannot check them, and says so elsewhere).
func OpenOrParse(signed []byte, publicKey string) (Checkpoint, error) {
	if publicKey != "" {
		return Open(signed, publicKey)
	}
	body := string(signed)
	if i := strings.Index(body, "\n\n"); i >= 0 {
		body = body[:i+1]
	}
	return ParseCheckpoint(body)
}

// Equal reports whether two signed notes carry the same checkpoint body.
func Equal(a, b []byte) bool {
	ia, ib := bytes.Index(a, []byte("\n\n")), bytes.Index(b, []byte("\n\n"))
	return ia > 0 && ib > 0 && bytes.Equal(a[:ia], b[:ib])
}
