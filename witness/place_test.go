package witness_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/witness"
)

// TestEnlist: a witness is added once it holds the current checkpoint,
// and the list is written; a list or a file witness inside the data
// directory is refused, even through a link, and nothing is written.
func TestEnlist(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	data, elsewhere := filepath.Join(root, "data"), filepath.Join(root, "elsewhere")
	for _, d := range []string{data, elsewhere} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(elsewhere, "into-data")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	s := newSigner(t, "attest-0000aaaa")
	list := filepath.Join(elsewhere, "witnesses.yaml")
	for _, c := range []struct{ list, loc, want string }{
		{filepath.Join(data, "w.yaml"), "file:" + filepath.Join(elsewhere, "w"), "the witness list"},
		{list, "file:" + filepath.Join(data, "w"), "the witness file:"},
		{list, "file:" + filepath.Join(link, "w"), "the witness file:"},
		{"", "file:" + filepath.Join(elsewhere, "w"), "no place for the witness list"},
	} {
		_, _, err := witness.Enlist(ctx, &witness.Config{}, c.list, data, s.pub, c.loc, signs(s.sign(3)), witness.Options{})
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s, %s: %v", c.list, c.loc, err)
		}
	}
	if _, err := os.Stat(list); !os.IsNotExist(err) {
		t.Fatalf("a refused witness wrote the list: %v", err)
	}
	// The list refuses a second ledger key for the data directory before
	// anything is signed.
	other := newSigner(t, "attest-0000bbbb")
	held := &witness.Config{}
	if _, err := held.Add(data, s.pub, "file:"+filepath.Join(elsewhere, "x")); err != nil {
		t.Fatal(err)
	}
	asked := false
	if _, _, err := witness.Enlist(ctx, held, list, data, other.pub, "file:"+filepath.Join(elsewhere, "y"), func(context.Context) ([]byte, error) { asked = true; return other.sign(1), nil }, witness.Options{}); err == nil || asked {
		t.Errorf("another key: %v, signed %v", err, asked)
	}
	loc := "file:" + filepath.Join(elsewhere, "w")
	c := &witness.Config{}
	added, w, err := witness.Enlist(ctx, c, list, data, s.pub, loc, signs(s.sign(3)), witness.Options{})
	if err != nil || !added || w == nil {
		t.Fatalf("enlist: %v, %v", added, err)
	}
	if got, err := w.Checkpoints(ctx); err != nil || len(got) != 1 {
		t.Errorf("the witness holds %d checkpoints, %v", len(got), err)
	}
	b, err := os.ReadFile(list)
	if err != nil || !strings.Contains(string(b), filepath.Join(elsewhere, "w")) {
		t.Errorf("the list: %s, %v", b, err)
	}
	if added, _, err := witness.Enlist(ctx, c, list, data, s.pub, loc, signs(s.sign(4)), witness.Options{}); err != nil || added {
		t.Errorf("again: added %v, %v", added, err)
	}
}

// signs answers a checkpoint signed already.
func signs(b []byte) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) { return b, nil }
}
