package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
)

func refOf(b []byte) Ref {
	sum := sha256.Sum256(b)
	return Ref("sha256:" + hex.EncodeToString(sum[:]))
}

func TestVerifiedGivesMatchingBytesWhole(t *testing.T) {
	for _, n := range []int{0, 1, verifyChunk - 1, verifyChunk, verifyChunk + 1, 3*verifyChunk + 17} {
		b := bytes.Repeat([]byte("evidence "), n/9+1)[:n]
		got, err := io.ReadAll(Verified(bytes.NewReader(b), refOf(b), int64(n)))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%d bytes: got %d, %v", n, len(got), err)
		}
	}
}

// A changed blob is never given out whole: the last chunk is held back and
// the reader ends with ErrMismatch.
func TestVerifiedWithholdsTheEndOfAChangedBlob(t *testing.T) {
	for _, n := range []int{10, verifyChunk, 3*verifyChunk + 17} {
		orig := bytes.Repeat([]byte("a"), n)
		forged := append([]byte(nil), orig...)
		forged[n-1] = 'b'
		got, err := io.ReadAll(Verified(bytes.NewReader(forged), refOf(orig), int64(n)))
		if !errors.Is(err, ErrMismatch) {
			t.Errorf("%d bytes forged: error %v", n, err)
		}
		if len(got) >= n {
			t.Errorf("%d bytes forged: %d bytes given out, want fewer", n, len(got))
		}
		// A blob cut short, or grown, is a mismatch too.
		if _, err := io.ReadAll(Verified(bytes.NewReader(orig[:n-1]), refOf(orig), int64(n))); !errors.Is(err, ErrMismatch) {
			t.Errorf("%d bytes cut short: %v", n, err)
		}
	}
}
