package fileerr_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/attest-dev/attest/internal/fileerr"
)

func TestReason(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "gone")
	_, err := os.Stat(gone)
	if got := fileerr.Reason(err); got.Error() != "no such file or directory" || !errors.Is(got, fs.ErrNotExist) {
		t.Errorf("stat: %v", got)
	}
	if got := fileerr.Reason(fmt.Errorf("reading: %w", err)); got.Error() != "no such file or directory" {
		t.Errorf("wrapped: %v", got)
	}
	err = os.Rename(gone, gone+".new")
	if got := fileerr.Reason(err); got.Error() != "no such file or directory" {
		t.Errorf("rename: %v", got)
	}
	other := errors.New("not a file's")
	if fileerr.Reason(other) != other {
		t.Error("another error was changed")
	}
}
