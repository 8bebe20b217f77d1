package witness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/atomicfile"
	"github.com/attest-dev/attest/internal/fileerr"
)

// Outside refuses a witness list kept at listPath, or a file witness at
// location, inside the data directory: a restored copy of the directory
// would bring back their old contents and roll them back with it.
func Outside(listPath, location, dataDir string) error {
	if listPath == "" {
		return &attest.Error{Code: attest.EINVALID, Message: "no place for the witness list",
			Hint: "pass --witnesses FILE or set ATTEST_WITNESSES to a file outside the data directory"}
	}
	if within(listPath, dataDir) {
		return attest.Errorf(attest.EINVALID, "the witness list %s is inside the data directory %s: a restored copy of the directory would roll it back; keep it elsewhere", listPath, dataDir)
	}
	if kind, _ := Kind(location); kind == KindFile && within(strings.TrimPrefix(location, "file:"), dataDir) {
		return attest.Errorf(attest.EINVALID, "the witness %s is inside the data directory %s: it must be somewhere a restored copy of the directory cannot replace (best another volume)", location, dataDir)
	}
	return nil
}

// within reports whether path is dir or inside it, resolving the links of
// whatever part of path exists.
func within(path, dir string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rest := ""
	for p := abs; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			abs = filepath.Join(real, rest)
			break
		}
		if filepath.Dir(p) == p {
			break
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
	rel, err := filepath.Rel(dir, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Enlist adds the witness at location to the list of dataDir's witnesses
// (its ledger verified by publicKey), kept at listPath outside the data
// directory: once the list takes it, sign is asked for the current
// checkpoint, which the witness must take or it is not added; then the
// list is written whole. A refusal before that signs nothing. It answers whether
// the witness is new and the witness as opened.
func Enlist(ctx context.Context, c *Config, listPath, dataDir, publicKey, location string, sign func(context.Context) ([]byte, error), opt Options) (bool, Witness, error) {
	if err := Outside(listPath, location, dataDir); err != nil {
		return false, nil, err
	}
	added, err := c.Add(dataDir, publicKey, location)
	if err != nil {
		return false, nil, err
	}
	w, err := Open(ctx, location, opt)
	if err != nil {
		return false, nil, err
	}
	signed, err := sign(ctx)
	if err != nil {
		return false, nil, err
	}
	if err := w.Send(ctx, signed); err != nil {
		return false, nil, fmt.Errorf("the witness did not take the current checkpoint, so it was not added: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(listPath), 0o700); err != nil {
		return false, nil, attest.Errorf(attest.EINVALID, "the witness list: %v", fileerr.Reason(err))
	}
	return added, w, atomicfile.Write(listPath, c.Marshal())
}
