package witness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest/witness"
)

// BenchmarkFileSend is the cost a file witness adds to each write, by the
// number of checkpoints the file already holds: reading the end of the
// file, appending, syncing. It should not grow with the history.
func BenchmarkFileSend(b *testing.B) {
	s := newSigner(b, "attest-0000aaaa")
	for _, held := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprint(held), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "w")
			notes := make([][]byte, held)
			for i := range notes {
				notes[i] = s.sign(int64(i))
			}
			if err := os.WriteFile(path, witness.Format(notes), 0o644); err != nil {
				b.Fatal(err)
			}
			w := witness.NewFile(path)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := w.Send(context.Background(), s.sign(int64(held+i))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
