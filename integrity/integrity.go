// Package integrity is `attest verify`: it re-hashes every blob, rebuilds
// the Merkle tree from the ledger's records, checks it against the stored
// hashes and every signed checkpoint, and replays the ledger to check that
// the database says what the ledger recorded. It reports each problem
// precisely: which entry, which blob, what differs.
package integrity

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// Problem kinds.
const (
	EntryMissing      = "entry_missing"
	EntryChanged      = "entry_changed"
	EntryMalformed    = "entry_malformed"
	EntryOutOfOrder   = "entry_out_of_order"
	HashMismatch      = "hash_mismatch"
	CheckpointInvalid = "checkpoint_invalid"
	Truncated         = "truncated"
	TreeMismatch      = "tree_mismatch"
	RecordMismatch    = "record_mismatch"
	Unrecorded        = "unrecorded"
	BlobMissing       = "blob_missing"
	BlobChanged       = "blob_changed"
)

// Problem is one thing found wrong. Entry is -1 when no entry applies.
type Problem struct {
	Kind   string `json:"kind"`
	Entry  int64  `json:"entry"`
	Ref    string `json:"ref"`
	Detail string `json:"detail"`
}

// Report is the outcome of a verification. Warnings name what wants
// attention without being wrong; they never make OK false.
type Report struct {
	OK       bool      `json:"ok"`
	Entries  int64     `json:"entries"`
	Blobs    int       `json:"blobs"`
	Bytes    int64     `json:"bytes"`
	Problems []Problem `json:"problems"`
	Warnings []Warning `json:"warnings"`
	// Witnesses is what each witness said, in the order given.
	Witnesses []WitnessResult `json:"witnesses"`
	// AuditorStatements counts the service auditor's signed statements
	// that verify, the auditor's records with none, and bad signatures.
	AuditorStatements fieldwork.Counts `json:"auditor_statements"`
}

func (r *Report) add(kind string, entry int64, ref, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: kind, Entry: entry, Ref: ref, Detail: fmt.Sprintf(format, args...)})
}

// BlobVerifier re-hashes a blob.
type BlobVerifier interface {
	Verify(blob.Ref) (int64, error)
}

// Input is what Check reads.
type Input struct {
	Store     attest.Store
	Blobs     BlobVerifier
	PublicKey string
	// Checkpoints signed elsewhere (the checkpoint file in the data
	// directory, one an auditor saved), checked besides the stored ones.
	Checkpoints [][]byte
	// Witnesses keep the ledger's checkpoints outside the data directory:
	// each is read and compared with the ledger (rolled back, forked).
	Witnesses []Witness
	// WitnessedKey, when set, is the public key the witnesses were added
	// for; another PublicKey means the data directory holds another ledger.
	WitnessedKey string
	// Progress, when set, is told how many blob bytes were verified.
	Progress func(done, total int64)
	// Now, when set and Blobs can list what it holds, also looks for what
	// interrupted writes left (see package gc) and reports it as warnings.
	Now time.Time
}

// CheckFor is Check run for a reader of the ledger (sc, auth.Scope):
// refused to a reader who does not read it (the ledger is a working
// paper: management and the auditors read it). An auditor, whose scope
// is not the whole organization, gets every problem by kind, entry and
// blob, without its detail, which may name the organization's records
// (a person on the roster, a policy): management reads those.
func CheckFor(ctx context.Context, sc interface {
	ReadsPapers() error
	All() bool
}, in Input) (*Report, error) {
	if err := sc.ReadsPapers(); err != nil {
		return nil, err
	}
	r, err := Check(ctx, in)
	if err != nil || sc.All() {
		return r, err
	}
	for i := range r.Problems {
		r.Problems[i].Detail = "a problem of kind " + r.Problems[i].Kind + ": its detail is for management, who reads the organization's records"
	}
	return r, nil
}

// Check verifies everything and returns the report; an error means the
// check itself could not run.
func Check(ctx context.Context, in Input) (*Report, error) {
	r := &Report{Problems: []Problem{}, Warnings: []Warning{}, Witnesses: []WitnessResult{}}
	tree, entries, err := rebuild(ctx, in.Store, r)
	if err != nil {
		return nil, err
	}
	if err := compareHashes(ctx, in.Store, tree, r); err != nil {
		return nil, err
	}
	stored, err := in.Store.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	internal := checkCheckpoints(tree, append(stored, in.Checkpoints...), in.PublicKey, r)
	checkWitnesses(ctx, in, tree, internal, r)
	st, err := replay(entries, r)
	if err != nil {
		return nil, err
	}
	if err := compareState(ctx, in.Store, st, r); err != nil {
		return nil, err
	}
	if err := checkStatements(ctx, in.Store, entries, r); err != nil {
		return nil, err
	}
	verifyBlobs(ctx, in, st, r)
	if err := findLeftovers(ctx, in, r); err != nil {
		return nil, err
	}
	r.OK = len(r.Problems) == 0
	return r, nil
}

// rebuild reads every record in order and rebuilds the tree from them.
func rebuild(ctx context.Context, s attest.Store, r *Report) (*ledger.Memory, []ledger.Entry, error) {
	size, err := s.LedgerSize(ctx)
	if err != nil {
		return nil, nil, err
	}
	r.Entries = size
	tree := &ledger.Memory{}
	var entries []ledger.Entry
	next := int64(0)
	err = s.ScanLedger(ctx, 0, size, func(seq int64, rec []byte) error {
		for ; next < seq; next++ {
			r.add(EntryMissing, next, "", "entry %d was removed from the ledger", next)
			entries = append(entries, ledger.Entry{Seq: next})
			if _, err := tree.Append(nil); err != nil {
				return err
			}
		}
		next = seq + 1
		e, err := ledger.Decode(rec)
		switch {
		case err != nil || !ledger.Canonical(rec):
			r.add(EntryMalformed, seq, "", "entry %d is not canonical JSON: it was edited", seq)
		case e.Seq != seq:
			r.add(EntryOutOfOrder, seq, "", "the record stored as entry %d says it is entry %d: entries were reordered", seq, e.Seq)
		}
		entries = append(entries, e)
		_, err = tree.Append(rec)
		return err
	})
	return tree, entries, err
}

func compareHashes(ctx context.Context, s attest.Store, tree *ledger.Memory, r *Report) error {
	var n int64
	reported := map[int64]bool{}
	err := s.ScanHashes(ctx, func(i int64, h tlog.Hash) error {
		defer func() { n++ }()
		if i >= tree.StoredCount() {
			r.add(HashMismatch, -1, "", "stored tree hash %d is beyond the %d entries", i, tree.Size())
			return nil
		}
		if h == tree.Stored(i) {
			return nil
		}
		level, leaf := tlog.SplitStoredHashIndex(i)
		entry := leaf << level
		if level == 0 {
			r.add(EntryChanged, entry, "", "entry %d no longer matches its recorded leaf hash: its content was changed", entry)
		} else if !reported[entry] {
			r.add(HashMismatch, entry, "", "the stored tree hash over entries %d to %d differs from the one rebuilt from the entries", entry, entry+(1<<level)-1)
		}
		reported[entry] = true
		return nil
	})
	if err == nil && n < tree.StoredCount() {
		r.add(HashMismatch, -1, "", "%d stored tree hashes are missing", tree.StoredCount()-n)
	}
	return err
}

// checkCheckpoints checks the checkpoints signed inside the data directory
// and returns the largest tree among those that verify.
func checkCheckpoints(tree *ledger.Memory, signed [][]byte, pub string, r *Report) (largest int64) {
	seen := map[string]bool{}
	for _, s := range signed {
		if seen[string(s)] {
			continue
		}
		seen[string(s)] = true
		cp, err := ledger.Open(s, pub)
		if err != nil {
			r.add(CheckpointInvalid, -1, "", "a stored checkpoint does not verify: %v", attest.ErrorMessage(err))
			continue
		}
		largest = max(largest, cp.Size)
		if cp.Size > tree.Size() {
			r.add(Truncated, tree.Size(), "", "a signed checkpoint covers %d entries but the ledger has %d: entries from %d on were removed", cp.Size, tree.Size(), tree.Size())
			continue
		}
		root, err := tree.Root(cp.Size)
		if err != nil || root != cp.Root {
			r.add(TreeMismatch, -1, "", "the tree of the first %d entries no longer has the root signed in its checkpoint (%s): entries before %d were changed, removed or reordered", cp.Size, cp.Root, cp.Size)
		}
	}
	return largest
}

// verifyBlobs re-hashes every referenced blob, on all cores.
func verifyBlobs(ctx context.Context, in Input, st *state, r *Report) {
	type job struct {
		ref   string
		entry int64
	}
	var jobs []job
	var total int64
	seen := map[string]bool{}
	for _, id := range st.evidenceIDs() {
		e := st.evidence[id]
		if seen[e.Ref] || e.PurgedAt != "" {
			continue // a purged item's bytes may be gone; another item may still hold them
		}
		seen[e.Ref] = true
		jobs = append(jobs, job{e.Ref, e.Entry})
		total += e.Size
	}
	for _, p := range st.populations {
		if !seen[p.Ref] {
			seen[p.Ref] = true
			jobs = append(jobs, job{p.Ref, p.Entry})
		}
	}
	for _, d := range st.documents {
		if !seen[d.Ref] {
			seen[d.Ref] = true
			jobs = append(jobs, job{d.Ref, d.Entry})
		}
	}
	r.Blobs = len(jobs)
	var mu sync.Mutex
	var done int64
	work := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				n, err := in.Blobs.Verify(blob.Ref(j.ref))
				mu.Lock()
				done += n
				switch {
				case attest.ErrorCode(err) == attest.ENOTFOUND:
					r.add(BlobMissing, j.entry, j.ref, "the blob recorded in entry %d is missing", j.entry)
				case err != nil:
					r.add(BlobChanged, j.entry, j.ref, "the blob recorded in entry %d was changed: %v", j.entry, attest.ErrorMessage(err))
				}
				r.Bytes = done
				if in.Progress != nil {
					in.Progress(done, total)
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		work <- j
	}
	close(work)
	wg.Wait()
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Entry < r.Problems[j].Entry })
}

func canon(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
