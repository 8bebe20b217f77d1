package fieldwork_test

import (
	"encoding/hex"
	"testing"

	"github.com/attest-dev/attest/fieldwork"
)

// NewSeed: 128 random bits in hex, a new one each time.
func TestNewSeed(t *testing.T) {
	a, b := fieldwork.NewSeed(), fieldwork.NewSeed()
	if raw, err := hex.DecodeString(a); err != nil || len(raw) != 16 || a == b {
		t.Errorf("seeds %q, %q: %v", a, b, err)
	}
}
