package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/attest-dev/attest"
)

// verifyChunk is how much a Verified reader reads ahead: the last chunk of
// a blob is held back until the whole blob is known to match its
// reference.
const verifyChunk = 64 << 10

// ErrMismatch is what a Verified reader returns when the bytes stored do
// not match their reference (or their recorded size).
var ErrMismatch = &attest.Error{Code: attest.EINTERNAL, Message: "the stored bytes do not match their reference"}

// Verified reads r, the bytes stored under ref (size bytes, as recorded),
// hashing as it goes. It gives out every chunk but the last as it reads;
// the last only once the whole content matched ref and size, so that a
// reader of a changed blob never receives it whole: at the end it gets an
// error wrapping ErrMismatch instead.
func Verified(r io.Reader, ref Ref, size int64) io.Reader {
	return &verifier{r: r, want: ref, size: size, h: sha256.New(), buf: make([]byte, verifyChunk)}
}

type verifier struct {
	r    io.Reader
	want Ref
	size int64
	h    hash.Hash
	n    int64
	buf  []byte
	held []byte // read and hashed, not yet given out
	out  []byte // may be given out
	done bool
	err  error
}

func (v *verifier) Read(p []byte) (int, error) {
	for {
		if len(v.out) > 0 {
			n := copy(p, v.out)
			v.out = v.out[n:]
			return n, nil
		}
		if v.err != nil {
			return 0, v.err
		}
		if v.done {
			return 0, io.EOF
		}
		n, err := io.ReadFull(v.r, v.buf)
		if n > 0 {
			v.h.Write(v.buf[:n])
			v.n += int64(n)
			v.out, v.held = v.held, append([]byte(nil), v.buf[:n]...)
		}
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			got := Ref("sha256:" + hex.EncodeToString(v.h.Sum(nil)))
			if got != v.want || v.n != v.size {
				v.out, v.held = nil, nil
				v.err = fmt.Errorf("%s: %w: read %d bytes hashing to %s, recorded %d bytes", v.want, ErrMismatch, v.n, got, v.size)
				continue
			}
			v.out, v.held, v.done = append(v.out, v.held...), nil, true
		default:
			v.out, v.held, v.err = nil, nil, err
		}
	}
}
