package integrity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/witness"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Findings against witnesses, beside the problem kinds above. Truncated
// stays what the data directory's own checkpoints show; these need a copy
// kept outside it.
const (
	// RolledBack: a witness saw a larger tree of which the ledger is an
	// earlier state (the data directory was replaced by an older copy).
	RolledBack = "rolled_back"
	// Forked: a witness saw a tree that the ledger's history disagrees with.
	Forked = "forked"
	// WitnessInvalid: a witness holds checkpoints that the ledger's key
	// does not verify.
	WitnessInvalid = "witness_invalid"
	// KeyChanged: the ledger's key is not the one its witnesses were added
	// for.
	KeyChanged = "key_changed"
)

// Statuses of a witness in the report. Only rolled back, forked and
// invalid fail the verification; a witness that could not be read is a
// warning.
const (
	WitnessOK          = "ok"
	WitnessRolledBack  = "rolled_back"
	WitnessTruncated   = "truncated"
	WitnessForked      = "forked"
	WitnessBadKey      = "invalid"
	WitnessEmpty       = "empty"
	WitnessReceiveOnly = "receive_only"
	WitnessUnreachable = "unreachable"
)

// Witness is a place outside the data directory that keeps the ledger's
// signed checkpoints (package witness).
type Witness interface {
	Name() string
	Checkpoints(ctx context.Context) ([][]byte, error)
}

// WitnessResult is what one witness says about the ledger. Size and Root
// are the largest tree it has seen; Matched is the largest of its trees
// that the ledger holds unchanged (the ledger's size when the ledger is a
// tree the witness saw).
type WitnessResult struct {
	Name        string `json:"name"`
	Status      string `json:"status"`
	Checkpoints int    `json:"checkpoints"`
	Size        int64  `json:"size"`
	Root        string `json:"root"`
	Matched     int64  `json:"matched"`
	Detail      string `json:"detail"`
}

// checkWitnesses reads every witness at once and compares what each holds
// with the rebuilt tree; internal is the largest tree signed inside the
// data directory.
func checkWitnesses(ctx context.Context, in Input, tree *ledger.Memory, internal int64, r *Report) {
	if in.WitnessedKey != "" && in.WitnessedKey != in.PublicKey {
		r.add(KeyChanged, -1, "", "the ledger's public key is %s, but its witnesses were added for %s: the data directory holds another ledger than the one they witnessed", in.PublicKey, in.WitnessedKey)
	}
	held := make([][][]byte, len(in.Witnesses))
	errs := make([]error, len(in.Witnesses))
	var wg sync.WaitGroup
	for i, w := range in.Witnesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			held[i], errs[i] = w.Checkpoints(ctx)
		}()
	}
	wg.Wait()
	for i, w := range in.Witnesses {
		res := WitnessResult{Name: w.Name()}
		switch {
		case errors.Is(errs[i], witness.ErrReceiveOnly):
			res.Status, res.Detail = WitnessReceiveOnly, "receives checkpoints but does not give them back"
		case attest.ErrorCode(errs[i]) == attest.EINVALID:
			res.Status, res.Detail = WitnessBadKey, attest.ErrorMessage(errs[i])
			r.add(WitnessInvalid, -1, res.Name, "witness %s cannot be read: %s", res.Name, res.Detail)
		case errs[i] != nil:
			res.Status, res.Detail = WitnessUnreachable, attest.ErrorMessage(errs[i])
		default:
			res = judge(tree, internal, in.PublicKey, res.Name, held[i], r)
		}
		r.Witnesses = append(r.Witnesses, res)
	}
}

// judge compares one witness's checkpoints with the tree. Every tree the
// witness saw that is no larger than the ledger must be a prefix of it
// (tlog's consistency proof, computed from the ledger's own hashes); a
// larger one cannot be checked without its entries, so the ledger holding
// the witness's tree of its own size is what shows it was rolled back.
func judge(tree *ledger.Memory, internal int64, pub, name string, notes [][]byte, r *Report) WitnessResult {
	res := WitnessResult{Name: name, Status: WitnessOK, Checkpoints: len(notes)}
	if len(notes) == 0 {
		res.Status, res.Detail = WitnessEmpty, "holds no checkpoint"
		return res
	}
	n := tree.Size()
	rootN, err := tree.Root(n)
	if err != nil {
		res.Status, res.Detail = WitnessUnreachable, err.Error()
		return res
	}
	h := sortOut(tree, n, rootN, pub, notes)
	res.Matched = h.matched.Size
	res.Size, res.Root = h.largest.Size, h.largest.Root.String()
	var fork *ledger.Checkpoint
	for i, cp := range h.others {
		if cp.Size <= n {
			fork = &h.others[i]
			break
		}
	}
	switch {
	case fork != nil:
		res.Status = WitnessForked
		res.Detail = fmt.Sprintf("saw a tree of %s with root %s, and the ledger's first %s have another root: the histories disagree", attest.Count(fork.Size, "entry", "entries"), fork.Root, attest.Count(fork.Size, "entry", "entries"))
		r.add(Forked, -1, name, "witness %s %s; entries before %d were changed, removed or reordered after it saw them, or the data directory went back to an older copy that was written to since", name, res.Detail, fork.Size)
	case res.Size > n && internal >= res.Size:
		res.Status = WitnessTruncated
		res.Detail = fmt.Sprintf("saw %s; the ledger has %d, and the data directory's own checkpoints show the same loss (truncated)", attest.Count(res.Size, "entry", "entries"), n)
	case res.Size > n:
		res.Status, res.Detail = WitnessRolledBack, rolledBack(res, n)
		r.add(RolledBack, n, name, "witness %s %s", name, res.Detail)
	default:
		res.Detail = fmt.Sprintf("the ledger holds unchanged the %s it saw last", attest.Count(res.Size, "entry", "entries"))
	}
	if h.invalid > 0 {
		if res.Status == WitnessOK {
			res.Status, res.Detail = WitnessBadKey, h.why
		}
		r.add(WitnessInvalid, -1, name, "witness %s holds %d checkpoints that the ledger's key does not verify (%s): the data directory's key was replaced, or someone else wrote to the witness", name, h.invalid, h.why)
	}
	return res
}

// held is a witness's checkpoints sorted out against the ledger.
type held struct {
	matched ledger.Checkpoint   // the largest tree that is a prefix of the ledger
	others  []ledger.Checkpoint // the rest, larger than the ledger or not prefixes of it, by size
	largest ledger.Checkpoint
	invalid int
	why     string
}

// sortOut sorts a witness's checkpoints out. A checkpoint whose text
// agrees with the ledger (its origin, a tree the ledger begins with)
// decides nothing, so of those only the largest has its signature checked;
// every other one must verify with the ledger's key before it counts, as a
// fork or a larger tree. A witness that agrees costs one signature check,
// not one per write.
func sortOut(tree *ledger.Memory, n int64, rootN tlog.Hash, pub string, notes [][]byte) held {
	var h held
	origin := ""
	if v, err := note.NewVerifier(pub); err == nil {
		origin = v.Name()
	}
	var agree [][]byte
	var agreeCp []ledger.Checkpoint
	bad := func(err error) {
		if h.invalid++; h.why == "" {
			h.why = attest.ErrorMessage(err)
		}
	}
	for _, b := range notes {
		cp, err := ledger.ParseCheckpoint(string(text(b)))
		if err == nil && cp.Origin == origin && cp.Size <= n && prefix(tree, n, rootN, cp) {
			agree, agreeCp = append(agree, b), append(agreeCp, cp)
			continue
		}
		if cp, err = ledger.Open(b, pub); err != nil {
			bad(err)
			continue
		}
		h.others = append(h.others, cp)
	}
	order := make([]int, len(agree))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return agreeCp[order[i]].Size > agreeCp[order[j]].Size })
	for _, i := range order {
		if _, err := ledger.Open(agree[i], pub); err != nil {
			bad(err)
			continue
		}
		h.matched, h.largest = agreeCp[i], agreeCp[i]
		break
	}
	sort.SliceStable(h.others, func(i, j int) bool { return h.others[i].Size < h.others[j].Size })
	if k := len(h.others); k > 0 && h.others[k-1].Size > h.largest.Size {
		h.largest = h.others[k-1]
	}
	return h
}

// text is a signed note without its signatures.
func text(signed []byte) []byte {
	if i := bytes.Index(signed, []byte("\n\n")); i >= 0 {
		return signed[:i+1]
	}
	return signed
}

func rolledBack(res WitnessResult, n int64) string {
	if res.Matched == n {
		return fmt.Sprintf("saw %s (root %s); the ledger has %d, exactly the tree of %s it saw earlier: the data directory was rolled back to an older copy, and the entries from %d to %d are gone", attest.Count(res.Size, "entry", "entries"), res.Root, n, attest.Count(n, "entry", "entries"), n, res.Size-1)
	}
	return fmt.Sprintf("saw %s (root %s); the ledger has %d, its first %s as the witness saw them (it holds no checkpoint of exactly %s, so entries %d to %d cannot be compared): the data directory was rolled back, and the entries from %d on are gone", attest.Count(res.Size, "entry", "entries"), res.Root, n, attest.Count(res.Matched, "entry", "entries"), attest.Count(n, "entry", "entries"), res.Matched, n-1, n)
}

// prefix reports whether the tree of cp is the first cp.Size entries of
// the ledger's tree of n entries, by tlog's consistency proof.
func prefix(tree *ledger.Memory, n int64, rootN tlog.Hash, cp ledger.Checkpoint) bool {
	if cp.Size == 0 {
		return cp.Root == tlog.Hash{}
	}
	proof, err := tlog.ProveTree(n, cp.Size, tree)
	if err != nil {
		return false
	}
	return tlog.CheckTree(proof, n, rootN, cp.Size, cp.Root) == nil
}
